"""Declarative base, naming convention and reusable column types."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from sqlalchemy import BigInteger, DateTime, MetaData, Text, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import DeclarativeBase, mapped_column

__all__ = ["NAMING_CONVENTION", "Base", "bigint_pk", "created_at", "text_array", "updated_at"]

# Alembic's recommended convention: every constraint gets a predictable name, so
# migrations can drop and alter them without looking names up in the catalogue.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        datetime.datetime: DateTime(timezone=True),
        dict[str, Any]: JSONB,
        list[dict[str, Any]]: JSONB,
        list[str]: ARRAY(Text),
        str: Text,
        int: BigInteger,
    }


bigint_pk = Annotated[int, mapped_column(BigInteger, primary_key=True, autoincrement=True)]
created_at = Annotated[datetime.datetime, mapped_column(server_default=func.now())]
updated_at = Annotated[datetime.datetime, mapped_column(server_default=func.now(), onupdate=func.now())]
text_array = Annotated[list[str], mapped_column(ARRAY(Text), server_default="{}")]

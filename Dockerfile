# The tracker's daemon. DATABASE_URL comes from the environment; configuration files
# are mounted and named with --config or CEASEFIRE_CONFIG.
#   docker run -e DATABASE_URL=postgresql://... -v ./config:/config:ro IMAGE --config /config/tracker.yaml run
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CEASEFIRE_HOME=/var/lib/ceasefire \
    CEASEFIRE_CACHE_DIR=/var/cache/ceasefire

RUN groupadd --system ceasefire && useradd --system --gid ceasefire --home-dir /app ceasefire

WORKDIR /app
COPY pyproject.toml README.md ./
COPY service ./service
COPY jobs ./jobs
COPY db ./db
COPY alembic ./alembic
COPY examples ./examples
RUN pip install -e . \
    && mkdir -p /var/lib/ceasefire /var/cache/ceasefire \
    && chown ceasefire:ceasefire /var/lib/ceasefire /var/cache/ceasefire

USER ceasefire
# Builds the gazetteer cache once, at build time, so the first start is fast.
RUN python -c "from service.extract.places import Gazetteer; Gazetteer.default()"

ENTRYPOINT ["ceasefire-tracker"]
CMD ["run"]

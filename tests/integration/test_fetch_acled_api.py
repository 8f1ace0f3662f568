"""Paging through an ACLED-style API served on the loopback interface."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from service.sources.acled import fetch_acled_api
from service.sources.batch import Rejected
from service.sources.errors import HTTPStatusError, ProviderError
from service.sources.fetch import build_client
from tests.integration._http_fixtures import LoggedRequest, LoopbackServer, Reply
from tests.unit.test_sources_acled import acled_row

pytestmark = pytest.mark.integration


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with build_client(user_agent="t", connect_timeout=2, read_timeout=2) as made:
        yield made


def paged_api(rows: list[dict[str, str]], page_size: int) -> Callable[[LoggedRequest], Reply]:
    def answer(request: LoggedRequest) -> Reply:
        page = int(parse_qs(urlsplit(request.path).query)["page"][0])
        chunk = rows[(page - 1) * page_size : page * page_size]
        body = {"status": 200, "success": True, "data": chunk}
        return Reply(body=json.dumps(body).encode(), headers={"Content-Type": "application/json"})

    return answer


def test_pages_until_a_short_page(server: LoopbackServer, client: httpx.Client) -> None:
    rows = [acled_row(f"UKR{i}") for i in range(5)]
    rows[3] = {"event_id_cnty": "UKR3"}  # refused row, reported through the callback
    server.route("/api/acled/read", paged_api(rows, page_size=2))
    refused: list[Rejected] = []
    pages = list(
        fetch_acled_api(
            client,
            server.url("/api/acled/read"),
            token="tok",
            since_timestamp=1743516309,
            page_size=2,
            allow_private=True,
            on_rejected=refused.append,
        )
    )
    assert [[r.external_id for r in page] for page in pages] == [["UKR0", "UKR1"], ["UKR2"], ["UKR4"]]
    assert [r.ref for r in refused] == ["UKR3"]
    assert len(server.requests) == 3
    first = server.requests[0]
    assert first.headers["authorization"] == "Bearer tok"
    query = parse_qs(urlsplit(first.path).query)
    assert query["limit"] == ["2"]
    assert query["page"] == ["1"]
    assert query["timestamp"] == ["1743516309"]
    assert query["timestamp_where"] == [">="]


def test_max_pages_respected(server: LoopbackServer, client: httpx.Client) -> None:
    rows = [acled_row(f"UKR{i}") for i in range(10)]
    server.route("/read", paged_api(rows, page_size=2))
    pages = list(
        fetch_acled_api(
            client,
            server.url("/read"),
            token="t",
            since_timestamp=None,
            page_size=2,
            max_pages=2,
            allow_private=True,
        )
    )
    assert len(pages) == 2
    assert "timestamp" not in parse_qs(urlsplit(server.requests[0].path).query)


def test_error_envelope_and_status_raised(server: LoopbackServer, client: httpx.Client) -> None:
    denied = {"status": 403, "success": False, "messages": ["access_denied"]}
    server.route("/denied", Reply(body=json.dumps(denied).encode()))
    server.route("/limited", Reply(status=429, headers={"Retry-After": "60"}))
    with pytest.raises(ProviderError, match="access_denied"):
        list(
            fetch_acled_api(
                client, server.url("/denied"), token="t", since_timestamp=None, allow_private=True
            )
        )
    with pytest.raises(HTTPStatusError) as caught:
        list(
            fetch_acled_api(
                client, server.url("/limited"), token="t", since_timestamp=None, allow_private=True
            )
        )
    assert caught.value.retry_after == 60

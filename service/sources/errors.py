"""Errors raised while fetching or parsing a source.

Every message is written for an operator: it ends up in the ``last_status`` column of
``v_sources``, so it says what went wrong and, where it helps, what the limit was.

Hierarchy::

    SourceError
    ├── FetchError               network, transport, timeout or deadline
    │   ├── HTTPStatusError      a non-2xx answer (carries status_code, retry_after)
    │   ├── TooLarge             body or decompressed body over the byte cap
    │   ├── PrivateAddressRefused
    │   └── LocalFileError       a path or file:// source that cannot be read
    ├── ProviderError            an API answered, but with an error envelope
    └── ParseError               not a feed, truncated, entities declared, wrong columns...
"""

from __future__ import annotations

__all__ = [
    "FetchError",
    "HTTPStatusError",
    "LocalFileError",
    "ParseError",
    "PrivateAddressRefused",
    "ProviderError",
    "SourceError",
    "TooLarge",
]


class SourceError(Exception):
    """The source could not be read."""

    def __init__(self, message: str | None = None) -> None:
        # The class docstring's first line is the default message.
        default = (type(self).__doc__ or "source error").strip().splitlines()[0]
        super().__init__(message or default)

    @property
    def message(self) -> str:
        return str(self)


class FetchError(SourceError):
    """The source could not be fetched (network error, timeout or deadline)."""


class HTTPStatusError(FetchError):
    """The server answered with an error status."""

    def __init__(
        self,
        status_code: int,
        *,
        reason: str = "",
        retry_after: float | None = None,
        url: str | None = None,
    ) -> None:
        self.status_code = status_code
        self.retry_after = retry_after
        self.url = url
        text = f"HTTP {status_code}"
        if reason:
            text += f" {reason}"
        if url:
            text += f" from {url}"
        if retry_after is not None:
            text += f" (server asks to retry after {retry_after:.0f} s)"
        super().__init__(text)


class TooLarge(FetchError):
    """The body is larger than the configured byte cap."""

    def __init__(self, message: str | None = None, *, limit: int | None = None) -> None:
        self.limit = limit
        if message is None and limit is not None:
            message = f"the body is larger than the cap of {limit:,} bytes"
        super().__init__(message)


class PrivateAddressRefused(FetchError):
    """Refused to reach a loopback, private, link-local or reserved address (network.allow_private is off)."""


class LocalFileError(FetchError):
    """The local file or folder could not be read."""


class ProviderError(SourceError):
    """The provider's API answered with an error."""


class ParseError(SourceError):
    """The document could not be parsed."""

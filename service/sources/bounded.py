"""Decoding an HTTP body under a hard byte cap.

httpx decodes gzip a whole network chunk at a time, and 64 KiB of gzipped zeros
inflates to about 64 MB in one call. Decompressing ourselves with zlib's
``max_length`` keeps the memory of a decompression bomb at the cap, never above it.
Only ``gzip``, ``deflate`` and ``identity`` are accepted: the client advertises
exactly these.
"""

from __future__ import annotations

import zlib

from service.sources.errors import FetchError, TooLarge

__all__ = ["BoundedBody"]

_GZIP_MAGIC = b"\x1f\x8b"


class BoundedBody:
    """Accumulates raw chunks, decoding them, and raises :class:`TooLarge` past ``limit``."""

    def __init__(self, content_encoding: str | None, *, limit: int) -> None:
        coding = (content_encoding or "identity").strip().lower()
        if coding == "x-gzip":
            coding = "gzip"
        if coding not in ("identity", "gzip", "deflate"):
            raise FetchError(f"unsupported Content-Encoding {content_encoding!r} (only gzip and deflate)")
        self._coding = coding
        self._limit = limit
        self._parts: list[bytes] = []
        self._size = 0
        self._raw_size = 0
        self._inflater: zlib._Decompress | None = None
        if coding == "gzip":
            self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._deflate_started = False

    @property
    def raw_size(self) -> int:
        return self._raw_size

    @property
    def size(self) -> int:
        return self._size

    def _append(self, data: bytes) -> None:
        if not data:
            return
        self._size += len(data)
        if self._size > self._limit:
            raise TooLarge(
                f"the decoded body is larger than the cap of {self._limit:,} bytes", limit=self._limit
            )
        self._parts.append(data)

    def _start_deflate(self, first: bytes) -> zlib._Decompress:
        # "deflate" should be zlib-wrapped, but some servers send raw deflate.
        wrapped = len(first) >= 2 and first[0] & 0x0F == 8 and (first[0] << 8 | first[1]) % 31 == 0
        return zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)

    def _inflate(self, data: bytes) -> None:
        inflater = self._inflater
        assert inflater is not None
        while data:
            try:
                out = inflater.decompress(data, self._limit - self._size + 1)
            except zlib.error as exc:
                raise FetchError(f"the {self._coding} body is corrupt: {exc}") from exc
            self._append(out)
            data = inflater.unconsumed_tail
            if inflater.eof:
                rest = inflater.unused_data + data
                if self._coding == "gzip" and rest.startswith(_GZIP_MAGIC):
                    # Concatenated gzip members are one body (RFC 1952 §2.2).
                    inflater = self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                    data = rest
                else:
                    return

    def feed(self, chunk: bytes) -> None:
        self._raw_size += len(chunk)
        if self._raw_size > self._limit:
            raise TooLarge(f"the body is larger than the cap of {self._limit:,} bytes", limit=self._limit)
        if self._coding == "identity":
            self._append(chunk)
            return
        if self._inflater is None:
            if not chunk:
                return
            self._inflater = self._start_deflate(chunk)
        self._inflate(chunk)

    def finish(self) -> bytes:
        if self._inflater is not None:
            if not self._inflater.eof:
                raise FetchError(f"the {self._coding} body was cut short before its end")
            self._append(self._inflater.flush())
        return b"".join(self._parts)

"""What ``wasmvm serve`` gives uvicorn besides the app: a bound on the time to send a
request's headers.

uvicorn closes a connection that idles between requests (``timeout_keep_alive``), but not
one that connects and sends nothing, or half a request line, or headers a byte a minute:
such a connection is held for ever, and a few hundred of them hold the server. The HTTP
protocol ``header_timeout_protocol(seconds)`` closes a connection whose request headers
are not complete ``seconds`` after it opened or after it started sending them. (The
body has its own bound: ``runner.BodyTimeout``.)
"""

from __future__ import annotations

__all__ = ["header_timeout_protocol"]


def header_timeout_protocol(seconds: float):
    """uvicorn's HTTP protocol (httptools when installed, else h11), closing connections
    whose request headers do not arrive within ``seconds``."""
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    class HeaderTimeoutProtocol(AutoHTTPProtocol):
        _header_timer = None

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self._in_request():
                self._disarm()
            elif self._header_timer is None:  # part of a request line or of its headers
                self._arm()

        def connection_lost(self, exc) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _in_request(self) -> bool:
            cycle = getattr(self, "cycle", None)
            return cycle is not None and not cycle.response_complete

        def _arm(self) -> None:
            self._disarm()
            self._header_timer = self.loop.call_later(seconds, self._expired)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _expired(self) -> None:
            self._header_timer = None
            if not self._in_request() and not self.transport.is_closing():
                self.transport.close()

    return HeaderTimeoutProtocol

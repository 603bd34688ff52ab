"""The one HTTP server of `lotsen serve`: Slack (HTTP mode), the Telegram webhook and /healthz.

Standard library only (a thread per request), so it knows nothing of either channel library:
the channel packages register a route, a callable taking the raw request and returning the
response. The raw body is handed over untouched, as signature checks need it byte for byte.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

MAX_BODY = 1_000_000
IDLE_TIMEOUT = 15.0


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    query: str
    headers: dict[str, str]  # names lower-cased
    body: bytes


@dataclass
class HttpResponse:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data, status: int = 200) -> HttpResponse:
        return cls(status, json.dumps(data).encode(), {"Content-Type": "application/json"})


Route = Callable[[HttpRequest], HttpResponse]
HealthCheck = Callable[[], bool]


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() waits for requests in flight
    block_on_close = True
    allow_reuse_address = True


class HttpServer:
    """Routes by exact path. `port=0` picks a free port (tests); `.port` tells which."""

    def __init__(self, *, host: str = "0.0.0.0", port: int = 8080) -> None:
        self._routes: dict[str, Route] = {}
        self._health: dict[str, HealthCheck] = {}
        self._server = _Server((host, port), self._handler_class())
        self._thread: threading.Thread | None = None
        # Open keep-alive connections -> busy (a request is being answered) or idle.
        self._connections: dict[socket.socket, bool] = {}
        self._lock = threading.Lock()

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add_route(self, path: str, route: Route) -> None:
        self._routes[path] = route

    def add_health_check(self, name: str, check: HealthCheck) -> None:
        self._health[name] = check

    def start(self) -> None:
        self._thread = threading.Thread(target=self._server.serve_forever, name="lotsen-http",
                                        kwargs={"poll_interval": 0.2}, daemon=True)
        self._thread.start()
        log.info("http: listening on port %d (%s)", self.port, ", ".join(sorted(self._routes)) or "health only")

    def stop(self) -> None:
        """Stop accepting, close idle keep-alive connections, and wait for the requests in
        flight to be answered."""
        if self._thread is None:  # never started (a failed start-up): only release the port
            self._server.server_close()
            return
        self._server.shutdown()
        with self._lock:
            idle = [conn for conn, busy in self._connections.items() if not busy]
        for conn in idle:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def health(self) -> HttpResponse:
        checks = {}
        for name, check in self._health.items():
            try:
                checks[name] = bool(check())
            except Exception:  # a failing check is an unhealthy component, not a crash
                checks[name] = False
        healthy = all(checks.values())
        return HttpResponse.json({"status": "ok" if healthy else "unhealthy", "checks": checks},
                                 200 if healthy else 503)

    def dispatch(self, request: HttpRequest) -> HttpResponse:
        if request.path in ("/healthz", "/health") and request.method in ("GET", "HEAD"):
            return self.health()
        route = self._routes.get(request.path)
        if route is None:
            return HttpResponse.json({"error": "not found"}, 404)
        try:
            return route(request)
        except Exception:
            log.exception("http: route %s failed", request.path)
            return HttpResponse.json({"error": "internal error"}, 500)

    def _handler_class(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = IDLE_TIMEOUT  # an idle keep-alive connection is closed after this

            def setup(self) -> None:
                super().setup()
                with server._lock:
                    server._connections[self.connection] = False

            def finish(self) -> None:
                with server._lock:
                    server._connections.pop(self.connection, None)
                super().finish()

            def _handle(self) -> None:
                with server._lock:
                    server._connections[self.connection] = True
                try:
                    self._handle_request()
                finally:
                    with server._lock:
                        server._connections[self.connection] = False

            def _handle_request(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY:
                    self._send(HttpResponse.json({"error": "too large"}, 413))
                    return
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                request = HttpRequest(self.command, parts.path, parts.query,
                                      {k.lower(): v for k, v in self.headers.items()}, body)
                self._send(server.dispatch(request))

            def _send(self, response: HttpResponse) -> None:
                self.send_response(response.status)
                for name, value in response.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(response.body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(response.body)

            do_GET = do_POST = do_HEAD = _handle

            def log_message(self, format, *args) -> None:  # noqa: A002 - no paths/bodies at INFO
                log.debug("http: " + format, *args)

        return Handler

"""The one HTTP server of `lotsen serve`: Starlette on uvicorn, in a thread of its own.

It knows no channel. The channel packages add their routes (Slack's events, Telegram's
webhook); the server itself answers

- `GET /healthz`: alive. 200 as soon as the process serves.
- `GET /readyz`: ready. 200 when every readiness check (each configured channel, the
  scheduler, ...) passes; 503 otherwise, with a JSON body naming what is not ready.

Every request passes the Guard (bot.adapters.http.guard): a body size limit (413), quiet client
hang-ups, a failing route logged once and answered 500.

A route is a Starlette endpoint, `async def endpoint(request) -> Response` (a plain function
runs in a worker thread), so GET pages, streaming responses (StreamingResponse) and anything
else Starlette offers can be added with `add_route`, or `add(...)` for a Mount or a WebSocket
route. Routes may be added before or after `start()`.

`stop()` is graceful: no new connections, idle keep-alive connections closed, the requests in
flight answered (up to `shutdown_timeout` seconds), then the thread ends.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import socket
import threading
import types
from collections.abc import Callable, Sequence

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.adapters.http.guard import Guard

log = logging.getLogger("bot.adapters.http")

MAX_BODY = 1_000_000
IDLE_TIMEOUT = 15  # seconds an idle keep-alive connection stays open
SHUTDOWN_TIMEOUT = 30.0

ReadinessCheck = Callable[[], bool]
Endpoint = Callable[[Request], object]


class HttpServer:
    """Binds at construction (an OSError if the port is taken); `port=0` picks a free port."""

    def __init__(self, *, host: str = "0.0.0.0", port: int = 8080, max_body: int = MAX_BODY,
                 shutdown_timeout: float = SHUTDOWN_TIMEOUT) -> None:
        self._checks: dict[str, ReadinessCheck] = {}
        self._shutdown_hooks: list[Callable[[], None]] = []
        self.app = Starlette(routes=[Route("/healthz", self._healthz, methods=["GET"]),
                                     Route("/readyz", self._readyz, methods=["GET"])],
                             middleware=[Middleware(Guard, max_body=max_body)])
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._socket = socket.socket(family, socket.SOCK_STREAM)
        try:
            self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self._socket.bind((host, port))
            self._socket.listen(2048)
        except OSError:
            self._socket.close()
            raise
        self._socket.setblocking(False)
        self._port = self._socket.getsockname()[1]
        config = uvicorn.Config(self.app, log_config=None, access_log=False, lifespan="off",
                                timeout_keep_alive=IDLE_TIMEOUT, timeout_graceful_shutdown=shutdown_timeout,  # type: ignore[arg-type]  # annotated int; uvicorn waits with asyncio.wait_for, seconds as a float
                                server_header=False)
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None
        self._started = threading.Event()
        self._error: BaseException | None = None

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- routes and checks -------------------------------------------------------------------
    def add_route(self, path: str, endpoint: Endpoint, *, methods: Sequence[str] = ("POST",)) -> None:
        """`endpoint(request) -> Response`: a coroutine function, a plain function (run in a
        worker thread) or an object whose `__call__` is one of these. GET routes answer HEAD too."""
        if not (inspect.isfunction(endpoint) or inspect.ismethod(endpoint)):
            # starlette would take an object for a raw ASGI app: give it the bound __call__
            endpoint = types.MethodType(type(endpoint).__call__, endpoint)
        self.add(Route(path, endpoint, methods=list(methods)))

    def add(self, route: BaseRoute) -> None:
        """Any starlette route: a Mount (static files, a sub-application), a WebSocketRoute."""
        self.app.router.routes.append(route)

    def add_readiness_check(self, name: str, check: ReadinessCheck) -> None:
        """`check()` must be quick and must not block: it runs on the server's event loop."""
        self._checks[name] = check

    def add_shutdown_hook(self, hook: Callable[[], None]) -> None:
        """`hook()` runs first thing in `stop()`: a route whose responses never end by themselves
        (a live stream) ends them there, so the server does not wait for them."""
        self._shutdown_hooks.append(hook)

    def readiness(self) -> dict[str, bool]:
        checks = {}
        for name, check in self._checks.items():
            try:
                checks[name] = bool(check())
            except Exception:  # a failing check is a component not ready, not a crash
                checks[name] = False
        return checks

    async def _healthz(self, request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def _readyz(self, request: Request) -> Response:
        checks = self.readiness()
        waiting = [name for name, ok in checks.items() if not ok]
        if waiting:
            return JSONResponse({"status": "not ready", "not_ready": waiting, "checks": checks}, 503)
        return JSONResponse({"status": "ready", "checks": checks})

    # --- running -----------------------------------------------------------------------------
    def start(self, timeout: float = 30.0) -> None:
        self._thread = threading.Thread(target=self._run, name="lotsen-http", daemon=True)
        self._thread.start()
        if not self._started.wait(timeout):
            raise RuntimeError("the HTTP server did not start in time")
        if self._error is not None:
            raise self._error
        paths = sorted(getattr(r, "path", "") for r in self.app.router.routes)
        log.info("http: listening on port %d (%s)", self.port, ", ".join(paths))

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # reported by start(), or logged when it happens later
            if not self._started.is_set():
                self._error = exc
                self._started.set()
            else:
                log.error("http: the server stopped: %s", type(exc).__name__, exc_info=exc)

    async def _serve(self) -> None:
        serving = asyncio.create_task(self._server.serve(sockets=[self._socket]))
        while not self._server.started and not serving.done():
            await asyncio.sleep(0.01)
        self._started.set()
        await serving

    def stop(self) -> None:
        """Stop accepting, close idle connections, answer the requests in flight, end the thread."""
        for hook in self._shutdown_hooks:
            try:
                hook()
            except Exception:
                log.exception("http: a shutdown hook failed")
        if self._thread is None:  # never started (a failed start-up): only release the port
            self._socket.close()
            return
        self._server.should_exit = True
        self._thread.join()
        self._socket.close()

"""A small threaded HTTP server that parses JSON, form and multipart bodies and records calls."""

from __future__ import annotations

import email.parser
import email.policy
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)
    status: int = 200
    files: dict[str, bytes] = field(default_factory=dict)
    response: Any = None  # what the fake answered


def _maybe_json(value: str) -> Any:
    try:
        return json.loads(value)
    except (ValueError, TypeError):
        return value


def parse_body(content_type: str, body: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Parameters and files from a request body, whichever encoding the client chose. Form
    values that are JSON (python-telegram-bot encodes reply_markup and numbers that way) are
    decoded."""
    content_type = content_type or ""
    if not body:
        return {}, {}
    if content_type.startswith("application/json"):
        return json.loads(body), {}
    if content_type.startswith("multipart/form-data"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
        params, files = {}, {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            if part.get_filename():
                files[name] = payload
            else:
                params[name] = _maybe_json(payload.decode())
        return params, files
    return {k: _maybe_json(v) for k, v in parse_qsl(body.decode(), keep_blank_values=True)}, {}


class FakeServer:
    """Subclasses implement `respond(path, call) -> (status, headers, json_body)`."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self._held: dict[str, threading.Event] = {}
        self.waiting: list[str] = []  # methods of requests being held right now
        self._cuts: dict[str, int] = {}  # method -> requests to drop without an answer
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                params, files = parse_body(self.headers.get("Content-Type", ""), body)
                params.update({k: _maybe_json(v) for k, v in parse_qsl(parts.query)})
                call = Call(parts.path.rsplit("/", 1)[-1], params,
                            {k.lower(): v for k, v in self.headers.items()}, files=files)
                if fake._take_cut(call.method):
                    self.close_connection = True  # hang up without an answer (a reset keep-alive)
                    return
                fake._wait_if_held(call.method)
                status, headers, payload = fake.respond(parts.path, call)
                call.status, call.response = status, payload
                with fake.changed:
                    fake.calls.append(call)
                    fake.changed.notify_all()
                data = json.dumps(payload).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (shutdown)
                    pass

            do_GET = do_POST = _handle

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        kwargs={"poll_interval": 0.05})

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def start(self):
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def cut_next(self, method: str, *, times: int = 1) -> None:
        """The next `times` requests for `method` are read and then the connection is closed
        without an answer, as a server or proxy that drops a connection does."""
        with self.lock:
            self._cuts[method] = self._cuts.get(method, 0) + times

    def _take_cut(self, method: str) -> bool:
        with self.lock:
            if self._cuts.get(method, 0) <= 0:
                return False
            self._cuts[method] -= 1
            return True

    def hold(self, method: str) -> threading.Event:
        """Requests for `method` wait (listed in `waiting`) until the returned event is set."""
        with self.lock:
            self._held[method] = threading.Event()
            return self._held[method]

    def _wait_if_held(self, method: str) -> None:
        with self.lock:
            gate = self._held.get(method)
        if gate is None:
            return
        with self.changed:
            self.waiting.append(method)
            self.changed.notify_all()
        gate.wait(60)
        with self.changed:
            self.waiting.remove(method)

    def respond(self, path: str, call: Call) -> tuple[int, dict, Any]:  # pragma: no cover
        raise NotImplementedError

    # --- assertions -------------------------------------------------------------------------
    def calls_to(self, method: str, *, ok_only: bool = True) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.method == method and (c.status == 200 or not ok_only)]

    def wait_for(self, predicate, timeout: float = 10.0):
        """Wait until `predicate(self)` is truthy; return its value or raise AssertionError."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                value = predicate(self)
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out; calls: {[c.method for c in self.calls]}")
                self.changed.wait(min(remaining, 0.05))

    def wait_calls(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        return self.wait_for(lambda f: (lambda cs: cs if len(cs) >= count else None)(f.calls_to(method)),
                             timeout)

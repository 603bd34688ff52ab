"""The one HTTP server (Starlette on uvicorn): /healthz and /readyz, the body size limit, client
hang-ups without tracebacks, GET pages and streaming responses, and a graceful stop."""

from __future__ import annotations

import logging
import socket
import threading
import time

import anyio
import httpx
import pytest
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, StreamingResponse

from bot.adapters.http import HttpServer


@pytest.fixture
def http():
    server = HttpServer(host="127.0.0.1", port=0, max_body=1000)
    server.start()
    yield server
    server.stop()


async def echo(request: Request) -> JSONResponse:
    return JSONResponse({"bytes": len(await request.body())})


def raw_connection(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def wait_until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


def test_healthz_is_alive_and_readyz_names_what_is_not_ready(http):
    state = {"telegram": False, "scheduler": False}
    http.add_readiness_check("telegram", lambda: state["telegram"])
    http.add_readiness_check("scheduler", lambda: state["scheduler"])
    http.add_readiness_check("broken", lambda: 1 / 0)
    assert httpx.get(f"{http.url}/healthz").json() == {"status": "ok"}
    response = httpx.get(f"{http.url}/readyz")
    assert response.status_code == 503
    assert response.json()["not_ready"] == ["telegram", "scheduler", "broken"]
    state.update(telegram=True, scheduler=True)
    http.add_readiness_check("broken", lambda: True)
    response = httpx.get(f"{http.url}/readyz")
    assert response.status_code == 200 and response.json()["status"] == "ready"
    assert response.json()["checks"] == {"telegram": True, "scheduler": True, "broken": True}
    assert httpx.head(f"{http.url}/healthz").status_code == 200


def test_routes_get_pages_and_methods(http):
    http.add_route("/echo", echo)  # POST only by default
    http.add_route("/page", lambda request: HTMLResponse("<h1>Lotsen</h1>"), methods=["GET"])  # sync: a thread
    assert httpx.post(f"{http.url}/echo", content=b"x" * 10).json() == {"bytes": 10}
    assert httpx.get(f"{http.url}/echo").status_code == 405
    page = httpx.get(f"{http.url}/page")
    assert page.status_code == 200 and page.text == "<h1>Lotsen</h1>" and page.headers["content-type"].startswith("text/html")
    assert httpx.get(f"{http.url}/nowhere").status_code == 404


def test_a_body_over_the_limit_gets_413_declared_or_streamed(http):
    seen: list[int] = []

    async def counting(request: Request) -> JSONResponse:
        body = await request.body()
        seen.append(len(body))
        return JSONResponse({"bytes": len(body)})

    http.add_route("/in", counting)
    with httpx.Client(base_url=http.url) as client:
        assert client.post("/in", content=b"x" * 1000).status_code == 200
        too_large = client.post("/in", content=b"x" * 1001)
        assert too_large.status_code == 413 and too_large.json()["limit_bytes"] == 1000
        chunked = client.post("/in", content=iter([b"y" * 600] * 5))  # no Content-Length: counted as it arrives
        assert chunked.status_code == 413
        assert client.post("/in", content=b"z" * 10).json() == {"bytes": 10}  # the connection still serves
    assert seen == [1000, 10]  # the route never saw an oversized body


def test_a_client_hanging_up_mid_body_leaves_no_traceback(http, caplog, capfd):
    entered, outcome = threading.Event(), []

    async def waits_for_body(request: Request) -> JSONResponse:
        entered.set()
        try:
            await request.body()
        except ClientDisconnect:
            outcome.append("client hung up")
            raise
        return JSONResponse({})

    http.add_route("/upload", waits_for_body)
    caplog.set_level(logging.DEBUG)
    with raw_connection(http.port) as conn:
        conn.sendall(b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n" + b"a" * 100)
        assert entered.wait(10)
    wait_until(lambda: outcome)
    http.stop()  # graceful: returns once the request's handling has ended
    assert outcome == ["client hung up"]
    assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []
    assert any("hung up" in r.getMessage() for r in caplog.records)
    assert "Traceback" not in capfd.readouterr().err


def test_a_client_hanging_up_mid_stream_leaves_no_traceback(http, caplog, capfd):
    more, finished = threading.Event(), []

    async def stream(request: Request) -> StreamingResponse:
        async def chunks():
            try:
                yield b"first\n"
                await anyio.to_thread.run_sync(more.wait)
                for _ in range(100):
                    yield b"more\n"
                    await anyio.sleep(0)
            finally:
                finished.append(True)
        return StreamingResponse(chunks(), media_type="text/plain")

    http.add_route("/stream", stream, methods=["GET"])
    caplog.set_level(logging.DEBUG)
    with httpx.Client() as client, client.stream("GET", f"{http.url}/stream") as response:
        assert next(response.iter_raw()).startswith(b"first")
    more.set()  # the client is gone; the stream goes on
    wait_until(lambda: finished)
    http.stop()
    assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []
    assert "Traceback" not in capfd.readouterr().err


def test_stop_answers_the_requests_in_flight_and_takes_no_new_ones():
    http = HttpServer(host="127.0.0.1", port=0)
    entered, release = threading.Event(), threading.Event()

    def slow(request: Request) -> JSONResponse:  # a plain function: runs in a worker thread
        entered.set()
        assert release.wait(30)
        return JSONResponse({"done": True})

    http.add_route("/slow", slow, methods=["GET"])
    http.start()
    answers = []
    client = threading.Thread(target=lambda: answers.append(httpx.get(f"{http.url}/slow", timeout=30)))
    client.start()
    assert entered.wait(10)
    stopper = threading.Thread(target=http.stop)
    stopper.start()

    def refused() -> bool:
        try:
            raw_connection(http.port).close()
            return False
        except OSError:
            return True

    wait_until(refused)  # no new connections while the slow request is still being answered
    assert stopper.is_alive() and not answers
    release.set()
    client.join(30)
    stopper.join(30)
    assert answers[0].status_code == 200 and answers[0].json() == {"done": True}
    assert not stopper.is_alive()


def test_a_taken_port_is_an_error_at_construction():
    first = HttpServer(host="127.0.0.1", port=0)
    try:
        with pytest.raises(OSError):
            HttpServer(host="127.0.0.1", port=first.port)
    finally:
        first.stop()

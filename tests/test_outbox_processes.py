"""Exactly once across processes: a dispatcher killed with SIGKILL mid-sweep and restarted,
and two dispatcher processes on one PostgreSQL database.

Each child (tests/outbox_child.py) runs the real dispatcher; its handler POSTs every message
to a recording HTTP server in this test process. "Exactly once" for the message in flight
when the child is killed: the receiver got it once, the row is `unknown`, and no later sweep
sends it again. Every other message is received exactly once and ends `sent`.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlmodel import select

from bot.core.clock import SystemClock
from bot.outbox.models import OutboxItem
from bot.outbox.service import enqueue
from bot.storage.db import Database
from bot.storage.migrate import upgrade

CHILD = Path(__file__).resolve().parent / "outbox_child.py"
WAIT = 60  # seconds: an upper bound for things that happen in well under a second


class Receiver:
    """Records each POSTed delivery; optionally blocks on the Nth until released."""

    def __init__(self, *, block_on: int | None = None) -> None:
        self.received: list[dict] = []
        self.lock = threading.Lock()
        self.block_on = block_on
        self.blocked = threading.Event()
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with receiver.lock:
                    receiver.received.append(body)
                    count = len(receiver.received)
                if receiver.block_on is not None and count == receiver.block_on:
                    receiver.blocked.set()
                    receiver.release.wait(WAIT)
                try:
                    self.send_response(200)
                    self.end_headers()
                except OSError:
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/deliver"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def keys(self) -> Counter:
        with self.lock:
            return Counter(body["key"] for body in self.received)


def _seed(url: str, count: int) -> list[str]:
    db = Database.from_url(url)
    upgrade(db.engine)
    now = SystemClock().now()
    keys = [f"meeting:1:signup:{n}:remind:1d" for n in range(count)]
    with db.session() as session:
        for key in keys:
            enqueue(session, kind="message", channel="console", address="x", payload={"text": key},
                    due_at=now - timedelta(minutes=1), expires_at=now + timedelta(days=1), dedupe_key=key)
    db.dispose()
    return keys


def _statuses(url: str) -> dict[str, str]:
    db = Database.from_url(url)
    with db.session() as session:
        rows = {row.dedupe_key: row.status for row in session.exec(select(OutboxItem))}
    db.dispose()
    return rows


def _child(url: str, receiver: Receiver, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(CHILD), url, receiver.url, *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(proc: subprocess.Popen) -> None:
    out, err = proc.communicate(timeout=WAIT)
    assert proc.returncode == 0, err


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_url(request, sqlite_url):
    if request.param == "sqlite":
        return sqlite_url
    return request.getfixturevalue("pg_url")


def test_sigkill_mid_sweep_then_restart_sends_each_once(any_url):
    keys = _seed(any_url, 12)
    with Receiver(block_on=5) as receiver:
        first = _child(any_url, receiver, "--lease", "300", "--limit", "4")
        assert receiver.blocked.wait(WAIT), "the child never reached the fifth message"
        os.kill(first.pid, signal.SIGKILL)
        first.wait(WAIT)
        receiver.release.set()
        in_flight = receiver.received[4]["key"]
        before = _statuses(any_url)
        assert before[in_flight] == "sending"
        assert list(before.values()).count("sent") == 4
        # Restarted while the dead process's lease still runs: nothing it held is touched.
        early = _child(any_url, receiver, "--lease", "300", "--limit", "4")
        _finish(early)
        assert _statuses(any_url)[in_flight] == "sending"
        # Restarted after the lease ran out (the clock is moved on): the rest goes out once.
        again = _child(any_url, receiver, "--lease", "300", "--clock-offset", "600")
        _finish(again)
        # And a further sweep finds nothing left to send.
        _finish(_child(any_url, receiver, "--clock-offset", "1200"))
        received = receiver.keys()
    assert set(received) == set(keys)
    assert all(count == 1 for count in received.values()), received
    after = _statuses(any_url)
    assert after[in_flight] == "unknown"
    assert all(status == "sent" for key, status in after.items() if key != in_flight)


@pytest.mark.postgres
def test_two_processes_on_one_postgres_send_each_once(pg_url):
    keys = _seed(pg_url, 200)
    with Receiver() as receiver:
        children = [_child(pg_url, receiver, "--limit", "3") for _ in range(2)]
        for child in children:
            _finish(child)
        received = receiver.keys()
    assert set(received) == set(keys)
    assert max(received.values()) == 1, [k for k, c in received.items() if c > 1]
    assert set(_statuses(pg_url).values()) == {"sent"}


def test_two_processes_on_one_sqlite_file_send_each_once(sqlite_url):
    keys = _seed(sqlite_url, 100)
    with Receiver() as receiver:
        children = [_child(sqlite_url, receiver, "--limit", "3") for _ in range(2)]
        for child in children:
            _finish(child)
        received = receiver.keys()
    assert set(received) == set(keys) and max(received.values()) == 1
    assert set(_statuses(sqlite_url).values()) == {"sent"}

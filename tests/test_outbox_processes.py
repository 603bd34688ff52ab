"""Exactly once across processes: a dispatcher killed with SIGKILL mid-sweep and restarted,
a killed dispatcher's rows taken over by a live one within 30 seconds, and two dispatcher
processes on one database.

Each child (tests/outbox_child.py) runs the real dispatcher; its handler POSTs every message
to a recording HTTP server in this test process. "Exactly once" for the message in flight
when the child is killed: the receiver got it once, the row is `unknown`, no later sweep
sends it again, and the navigators' desk is told about it once. Every other message is
received exactly once and ends `sent`.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
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


def _seed(url: str, count: int, *, offset: str = "1d", due_ago: timedelta = timedelta(minutes=1),
          expires_in: timedelta = timedelta(days=1)) -> list[str]:
    """`count` reminders due `due_ago`, whose meeting starts (and which expire) in `expires_in`."""
    db = Database.from_url(url)
    upgrade(db.engine)
    now = SystemClock().now()
    keys = [f"meeting:1:signup:{n}:remind:{offset}" for n in range(count)]
    with db.session() as session:
        for key in keys:
            enqueue(session, kind="message", channel="console", address="x", payload={"text": key},
                    due_at=now - due_ago, expires_at=now + expires_in, dedupe_key=key)
    db.dispose()
    return keys


def _rows(url: str) -> list[OutboxItem]:
    db = Database.from_url(url)
    with db.session() as session:
        rows = list(session.exec(select(OutboxItem)))
    db.dispose()
    return rows


def _statuses(url: str) -> dict[str, str]:
    return {row.dedupe_key: row.status for row in _rows(url)}


def _wait(predicate, timeout: float = WAIT, what: str = "the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


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
    # Every message once; the one in flight never again, and the desk told about it once.
    assert set(received) == {*keys, f"desk:{in_flight}"}
    assert all(count == 1 for count in received.values()), received
    after = _statuses(any_url)
    assert after[in_flight] == "unknown"
    assert all(status == "sent" for key, status in after.items() if key != in_flight)


SERVE = ("--serve", "0.2", "--lease", "2", "--heartbeat", "0.3", "--limit", "10")


def test_a_killed_process_rows_are_sent_by_a_live_one_within_30_seconds(any_url):
    """Two processes sweep like `lotsen serve` (short leases, set as a deployment would). One
    holds a claim of ten reminders whose meeting starts in four minutes; while it lives, its
    heartbeat keeps them from the other, long past the first lease. Killed with SIGKILL, its
    reminders are sent by the other within 30 seconds, each once, none expired; the one it was
    sending is not repeated and is reported to the desk once."""
    reminders = _seed(any_url, 20, offset="4m", due_ago=timedelta(minutes=2), expires_in=timedelta(minutes=4))
    messages = _seed_messages(any_url, 20)
    with Receiver(block_on=3) as receiver, _reaped() as children:
        doomed = children(_child(any_url, receiver, *SERVE))
        assert receiver.blocked.wait(WAIT), "the first process never reached its third message"
        in_flight = receiver.received[2]["key"]
        held = {row.dedupe_key: row for row in _rows(any_url) if row.status in ("claimed", "sending")}
        assert len(held) == 8 and set(held) <= set(reminders)
        [owner] = {row.lease_owner for row in held.values()}
        first_lease = max(row.lease_until for row in held.values())
        live = children(_child(any_url, receiver, *SERVE))
        # The live process sends everything not held, and the holder's heartbeat keeps its rows
        # well past the lease they were claimed with (the live one sweeps every 0.2 s).
        _wait(lambda: set(receiver.keys()) >= set(reminders + messages) - set(held), what="the free rows")
        def renewed_past_the_first_lease() -> bool:
            rows = [row for row in _rows(any_url) if row.dedupe_key in held]
            taken = [row.dedupe_key for row in rows if (row.status, row.lease_owner) not in held_states]
            assert not taken, f"rows taken from an owner that lives: {taken}"
            return all(row.lease_until > first_lease + timedelta(seconds=2) for row in rows)

        held_states = {("claimed", owner), ("sending", owner)}
        _wait(renewed_past_the_first_lease, what="the leases renewed")
        assert not set(receiver.keys()) & (set(held) - {in_flight})

        os.kill(doomed.pid, signal.SIGKILL)
        killed_at = time.monotonic()
        doomed.wait(WAIT)
        receiver.release.set()
        expected = {*reminders, *messages, f"desk:{in_flight}"}
        _wait(lambda: set(receiver.keys()) >= expected, timeout=30, what="the killed process's rows")
        taken_over_in = time.monotonic() - killed_at
        live.send_signal(signal.SIGTERM)
        _finish(live)
        received = receiver.keys()
    assert taken_over_in < 30
    assert set(received) == expected and max(received.values()) == 1, received
    statuses = _statuses(any_url)
    assert statuses[in_flight] == "unknown"
    assert all(statuses[key] == "sent" for key in expected - {in_flight} if not key.startswith("desk:"))
    [report] = [row for row in _rows(any_url) if row.kind == "desk.unknown"]
    assert report.status == "sent"


@contextmanager
def _reaped():
    """Children that keep serving are killed however the test ends."""
    started: list[subprocess.Popen] = []
    try:
        yield lambda proc: started.append(proc) or proc
    finally:
        for proc in started:
            if proc.poll() is None:
                proc.kill()
                proc.wait(WAIT)


def _seed_messages(url: str, count: int) -> list[str]:
    db = Database.from_url(url)
    now = SystemClock().now()
    keys = [f"case:{n}:event:1:message" for n in range(count)]
    with db.session() as session:
        for key in keys:
            enqueue(session, kind="message", channel="console", address="x", payload={"text": key},
                    due_at=now - timedelta(seconds=30), dedupe_key=key)
    db.dispose()
    return keys


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

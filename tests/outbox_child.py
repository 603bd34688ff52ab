"""A child process for the outbox crash and concurrency tests (tests/test_outbox_*.py).

    python tests/outbox_child.py DB_URL RECEIVER_URL [--lease S] [--heartbeat S] [--clock-offset S]
                                 [--limit N] [--serve SECONDS_BETWEEN_SWEEPS]

Runs the real OutboxDispatcher; its "message" handler POSTs each row's dedupe key and process
id to the test's recording HTTP server, and its "desk.unknown" handler (the report to the
navigators' desk about an unknown outcome) POSTs "desk:<the reported row's key>". Without
--serve it sweeps until nothing due is left; with --serve it sweeps like `lotsen serve` does,
every so many seconds, until SIGTERM.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.ports import Delivery  # noqa: E402
from bot.outbox.dispatcher import OutboxDispatcher  # noqa: E402
from bot.outbox.models import OutboxItem  # noqa: E402
from bot.storage.db import Database  # noqa: E402


class OffsetClock:
    def __init__(self, offset: float) -> None:
        self.offset = timedelta(seconds=offset)

    def now(self) -> datetime:
        return datetime.now(timezone.utc) + self.offset


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("db_url")
    parser.add_argument("receiver")
    parser.add_argument("--lease", type=float, default=300)
    parser.add_argument("--heartbeat", type=float, default=None)
    parser.add_argument("--clock-offset", type=float, default=0)
    parser.add_argument("--limit", type=int, default=50)
    parser.add_argument("--serve", type=float, default=None)
    args = parser.parse_args()

    def post(body: dict) -> Delivery:
        data = json.dumps({**body, "pid": os.getpid()}).encode()
        request = urllib.request.Request(args.receiver, data=data, method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=120) as response:
            return Delivery(ok=response.status == 200, ref=f"r{body['id']}")

    db = Database.from_url(args.db_url)

    def send(item) -> Delivery:
        return post({"key": item.dedupe_key, "id": item.id})

    def report(item) -> Delivery:
        with db.session() as session:
            reported = session.get(OutboxItem, item.payload["outbox_id"])
            return post({"key": f"desk:{reported.dedupe_key}", "id": item.id})

    heartbeat = timedelta(seconds=args.heartbeat if args.heartbeat is not None else args.lease / 4)
    dispatcher = OutboxDispatcher(db=db, clock=OffsetClock(args.clock_offset),
                                  handlers={"message": send, "desk.unknown": report},
                                  lease=timedelta(seconds=args.lease), heartbeat=heartbeat)
    if args.serve is None:
        while dispatcher.run_once(limit=args.limit).busy:
            pass
    else:
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        print("serving", flush=True)
        while not stop.is_set():
            dispatcher.run_once(limit=args.limit)
            stop.wait(args.serve)
    db.dispose()
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

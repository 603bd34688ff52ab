"""A child process for the outbox crash and concurrency tests (tests/test_outbox_*.py).

    python tests/outbox_child.py DB_URL RECEIVER_URL [--lease S] [--clock-offset S] [--limit N]

Runs the real OutboxDispatcher until nothing due is left; its "message" handler POSTs each
row's dedupe key and process id to the test's recording HTTP server.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.ports import Delivery  # noqa: E402
from bot.outbox.dispatcher import OutboxDispatcher  # noqa: E402
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
    parser.add_argument("--clock-offset", type=float, default=0)
    parser.add_argument("--limit", type=int, default=50)
    args = parser.parse_args()

    def send(item) -> Delivery:
        body = json.dumps({"key": item.dedupe_key, "id": item.id, "pid": os.getpid()}).encode()
        request = urllib.request.Request(args.receiver, data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=120) as response:
            return Delivery(ok=response.status == 200, ref=f"r{item.id}")

    db = Database.from_url(args.db_url)
    dispatcher = OutboxDispatcher(db=db, clock=OffsetClock(args.clock_offset), handlers={"message": send},
                                  lease=timedelta(seconds=args.lease))
    while True:
        result = dispatcher.run_once(limit=args.limit)
        if not (result.sent or result.failed or result.retried or result.skipped
                or result.unknown or result.recovered):
            break
    db.dispose()
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

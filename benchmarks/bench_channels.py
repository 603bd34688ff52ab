"""Channel benchmarks, printed as JSON (never timed tests).

1. Slack HTTP mode under load: the acknowledgement latency (p50/p99) of signed events and
   button presses sent concurrently while five slow handlers (the core taking seconds) are busy.
   Target: p99 < 1 s (Slack allows 3 s). Everything (load generator, fake Slack, bolt, the slow
   work after the ack) shares one Python process here, so the high-concurrency figure is a
   pessimistic bound on a single worker process.
2. Telegram pacing: a burst of 200 replies to 50 chats and 30 posts to one navigators' group,
   through the real PTB bot and our PacedRateLimiter, against a fake Bot API that enforces
   Telegram's limits as strict sliding windows and counts every 429.

    .venv/bin/python benchmarks/bench_channels.py            # real limits (~75 s: 20 posts/min)
    .venv/bin/python benchmarks/bench_channels.py --quick    # group window scaled to 6 s
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402

from bot.adapters.http import HttpServer  # noqa: E402
from bot.adapters.slack.app import build_slack_app  # noqa: E402
from bot.adapters.slack.client import make_web_client  # noqa: E402
from bot.adapters.slack.http import SlackHttpRoute  # noqa: E402
from bot.adapters.telegram.app import TelegramRunner, build_application  # noqa: E402
from bot.adapters.telegram.ratelimit import PacedRateLimiter  # noqa: E402
from tests.fakes.service import FakeLotsen  # noqa: E402
from tests.fakes.slack_api import FakeSlack, block_action, event_body, interaction_body, sign  # noqa: E402
from tests.fakes.telegram_api import FakeTelegram  # noqa: E402

SECRET = "bench-signing-secret"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class FiveSlow(FakeLotsen):
    """The core as the benchmark needs it: the five "busy" presses take `slow` seconds each."""

    def __init__(self, slow: float) -> None:
        super().__init__()
        self.slow = slow

    def navigator_action(self, action):
        if action.case_number.startswith("2026-1000"):
            time.sleep(self.slow)
        return super().navigator_action(action)


def bench_slack(requests: int, concurrency: int, slow_seconds: float) -> dict:
    with FakeSlack() as fake:
        service = FiveSlow(slow_seconds)
        client = make_web_client(token=fake.token, base_url=fake.api_url)
        app = build_slack_app(service=service, client=client, signing_secret=SECRET)
        http = HttpServer(host="127.0.0.1", port=0)
        http.add_route("/slack/events", SlackHttpRoute(app))
        http.start()
        url = f"{http.url}/slack/events"
        session = httpx.Client(timeout=10, limits=httpx.Limits(max_connections=concurrency + 10))

        def press(i: int, user: str = "UNAV") -> tuple[str, float, int]:
            body = interaction_body(block_action(user=user, action_id="lotsen_claim", value=f"2026-{i:04d}"))
            headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(SECRET, body)}
            started = time.perf_counter()
            status = session.post(url, content=body, headers=headers).status_code
            return "button", time.perf_counter() - started, status

        def event(i: int) -> tuple[str, float, int]:
            body = event_body({"type": "message", "channel": f"D{i}", "channel_type": "im", "user": f"U{i}",
                               "text": "Behöver jag bygglov för en skylt?", "ts": f"{i}.0"}, event_id=f"EvB{i}")
            headers = {"Content-Type": "application/json", **sign(SECRET, body)}
            started = time.perf_counter()
            status = session.post(url, content=body, headers=headers).status_code
            return "event", time.perf_counter() - started, status

        try:
            for i in range(5):  # five slow handlers, busy for the whole run
                press(10_000 + i)  # case numbers 2026-10000 .. 2026-10004
            time.sleep(0.2)
            jobs = [(press if i % 2 else event, i) for i in range(requests)]
            started = time.perf_counter()
            with ThreadPoolExecutor(concurrency) as pool:
                results = list(pool.map(lambda job: job[0](job[1]), jobs))
            wall = time.perf_counter() - started
            busy_after = sum(1 for a in service.actions if a.case_number.startswith("2026-1000"))
        finally:
            http.stop()
            app.lotsen_listeners.pool.shutdown(wait=True)  # let the slow work finish
            session.close()
    figures = {"requests": requests, "concurrency": concurrency, "slow_handler_seconds": slow_seconds,
               "non_200": sum(1 for _, _, status in results if status != 200), "wall_seconds": round(wall, 3),
               "slow_handlers_still_busy_at_end": 5 - busy_after}
    for kind in ("event", "button"):
        latencies = [latency for k, latency, _ in results if k == kind]
        figures[kind] = {"count": len(latencies), "p50_ms": round(statistics.median(latencies) * 1000, 2),
                         "p99_ms": round(percentile(latencies, 99) * 1000, 2),
                         "max_ms": round(max(latencies) * 1000, 2)}
    all_latencies = [latency for _, latency, _ in results]
    figures["p99_under_1s"] = percentile(all_latencies, 99) < 1.0
    return figures


def bench_telegram(group_window: float) -> dict:
    group = (20, group_window)
    with FakeTelegram(enforce_limits=True, per_group=group) as fake:
        limiter = PacedRateLimiter(per_group=group)
        app = build_application(token=fake.token, service=FakeLotsen(), api_url=fake.api_url,
                                rate_limiter=limiter, webhook=True)  # no polling: only sends here
        runner = TelegramRunner(app)
        runner.start()
        bot = app.bot
        group_id = -1001234

        async def burst():
            replies = [bot.send_message(1000 + i % 50, f"Svar {i}") for i in range(200)]
            posts = [bot.send_message(group_id, f"Ärende {i}") for i in range(30)]
            started = time.perf_counter()
            done_at: dict[str, float] = {}

            async def timed(kind, coro):
                await coro
                done_at[kind] = time.perf_counter() - started

            await asyncio.gather(*(timed("replies", c) for c in replies), *(timed("group", c) for c in posts))
            return done_at

        try:
            done_at = runner.call(burst(), timeout=600)
        finally:
            runner.stop()
        sent = fake.calls_to("sendMessage")
    per_chat_min_gap = min(
        (b.at - a.at for chat in {c.params["chat_id"] for c in sent}
         for a, b in zip(*(lambda cs: (cs, cs[1:]))([c for c in sent if c.params["chat_id"] == chat]))),
        default=None)
    busiest_second = max(sum(1 for c in sent if 0 <= c.at - s.at < 1.0) for s in sent)
    return {"replies": 200, "chats": 50, "group_posts": 30, "group_limit": f"20 per {group_window:g} s",
            "sent": len(sent), "http_429": fake.violations, "retries_after_429": limiter.retries,
            "replies_done_seconds": round(done_at["replies"], 2), "group_done_seconds": round(done_at["group"], 2),
            "max_messages_in_any_second": busiest_second,
            "min_gap_same_chat_seconds": round(per_chat_min_gap, 3) if per_chat_min_gap is not None else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="scale the group window from 60 s to 6 s")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 10, 40],
                        help="concurrent senders (one run per value)")
    parser.add_argument("--slow", type=float, default=8.0, help="seconds each slow handler takes")
    parser.add_argument("--only", choices=["slack", "telegram"])
    args = parser.parse_args()
    import logging
    logging.basicConfig(level=logging.WARNING)
    result = {}
    if args.only in (None, "slack"):
        result["slack_http_ack"] = [bench_slack(args.requests, c, args.slow) for c in args.concurrency]
    if args.only in (None, "telegram"):
        result["telegram_pacing"] = bench_telegram(6.0 if args.quick else 60.0)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

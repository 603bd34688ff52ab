"""Web chat benchmark, printed as JSON (never a timed test).

200 concurrent sessions on loopback against `lotsen serve`'s web chat with the real core on
SQLite: each session loads the page's history (its cookie), keeps a live stream (Server-Sent
Events) open all the time, and asks questions with a pause of 5-15 s between them (reading the
answer, typing the next question), so about 20 messages a second reach the server together. Reported:
the reply latency (POST to answer, p50/p99; target p99 ≤ 200 ms), the time until the same line
arrived on the session's open stream, errors, and the server's memory per session (RSS with every
session's stream open, less RSS before, divided by the sessions).

The server runs in a child process (its own interpreter, as in production); the load generator is
one asyncio process. Both share the 2-core box, so the figures are pessimistic.

    .venv/bin/python benchmarks/bench_web.py                    # 200 sessions, 5 questions each
    .venv/bin/python benchmarks/bench_web.py --sessions 50 --questions 3
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUESTIONS = [
    "Behöver jag bygglov för ett skärmtak?",
    "Hur söker jag serveringstillstånd?",
    "Vad kostar det att registrera en livsmedelsverksamhet?",
    "Får jag sätta upp en skylt på fasaden?",
    "Hur fungerar upphandling för små företag?",
    "Do I need a permit for an outdoor seating area?",
    "Hur lång tid tar ett bygglov?",
    "Vem ska jag kontakta om brandfarliga varor?",
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


async def baseline(base: str) -> float:
    """The box itself: p50 of 50 sequential GET /healthz (no core, no database)."""
    import httpx

    took = []
    async with httpx.AsyncClient(base_url=base) as client:
        for _ in range(50):
            started = time.perf_counter()
            await client.get("/healthz")
            took.append(time.perf_counter() - started)
    return percentile(took, 50)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


# -- the server (child process) ------------------------------------------------------------------
def serve(database: str) -> None:
    import threading

    from bot.adapters.http import HttpServer
    from bot.adapters.plugin import PluginHost
    from bot.adapters.web.limits import Limit, Limits
    from bot.adapters.web.plugin import WebPlugin
    from bot.app import build_lotsen
    from bot.config import load_settings
    from bot.startup import Retry

    settings = load_settings(database_url=database)
    open_limits = Limit(burst=100_000, per_second=100_000.0)  # one address, 200 people: no limit here
    plugin = WebPlugin(limits=Limits(per_session=open_limits, per_address=open_limits, new_sessions=open_limits),
                       announce=lambda line: None)
    http = HttpServer(host="127.0.0.1", port=0)
    host = PluginHost(settings=settings, http=http, retry=Retry())
    plugin.setup(host)
    lotsen = build_lotsen(settings=settings, channels=host.channels, desks={})
    plugin.bind(lotsen)
    from bot.core.messages import Incoming
    for question in QUESTIONS:  # warm the matcher and the readers, as a running server is
        lotsen.handle(Incoming(channel="warmup", user_id="warmup", text=question))
    http.start()
    plugin.start()
    print(json.dumps({"port": http.port}), flush=True)
    stop = threading.Event()
    try:
        sys.stdin.read()  # until the parent closes our stdin
    finally:
        stop.set()
        plugin.stop_receiving()
        http.stop()
        lotsen.close()


# -- the load (parent) -----------------------------------------------------------------------------
async def session(base: str, index: int, questions: int, pause: tuple[float, float], out: dict, opened) -> None:
    import httpx

    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        history = (await client.get("/chat/api/history")).json()
        token = history["token"]
        arrived: dict[int, float] = {}
        ready = asyncio.Event()

        async def listen() -> None:
            async with client.stream("GET", "/chat/api/stream", params={"after": history["lines"][-1]["id"]}) as stream:
                ready.set()
                async for line in stream.aiter_lines():
                    if line.startswith("id: "):
                        arrived[int(line[4:])] = time.perf_counter()

        listener = asyncio.create_task(listen())
        await ready.wait()
        opened.append(index)
        rng = random.Random(index)
        await asyncio.sleep(rng.uniform(*pause))
        for number in range(questions):
            question = QUESTIONS[(index + number) % len(QUESTIONS)]
            started = time.perf_counter()
            response = await client.post("/chat/api/message", json={"text": question},
                                         headers={"Origin": base, "X-CSRF-Token": token})
            took = time.perf_counter() - started
            if response.status_code != 200:
                out["errors"].append(response.status_code)
            else:
                out["reply"].append(took)
                reply_id = response.json()["lines"][-1]["id"]
                for _ in range(200):  # the same line on the open stream
                    if reply_id in arrived:
                        out["stream"].append(arrived[reply_id] - started)
                        break
                    await asyncio.sleep(0.01)
                else:
                    out["lost"] += 1
            await asyncio.sleep(rng.uniform(*pause))
        out["done"].append(index)
        await out["all_done"].wait()
        listener.cancel()


async def load(base: str, sessions: int, questions: int, pause: tuple[float, float], pid: int) -> dict:
    out = {"reply": [], "stream": [], "errors": [], "lost": 0, "done": [], "all_done": asyncio.Event()}
    opened: list[int] = []
    healthz = await baseline(base)
    before, cpu_before = rss_kib(pid), cpu_seconds(pid)
    started = time.perf_counter()
    tasks = [asyncio.create_task(session(base, i, questions, pause, out, opened)) for i in range(sessions)]
    peak = before
    while len(out["done"]) < sessions:
        await asyncio.sleep(0.25)
        peak = max(peak, rss_kib(pid))
        if any(task.done() and task.exception() for task in tasks):
            break
    with_streams = rss_kib(pid)  # every stream still open
    cpu = cpu_seconds(pid) - cpu_before
    out["all_done"].set()
    await asyncio.gather(*tasks, return_exceptions=True)
    wall = time.perf_counter() - started
    ms = lambda v: round(v * 1000, 1)  # noqa: E731
    return {
        "sessions": sessions, "questions_each": questions, "pause_s": list(pause), "wall_s": round(wall, 1),
        "messages": len(out["reply"]), "messages_per_s": round(len(out["reply"]) / wall, 1),
        "reply_ms": {"p50": ms(percentile(out["reply"], 50)), "p90": ms(percentile(out["reply"], 90)),
                     "p99": ms(percentile(out["reply"], 99)), "max": ms(max(out["reply"] or [0]))},
        "on_stream_ms": {"p50": ms(percentile(out["stream"], 50)), "p99": ms(percentile(out["stream"], 99))},
        "errors": len(out["errors"]), "not_on_stream": out["lost"],
        "server_cpu_ms_per_message": round(cpu * 1000 / max(1, len(out["reply"])), 1),
        "baseline_healthz_p50_ms": ms(healthz), "load_average": os.getloadavg()[0],
        "server_rss_mib": {"before": round(before / 1024, 1), "with_sessions": round(with_streams / 1024, 1),
                           "peak": round(peak / 1024, 1)},
        "memory_per_session_kib": round((with_streams - before) / sessions, 1),
        "target_p99_ms": 200, "met": percentile(out["reply"], 99) <= 0.2 and not out["errors"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--questions", type=int, default=5)
    # A person reads the answer and types the next question: 5-15 s between two questions (the
    # 200 sessions then post about 20 messages a second together). --pause 0 0 is a flood.
    parser.add_argument("--pause", type=float, nargs=2, default=(5.0, 15.0), help="seconds between questions")
    parser.add_argument("--serve", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    with tempfile.TemporaryDirectory() as tmp:
        database = f"sqlite:///{Path(tmp) / 'bench.db'}"
        child = subprocess.Popen([sys.executable, __file__, "--serve", database], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True, cwd=ROOT,
                                 env={**os.environ, "LOTSEN_LOG_LEVEL": "WARNING"})
        try:
            port = json.loads(child.stdout.readline())["port"]
            result = asyncio.run(load(f"http://127.0.0.1:{port}", args.sessions, args.questions,
                                      tuple(args.pause), child.pid))
        finally:
            child.stdin.close()
            child.wait(60)
    print(json.dumps({"bench": "web", **result}, indent=2))


if __name__ == "__main__":
    main()

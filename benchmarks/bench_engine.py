"""Messages per second through the whole conversation engine with persistence, printed as JSON.

`build_lotsen` (the real composition root: knowledge, routing, cases, meetings flow, outbox)
with recording ports, driven through `Lotsen.handle(Incoming(...))` by many interleaved
conversations with a mix of
  - answered questions (two per person),
  - clarifications ("lov?" then "2"),
  - escalations (a multi-authority question, then "ja", then "Anna Svensson, 070-123 45 67",
    which opens a case and writes its outbox rows),
on SQLite (a file in a temp dir) and PostgreSQL (a fresh schema; skipped with the reason when
no server answers). Then the same mix again after pre-populating the tables with bulk INSERTs
(conversation, message, lotsen_case, case_event) to 1k, 10k, 100k, 1M stored conversations
and cases, to show the cost per message stays flat. Target: >= 1,000 messages/s on one core on
SQLite with p99 <= 10 ms.

    .venv/bin/python benchmarks/bench_engine.py            # defaults (3 rounds each), ~12 min
    .venv/bin/python benchmarks/bench_engine.py --quick    # ~1 min smoke run
    .venv/bin/python benchmarks/bench_engine.py --profile  # cProfile of the SQLite mix, then stop
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from bot.app import build_lotsen  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.core.messages import Incoming  # noqa: E402
from bot.core.ports import Delivery  # noqa: E402
from tests.pg_support import PG_URL as TEST_PG_URL  # noqa: E402
from tests.pg_support import create_scratch_schema, drop_scratch_schema, postgres_reason  # noqa: E402

PG_URL = os.environ.get("LOTSEN_BENCH_PG_URL", TEST_PG_URL)
CHANNEL = "bench"
ANSWERED = [  # questions the real knowledge base answers outright
    "Behöver jag bygglov för att bygga ut min verkstad med 40 kvm?",
    "Hur registrerar jag min livsmedelsanläggning?",
    "Får jag sätta upp en skylt på fasaden ovanför min butik?",
    "Behöver jag rivningslov för att riva ett gammalt garage på företagets tomt?",
    "Vi vill bygga en brygga och ett litet kafé vid sjön, gäller strandskydd där?",
    "Where can I see the zoning plan for a property?",
    "hur ansöker man om planbesked",
    "Do I need a building permit to put up a new warehouse on my property?",
]
CLARIFY = ["lov?", "2"]
ESCALATE = ["Jag vill öppna en restaurang med alkohol och uteservering i en gammal butikslokal", "ja",
            "Anna Svensson, 070-123 45 67"]


# -- ports that only record ------------------------------------------------------------------
class RecordingChannel:
    name = CHANNEL

    def __init__(self) -> None:
        self.sent = 0

    def send(self, message) -> Delivery:
        self.sent += 1
        return Delivery(ok=True, ref=str(self.sent))


class RecordingDesk:
    def __init__(self, name: str) -> None:
        self.name = name
        self.convened = self.posts = self.updates = 0

    def convene(self, card) -> Delivery:
        self.convened += 1
        return Delivery(ok=True, ref=f"{self.name}:{card.number}")

    def post(self, *, case_ref, text, mentions=None) -> Delivery:
        self.posts += 1
        return Delivery(ok=True, ref=case_ref)

    def update(self, *, case_ref, card) -> Delivery:
        self.updates += 1
        return Delivery(ok=True, ref=case_ref)


# -- helpers ---------------------------------------------------------------------------------
def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def pin_to_one_core() -> int | None:
    try:
        core = sorted(os.sched_getaffinity(0))[0]
        os.sched_setaffinity(0, {core})
        return core
    except (AttributeError, OSError):
        return None


def proc_status_mb(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


class PgSchema:
    """A fresh schema, dropped afterwards."""

    def __enter__(self) -> str:
        url, self.schema = create_scratch_schema(PG_URL, prefix="bench")
        return url

    def __exit__(self, *exc) -> None:
        drop_scratch_schema(self.schema, PG_URL)


def build(url: str):
    desks = {name: RecordingDesk(name) for name in ("slack", "telegram", "console")}
    channel = RecordingChannel()
    return build_lotsen(settings=load_settings(), database_url=url, channels={CHANNEL: channel}, desks=desks)


def schedule(users: int, *, prefix: str, seed: int, existing: int = 0, existing_share: float = 0.0,
             mix: tuple[float, float, float] = (0.6, 0.25, 0.15)) -> list[tuple[str, str, str]]:
    """(user id, text, kind) for `users` conversations, interleaved round by round in a
    shuffled order so that thousands of conversations are in flight at once. A share of the
    users are people already stored (pre-populated), the rest are new."""
    rng = random.Random(seed)
    scripts: list[tuple[str, list[str], str]] = []
    for n in range(users):
        if existing and rng.random() < existing_share:
            user = f"old-{rng.randint(1, existing)}"
        else:
            user = f"{prefix}-{n}"
        roll = rng.random()
        if roll < mix[0]:
            scripts.append((user, rng.sample(ANSWERED, 2), "answer"))
        elif roll < mix[0] + mix[1]:
            scripts.append((user, list(CLARIFY), "clarify"))
        else:
            scripts.append((user, list(ESCALATE), "escalate"))
    # An existing person may be drawn twice: keep one script per user so steps stay in order.
    seen: set[str] = set()
    scripts = [s for s in scripts if not (s[0] in seen or seen.add(s[0]))]
    out: list[tuple[str, str, str]] = []
    for step in range(max(len(s[1]) for s in scripts)):
        order = list(range(len(scripts)))
        rng.shuffle(order)
        out.extend((scripts[i][0], scripts[i][1][step], scripts[i][2]) for i in order if step < len(scripts[i][1]))
    return out


def drive(lotsen, messages: list[tuple[str, str, str]]) -> dict:
    timings: list[float] = []
    actions: dict[str, int] = {}
    started, cpu_started = time.perf_counter(), time.process_time()
    for user, words, _kind in messages:
        t0 = time.perf_counter()
        reply = lotsen.handle(Incoming(channel=CHANNEL, user_id=user, text=words))
        timings.append((time.perf_counter() - t0) * 1000)
        actions[reply.action] = actions.get(reply.action, 0) + 1
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return {
        "messages": len(messages),
        "conversations": len({m[0] for m in messages}),
        "msgs_per_s": round(len(messages) / wall, 1),
        # The same per second of this process's CPU time: what the one core did, without the
        # time other tenants of a shared machine took from it.
        "msgs_per_cpu_s": round(len(messages) / cpu, 1),
        "p50_ms": round(percentile(timings, 50), 3),
        "p90_ms": round(percentile(timings, 90), 3),
        "p99_ms": round(percentile(timings, 99), 3),
        "max_ms": round(max(timings), 3),
        "mean_ms": round(statistics.fmean(timings), 3),
        "actions": dict(sorted(actions.items())),
        "rss_mb": proc_status_mb("VmRSS"),
        "peak_rss_mb": proc_status_mb("VmHWM"),
    }


def warm_up(lotsen) -> None:
    for user, words, _ in schedule(30, prefix=f"warm-{uuid.uuid4().hex[:6]}", seed=1):
        lotsen.handle(Incoming(channel=CHANNEL, user_id=user, text=words))


# -- bulk pre-population ---------------------------------------------------------------------
LONG_TEXT = ("Hej, vi driver ett litet café i centrum och undrar vad som gäller för uteservering "
             "på trottoaren i sommar, och om vi behöver söka något tillstånd för det?")


def _series(dialect: str, lo: int, hi: int) -> str:
    if dialect == "postgresql":
        return f"(SELECT generate_series({lo}, {hi}) AS i) s"
    return f"(WITH RECURSIVE r(i) AS (SELECT {lo} UNION ALL SELECT i + 1 FROM r WHERE i < {hi}) SELECT i FROM r) s"


def _json(dialect: str, value: str) -> str:
    return f"'{value}'::json" if dialect == "postgresql" else f"'{value}'"


def _ts(dialect: str, value: str) -> str:
    return f"'{value}+00'::timestamptz" if dialect == "postgresql" else f"'{value}.000000'"


def populate(lotsen, *, have: int, want: int, messages_per_conversation: int, events_per_case: int) -> dict:
    """Grow the stored conversations and cases from `have` to `want` (each): conversations
    old-<i> with their messages, closed cases of 2020 for the same people with their events."""
    if want <= have:
        return {"inserted": 0, "seconds": 0.0}
    engine = lotsen.db.engine
    dialect = engine.dialect.name
    lo, hi = have + 1, want
    concat = "||"
    ts = _ts(dialect, "2025-03-01 09:00:00")
    started = time.perf_counter()
    with engine.begin() as connection:
        max_conversation = connection.execute(text("SELECT COALESCE(MAX(id), 0) FROM conversation")).scalar()
        max_case = connection.execute(text("SELECT COALESCE(MAX(id), 0) FROM lotsen_case")).scalar()
        connection.execute(text(
            "INSERT INTO conversation (channel, user_id, address, lang, state, pending, unanswered_streak, case_id, "
            "created_at, updated_at) "
            f"SELECT '{CHANNEL}', 'old-' {concat} i, 'old-' {concat} i, 'sv', 'idle', {_json(dialect, '{}')}, 0, "
            f"NULL, {ts}, {ts} FROM {_series(dialect, lo, hi)}"))
        steps = " UNION ALL ".join(f"SELECT {j} AS j" for j in range(messages_per_conversation))
        connection.execute(text(
            "INSERT INTO message (conversation_id, direction, text, action, topic, created_at) "
            "SELECT c.id, CASE WHEN k.j % 2 = 0 THEN 'in' ELSE 'out' END, :long, "
            "CASE WHEN k.j % 2 = 0 THEN NULL ELSE 'answer' END, CASE WHEN k.j % 2 = 0 THEN NULL ELSE 'bygglov' END, "
            f"{ts} FROM conversation c CROSS JOIN ({steps}) k WHERE c.id > :after ORDER BY c.id, k.j"),
            {"long": LONG_TEXT, "after": max_conversation})
        topics = _json(dialect, '[{"id": "uteservering", "title": "Uteservering", "url": null}]')
        roles, empty_list, empty = _json(dialect, '["gata", "naringsliv"]'), _json(dialect, "[]"), _json(dialect, "{}")
        connection.execute(text(
            "INSERT INTO lotsen_case (number, year, seq, status, outcome, channel, user_id, address, lang, pseudonym, "
            "words, contact_name, contact_company, contact_phone, contact_email, topics, roles, members, trigger, "
            "desk, desk_ref, claimed_by, claimed_by_name, meeting_at, ladder_step, last_ping_at, created_at, "
            "updated_at, closed_at, erased_at) "
            f"SELECT 'L-2020-' {concat} i, 2020, i, 'closed', 'answered', '{CHANNEL}', 'old-' {concat} i, "
            f"'old-' {concat} i, 'sv', 'P-' {concat} i, :long, 'Anna Svensson', NULL, '070-123 45 67', NULL, "
            f"{topics}, {roles}, {empty_list}, {empty}, 'slack', 'C1:L-2020-' {concat} i, 'U0BENCH', 'Navigator', NULL, 0, "
            f"{ts}, {ts}, {ts}, {ts}, NULL FROM {_series(dialect, lo, hi)}"), {"long": LONG_TEXT})
        steps = " UNION ALL ".join(f"SELECT {j} AS j" for j in range(events_per_case))
        connection.execute(text(
            "INSERT INTO case_event (case_id, kind, actor_channel, actor_id, actor_name, text, data, created_at) "
            "SELECT c.id, CASE WHEN k.j = 0 THEN 'opened' ELSE 'note' END, 'slack', 'U0BENCH', 'Navigator', "
            f":long, {_json(dialect, '{}')}, {ts} FROM lotsen_case c CROSS JOIN ({steps}) k "
            "WHERE c.id > :after ORDER BY c.id, k.j"), {"long": LONG_TEXT, "after": max_case})
    seconds = time.perf_counter() - started
    with engine.begin() as connection:
        if dialect == "postgresql":
            connection.execute(text("ANALYZE"))
        else:
            connection.execute(text("ANALYZE"))
    return {"inserted_per_table": {"conversation": hi - lo + 1, "message": (hi - lo + 1) * messages_per_conversation,
                                   "lotsen_case": hi - lo + 1, "case_event": (hi - lo + 1) * events_per_case},
            "seconds": round(seconds, 1), "analyze_seconds": round(time.perf_counter() - started - seconds, 1)}


def table_counts(lotsen) -> dict:
    with lotsen.db.engine.connect() as connection:
        return {table: connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar()
                for table in ("conversation", "message", "lotsen_case", "case_event", "outbox")}


# -- the runs --------------------------------------------------------------------------------
def run_database(name: str, url: str, args, sizes: list[int]) -> dict:
    started = time.perf_counter()
    lotsen = build(url)
    result: dict = {"database": name, "build_lotsen_s": round(time.perf_counter() - started, 2)}
    try:
        warm_up(lotsen)
        # The mix several times over (new people each round): on a shared machine one round can
        # be slowed by a neighbour, so the median round is the figure and every round is shown.
        rounds = []
        for number in range(args.rounds):
            rounds.append(drive(lotsen, schedule(args.users, prefix=f"mix{number}-{name}", seed=7 + number)))
            print(json.dumps({name: rounds[-1]}), file=sys.stderr)
            lotsen.dispatch_outbox()  # not timed: the background work, so the outbox does not pile up
        result["mix"] = sorted(rounds, key=lambda r: r["msgs_per_s"])[len(rounds) // 2]
        result["mix_rounds"] = [{k: r[k] for k in ("msgs_per_s", "msgs_per_cpu_s", "p50_ms", "p99_ms")}
                                for r in rounds]
        growth = []
        have = 0
        for size in sizes:
            fill = populate(lotsen, have=have, want=size, messages_per_conversation=args.messages_per_conversation,
                            events_per_case=args.events_per_case)
            have = size
            row = {"stored": size, "populate": fill, "counts_before": table_counts(lotsen)}
            rounds = []
            for number in range(args.rounds):
                rounds.append(drive(lotsen, schedule(args.growth_users, prefix=f"g{size}r{number}-{name}",
                                                     seed=size + number, existing=size,
                                                     existing_share=args.existing_share)))
                lotsen.dispatch_outbox()
            row.update(sorted(rounds, key=lambda r: r["msgs_per_s"])[len(rounds) // 2])  # the median round
            row["rounds_msgs_per_s"] = [r["msgs_per_s"] for r in rounds]
            growth.append(row)
            print(json.dumps({name: {k: v for k, v in row.items() if k != "counts_before"}}), file=sys.stderr)
        result["growth"] = growth
        if growth:
            p50s = [row["p50_ms"] for row in growth]
            result["growth_p50_ratio_largest_to_smallest"] = round(p50s[-1] / p50s[0], 2)
    finally:
        lotsen.close()
    return result


def profile(url: str, users: int) -> str:
    lotsen = build(url)
    warm_up(lotsen)
    messages = schedule(users, prefix="prof", seed=7)
    profiler = cProfile.Profile()
    profiler.enable()
    for user, words, _ in messages:
        lotsen.handle(Incoming(channel=CHANNEL, user_id=user, text=words))
    profiler.disable()
    lotsen.close()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(25)
    return f"{len(messages)} messages\n" + out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=2000, help="interleaved conversations in the main mix")
    parser.add_argument("--rounds", type=int, default=3, help="times the main mix is run (the median is reported)")
    parser.add_argument("--growth-users", type=int, default=600,
                        help="conversations measured at each stored size")
    parser.add_argument("--sizes", default="1000,10000,100000,1000000",
                        help="stored conversations and cases (each) on SQLite")
    parser.add_argument("--pg-sizes", default="1000,10000,100000,1000000", help="the same on PostgreSQL")
    parser.add_argument("--messages-per-conversation", type=int, default=4)
    parser.add_argument("--events-per-case", type=int, default=2)
    parser.add_argument("--existing-share", type=float, default=0.2,
                        help="share of the measured people who already have a stored conversation")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-pin", action="store_true", help="do not pin to one core")
    parser.add_argument("--quick", action="store_true", help="~1 minute smoke run")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the SQLite mix and stop")
    args = parser.parse_args()
    if args.quick:
        args.users, args.growth_users, args.sizes, args.pg_sizes, args.rounds = 300, 200, "1000,10000", "1000,10000", 1
    core = None if args.no_pin else pin_to_one_core()
    import logging

    logging.disable(logging.INFO)  # as in production at WARNING: no per-message log records
    with tempfile.TemporaryDirectory(prefix="lotsen-bench-") as tmp:
        if args.profile:
            print(profile(f"sqlite:///{tmp}/profile.db", args.users))
            return
        result: dict = {"pinned_core": core, "python": sys.version.split()[0],
                        "mix": {"answer": "2 questions", "clarify": CLARIFY, "escalate": ESCALATE,
                                "shares": [0.6, 0.25, 0.15]}, "runs": []}
        sqlite_sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
        result["runs"].append(run_database("sqlite", f"sqlite:///{tmp}/lotsen.db", args, sqlite_sizes))
        reason = "--no-postgres" if args.no_postgres else postgres_reason(PG_URL)
        if reason:
            result["postgres_skipped"] = reason
            print(f"PostgreSQL skipped: {reason}", file=sys.stderr)
        else:
            with PgSchema() as url:
                result["runs"].append(run_database("postgresql", url, args,
                                                   [int(s) for s in args.pg_sizes.split(",") if s.strip()]))
    sqlite = result["runs"][0]["mix"]
    result["targets"] = {"sqlite_msgs_per_s_ge_1000": sqlite["msgs_per_s"] >= 1000,
                         "sqlite_p99_le_10ms": sqlite["p99_ms"] <= 10.0}
    result["peak_rss_mb"] = proc_status_mb("VmHWM")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()

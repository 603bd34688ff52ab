"""How long the service report takes over a big database, and how much memory, printed as JSON.

Fills a fresh database (SQLite file in a temp dir; PostgreSQL in a scratch schema, skipped with the
reason when no server answers) with 100,000 conversations of 10 messages each (1,000,000 messages),
100,000 cases spread over 2026 (most closed, some with the ladder run out), 80,000 claim facts,
20,000 survey respondents (180,000 answers), 400 meetings with 20,000 sign-ups, all generated in
SQL (INSERT ... SELECT over a series). Then builds the whole report (the figures in grouped SQL
and the HTML) for the whole year and for one month, several times, and prints the median time,
the Python heap's peak while building (tracemalloc) and the process's peak RSS. Target: < 10 s.

    .venv/bin/python benchmarks/bench_report.py              # both databases, 3 runs each
    .venv/bin/python benchmarks/bench_report.py --sqlite-only
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from bot.insight.report import build_report  # noqa: E402
from bot.storage.db import Database  # noqa: E402
from bot.storage.migrate import upgrade  # noqa: E402
from tests.knowledge_support import bundle  # noqa: E402
from tests.pg_support import PG_URL as TEST_PG_URL  # noqa: E402
from tests.pg_support import create_scratch_schema, drop_scratch_schema, postgres_reason  # noqa: E402

PG_URL = os.environ.get("LOTSEN_BENCH_PG_URL", TEST_PG_URL)
TOPICS = ["bygglov", "serveringstillstand", "livsmedelsregistrering", "miljofarlig-verksamhet", "upphandling",
          "brandskydd", "uteservering", "skyltlov", "markupplatelse", "strandskydd"]
AREAS = ["bygg", "alkohol", "livsmedel", "miljo", "upphandling", "raddning", "gata", "mark"]
TEXT = "Hej, vi driver ett litet café och undrar vad som gäller för uteservering på trottoaren i sommar?"


def _series(dialect: str, lo: int, hi: int) -> str:
    if dialect == "postgresql":
        return f"(SELECT generate_series({lo}, {hi}) AS i) s"
    return f"(WITH RECURSIVE r(i) AS (SELECT {lo} UNION ALL SELECT i + 1 FROM r WHERE i < {hi}) SELECT i FROM r) s"


def _at(dialect: str, days: str, hours: str = "0") -> str:
    """2026-01-01 + days + hours, as the column type expects it."""
    if dialect == "postgresql":
        return f"(TIMESTAMPTZ '2026-01-01 07:00+00' + ({days}) * INTERVAL '1 day' + ({hours}) * INTERVAL '1 hour')"
    return f"(datetime('2026-01-01 07:00:00', '+' || ({days}) || ' days', '+' || ({hours}) || ' hours') || '.000000')"


def _pick(values: list[str], index: str) -> str:
    return "CASE " + " ".join(f"WHEN ({index}) = {n} THEN '{v}'" for n, v in enumerate(values)) + " END"


def _json(dialect: str, expression: str) -> str:
    return f"CAST({expression} AS JSON)" if dialect == "postgresql" else expression


def populate(db: Database, *, conversations: int, cases: int) -> dict:
    engine = db.engine
    d = engine.dialect.name
    started = time.perf_counter()
    topic_json = "'[{\"id\": \"' || " + _pick(TOPICS, "i % 10") + " || '\", \"title\": \"t\", \"url\": null}]'"
    role_json = "'[\"' || " + _pick(AREAS, "i % 8") + " || '\", \"naringsliv\"]'"
    with engine.begin() as c:
        c.execute(text(
            "INSERT INTO conversation (channel, user_id, address, lang, state, pending, unanswered_streak, case_id, "
            f"created_at, updated_at) SELECT 'bench', 'u' || i, 'u' || i, 'sv', 'idle', {_json(d, chr(39) + '{}' + chr(39))}, "
            f"0, NULL, {_at(d, 'i % 365')}, {_at(d, 'i % 365')} FROM {_series(d, 1, conversations)}"))
        steps = " UNION ALL ".join(f"SELECT {j} AS j" for j in range(10))
        action = ("CASE WHEN k.j % 2 = 0 THEN NULL WHEN (c.id + k.j) % 10 = 1 THEN 'out_of_scope' "
                  "WHEN (c.id + k.j) % 10 = 3 THEN 'clarify' ELSE 'answer' END")
        c.execute(text(
            "INSERT INTO message (conversation_id, direction, text, action, topic, created_at) "
            "SELECT c.id, CASE WHEN k.j % 2 = 0 THEN 'in' ELSE 'out' END, :text, " + action + ", "
            "CASE WHEN k.j % 2 = 0 THEN NULL ELSE " + _pick(TOPICS, "(c.id * 7 + k.j) % 10") + " END, "
            "c.created_at FROM conversation c CROSS JOIN (" + steps + ") k"), {"text": TEXT})
        c.execute(text(
            "INSERT INTO lotsen_case (number, year, seq, status, outcome, channel, user_id, address, lang, pseudonym, "
            "words, contact_name, contact_phone, topics, roles, members, trigger, desk, ladder_step, last_ping_at, "
            "created_at, updated_at, closed_at) "
            "SELECT 'L-2026-' || i, 2026, i, CASE WHEN i % 5 = 0 THEN 'convened' ELSE 'closed' END, NULL, 'bench', "
            "'u' || i, 'u' || i, 'sv', 'P-' || i, :text, 'Anna Svensson', '070-123 45 67', "
            f"{_json(d, topic_json)}, {_json(d, role_json)}, {_json(d, chr(39) + '[]' + chr(39))}, "
            f"{_json(d, chr(39) + '{}' + chr(39))}, 'slack', CASE WHEN i % 7 = 0 THEN 3 ELSE 0 END, "
            f"{_at(d, 'i % 365')}, {_at(d, 'i % 365')}, {_at(d, 'i % 365')}, "
            f"CASE WHEN i % 5 = 0 THEN NULL ELSE {_at(d, '(i % 365) + (i % 20)')} END "
            f"FROM {_series(d, 1, cases)}"), {"text": TEXT})
        facts = cases * 4 // 5
        c.execute(text(
            "INSERT INTO insight_claim (case_id, area, procurement, opened_at, claimed_at, working_hours, within_level) "
            f"SELECT i, {_pick(AREAS, 'i % 8')}, i % 8 = 4, {_at(d, 'i % 365')}, {_at(d, 'i % 365', '(i % 97) / 4.0')}, "
            f"(i % 97) / 4.0, (i % 97) <= 16 FROM {_series(d, 1, facts)}"))
        respondents = cases // 5
        questions = ["nki_overall", "nki_expectations", "nki_ideal", "information", "tillganglighet", "bemotande",
                     "kompetens", "rattssakerhet", "effektivitet"]
        steps = " UNION ALL ".join(f"SELECT {j} AS j, '{q}' AS q" for j, q in enumerate(questions))
        c.execute(text(
            "INSERT INTO insight_answer (kind, survey_id, token, area, topic, procurement, question, score, answered_at) "
            f"SELECT 'survey', s.i, NULL, {_pick(AREAS, 's.i % 8')}, NULL, s.i % 8 = 4, k.q, "
            f"CASE WHEN (s.i + k.j) % 11 = 0 THEN NULL ELSE 1 + (s.i * 7 + k.j * 3) % 6 END, {_at(d, 's.i % 365')} "
            f"FROM {_series(d, 1, respondents)} CROSS JOIN ({steps}) k"))
        c.execute(text(
            "INSERT INTO meeting (title_sv, title_en, kind, starts_at, ends_at, description_sv, description_en, tags, "
            "capacity, organiser_role, reminders, status, sequence, created_at, updated_at) "
            f"SELECT 'Frukost ' || i, 'Breakfast ' || i, 'frukost', {_at(d, 'i % 365')}, {_at(d, 'i % 365', '1')}, "
            f"'', '', {_json(d, chr(39) + '[]' + chr(39))}, 40, 'naringsliv', {_json(d, chr(39) + '[]' + chr(39))}, "
            f"CASE WHEN i % 20 = 0 THEN 'cancelled' ELSE 'scheduled' END, 0, {_at(d, '0')}, {_at(d, '0')} "
            f"FROM {_series(d, 1, 400)}"))
        c.execute(text(
            "INSERT INTO meeting_signup (meeting_id, status, channel, address, user_id, name, lang, revision, queued_at, "
            "created_at, updated_at) "
            "SELECT 1 + i % 400, CASE WHEN i % 10 = 0 THEN 'waitlisted' WHEN i % 13 = 0 THEN 'cancelled' "
            "ELSE 'confirmed' END, 'bench', 'u' || i, 'u' || i, NULL, 'sv', 0, "
            f"{_at(d, '0')}, {_at(d, '0')}, {_at(d, '0')} FROM {_series(d, 1, 20000)}"))
    with engine.begin() as c:
        c.execute(text("ANALYZE"))
    with engine.connect() as c:
        counts = {t: c.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar() for t in
                  ("message", "lotsen_case", "insight_claim", "insight_answer", "meeting_signup")}
    return {"rows": counts, "populate_s": round(time.perf_counter() - started, 1)}


def measure(db: Database, rules, kb, since: datetime, until: datetime, runs: int) -> dict:
    times, peaks, size = [], [], 0
    for _ in range(runs):
        tracemalloc.start()
        started = time.perf_counter()
        html, figures = build_report(db, rules=rules, kb=kb, since=since, until=until)
        times.append(time.perf_counter() - started)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        size = len(html)
    return {"median_s": round(statistics.median(times), 2), "runs_s": [round(t, 2) for t in times],
            "python_heap_peak_mb": round(max(peaks) / 2**20, 1), "html_kb": size // 1024,
            "cases_opened": figures.cases_opened, "nki_respondents": figures.nki_total.answers}


def run(name: str, url: str, args) -> dict:
    db = Database.from_url(url)
    try:
        upgrade(db.engine)
        result = {"database": name, **populate(db, conversations=args.conversations, cases=args.cases)}
        loaded = bundle()
        year = (datetime(2026, 1, 1, tzinfo=timezone.utc), datetime(2027, 1, 1, tzinfo=timezone.utc))
        month = (datetime(2026, 11, 1, tzinfo=timezone.utc), datetime(2026, 12, 1, tzinfo=timezone.utc))
        result["whole_year"] = measure(db, loaded.rules, loaded.kb, *year, runs=args.runs)
        result["one_month"] = measure(db, loaded.rules, loaded.kb, *month, runs=args.runs)
        result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        return result
    finally:
        db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=100_000)  # x 10 messages
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        results.append(run("sqlite", f"sqlite:///{folder}/bench.db", args))
    if not args.sqlite_only:
        reason = postgres_reason(PG_URL)
        if reason:
            results.append({"database": "postgresql", "skipped": reason})
        else:
            url, schema = create_scratch_schema(PG_URL, prefix="bench_report")
            try:
                results.append(run("postgresql", url, args))
            finally:
                drop_scratch_schema(schema, PG_URL)
    print(json.dumps({"bench": "report", "target_s": 10, "results": results}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()

"""Answering one question in process, printed as JSON figures (never a timed test).

1. Latency of `Responder.respond(question)` (p50/p99 ms) over the evaluation questions
   (tests/eval/dev/questions.yaml), for the real knowledge base and for synthetic bases of 1,000 and
   10,000 articles built from it, plus the time to build the index and the second reader (the
   activities and the fitted decision numbers are those of the real base). Target: p99 <= 5 ms at
   10,000 articles on one core.
2. Peak memory per base size (tracemalloc peak of building the base + index + answering, and
   the process's maxrss from a fresh child process per size, so sizes do not hide each other).
3. Cold start of `lotsen ask --json "Behöver jag bygglov?"` as a whole process. Target <= 1 s.

    .venv/bin/python benchmarks/bench_ask.py                  # everything (~2 min)
    .venv/bin/python benchmarks/bench_ask.py --quick          # fewer calls and runs
    .venv/bin/python benchmarks/bench_ask.py --profile 10000  # cProfile of answering at 10k

Synthetic articles: article i is real article i % 44 with id f"{real.id}-{i}" and 2-3 made-up,
Swedish-looking words of its own (seeded syllable combinations) added to its keywords, title
and first examples, so the vocabulary grows with the base the way a real, larger base would.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import gc
import io
import json
import os
import pstats
import random
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from bot.config import load_settings  # noqa: E402
from bot.conversation.responder import Responder  # noqa: E402
from bot.knowledge.bundle import KnowledgeBundle  # noqa: E402
from bot.knowledge.models import Article, Bilingual, KnowledgeBase  # noqa: E402
from bot.matching.domain import train  # noqa: E402
from bot.matching.roles import train as train_roles  # noqa: E402
from bot.matching.matcher import Matcher  # noqa: E402

QUESTIONS = ROOT / "tests" / "eval" / "dev" / "questions.yaml"
LOTSEN = ROOT / ".venv" / "bin" / "lotsen"
ONSETS = ("b", "bj", "d", "f", "fl", "g", "gr", "h", "k", "kl", "kv", "l", "m", "n", "p", "r", "s",
          "sk", "sl", "sn", "st", "str", "sv", "t", "tr", "v")
VOWELS = ("a", "e", "i", "o", "u", "y", "å", "ä", "ö")
CODAS = ("", "", "n", "r", "rd", "ng", "nd", "ck", "ll", "m", "s", "t", "k", "lm", "rg")
SUFFIXES = ("", "", "", "a", "en", "ing", "are", "else", "het", "skap")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def pin_to_one_core() -> int | None:
    try:
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
        return sorted(os.sched_getaffinity(0))[0]
    except (AttributeError, OSError):
        return None


def made_up_word(rng: random.Random) -> str:
    syllables = [rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(rng.randint(2, 3))]
    return "".join(syllables) + rng.choice(SUFFIXES)


def synthetic_kb(real: KnowledgeBase, size: int, *, seed: int = 20261123) -> KnowledgeBase:
    """`size` articles derived from the real ones, each with a few words of its own."""
    rng = random.Random(seed)
    reals = sorted(real.articles.values(), key=lambda a: a.id)
    articles: dict[str, Article] = {}
    used: set[str] = set()
    for i in range(size):
        base = reals[i % len(reals)]
        own: list[str] = []
        while len(own) < rng.randint(2, 3):
            word = made_up_word(rng)
            if word not in used:
                used.add(word)
                own.append(word)
        sv_examples = list(base.examples.get("sv", ()))
        for k in range(min(3, len(sv_examples))):
            sv_examples[k] = f"{sv_examples[k].rstrip('?')} i {own[k % len(own)]}?"
        articles[f"{base.id}-{i}"] = dataclasses.replace(
            base, id=f"{base.id}-{i}",
            title=Bilingual(sv=f"{base.title.sv} {own[0]}", en=base.title.en),
            keywords={**base.keywords, "sv": (*base.keywords.get("sv", ()), *own)},
            examples={**base.examples, "sv": tuple(sv_examples)})
    return KnowledgeBase(articles=articles, profile=real.profile, cases=real.cases)  # the role reader's cases


def synthetic_rules(rules, kb: KnowledgeBase):
    """The real routing rules, taught the synthetic topics (same roles as their real article),
    so escalation checks cost what they would in a real base of this size."""
    if rules is None:
        return None
    topic_roles = dict(rules.topic_roles)
    responsible = dict(rules.responsible)
    for topic in kb.articles:
        real = topic.rsplit("-", 1)[0]
        if real in rules.topic_roles:
            topic_roles[topic] = rules.topic_roles[real]
        if real in rules.responsible:
            responsible[topic] = rules.responsible[real]
    return dataclasses.replace(rules, topic_roles=topic_roles, responsible=responsible)


def load_bundle() -> KnowledgeBundle:
    settings = load_settings()
    return KnowledgeBundle.load(settings.knowledge_dir, settings.resolved_routing_file)


def questions() -> list[str]:
    return [item["q"] for item in yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))]


def build(size: int) -> tuple[Responder, float, int]:
    """The responder for a base of `size` articles (0: the real one), the index build time in
    seconds, and the vocabulary size."""
    bundle = load_bundle()
    kb = bundle.kb if size == 0 else synthetic_kb(bundle.kb, size)
    rules = bundle.rules if size == 0 else synthetic_rules(bundle.rules, kb)
    started = time.perf_counter()
    matcher = Matcher(kb)
    domain = train(kb)  # the second reader, counted for this base
    roles = train_roles(kb, domain, coordinator=rules.coordinator)  # and the role reader
    build_seconds = time.perf_counter() - started
    responder = Responder(kb, matcher=matcher, rules=rules, guide=bundle.guide, domain=domain, roles=roles)
    return responder, build_seconds, len(matcher.index.vocabulary)


def measure_latency(size: int, calls: int, warmup_rounds: int) -> dict:
    gc.collect()
    responder, build_seconds, vocabulary = build(size)
    qs = questions()
    for _ in range(warmup_rounds):
        for q in qs:
            responder.respond(q)
    rounds = max(1, -(-calls // len(qs)))
    timings: list[float] = []
    cpu: list[float] = []  # the thread's own CPU time: what a busy neighbour core inflates less
    actions: dict[str, int] = {}
    for _ in range(rounds):
        for q in qs:
            started, started_cpu = time.perf_counter(), time.thread_time()
            reply = responder.respond(q)
            cpu.append((time.thread_time() - started_cpu) * 1000)
            timings.append((time.perf_counter() - started) * 1000)
        if not actions:
            for q in qs:
                action = responder.respond(q).action
                actions[action] = actions.get(action, 0) + 1
    del reply
    return {
        "articles": len(responder.kb.articles),
        "vocabulary": vocabulary,
        "index_build_s": round(build_seconds, 3),
        "calls": len(timings),
        "distinct_questions": len(qs),
        "p50_ms": round(percentile(timings, 50), 3),
        "p90_ms": round(percentile(timings, 90), 3),
        "p99_ms": round(percentile(timings, 99), 3),
        "max_ms": round(max(timings), 3),
        "mean_ms": round(statistics.fmean(timings), 3),
        "cpu_p50_ms": round(percentile(cpu, 50), 3),
        "cpu_p99_ms": round(percentile(cpu, 99), 3),
        "actions": actions,
    }


def memory_in_child(size: int) -> dict:
    """Run in a fresh process: build a base of `size` and answer every question once. With
    tracemalloc (its peak: Python allocations of loading, indexing and answering) in one child
    and without it (maxrss, not inflated by tracemalloc's bookkeeping) in another."""
    if os.environ.get("BENCH_TRACEMALLOC"):
        tracemalloc.start()
        responder, _, _ = build(size)
        for q in questions():
            responder.respond(q)
        _, peak = tracemalloc.get_traced_memory()
        return {"tracemalloc_peak_mb": round(peak / 2**20, 1)}
    # ru_maxrss carries the parent's high-water mark over fork + exec on Linux; VmHWM is the
    # child's own, so report that as the process peak (ru_maxrss too, for reference).
    before = vm_hwm_mb()
    responder, _, _ = build(size)
    for q in questions():
        responder.respond(q)
    return {"peak_rss_mb": vm_hwm_mb(), "peak_rss_after_imports_mb": before,
            "ru_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def vm_hwm_mb() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def child_memory(size: int, *, traced_too: bool = True) -> dict:
    out = {}
    for traced in ((True, False) if traced_too else (False,)):
        env = {**os.environ, "BENCH_TRACEMALLOC": "1" if traced else ""}
        done = subprocess.run([sys.executable, __file__, "--memory-child", str(size)], capture_output=True,
                              text=True, cwd=ROOT, check=True, env=env)
        out.update(json.loads(done.stdout.strip().splitlines()[-1]))
    return out


def cold_start(runs: int) -> dict:
    seconds = []
    first = None
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run([str(LOTSEN), "ask", "--json", "Behöver jag bygglov?"], capture_output=True,
                              text=True, cwd=ROOT, check=True)
        seconds.append(time.perf_counter() - started)
        first = first or json.loads(done.stdout)
    return {"runs": runs, "p50_s": round(statistics.median(seconds), 3), "max_s": round(max(seconds), 3),
            "min_s": round(min(seconds), 3), "answer": {"action": first["action"], "topic": first["topic"]}}


def cold_start_breakdown() -> dict:
    """Where the cold start goes: interpreter, imports, loading + validating, index, answer."""
    code = r"""
import time, json
t0 = time.perf_counter()
from bot.config import load_settings
from bot.knowledge.bundle import KnowledgeBundle
t1 = time.perf_counter()
s = load_settings()
bundle = KnowledgeBundle.load(s.knowledge_dir, s.resolved_routing_file)
t2 = time.perf_counter()
responder = bundle.responder()
t3 = time.perf_counter()
responder.respond("Behöver jag bygglov?")
t4 = time.perf_counter()
print(json.dumps({"imports_s": round(t1 - t0, 3), "load_and_check_kb_s": round(t2 - t1, 3),
                  "matcher_and_rules_s": round(t3 - t2, 3), "first_answer_s": round(t4 - t3, 3)}))
"""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    total = time.perf_counter() - started
    empty = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    interpreter = time.perf_counter() - empty
    return {"interpreter_s": round(interpreter, 3), **json.loads(done.stdout), "total_s": round(total, 3)}


def profile(size: int, calls: int) -> str:
    responder, _, _ = build(size)
    qs = questions()
    for q in qs:
        responder.respond(q)
    profiler = cProfile.Profile()
    rounds = max(1, calls // len(qs))
    profiler.enable()
    for _ in range(rounds):
        for q in qs:
            responder.respond(q)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative")
    stats.print_stats(25)
    stats.sort_stats("tottime").print_stats(15)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="0,1000,10000", help="article counts; 0 = the real knowledge base")
    parser.add_argument("--calls", type=int, default=3000, help="timed respond() calls per size (>= 2,000)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed passes over the questions first")
    parser.add_argument("--cold-runs", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="fewer calls and cold-start runs")
    parser.add_argument("--profile", type=int, metavar="SIZE", help="print a cProfile of answering at SIZE and stop")
    parser.add_argument("--no-pin", action="store_true", help="do not pin to one core")
    parser.add_argument("--no-tracemalloc", action="store_true",
                        help="peak RSS only (the tracemalloc child takes minutes at 10,000 articles)")
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child is not None:
        print(json.dumps(memory_in_child(args.memory_child)))
        return
    core = None if args.no_pin else pin_to_one_core()
    if args.profile is not None:
        print(profile(args.profile, args.calls))
        return
    if args.quick:
        args.calls, args.cold_runs, args.warmup = 600, 3, 1
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    result: dict = {"pinned_core": core, "python": sys.version.split()[0], "latency": [], "memory": []}
    result["cold_start"] = cold_start(args.cold_runs)
    result["cold_start_breakdown"] = cold_start_breakdown()
    for size in sizes:
        result["memory"].append({"articles": size or 44, **child_memory(size, traced_too=not args.no_tracemalloc)})
        print(json.dumps(result["memory"][-1]), file=sys.stderr)
    for size in sizes:
        result["latency"].append(measure_latency(size, args.calls, args.warmup))
        print(json.dumps(result["latency"][-1], ensure_ascii=False), file=sys.stderr)
    worst = next((row for row in result["latency"] if row["articles"] >= 10_000), None)
    result["targets"] = {
        "p99_at_10k_le_5ms": None if worst is None else worst["p99_ms"] <= 5.0,
        "cold_start_p50_le_1s": result["cold_start"]["p50_s"] <= 1.0,
    }
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()

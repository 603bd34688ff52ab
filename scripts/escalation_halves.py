"""The held-out protocol for escalation work: dev's escalation cases (every escalation*.yaml, both
`escalate` and `simple`) split by the SHA-1 of the question text mod 2. Half A (even) is looked at
when deciding what to change; half B (odd) is only measured.

    .venv/bin/python scripts/escalation_halves.py measure A|B [--misses N]  (misses: half A only)
    .venv/bin/python scripts/escalation_halves.py fit A [--write]           (fit on dev without half B)

`measure` prints the figures of tests.quality for the half's cases (topic accuracy and off-topic
refusals are the whole of dev's questions, which are not split). `fit A` runs
scripts/fit_understanding.py with only half A's cases, so that half B stays held out; refit on all
of dev afterwards (`scripts/fit_understanding.py --write`).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from tests import knowledge_support  # noqa: E402


def half_name(text: str) -> str:
    return "AB"[knowledge_support.half_of(text)]


def only(half: str):
    every = knowledge_support.eval_escalation

    def cases(split: str = "dev") -> dict:
        found = every(split)
        if split != "dev":
            raise SystemExit("dev only")
        return {kind: [c for c in items if half_name(c["q"]) == half] for kind, items in found.items()}
    return cases


def main() -> None:
    command, half = sys.argv[1], sys.argv[2]
    if command == "measure":
        from tests import quality
        quality.eval_escalation = only(half)
        keep = int(sys.argv[sys.argv.index("--misses") + 1]) if "--misses" in sys.argv and half == "A" else 0
        figures = quality.measure("dev", keep_misses=keep)
        shown = {k: getattr(figures, k) for k in ("multi_authority", "escalated", "role_recall", "role_precision",
                                                    "simple", "meeting_offers_simple", "topic_accuracy",
                                                    "oos_refused", "meeting_offers_in_scope")}
        print(json.dumps({"half": half, **shown}, ensure_ascii=False))
        if keep:
            print(json.dumps({k: v for k, v in figures.misses.items() if k in ("escalate", "simple")},
                             ensure_ascii=False, indent=1))
    elif command == "fit":
        import fit_understanding
        fit_understanding.eval_escalation = only(half)
        sys.argv = [sys.argv[0], *(["--write"] if "--write" in sys.argv else [])]
        fit_understanding.main()


if __name__ == "__main__":
    main()

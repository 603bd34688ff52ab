"""The quality figures of Lotsen's understanding, measured on one evaluation split.

`dev` is for fitting (rules, thresholds, calibration); `test` is frozen and written blind (see
tests/eval/README.md). The figures mean what the issue tracker and the README say they mean:

- topic_accuracy: in-scope questions answered (or escalated) with the labelled topic (or one of
  its `also` topics). A clarifying question counts as not right.
- oos_refused: off-topic questions refused (`out_of_scope` or `invalid`).
- escalated: multi-authority cases that got a meeting offer (`escalate`); role_recall and
  role_precision over the roles convened for those that did.
- meeting_offers_simple: simple one-topic questions (and all in-scope questions) that got a
  meeting offer instead of an answer.
- ece: expected calibration error of the confidence of the answers given (10 bins).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field

from tests.knowledge_support import eval_escalation, eval_questions, responder


@dataclass
class Figures:
    split: str
    in_scope: int = 0
    topic_accuracy: float = 0.0
    clarified: float = 0.0
    off_topic: int = 0
    oos_refused: float = 0.0
    multi_authority: int = 0
    escalated: float = 0.0
    role_recall: float = 0.0
    role_precision: float = 0.0
    simple: int = 0
    meeting_offers_simple: float = 0.0
    meeting_offers_in_scope: float = 0.0
    ece: float = 0.0
    answered: int = 0
    by_style: dict = field(default_factory=dict)
    misses: dict = field(default_factory=dict)

    def as_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)


def expected_calibration_error(pairs: list[tuple[float, bool]], bins: int = 10) -> float:
    if not pairs:
        return 0.0
    grouped: dict[int, list[tuple[float, bool]]] = {}
    for conf, ok in pairs:
        grouped.setdefault(min(bins - 1, int(conf * bins)), []).append((conf, ok))
    return sum(abs(sum(c for c, _ in items) - sum(ok for _, ok in items))
               for items in grouped.values()) / len(pairs)


def measure(split: str, *, ask=None, keep_misses: int = 0) -> Figures:
    ask = ask or responder().respond
    figures = Figures(split=split)
    style_total: Counter = Counter()
    style_ok: Counter = Counter()
    right = clarified = refused = offers = 0
    calibration: list[tuple[float, bool]] = []
    misses: dict[str, list] = {"topic": [], "oos": [], "escalate": [], "simple": []}
    for item in eval_questions(split):
        reply = ask(item["q"])
        style = item.get("style", "plain")
        if item["topic"] == "out_of_scope":
            figures.off_topic += 1
            ok = reply.action in ("out_of_scope", "invalid")
            refused += ok
            if not ok:
                misses["oos"].append((item["q"], reply.action, reply.topic, reply.confidence))
        else:
            figures.in_scope += 1
            accepted = {item["topic"], *item.get("also", ())}
            ok = reply.action in ("answer", "escalate") and reply.topic in accepted
            right += ok
            clarified += reply.action == "clarify"
            offers += reply.action == "escalate"
            if not ok:
                misses["topic"].append((item["q"], item["topic"], reply.action, reply.topic, reply.confidence))
        style_total[style] += 1
        style_ok[style] += ok
        if reply.action in ("answer", "escalate") and reply.topic:
            calibration.append((reply.confidence, item["topic"] != "out_of_scope"
                                and reply.topic in {item["topic"], *item.get("also", ())}))
    cases = eval_escalation(split)
    escalated, recalls, precisions = 0, [], []
    for case in cases["escalate"]:
        reply = ask(case["q"])
        figures.multi_authority += 1
        if reply.action == "escalate":
            escalated += 1
            needed, got = set(case["roles"]), set(reply.roles)
            recalls.append(len(needed & got) / len(needed))
            precisions.append(len(needed & got) / len(got) if got else 0.0)
            if needed - got or got - needed:
                misses["escalate"].append((case["q"], "missing", sorted(needed - got), "extra", sorted(got - needed)))
        else:
            misses["escalate"].append((case["q"], reply.action, reply.topic))
    simple_offers = 0
    for case in cases.get("simple", ()):
        reply = ask(case["q"])
        figures.simple += 1
        if reply.action == "escalate":
            simple_offers += 1
            misses["simple"].append((case["q"], reply.roles))
    figures.topic_accuracy = round(right / max(1, figures.in_scope), 3)
    figures.clarified = round(clarified / max(1, figures.in_scope), 3)
    figures.oos_refused = round(refused / max(1, figures.off_topic), 3)
    figures.escalated = round(escalated / max(1, figures.multi_authority), 3)
    figures.role_recall = round(sum(recalls) / max(1, len(recalls)), 3)
    figures.role_precision = round(sum(precisions) / max(1, len(precisions)), 3)
    figures.meeting_offers_simple = round(simple_offers / max(1, figures.simple), 3)
    figures.meeting_offers_in_scope = round(offers / max(1, figures.in_scope), 3)
    figures.ece = round(expected_calibration_error(calibration), 3)
    figures.answered = len(calibration)
    figures.by_style = {style: f"{style_ok[style]}/{n}" for style, n in sorted(style_total.items())}
    if keep_misses:
        figures.misses = {kind: rows[:keep_misses] for kind, rows in misses.items()}
    return figures


if __name__ == "__main__":  # python -m tests.quality [dev|test] [--misses N]
    args = sys.argv[1:]
    split = args[0] if args and not args[0].startswith("-") else "dev"
    keep = int(args[args.index("--misses") + 1]) if "--misses" in args else 0
    print(measure(split, keep_misses=keep).as_json())

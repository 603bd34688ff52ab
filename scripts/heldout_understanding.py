"""Held-out figures for changes to the second reader, on DEV only (never the test split).

    .venv/bin/python scripts/heldout_understanding.py [--config NAME|JSON ...] [--no-cv] [--salt S]

fitted.json is fitted on all of dev, so dev figures after a refit flatter any change. Here dev is
split in two halves by the SHA-1 of each question's text (mod 2): the decision numbers are fitted
(scripts/fit_understanding.py's `fit`) on one half and the figures (tests/quality.py's `measure`)
taken on the other, and the reverse. A second check is a 2-fold cross-validation over the
phrasings (knowledge/phrasings.yaml) and the out-of-domain corpus themselves: the second reader
learns half of each, the decision is refitted on all of dev, and the other halves are asked: how
many phrasings get their topic, how many are refused, how many off-topic lines are refused.

Each configuration is a set of keyword arguments for bot.matching.domain.train (CONFIGS).
"""
from __future__ import annotations

import copy
import dataclasses
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import fit_understanding  # noqa: E402

from bot.conversation.responder import Responder  # noqa: E402
from bot.knowledge.bundle import KnowledgeBundle  # noqa: E402
from bot.locales import install  # noqa: E402
from bot.matching import domain  # noqa: E402
from tests import quality  # noqa: E402
from tests.knowledge_support import KNOWLEDGE, ROUTING, eval_escalation, eval_questions, half_of  # noqa: E402

FIGURES = ("topic_accuracy", "clarified", "oos_refused", "escalated", "role_recall", "role_precision",
           "meeting_offers_simple", "ece")
CONFIGS: dict[str, dict] = {
    "prose_only": {"phrasing_weight": 0.0},
    "phrasings": {},
}
# A config may name another out-of-domain corpus ({"outside_file": "/tmp/old.yaml"}): what the
# reader learns `outside` from; the cross-validation still asks the held-out half of the shipped one.


SALT = sys.argv[sys.argv.index("--salt") + 1] if "--salt" in sys.argv else ""  # other halves, for the noise


def half(text: str) -> int:
    return half_of(text, SALT)


def dev_half(which: int) -> tuple[list[dict], dict]:
    questions = [q for q in eval_questions("dev") if half(q["q"]) == which]
    cases = {kind: [c for c in items if half(c["q"]) == which] for kind, items in eval_escalation("dev").items()}
    return questions, cases


def with_reader(base: KnowledgeBundle, config: dict, *, kb=None, outside=None) -> KnowledgeBundle:
    """The bundle with its second reader trained as `config` says (and on `kb`, `outside`)."""
    bundle = copy.copy(base)
    if kb is not None:
        bundle.kb = kb
    config = dict(config)
    if "outside_file" in config:
        outside = outside if outside is not None else domain.load_corpus(Path(config["outside_file"]))
        del config["outside_file"]
    bundle.__dict__["domain"] = domain.train(bundle.kb, bundle.guide, outside=outside, **config)
    # The role reader reads the second reader's columns: learned again with this one.
    bundle.__dict__.pop("roles", None)
    return bundle


def responder(bundle: KnowledgeBundle, result: dict) -> Responder:
    fitted, meeting = fit_understanding.models(result)
    install(bundle.catalog)
    return Responder(bundle.kb, matcher=bundle.matcher, rules=bundle.rules, guide=bundle.guide,
                     domain=bundle.domain, fitted=fitted, meeting=meeting, roles=bundle.roles, finder=bundle.finder)


def measure_on(bundle: KnowledgeBundle, result: dict, questions: list[dict], cases: dict) -> dict:
    ask = responder(bundle, result).respond
    saved = quality.eval_questions, quality.eval_escalation
    quality.eval_questions, quality.eval_escalation = (lambda split: questions), (lambda split: cases)
    try:
        figures = quality.measure("dev", ask=ask)
    finally:
        quality.eval_questions, quality.eval_escalation = saved
    found = {name: getattr(figures, name) for name in FIGURES}
    # The costs the decision is fitted with (fit_understanding.cost), per question, and how many
    # in-scope questions were refused.
    total = refused = in_scope = 0.0
    asked = [(q["q"], {q["topic"], *q.get("also", ())}) for q in questions]
    asked += [(c["q"], {c["topic"]}) for c in cases.get("simple", ())]
    for text, topics in asked:
        reply = ask(text)
        inside = "out_of_scope" not in topics
        in_scope += inside
        if reply.action in ("answer", "escalate") and reply.topic:
            total += 0.0 if inside and reply.topic in topics else fit_understanding.COST_WRONG
        elif reply.action == "clarify":
            total += fit_understanding.COST_CLARIFY if inside else fit_understanding.COST_CLARIFY_OFF_TOPIC
        elif inside:
            total += fit_understanding.COST_REFUSED
            refused += 1
    found["in_scope_refused"] = round(refused / max(1, in_scope), 3)
    found["cost"] = round(total / max(1, len(asked)), 3)
    return found


def halves(bundle: KnowledgeBundle) -> dict:
    """Fit on one dev half, measure on the other; both ways."""
    found = {}
    for fit_on, measured in ((0, 1), (1, 0)):
        result = fit_understanding.fit(bundle, *dev_half(fit_on))
        found[f"fit{'AB'[fit_on]}_on{'AB'[measured]}"] = measure_on(bundle, result, *dev_half(measured))
    return found


def cross_validation(base: KnowledgeBundle, config: dict) -> dict:
    """2 folds over the phrasings and the out-of-domain corpus: learn one half, ask the other."""
    outside = domain.load_corpus()
    learned = domain.load_corpus(Path(config["outside_file"])) if "outside_file" in config else outside
    phrasings = base.kb.phrasings
    found = {}
    for fold in (0, 1):
        kb = dataclasses.replace(base.kb, phrasings=tuple(p for p in phrasings if half(p.q) != fold))
        bundle = with_reader(base, config, kb=kb, outside=[q for q in learned if half(q) != fold])
        result = fit_understanding.fit(bundle, eval_questions("dev"), eval_escalation("dev"))
        ask = responder(bundle, result).respond
        asked = [p for p in phrasings if half(p.q) == fold]
        right = refused = clarified = 0
        for phrasing in asked:
            reply = ask(phrasing.q)
            right += reply.action in ("answer", "escalate") and reply.topic == phrasing.topic
            refused += reply.action in ("out_of_scope", "invalid")
            clarified += reply.action == "clarify"
        off = [q for q in outside if half(q) == fold]
        off_refused = sum(ask(q).action in ("out_of_scope", "invalid") for q in off)
        n = max(1, len(asked))
        found[f"fold{fold}"] = {"phrasings": len(asked), "topic_accuracy": round(right / n, 3),
                                "refused": round(refused / n, 3), "clarified": round(clarified / n, 3),
                                "outside": len(off), "outside_refused": round(off_refused / max(1, len(off)), 3)}
    return found


def main() -> None:
    names = [sys.argv[i + 1] for i, arg in enumerate(sys.argv) if arg == "--config"] or list(CONFIGS)
    base = KnowledgeBundle.load(KNOWLEDGE, ROUTING)
    base.matcher  # noqa: B018 - built once, shared by every configuration
    report = {}
    for name in names:
        config = CONFIGS[name] if name in CONFIGS else json.loads(name)
        bundle = with_reader(base, config)
        report[name] = {"halves": halves(bundle)}
        if "--no-cv" not in sys.argv:
            report[name]["cross_validation"] = cross_validation(base, config)
        print(json.dumps({name: report[name]}, ensure_ascii=False), flush=True)
    print(table(report))


def table(report: dict) -> str:
    lines = []
    for name, found in report.items():
        for where, figures in found["halves"].items():
            lines.append(f"{name:28} {where:10} " + " ".join(f"{k}={v:.3f}" for k, v in figures.items()))
        for where, figures in found.get("cross_validation", {}).items():
            lines.append(f"{name:28} cv-{where:7} " + " ".join(f"{k}={v}" for k, v in figures.items()))
    return "\n".join(lines)


if __name__ == "__main__":
    main()

"""Fit the decision numbers of bot/matching/decision.py on the DEV split only, and write them to
bot/matching/fitted.json. Never run it on the test split: its figures are reported, not fitted.

    .venv/bin/python scripts/fit_understanding.py [--write]

It asks the responder, with the domain gate, calibration and clarification turned off, for every
dev question (tests/eval/dev: questions, simple and multi-authority cases), records the evidence,
then searches the thresholds that give the lowest expected cost, with these costs:

    wrong answer (an in-scope question given the wrong topic, an off-topic question answered): 3
    a clarifying question instead of an answer: 1
    an in-scope question refused: 2
    right answer, off-topic refused: 0

and fits the calibration (logistic regression of "the answer was right" on the evidence).
"""
from __future__ import annotations

import json
import math
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.knowledge.bundle import KnowledgeBundle  # noqa: E402
from bot.matching.decision import FITTED, Fitted, _logit  # noqa: E402
from tests.knowledge_support import eval_escalation, eval_questions  # noqa: E402

COST_WRONG, COST_CLARIFY, COST_REFUSED = 3.0, 1.0, 2.0


def rows(knowledge: Path, routing: Path) -> list[dict]:
    bundle = KnowledgeBundle.load(knowledge, routing)
    neutral = Fitted(refuse_below=0.0, refuse_below_named=0.0, calibration=(0.0, 1.0, 0.0, 0.0), clarify_below=0.0)
    responder = bundle.responder()
    responder.fitted = neutral
    domain = bundle.domain
    items = [(q["q"], q["topic"], set(q.get("also", ()))) for q in eval_questions("dev")]
    cases = eval_escalation("dev")
    items += [(c["q"], c["topic"], set()) for c in cases.get("simple", ())]
    found = []
    for text, topic, also in items:
        reply = responder.respond(text)
        match = responder.matcher.match(text)
        findings = responder.finder.find(text)
        found.append({"q": text, "label": topic, "accepted": {topic, *also}, "action": reply.action,
                      "topic": reply.topic, "raw": reply.confidence, "domain": domain.probability(text),
                      "named": match.named, "activities": bool(findings.activities),
                      "alternatives": bool(match.alternatives)})
    return found


def cost(row: dict, fitted: Fitted) -> tuple[float, str]:
    action = row["action"]
    if action in ("answer", "escalate") and row["topic"] and not row["activities"]:
        limit = fitted.refuse_below_named if row["named"] else fitted.refuse_below
        if row["domain"] < limit:
            action = "out_of_scope"
    if action in ("answer", "escalate") and row["topic"]:
        conf = fitted.confidence(raw=row["raw"], domain=row["domain"], checklist=row["activities"])
        if conf < fitted.clarify_below and row["alternatives"] and not row["activities"]:
            action = "clarify"
    in_scope = row["label"] != "out_of_scope"
    if action in ("out_of_scope", "invalid", "greeting"):
        return (COST_REFUSED if in_scope else 0.0), "refused"
    if action == "clarify":
        return (COST_CLARIFY if in_scope else COST_CLARIFY), "clarify"
    right = in_scope and row["topic"] in row["accepted"]
    return (0.0 if right else COST_WRONG), ("right" if right else "wrong")


def fit_calibration(data: list[dict], fitted: Fitted) -> tuple[float, ...]:
    from sklearn.linear_model import LogisticRegression

    answered = [r for r in data if r["action"] in ("answer", "escalate") and r["topic"]
                and cost(r, fitted)[1] in ("right", "wrong")]
    x = [[_logit(r["raw"]), _logit(r["domain"]), float(r["activities"])] for r in answered]
    y = [int(r["label"] != "out_of_scope" and r["topic"] in r["accepted"]) for r in answered]
    model = LogisticRegression(C=1.0).fit(x, y)
    return (float(model.intercept_[0]), *[float(w) for w in model.coef_[0]])


def search(data: list[dict]) -> tuple[Fitted, float]:
    best = None
    for refuse_below in [i / 20 for i in range(0, 20)]:
        for refuse_named in [i / 20 for i in range(0, 20)]:
            if refuse_named > refuse_below:
                continue
            fitted = Fitted(refuse_below, refuse_named, (0.0, 1.0, 0.0, 0.0), 0.0)
            total = sum(cost(r, fitted)[0] for r in data)
            if best is None or total < best[1]:
                best = (fitted, total)
    fitted = best[0]
    calibration = fit_calibration(data, fitted)
    best = None
    for clarify_below in [i / 40 for i in range(0, 32)]:
        candidate = Fitted(fitted.refuse_below, fitted.refuse_below_named, calibration, clarify_below)
        total = sum(cost(r, candidate)[0] for r in data)
        if best is None or total < best[1] - 1e-9:
            best = (candidate, total)
    return best


def main() -> None:
    knowledge = Path(sys.argv[sys.argv.index("--knowledge") + 1]) if "--knowledge" in sys.argv else ROOT / "knowledge"
    data = rows(knowledge, ROOT / "routing_rules.yaml")
    fitted, total = search(data)
    outcomes: dict[str, int] = {}
    for r in data:
        kind = cost(r, fitted)[1]
        outcomes[kind] = outcomes.get(kind, 0) + 1
    result = {"refuse_below": fitted.refuse_below, "refuse_below_named": fitted.refuse_below_named,
              "calibration": [round(x, 4) for x in fitted.calibration], "clarify_below": fitted.clarify_below,
              "costs": {"wrong": COST_WRONG, "clarify": COST_CLARIFY, "refused": COST_REFUSED},
              "fitted_on": "tests/eval/dev", "dev_questions": len(data), "dev_cost": round(total, 1),
              "dev_outcomes": outcomes, "date": date.today().isoformat()}
    print(json.dumps(result, indent=1))
    if "--write" in sys.argv:
        FITTED.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

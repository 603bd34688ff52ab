"""From evidence to a decision: answer, ask back, or say honestly that Lotsen does not know.

The matcher ranks the articles; the domain classifier (bot.matching.domain) says how much the
question is about the municipality's business service at all. A logistic regression, fitted on the
dev split only (scripts/fit_understanding.py writes bot/matching/fitted.json), turns that evidence
into the probability that the best article is the right answer. That probability is the confidence
Lotsen reports, so answers given with confidence c are right about c of the time.

A wrong answer costs more than a question back, and a question back more than nothing, so the
two lines (answer at or above `answer_at`; ask which topic was meant at or above `clarify_at`
when the matcher saw close alternatives; otherwise refuse with the contact details) are where the
expected cost on dev is lowest, with the costs written in fitted.json.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FITTED = Path(__file__).with_name("fitted.json")
FEATURES = ("domain", "combined", "combined_lead", "reader", "score", "evidence", "lead", "named", "agree",
            "activity", "unknown", "known", "answered", "clarified", "authority", "example")
READER_WEIGHT = 1.0  # how much the second reader's probability adds to the matcher's score (dev)
CANDIDATES = 10


@dataclass(frozen=True)
class Reading:
    """The matcher's ranking and the second reader's, combined: the best topic and the evidence."""

    best: str
    ranked: list[str]
    features: list[float]


def read(match, posterior: dict[str, float], *, activity: bool, authority: bool) -> Reading:
    """Combine the matcher's scores with the domain classifier's posterior over the same
    candidates; return the best topic and the features the decision is fitted on."""
    scores = match.scores[:CANDIDATES]
    combined = {topic: score + READER_WEIGHT * posterior.get(topic, 0.0) for topic, score in scores}
    ranked = sorted(combined, key=lambda t: -combined[t])  # stable: equal totals keep the matcher's order
    best = ranked[0]
    runner = combined[ranked[1]] if len(ranked) > 1 else 0.0
    score, evidence, lead = match.evidence
    features = [_logit(1.0 - posterior.get("outside", 0.0)), combined[best], combined[best] - runner,
                posterior.get(best, 0.0), score, math.log1p(evidence), lead, float(match.named and best == scores[0][0]),
                float(best == scores[0][0]), float(activity), math.log1p(match.unknown), math.log1p(match.known),
                float(match.action == "answer"), float(match.action == "clarify"), float(authority), match.example]
    return Reading(best, ranked, features)


def _logit(p: float) -> float:
    p = min(0.999, max(0.001, p))
    return math.log(p / (1.0 - p))


@dataclass(frozen=True)
class Fitted:
    weights: tuple[float, ...] = ()
    bias: float = 0.0
    answer_at: float = 0.5
    clarify_at: float = 0.5

    @property
    def fitted(self) -> bool:
        return len(self.weights) == len(FEATURES)

    def probability(self, features: list[float]) -> float:
        score = self.bias + sum(w * x for w, x in zip(self.weights, features, strict=True))
        score = max(-30.0, min(30.0, score))
        return 1.0 / (1.0 + math.exp(-score))


MEETING_FEATURES = ("authorities", "stated_authorities", "named", "plans", "broad", "running", "conditions",
                    "activities", "length", "confidence", "checklist", "others", "beyond", "broad_authorities", "detail",
                    "learned", "learned_first", "learned_second", "joined", "undertaking")


@dataclass(frozen=True)
class MeetingModel:
    """Whether what a question brings up is a case for a joint meeting (an undertaking for two
    or more authorities) rather than a question about one thing. Unfitted: whenever two or more
    authorities are involved."""

    weights: tuple[float, ...] = ()
    bias: float = 0.0
    offer_at: float = 0.5

    def probability(self, features: list[float]) -> float:
        if len(self.weights) != len(MEETING_FEATURES):
            return 1.0
        score = max(-30.0, min(30.0, self.bias + sum(w * x for w, x in zip(self.weights, features, strict=True))))
        return 1.0 / (1.0 + math.exp(-score))

    def offers(self, features: list[float]) -> bool:
        return self.probability(features) >= self.offer_at


@lru_cache(maxsize=4)
def load_meeting(path: Path = FITTED) -> MeetingModel:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))["meeting"]
        if tuple(data["features"]) != MEETING_FEATURES:
            return MeetingModel()
        return MeetingModel(tuple(float(w) for w in data["weights"]), float(data["bias"]), float(data["offer_at"]))
    except (OSError, ValueError, KeyError, TypeError):
        return MeetingModel()


@lru_cache(maxsize=4)
def load_fitted(path: Path = FITTED) -> Fitted:
    """The fitted numbers; without the file (or with one of another shape), an empty Fitted, and
    the matcher's own decision stands."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if tuple(data["features"]) != FEATURES:
            return Fitted()
        return Fitted(weights=tuple(float(w) for w in data["weights"]), bias=float(data["bias"]),
                      answer_at=float(data["answer_at"]), clarify_at=float(data["clarify_at"]))
    except (OSError, ValueError, KeyError, TypeError):
        return Fitted()

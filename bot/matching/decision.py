"""The numbers that turn evidence into a decision, fitted on the dev split only
(scripts/fit_understanding.py writes bot/matching/fitted.json; see docs/DEVELOPING.md):

- when a question that the matcher could answer is refused anyway, because the domain classifier
  (bot.matching.domain) finds it is not about the municipality's business service at all;
- the calibration that maps the matcher's evidence and the domain probability to the confidence
  we report: answers given with confidence c are right about c of the time;
- below which confidence Lotsen asks a clarifying question instead of answering. A wrong answer
  costs more than a question back (the costs are in fitted.json), so the line sits where the
  expected cost on dev is lowest.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FITTED = Path(__file__).with_name("fitted.json")


@dataclass(frozen=True)
class Fitted:
    refuse_below: float = 0.0  # domain probability below which an answer is refused ...
    refuse_below_named: float = 0.0  # ... or, when the question names the topic, below this
    calibration: tuple[float, ...] = (0.0, 1.0, 0.0, 0.0)  # bias, logit(raw), logit(domain), checklist
    clarify_below: float = 0.0  # calibrated confidence below which we ask instead of answering

    def confidence(self, *, raw: float, domain: float, checklist: bool) -> float:
        bias, w_raw, w_domain, w_checklist = (*self.calibration, 0.0, 0.0, 0.0, 0.0)[:4]
        score = bias + w_raw * _logit(raw) + w_domain * _logit(domain) + w_checklist * checklist
        return round(1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score)))), 3)


def _logit(p: float) -> float:
    p = min(0.999, max(0.001, p))
    return math.log(p / (1.0 - p))


@lru_cache(maxsize=1)
def load_fitted(path: Path = FITTED) -> Fitted:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Fitted()
    return Fitted(refuse_below=float(data["refuse_below"]), refuse_below_named=float(data["refuse_below_named"]),
                  calibration=tuple(float(x) for x in data["calibration"]),
                  clarify_below=float(data["clarify_below"]))

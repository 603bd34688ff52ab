"""A third reader: which authorities a message needs, learned from examples rather than read off
word lists. One logistic regression per role (scikit-learn, one-vs-rest, only while the bundle is
built) over the second reader's features (bot/matching/domain.py: words, letter groups, word
pairs), learned from

- knowledge/cases.yaml: messages and the roles a careful official would bring in (two to four for
  an undertaking, one for a narrow question), and
- knowledge/phrasings.yaml: each topic's questions, needing the role responsible for its article
  (the coordinator's topics: none), weighted by PHRASING_WEIGHT.

So "the old tanks are still in the ground" reads as environment, "up to 300 guests" as rescue, "the
plot belongs to the municipality" as land, whether or not an activity or condition names them. The
planner (bot/conversation/planner.py) takes its roles next to those of the activities and topics;
whether a meeting is offered stays the fitted meeting decision's.

Answering needs numpy alone: the coefficients of the columns seen in training (sorted), one row per
column and one column per role, looked up by binary search.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

UNDERTAKING = "*"  # no role id: the key of "an undertaking for several authorities" among the odds
PHRASING_WEIGHT = 0.3  # a phrasing next to a case (held-out dev halves: 0.1 escalates more and offers simple
# questions more meetings, 1.0 the reverse; 0.3 between)
C_VALUE = 10.0  # inverse regularisation of each role's regression (held-out dev halves: 3 escalates less, 30 alike)


@dataclass(frozen=True, eq=False)
class RoleReader:
    roles: tuple[str, ...]
    columns: Any  # int32, sorted: the domain model's columns seen in training
    weights: Any  # float32, len(columns) x (len(roles) + 1): each role's, then UNDERTAKING's
    bias: Any  # float32, len(roles) + 1

    def probabilities(self, domain, text: str) -> dict[str, float]:
        """P(role needed | text) for every role, and under UNDERTAKING the probability that the
        message is an undertaking for several authorities rather than a narrow question (learned
        from the cases alone), read through the domain model's columns."""
        import numpy as np

        rows = domain.rows(text)
        if not len(rows) or not len(self.columns):
            scores = self.bias
        else:
            at = np.minimum(self.columns.searchsorted(rows), len(self.columns) - 1)
            hit = at[self.columns[at] == rows]
            scores = self.bias + self.weights[hit].sum(axis=0) / math.sqrt(len(rows))
        return {name: 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, float(s)))))
                for name, s in zip((*self.roles, UNDERTAKING), scores, strict=True)}


def train(kb, domain, *, coordinator: str | None, phrasing_weight: float | None = None,
          c_value: float | None = None) -> RoleReader | None:
    """The reader, or None without cases (a knowledge base without cases.yaml: roles come from the
    activities and topics alone). Unset weights are the module's (read when called)."""
    if not kb.cases:
        return None
    phrasing_weight = PHRASING_WEIGHT if phrasing_weight is None else phrasing_weight
    c_value = C_VALUE if c_value is None else c_value
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from bot.matching.domain import unit_rows

    texts = [case.q for case in kb.cases]
    needs = [set(case.roles) - {coordinator} for case in kb.cases]
    weights = [1.0] * len(texts)
    for phrasing in kb.phrasings:
        role = kb.articles[phrasing.topic].role
        texts.append(phrasing.q)
        needs.append(set() if role == coordinator else {role})
        weights.append(phrasing_weight)
    roles = tuple(sorted({role for need in needs for role in need}))
    read = [domain.rows(text) for text in texts]
    seen = np.unique(np.concatenate(read)) if read else np.zeros(0, dtype=np.int32)
    # Each text's columns among those seen.
    x = unit_rows([seen.searchsorted(columns) for columns in read], len(seen))
    coef = np.zeros((len(seen), len(roles) + 1), dtype=np.float32)
    bias = np.zeros(len(roles) + 1, dtype=np.float32)
    cases = len(kb.cases)
    for i, role in enumerate((*roles, UNDERTAKING)):
        model = LogisticRegression(C=c_value, solver="liblinear", dual=True, max_iter=1000, random_state=0)
        if role == UNDERTAKING:  # the cases alone: two or more authorities, or one
            y = [int(len(need) >= 2) for need in needs[:cases]]
            if len(set(y)) < 2:
                continue  # every case alike: nothing to learn, even odds stay
            model.fit(x[:cases], y)
        else:
            model.fit(x, [int(role in need) for need in needs], sample_weight=weights)
        coef[:, i], bias[i] = model.coef_[0], model.intercept_[0]
    return RoleReader(roles=roles, columns=seen.astype(np.int32), weights=coef, bias=bias)

"""Is a question about running a business in the municipality at all? A linear classifier over
words, word pairs and letter groups, learned when the knowledge base is built:

- in the domain: every article's titles, keywords and example questions, and every activity's
  names (knowledge/);
- outside it: a corpus of more than a thousand everyday, other-authority, chit-chat, school,
  health, programming and near-miss questions (bot/matching/out_of_domain.yaml, development data:
  never the frozen test set).

scikit-learn fits it (logistic regression) only when the bundle is built; answering needs no
scikit-learn: the weights are a dictionary, and a question's score is a sum of look-ups. The
bundle cache keeps the weights, so `lotsen ask` starts without importing scikit-learn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.matching.terms import tokens

CORPUS = Path(__file__).with_name("out_of_domain.yaml")
REGULARISATION = 1.0  # scikit-learn's C; fitted on the dev split
MIN_WEIGHT = 1e-4


def features(text: str) -> set[str]:
    words = tokens(text)
    found: set[str] = set()
    for word in words:
        found.add("w:" + word)
        padded = f"<{word}>"
        for size in (3, 4, 5):
            for start in range(max(1, len(padded) - size + 1)):
                found.add(f"c{size}:" + padded[start:start + size])
    for first, second in zip(words, words[1:]):
        found.add(f"b:{first}_{second}")
    return found


def load_corpus(path: Path = CORPUS) -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [item["q"] for item in data if isinstance(item, dict) and isinstance(item.get("q"), str)]


@dataclass(frozen=True)
class DomainModel:
    weights: dict[str, float]
    bias: float

    def probability(self, text: str) -> float:
        """How likely the text is a question for the municipality's business service."""
        found = features(text)
        if not found:
            return 0.0
        # Each question is a unit vector (like TF-IDF's normalisation): a long story is not
        # pushed either way by the number of its words, only by what they are.
        score = self.bias + sum(self.weights.get(feature, 0.0) for feature in found) / math.sqrt(len(found))
        if score >= 0:
            return 1.0 / (1.0 + math.exp(-score))
        odds = math.exp(score)
        return odds / (1.0 + odds)


def domain_texts(kb, guide=None) -> list[str]:
    texts: list[str] = []
    for article in kb.articles.values():
        for lang in ("sv", "en"):
            texts.append(article.title.get(lang))
            texts.extend(article.examples.get(lang, ()))
            texts.extend(article.keywords.get(lang, ()))
    for activity in getattr(guide, "activities", ()):
        for lang in ("sv", "en"):
            texts.append(activity.name.get(lang))
            texts.extend(activity.terms.get(lang, ()))
    return [t for t in texts if t and t.strip()]


def train(kb, guide=None, *, outside: list[str] | None = None, c: float = REGULARISATION) -> DomainModel:
    """Fit the classifier on the knowledge base and the out-of-domain corpus."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    inside = domain_texts(kb, guide)
    outside = load_corpus() if outside is None else outside
    rows = []
    for text in (*inside, *outside):
        found = features(text)
        rows.append(dict.fromkeys(found, 1.0 / math.sqrt(len(found) or 1)))
    labels = [1] * len(inside) + [0] * len(outside)
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(rows)
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=3000, solver="lbfgs")
    model.fit(matrix, labels)
    names = vectorizer.get_feature_names_out()
    weights = {str(name): float(w) for name, w in zip(names, model.coef_[0]) if abs(w) >= MIN_WEIGHT}
    return DomainModel(weights=weights, bias=float(model.intercept_[0]))

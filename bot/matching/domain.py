"""A second reader of every question: which topic it is about, and whether it is about the
municipality's business service at all. A multinomial naive Bayes classifier over words, word
pairs and letter groups, learned when the knowledge base is built:

- one class per article: its titles, keywords, example questions, summary and body sentences;
- one class `outside`: a corpus of everyday, other-authority, chit-chat, school, health,
  programming and near-miss questions (bot/matching/out_of_domain.yaml, development data written
  for this purpose: never the frozen test set).

scikit-learn fits it (MultinomialNB, a fraction of a second) only when the bundle is built. Answering
needs no scikit-learn: the model is kept as postings (feature -> the classes where it differs from
the class's default), and a question is scored only against the matcher's candidates and
`outside`, so the cost does not grow with the number of articles. The bundle cache keeps it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.matching.terms import tokens

CORPUS = Path(__file__).with_name("out_of_domain.yaml")
OUTSIDE = "outside"
SMOOTHING = 0.01  # MultinomialNB's alpha, chosen on dev
_SENTENCES = re.compile(r"(?<=[.!?:])\s+|\n+")


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
    classes: tuple[str, ...]
    prior: tuple[float, ...]  # log prior + nothing else, per class
    default: tuple[float, ...]  # log probability of a feature never seen with the class
    postings: dict[str, dict[int, float]]  # feature -> class index -> log probability minus default

    def posterior(self, text: str, candidates: list[str]) -> dict[str, float]:
        """P(class | text) over the candidate topics and `outside` (renormalised over them)."""
        found = [f for f in features(text) if f in self.postings]
        index = {name: i for i, name in enumerate(self.classes)}
        wanted = [index[c] for c in dict.fromkeys([*candidates, OUTSIDE]) if c in index]
        if not wanted:
            return {}
        value = 1.0 / math.sqrt(len(found)) if found else 0.0
        scores = {}
        for i in wanted:
            total = self.prior[i] + self.default[i] * value * len(found)
            for feature in found:
                total += value * self.postings[feature].get(i, 0.0)
            scores[i] = total
        top = max(scores.values())
        exp = {i: math.exp(s - top) for i, s in scores.items()}
        norm = sum(exp.values())
        return {self.classes[i]: e / norm for i, e in exp.items()}

    def probability(self, text: str, candidates: list[str] = ()) -> float:
        """How likely the text is about the business service (any candidate, not `outside`)."""
        posterior = self.posterior(text, list(candidates) or [c for c in self.classes[:1]])
        return 1.0 - posterior.get(OUTSIDE, 0.0)


def training_texts(kb) -> tuple[list[str], list[str]]:
    texts: list[str] = []
    labels: list[str] = []
    for article in kb.articles.values():
        for lang in ("sv", "en"):
            found = [article.title.get(lang), *article.examples.get(lang, ()), *article.keywords.get(lang, ()),
                     article.summary.get(lang)]
            # The body's sentences: the topic's words as they are used in longer text.
            found += [s for s in _SENTENCES.split(article.body.get(lang)) if len(s.split()) >= 4]
            found = [t for t in found if t and t.strip()]
            texts += found
            labels += [article.id] * len(found)
    return texts, labels


def train(kb, guide=None, *, outside: list[str] | None = None, alpha: float = SMOOTHING) -> DomainModel:
    """Fit the classifier on the articles and the out-of-domain corpus."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.naive_bayes import MultinomialNB

    texts, labels = training_texts(kb)
    outside = load_corpus() if outside is None else outside
    texts += outside
    labels += [OUTSIDE] * len(outside)
    rows = []
    for text in texts:
        found = features(text)
        rows.append(dict.fromkeys(found, 1.0 / math.sqrt(len(found) or 1)))
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(rows)
    model = MultinomialNB(alpha=alpha).fit(matrix, labels)
    names = vectorizer.get_feature_names_out()
    log_prob = model.feature_log_prob_  # classes x features
    counts = model.feature_count_
    default = [float(log_prob[c][counts[c] == 0].max()) if (counts[c] == 0).any() else float(log_prob[c].min())
               for c in range(len(model.classes_))]
    postings: dict[str, dict[int, float]] = {}
    nonzero = counts.nonzero()
    for c, f in zip(*nonzero):
        postings.setdefault(str(names[f]), {})[int(c)] = float(log_prob[c, f] - default[c])
    return DomainModel(classes=tuple(str(c) for c in model.classes_),
                       prior=tuple(float(p) for p in model.class_log_prior_), default=tuple(default),
                       postings=postings)

"""A second reader of every question: which topic it is about, and whether it is about the
municipality's business service at all. A multinomial naive Bayes classifier over words, word
pairs and letter groups, learned when the knowledge base is built:

- one class per article: its titles, keywords, example questions, summary and body sentences;
- one class `outside`: a corpus of everyday, other-authority, chit-chat, school, health,
  programming and near-miss questions (bot/matching/out_of_domain.yaml, development data written
  for this purpose: never the frozen test set).

It is fitted (about a second) only when the bundle is built, with numpy alone: the model is a
sparse matrix (features x classes: how much more likely a feature is
in a class than by default), and a question is scored only against the matcher's candidates and
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
    # libyaml's parser where PyYAML has it (ten times faster than the pure-Python one).
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or []
    return [item["q"] for item in data if isinstance(item, dict) and isinstance(item.get("q"), str)]


@dataclass(frozen=True, eq=False)
class DomainModel:
    """Multinomial naive Bayes, as compressed sparse rows: for class c, `indices[indptr[c]:
    indptr[c+1]]` are the (sorted) features seen with it and `data` the same slice of how much more
    likely each is there than a feature never seen with the class (`default[c]`)."""

    classes: tuple[str, ...]
    prior: "object"  # numpy array: log prior per class
    default: "object"  # numpy array: log probability of a feature never seen with the class
    vocabulary: dict[str, int]  # feature -> its column
    indptr: "object"
    indices: "object"
    data: "object"

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {name: i for i, name in enumerate(self.classes)})
        object.__setattr__(self, "_last", None)

    def posterior(self, text: str, candidates: list[str]) -> dict[str, float]:
        """P(class | text) over the candidate topics and `outside` (renormalised over them)."""
        key = (text, tuple(candidates))
        last = self.__dict__.get("_last")
        if last is not None and last[0] == key:  # one question asks twice (answer, then whether in domain)
            return dict(last[1])
        result = self._posterior(text, candidates)
        object.__setattr__(self, "_last", (key, result))  # one tuple: safe across threads
        return dict(result)

    def _posterior(self, text: str, candidates: list[str]) -> dict[str, float]:
        import numpy as np

        index = self._index
        wanted = [index[c] for c in dict.fromkeys([*candidates, OUTSIDE]) if c in index]
        if not wanted:
            return {}
        rows = np.fromiter(sorted({self.vocabulary[f] for f in features(text) if f in self.vocabulary}),
                           dtype=self.indices.dtype)
        value = 1.0 / math.sqrt(len(rows)) if len(rows) else 0.0
        scores = [float(self.prior[c] + self.default[c] * value * len(rows) + value * self._sum(c, rows))
                  for c in wanted]
        top = max(scores)
        exp = [math.exp(score - top) for score in scores]
        norm = sum(exp)
        return {self.classes[c]: e / norm for c, e in zip(wanted, exp)}

    def _sum(self, klass: int, rows) -> float:
        """The class's deltas over the question's features (sorted): a binary search in the
        class's own sorted features, so the cost does not depend on how many classes there are."""
        start, end = self.indptr[klass], self.indptr[klass + 1]
        if not len(rows) or start == end:
            return 0.0
        own = self.indices[start:end]
        at = own.searchsorted(rows)
        at[at == len(own)] = 0
        return float(self.data[start:end][at[own[at] == rows]].sum())

    def probability(self, text: str, candidates: list[str] = ()) -> float:
        """How likely the text is about the business service (any candidate, not `outside`)."""
        posterior = self.posterior(text, list(candidates) or list(self.classes[:1]))
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
    """Fit the classifier on the articles and the out-of-domain corpus. The counting is
    scikit-learn's MultinomialNB (fit_prior, alpha) done class by class into sparse rows: its
    dense per-class arrays would not fit a base of thousands of articles, and answering then needs
    nothing but numpy. Each question is a unit vector (like TF-IDF's normalisation)."""
    import numpy as np

    texts, labels = training_texts(kb)
    outside = load_corpus() if outside is None else outside
    by_class: dict[str, list[str]] = {}
    for text, label in zip([*texts, *outside], [*labels, *([OUTSIDE] * len(outside))]):
        by_class.setdefault(label, []).append(text)
    classes = sorted(by_class)
    vocabulary: dict[str, int] = {}
    cache: dict[str, object] = {}  # a text repeated in many articles is read once

    def columns(text: str):
        found = cache.get(text)
        if found is None:
            found = cache[text] = np.fromiter(
                (vocabulary.setdefault(f, len(vocabulary)) for f in features(text)), dtype=np.int32)
        return found

    indptr, indices, counts, totals, documents = [0], [], [], [], []
    for name in classes:
        read = [columns(text) for text in by_class[name]]
        weights = [np.full(len(c), 1.0 / math.sqrt(len(c) or 1)) for c in read]
        own, where = np.unique(np.concatenate(read), return_inverse=True)
        summed = np.bincount(where, weights=np.concatenate(weights), minlength=len(own))
        indices.append(own.astype(np.int32))
        counts.append(summed)
        indptr.append(indptr[-1] + len(own))
        totals.append(float(summed.sum()))
        documents.append(len(by_class[name]))
    size = len(vocabulary)
    default = np.log(alpha / (np.asarray(totals) + alpha * size))
    data = np.log1p(np.concatenate(counts) / alpha).astype(np.float32)
    documents_array = np.asarray(documents, dtype=np.float64)
    return DomainModel(classes=tuple(classes), prior=np.log(documents_array / documents_array.sum()),
                       default=default, vocabulary=vocabulary, indptr=np.asarray(indptr, dtype=np.int64),
                       indices=np.concatenate(indices), data=data)

"""A second reader of every question: which topic it is about, and whether it is about the
municipality's business service at all. A multinomial naive Bayes classifier over words, word
pairs and letter groups, learned when the knowledge base is built:

- one class per article: its titles, keywords, example questions, summary and body sentences;
- one class `outside`: a corpus of everyday, other-authority, chit-chat, school, health,
  programming and near-miss questions (bot/matching/out_of_domain.yaml, development data written
  for this purpose: never the frozen test set).

It is fitted (a fraction of a second) only when the bundle is built; answering needs no
scikit-learn: the model is a sparse matrix (features x classes: how much more likely a feature is
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
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [item["q"] for item in data if isinstance(item, dict) and isinstance(item.get("q"), str)]


@dataclass(frozen=True, eq=False)
class DomainModel:
    classes: tuple[str, ...]
    prior: "object"  # numpy array: log prior per class
    default: "object"  # numpy array: log probability of a feature never seen with the class
    vocabulary: dict[str, int]  # feature -> column of `delta`
    delta: "object"  # scipy CSR matrix, classes x features (sorted): log probability minus the default

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {name: i for i, name in enumerate(self.classes)})

    def posterior(self, text: str, candidates: list[str]) -> dict[str, float]:
        """P(class | text) over the candidate topics and `outside` (renormalised over them)."""
        index = self._index
        wanted = [index[c] for c in dict.fromkeys([*candidates, OUTSIDE]) if c in index]
        if not wanted:
            return {}
        import numpy as np

        rows = np.fromiter(sorted({self.vocabulary[f] for f in features(text) if f in self.vocabulary}),
                           dtype=self.delta.indices.dtype)
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
        start, end = self.delta.indptr[klass], self.delta.indptr[klass + 1]
        if not len(rows) or start == end:
            return 0.0
        own = self.delta.indices[start:end]
        at = own.searchsorted(rows)
        at[at == len(own)] = 0
        return float(self.delta.data[start:end][at[own[at] == rows]].sum())

    def probability(self, text: str, candidates: list[str] = ()) -> float:
        """How likely the text is about the business service (any candidate, not `outside`)."""
        posterior = self.posterior(text, list(candidates) or list(self.classes[:1]))
        return 1.0 - posterior.get(OUTSIDE, 0.0)


def _sorted(matrix):
    matrix.sort_indices()
    return matrix


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
    """Fit the classifier on the articles and the out-of-domain corpus: scikit-learn's
    MultinomialNB, computed with sparse matrices (its dense per-class arrays would not fit a
    base of thousands of articles)."""
    import numpy as np
    from scipy import sparse
    from sklearn.feature_extraction import DictVectorizer

    texts, labels = training_texts(kb)
    outside = load_corpus() if outside is None else outside
    texts += outside
    labels += [OUTSIDE] * len(outside)
    rows = []
    for text in texts:
        found = features(text)
        rows.append(dict.fromkeys(found, 1.0 / math.sqrt(len(found) or 1)))
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(rows).tocsr()  # documents x features
    classes = sorted(set(labels))
    position = {name: i for i, name in enumerate(classes)}
    label_rows = sparse.csr_matrix((np.ones(len(labels)), ([position[l] for l in labels], range(len(labels)))),
                                   shape=(len(classes), len(labels)))
    counts = (label_rows @ matrix).tocsr()  # classes x features
    size = matrix.shape[1]
    totals = np.asarray(counts.sum(axis=1)).ravel()
    default = np.log(alpha / (totals + alpha * size))
    counts.data = np.log1p(counts.data / alpha)  # log((count + alpha) / alpha): above the default
    documents = np.bincount([position[l] for l in labels], minlength=len(classes))
    prior = np.log(documents / documents.sum())
    vocabulary = {str(name): i for i, name in enumerate(vectorizer.get_feature_names_out())}
    return DomainModel(classes=tuple(classes), prior=prior, default=default, vocabulary=vocabulary,
                       delta=_sorted(counts.astype(np.float32)))

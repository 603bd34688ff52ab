"""A second reader of every question: which topic it is about, and whether it is about the
municipality's business service at all. A multinomial naive Bayes classifier over words, word
pairs and letter groups, learned when the knowledge base is built:

- one class per article: its titles, keywords, example questions, summary and body sentences,
  and how entrepreneurs ask about it (knowledge/phrasings.yaml, weighted by PHRASING_WEIGHT: without
  them the topics are learned from prose and `outside` from questions, so the style of a question
  itself read as off-topic);
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
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.matching.terms import tokens

CORPUS = Path(__file__).with_name("out_of_domain.yaml")
OUTSIDE = "outside"
SMOOTHING = 0.01  # MultinomialNB's alpha, chosen on dev
# The inverse regularisation of DomainModel.inside (a logistic regression of any topic against
# `outside`, mixed with naive Bayes); None: naive Bayes alone. With the first 1,100 phrasings it
# was within the noise (held-out dev cost 0.140 against 0.145 over 3 splits) and off. With both
# rounds of phrasings (2,166) and 1,500 off-topic lines, over 4 splits of dev into halves: cost
# per question 0.140 against 0.153, off-topic refused 0.936 against 0.924, escalated 0.885
# against 0.864, right topic 0.950 both, simple questions offered a meeting 0.045 against 0.033.
# Fitting it imports scikit-learn when the bundle is built (about a second more; the bundle
# cache keeps the result, and answering needs numpy alone). Learned without the prose
# (INSIDE_PROSE), 30 against 10 (and 3, 100), 8 held-out halves: cost 0.1225 against 0.128 (0.130,
# 0.126; better in 5 halves, equal in 2), right topic 0.959 against 0.953, off-topic refused 0.949
# against 0.945, in-scope refused 0.016 against 0.017.
INSIDE_C: float | None = 30.0
# Whether the inside reader learns "about the service" from the articles' prose (summary and body
# sentences) too, or only from questions (examples, phrasings), titles and keywords. `outside` is
# questions, so with prose the reader learned that question style itself is outside ("hur
# ansöker jag om ..."). Without it, held-out dev (scripts/heldout_understanding.py, averaged over
# 4 splits into halves, 8 measurements): cost per question 0.128 against 0.140, off-topic refused
# 0.945 against 0.936, right topic 0.953 against 0.950, in-scope refused 0.017 against 0.021.
# Naive Bayes still learns each topic from its prose.
INSIDE_PROSE = False
INSIDE_SAMPLE = 50_000  # topic texts the inside reader learns from at most
# A phrasing's weight next to one text of an article (sample_weight): 0.5 and 1.0 were alike on
# held-out dev halves (scripts/heldout_understanding.py; 2 and 3 worse), 0.5 a little better.
PHRASING_WEIGHT = 0.5
WORD_CACHE = 50_000  # words whose features are remembered
_SENTENCES = re.compile(r"(?<=[.!?:])\s+|\n+")


def word_features(word: str) -> list[str]:
    """A word and its letter groups of 3, 4 and 5 (marked at its ends)."""
    found = ["w:" + word]
    padded = f"<{word}>"
    for size in (3, 4, 5):
        for start in range(max(1, len(padded) - size + 1)):
            found.append(f"c{size}:" + padded[start:start + size])
    return found


def features(text: str) -> set[str]:
    """Words, their letter groups and word pairs."""
    words = tokens(text)
    found: set[str] = set()
    for word in words:
        found.update(word_features(word))
    for first, second in zip(words, words[1:], strict=False):
        found.add(f"b:{first}_{second}")
    return found


def load_corpus(path: Path = CORPUS) -> list[str]:
    # libyaml's parser where PyYAML has it (ten times faster than the pure-Python one).
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or []
    return [item["q"] for item in data if isinstance(item, dict) and isinstance(item.get("q"), str)]


END = 2**31 - 1  # closes every class's row: larger than any feature, so a search never runs off it


@dataclass(frozen=True, eq=False)
class DomainModel:
    """Multinomial naive Bayes, as compressed sparse rows: for class c, `indices[indptr[c]:
    indptr[c+1]]` are the (sorted) features seen with it, closed by END, and `data` the same slice
    of how much more likely each is there than a feature never seen with the class (`default[c]`;
    0 for END)."""

    classes: tuple[str, ...]
    # numpy arrays (numpy is imported only where the model is built or used)
    prior: Any  # log prior per class
    default: Any  # log probability of a feature never seen with the class
    vocabulary: dict[str, int]  # feature -> its column
    indptr: Any
    indices: Any  # int32
    data: Any  # float32
    # Optional: a logistic regression of "about the service" (any topic) against `outside`, one
    # float32 weight per column; when set, it says how likely `outside` is, and naive Bayes only
    # shares the rest among the candidates.
    inside: Any = None
    inside_bias: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {name: i for i, name in enumerate(self.classes)})
        object.__setattr__(self, "_last", None)
        # A word's known features, remembered: most words of a question were in earlier ones.
        object.__setattr__(self, "_word", lru_cache(maxsize=WORD_CACHE)(self._word_columns))

    def __getstate__(self) -> dict:
        # What is remembered per question or word is rebuilt, not stored (the bundle cache).
        return {key: value for key, value in self.__dict__.items() if key not in ("_last", "_word", "_rows")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.__post_init__()

    def _word_columns(self, word: str) -> tuple[int, ...]:
        found = self.vocabulary.get
        return tuple(column for column in map(found, word_features(word)) if column is not None)

    def columns(self, text: str) -> set[int]:
        """The columns of the text's features that the model knows: the same as looking up
        `features(text)`, a word at a time."""
        words = tokens(text)
        found: set[int] = set()
        word = self._word  # type: ignore[attr-defined]  # set in __post_init__
        for each in set(words):
            found.update(word(each))
        pair = self.vocabulary.get
        for first, second in zip(words, words[1:], strict=False):
            column = pair(f"b:{first}_{second}")
            if column is not None:
                found.add(column)
        return found

    def rows(self, text: str):
        """`columns(text)` sorted, as int32; the last text's are remembered (the second reader and
        the role reader read the same question)."""
        import numpy as np

        last = self.__dict__.get("_rows")
        if last is not None and last[0] == text:
            return last[1]
        columns = self.columns(text)
        found = np.fromiter(sorted(columns), dtype=np.int32, count=len(columns))
        object.__setattr__(self, "_rows", (text, found))  # one tuple: safe across threads
        return found

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

        index = self._index  # type: ignore[attr-defined]  # set in __post_init__
        wanted = [index[c] for c in dict.fromkeys([*candidates, OUTSIDE]) if c in index]
        if not wanted:
            return {}
        rows = self.rows(text)
        value = 1.0 / math.sqrt(len(rows)) if len(rows) else 0.0
        scores = self.prior[wanted] + self.default[wanted] * (value * len(rows)) + value * self._sums(wanted, rows)
        exp = np.exp(scores - scores.max())
        if self.inside is not None:
            score = self.inside_bias + value * float(self.inside[rows].sum()) if len(rows) else self.inside_bias
            inside = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))
            topics = [i for i, c in enumerate(wanted) if self.classes[c] != OUTSIDE]
            shares = exp[topics] / exp[topics].sum() if topics else exp[topics]
            found = {self.classes[wanted[i]]: float(inside * e) for i, e in zip(topics, shares, strict=True)}
            return {**found, OUTSIDE: 1.0 - inside}
        exp /= exp.sum()
        return {self.classes[c]: float(e) for c, e in zip(wanted, exp, strict=True)}

    def _sums(self, wanted: list[int], rows):
        """Each wanted class's deltas over the question's features (sorted): a binary search of
        the question's features in the class's own sorted row, so the cost does not depend on how
        many classes there are. One search per class; finding the hits and adding them up is done
        for all the classes at once."""
        import numpy as np

        if not len(rows):
            return np.zeros(len(wanted))
        indptr, indices = self.indptr, self.indices
        # END closes each row, so a search lands inside it (at END when the feature is not there).
        at = np.concatenate([indices[indptr[c]:indptr[c + 1]].searchsorted(rows) + indptr[c] for c in wanted])
        deltas = np.where(indices[at] == np.tile(rows, len(wanted)), self.data[at], 0.0)
        return deltas.reshape(len(wanted), len(rows)).sum(axis=1, dtype=np.float64)

    def probability(self, text: str, candidates: Sequence[str] = ()) -> float:
        """How likely the text is about the business service (any candidate, not `outside`)."""
        posterior = self.posterior(text, list(candidates) or list(self.classes[:1]))
        return 1.0 - posterior.get(OUTSIDE, 0.0)


def training_texts(kb, *, phrasing_weight: float = PHRASING_WEIGHT,
                   prose: bool = True) -> tuple[list[str], list[str], list[float]]:
    """Each topic's texts, its label and its weight: the article's own (1.0) and the phrasings.
    `prose`: with the summary and the body's sentences (else titles, examples and keywords only)."""
    texts: list[str] = []
    labels: list[str] = []
    for article in kb.articles.values():
        for lang in article.examples:  # sv, en and any further language offered
            found = [article.title.get(lang), *article.examples.get(lang, ()), *article.keywords.get(lang, ())]
            if prose:
                # The summary and the body's sentences: the topic's words as they are used in longer text.
                found.append(article.summary.get(lang))
                found += [s for s in _SENTENCES.split(article.body.get(lang)) if len(s.split()) >= 4]
            found = [t for t in found if t and t.strip()]
            texts += found
            labels += [article.id] * len(found)
    weights = [1.0] * len(texts)
    if phrasing_weight > 0:
        asked = [p for p in getattr(kb, "phrasings", ()) if p.topic in kb.articles]
        texts += [p.q for p in asked]
        labels += [p.topic for p in asked]
        weights += [phrasing_weight] * len(asked)
    return texts, labels, weights


def train(kb, guide=None, *, outside: list[str] | None = None, alpha: float = SMOOTHING,
          phrasing_weight: float = PHRASING_WEIGHT, inside_c: float | None = INSIDE_C,
          inside_prose: bool = INSIDE_PROSE) -> DomainModel:
    """Fit the classifier on the articles, their phrasings and the out-of-domain corpus. The
    counting is scikit-learn's MultinomialNB (fit_prior, alpha, sample_weight) done class by class
    into sparse rows: its dense per-class arrays would not fit a base of thousands of articles, and
    answering then needs nothing but numpy. Each question is a unit vector (like TF-IDF's
    normalisation)."""
    import numpy as np

    texts, labels, weights = training_texts(kb, phrasing_weight=phrasing_weight)
    outside = load_corpus() if outside is None else outside
    # Each class's texts and their weights, side by side (a pair per text would cost a tuple each
    # in a base of thousands of articles).
    by_class: dict[str, tuple[list[str], list[float]]] = {}
    for text, label, weight in zip([*texts, *outside], [*labels, *([OUTSIDE] * len(outside))],
                                   [*weights, *([1.0] * len(outside))], strict=True):
        texts_of, weights_of = by_class.setdefault(label, ([], []))
        texts_of.append(text)
        weights_of.append(weight)
    classes = sorted(by_class)
    vocabulary: dict[str, int] = {}
    cache: dict[str, object] = {}  # a text repeated in many articles is read once

    def columns(text: str):
        found = cache.get(text)
        if found is None:
            found = cache[text] = np.fromiter(
                (vocabulary.setdefault(f, len(vocabulary)) for f in features(text)), dtype=np.int32)
        return found

    # Each class's row is written straight into one array of each kind, made as large as the row
    # could be (every feature of every text once, plus END): the pages past what is written are
    # never touched, so they cost address space, not memory, and the end is given back by
    # `resize`. A base of thousands of articles never holds all its counts twice or in float64.
    upper = sum(len(columns(text)) for name in classes for text in by_class[name][0]) + len(classes)
    indices, data = np.empty(upper, dtype=np.int32), np.empty(upper, dtype=np.float32)
    indptr, totals, documents = [0], [], []
    for name in classes:
        read = [columns(text) for text in by_class[name][0]]
        weights = by_class[name][1]
        values = np.concatenate([np.full(len(c), w / math.sqrt(len(c) or 1))
                                 for c, w in zip(read, weights, strict=True)])
        own, where = np.unique(np.concatenate(read), return_inverse=True)
        summed = np.bincount(where, weights=values, minlength=len(own))
        totals.append(float(summed.sum()))
        documents.append(sum(weights))
        start, end = indptr[-1], indptr[-1] + len(own) + 1
        indices[start:end - 1], indices[end - 1] = own, END
        data[start:end - 1], data[end - 1] = np.log1p(summed / alpha), 0.0
        indptr.append(end)
    size = len(vocabulary)
    inside, inside_bias = (None, 0.0)
    if inside_c:
        if inside_prose:
            topics = [pair for name, (texts_of, weights_of) in by_class.items() if name != OUTSIDE
                      for pair in zip(texts_of, weights_of, strict=True)]
        else:  # the same texts without the articles' prose (all of them already have columns)
            questions, _, weights_of_questions = training_texts(kb, phrasing_weight=phrasing_weight, prose=False)
            topics = list(zip(questions, weights_of_questions, strict=True))
        texts_out, weights_out = by_class.get(OUTSIDE, ([], []))
        inside, inside_bias = _inside(topics, list(zip(texts_out, weights_out, strict=True)), columns, size, inside_c)
    cache.clear()
    indices.resize(indptr[-1], refcheck=False)
    data.resize(indptr[-1], refcheck=False)
    default = np.log(alpha / (np.asarray(totals) + alpha * size))
    documents_array = np.asarray(documents, dtype=np.float64)
    return DomainModel(classes=tuple(classes), prior=np.log(documents_array / documents_array.sum()),
                       default=default, vocabulary=vocabulary, indptr=np.asarray(indptr, dtype=np.int64),
                       indices=indices, data=data, inside=inside, inside_bias=inside_bias)


def _inside(inside: list[tuple[str, float]], outside: list[tuple[str, float]], columns, size: int, c_value: float):
    """A logistic regression (scikit-learn, only while the bundle is built) of the topics' texts
    (`inside`: text and weight) against `outside`'s, on the same unit vectors; a large base's topic
    texts are sampled (every n-th, with n times the weight) so that fitting stays a matter of seconds."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    step = max(1, len(inside) // INSIDE_SAMPLE)
    docs = [(text, weight * step, 1) for text, weight in inside[::step]]
    docs += [(text, weight, 0) for text, weight in outside]
    x = unit_rows([columns(text) for text, _, _ in docs], size)
    model = LogisticRegression(C=c_value, solver="liblinear", dual=True, max_iter=1000, random_state=0)
    model.fit(x, [label for _, _, label in docs], sample_weight=[weight for _, weight, _ in docs])
    return model.coef_[0].astype(np.float32), float(model.intercept_[0])


def unit_rows(read: list, size: int):
    """A sparse matrix (scipy, while the bundle is built) with one row per text: its columns
    (int32 arrays), each worth 1/sqrt(how many), so every text is a unit vector."""
    import numpy as np
    from scipy.sparse import csr_matrix

    indptr = np.cumsum([0, *(len(c) for c in read)])
    values = np.concatenate([np.full(len(c), 1.0 / math.sqrt(len(c) or 1)) for c in read])
    return csr_matrix((values, np.concatenate(read).astype(np.int32), indptr.astype(np.int32)),
                      shape=(len(read), size))

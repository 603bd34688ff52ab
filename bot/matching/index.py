"""The search index over the knowledge base: weighted stems per article, built once.

Each article gets a weight in (0, 1] for every stem in its title, keywords, examples and
summary (both languages). Query words are resolved to indexed stems by `TermResolver`:
exactly, as a Swedish compound of indexed stems, by prefix (inflections), or with rapidfuzz
(typos). Resolutions are cached: the vocabulary does not change after the build.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from rapidfuzz import fuzz, process

from bot.knowledge.models import LANGS, Article, KnowledgeBase
from bot.matching.text import STOPWORDS, fold, is_framing, stem, words

FIELD_WEIGHTS = {"title": 1.0, "keyword": 1.0, "summary": 0.2}
EXAMPLE_BASE, EXAMPLE_SPREAD = 0.25, 0.35
PHRASE_PART = 0.6
COMPOUND_PART = 0.7  # weight of a compound's parts relative to the compound
ANCHOR_RUNNER_UP = 0.7  # no other article has the anchor as a keyword of its own
MAX_POSTINGS = 128  # impact-ordered truncation keeps scoring cheap for huge bases
MIN_PREFIX = 5
MIN_FAMILY = 6
FAMILY_QUALITY = 0.85
FUZZY_CUTOFF = 84.0


def index_terms(text: str, lang: str) -> list[str]:
    """The stems of a text that the index keeps (stop words and framing words dropped)."""
    terms = []
    for word in words(text):
        folded = fold(word)
        if folded in STOPWORDS or is_framing(word) or len(folded) < 2 or folded.isdigit():
            continue
        terms.append(stem(word, lang))
    return terms


@dataclass
class Posting:
    article: int
    weight: float


@dataclass
class SearchIndex:
    articles: list[Article]
    postings: dict[str, list[tuple[int, float]]]
    idf: dict[str, float]
    vocabulary: list[str]  # sorted, for prefix look-ups
    sv_vocab: frozenset[str]
    en_vocab: frozenset[str]
    specific: dict[str, frozenset[str]] = field(default_factory=dict)  # article id -> its anchor stems
    # Stems that name a topic: a one-word keyword or title of an article that holds most of
    # the stem's weight ("bygglov", "fettavskiljare"), mapped to that article's position.
    anchors: dict[str, int] = field(default_factory=dict)
    # Per article, the stems of its titles (sv, en): a question using a title names the topic.
    titles: list[list[frozenset[str]]] = field(default_factory=list)
    # Per article, the stems of each example question and their summed idf (for
    # nearest-example re-ranking); examples without any indexed stem are left out.
    examples: list[list[tuple[frozenset[str], float]]] = field(default_factory=list)
    # The same, inverted: stem -> article position -> indexes into examples[position].
    example_postings: dict[str, dict[int, list[int]]] = field(default_factory=dict)
    resolver: TermResolver = None  # type: ignore[assignment]
    # The postings again as two arrays (article positions, weights) for scoring with numpy:
    # term -> (start, end) in them.
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    posting_articles: Any = None  # numpy int32
    posting_weights: Any = None  # numpy float64

    @property
    def size(self) -> int:
        return len(self.articles)

    @cached_property
    def known_words(self) -> frozenset[str]:
        """Every word of the articles, Swedish and English (made once: it is asked every turn)."""
        return self.sv_vocab | self.en_vocab

    def weight(self, term: str, position: int) -> float:
        for article, weight in self.postings.get(term, ()):
            if article == position:
                return weight
        return 0.0


def _article_weights(article: Article) -> tuple[dict[str, float], set[str]]:
    weights: dict[str, float] = defaultdict(float)
    anchors: set[str] = set()

    def put(term: str, weight: float) -> None:
        if weight > weights[term]:
            weights[term] = weight

    for lang in article.keywords:  # sv, en and any further language the municipality offers
        for phrase in (article.title.get(lang), *article.keywords.get(lang, ())):
            terms = index_terms(phrase, lang)
            # A word of a multi-word keyword ("share capital") is weaker evidence alone than a
            # keyword of its own ("bygglov"); the whole phrase adds up to more.
            weight = FIELD_WEIGHTS["keyword"] if len(terms) == 1 else PHRASE_PART
            for term in terms:
                put(term, weight)
                if len(terms) == 1:
                    anchors.add(term)
        for term in index_terms(article.summary.get(lang), lang):
            put(term, FIELD_WEIGHTS["summary"])
        examples = article.examples.get(lang, ())
        if examples:
            counts: dict[str, int] = defaultdict(int)
            for example in examples:
                for term in set(index_terms(example, lang)):
                    counts[term] += 1
            for term, count in counts.items():
                put(term, EXAMPLE_BASE + EXAMPLE_SPREAD * min(1.0, 2 * count / len(examples)))
    return weights, anchors


def build_index(kb: KnowledgeBase) -> SearchIndex:
    articles = sorted(kb.articles.values(), key=lambda a: a.id)
    per_article: list[dict[str, float]] = []
    anchors_by_id: dict[str, frozenset[str]] = {}
    sv_words: set[str] = set()
    en_words: set[str] = set()
    for article in articles:
        weights, anchors = _article_weights(article)
        per_article.append(weights)
        anchors_by_id[article.id] = frozenset(anchors)
        for lang, bucket in (("sv", sv_words), ("en", en_words)):
            for phrase in (article.title.get(lang), *article.keywords.get(lang, ()), *article.examples.get(lang, ())):
                bucket.update(fold(w) for w in words(phrase))

    vocabulary = sorted({term for weights in per_article for term in weights})
    vocab_set = set(vocabulary)
    # Compounds: "livsmedelsregistrering" also counts for "livsmedel" and "registrering".
    parts_of: dict[str, list[str]] = {}  # the same stems recur in many articles: split each once
    for weights in per_article:
        for term, weight in list(weights.items()):
            parts = parts_of.get(term)
            if parts is None:
                parts = parts_of[term] = split_compound(term, vocab_set)
            for part in parts:
                if part != term and weights.get(part, 0.0) < weight * COMPOUND_PART:
                    weights[part] = weight * COMPOUND_PART

    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for position, weights in enumerate(per_article):
        for term, weight in weights.items():
            postings[term].append((position, weight))
    total = max(1, len(articles))
    idf = {}
    for term, plist in postings.items():
        # Document frequency counts strong occurrences fully and weak ones partly; it is taken
        # before the postings are cut to the strongest MAX_POSTINGS.
        df = sum(weight for _, weight in plist)
        idf[term] = math.log(1.0 + total / max(df, 0.5))
        plist.sort(key=lambda item: -item[1])
        del plist[MAX_POSTINGS:]
    index = SearchIndex(articles=articles, postings=dict(postings), idf=idf,
                        vocabulary=sorted(postings), sv_vocab=frozenset(sv_words),
                        en_vocab=frozenset(en_words), specific=anchors_by_id,
                        titles=[[frozenset(index_terms(article.title.get(lang), lang)) for lang in LANGS]
                                for article in articles],
                        examples=[])
    for article in articles:
        stems = (frozenset(index_terms(example, lang)) for lang in article.examples
                 for example in article.examples.get(lang, ()))
        index.examples.append([(terms, sum(idf[t] for t in terms)) for terms in stems if terms])
    for position, examples in enumerate(index.examples):
        for number, (terms, _) in enumerate(examples):
            for term in terms:
                index.example_postings.setdefault(term, {}).setdefault(position, []).append(number)
    index.resolver = TermResolver(index.vocabulary)
    _arrays(index)
    for term, plist in index.postings.items():
        position, weight = plist[0]
        runner_up = plist[1][1] if len(plist) > 1 else 0.0
        if weight >= 0.99 and runner_up <= ANCHOR_RUNNER_UP and term in anchors_by_id[articles[position].id]:
            index.anchors[term] = position
    return index


def _arrays(index: SearchIndex) -> None:
    import numpy as np

    at = 0
    for term, plist in index.postings.items():
        index.spans[term] = (at, at + len(plist))
        at += len(plist)
    postings = index.postings.values()
    index.posting_articles = np.fromiter((p for plist in postings for p, _ in plist), dtype=np.int32, count=at)
    index.posting_weights = np.fromiter((w for plist in postings for _, w in plist), dtype=np.float64, count=at)


def split_compound(term: str, vocabulary: set[str], *, depth: int = 0) -> list[str]:
    """Split a Swedish compound into known stems ("alkoholtillstand" -> alkohol, tillstand),
    allowing the linking s ("livsmedelsregistrering"). Returns [] if it does not split."""
    if depth > 2 or len(term) < 7:
        return []
    for cut in range(len(term) - 3, 3, -1):
        head, tail = term[:cut], term[cut:]
        if head not in vocabulary:
            continue
        for rest in (tail, tail[1:] if tail.startswith("s") and len(tail) > 4 else None):
            if not rest:
                continue
            if rest in vocabulary:
                return [head, rest]
            deeper = split_compound(rest, vocabulary, depth=depth + 1)
            if deeper:
                return [head, *deeper]
            longer = _prefix_hits(rest, vocabulary_sorted=None, vocabulary=vocabulary)
            if longer:
                return [head, longer]
    return []


def _prefix_hits(term: str, *, vocabulary_sorted: list[str] | None, vocabulary: set[str]) -> str | None:
    """The longest known stem that `term` starts with, at least MIN_PREFIX long."""
    for cut in range(len(term), MIN_PREFIX - 1, -1):
        if term[:cut] in vocabulary and cut >= 0.6 * len(term):
            return term[:cut]
    return None


class TermResolver:
    """Maps a query stem to indexed stems with a quality in (0, 1]."""

    def __init__(self, vocabulary: list[str]) -> None:
        self.vocabulary = vocabulary
        self.vocab_set = set(vocabulary)
        self.by_first: dict[str, list[str]] = defaultdict(list)
        for term in vocabulary:
            self.by_first[term[:1]].append(term)
        self.resolve = lru_cache(maxsize=100_000)(self._resolve)

    def __getstate__(self) -> dict:
        # The look-up cache is rebuilt, not stored (the index may be cached on disk).
        return {key: value for key, value in self.__dict__.items() if key != "resolve"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.resolve = lru_cache(maxsize=100_000)(self._resolve)

    def _longer(self, term: str) -> list[str]:
        """Known stems that start with `term` (its inflection family), shortest first."""
        start = bisect.bisect_left(self.vocabulary, term)
        longer = []
        for candidate in self.vocabulary[start:start + 8]:
            if not candidate.startswith(term):
                break
            if candidate != term:
                longer.append(candidate)
        return sorted(longer, key=len)[:3]

    def _resolve(self, term: str, compounds: bool = True) -> tuple[tuple[str, float], ...]:
        """`compounds`: try to split the word into known stems (Swedish writes compounds as one
        word; English does not, and splitting "trademark" into "trade" + "mark" misleads)."""
        if term in self.vocab_set:
            # "registrer" (registrera) also reaches "registrering": same word family.
            family = [(c, FAMILY_QUALITY * math.sqrt(len(term) / len(c))) for c in self._longer(term)
                      if len(term) >= MIN_FAMILY and len(c) - len(term) <= 4]
            return ((term, 1.0), *family)
        if len(term) < 4:
            return ()
        parts = split_compound(term, self.vocab_set) if compounds else []
        if parts:
            return tuple((part, 0.9) for part in parts)
        hits: list[tuple[str, float]] = []
        if len(term) >= MIN_PREFIX:
            # Inflections: the query stem starts a known stem, or a known stem starts it.
            for candidate in self._longer(term):
                hits.append((candidate, 0.9 * math.sqrt(len(term) / len(candidate))))
            shorter = _prefix_hits(term, vocabulary_sorted=self.vocabulary, vocabulary=self.vocab_set)
            if shorter and shorter != term:
                hits.append((shorter, 0.85 * math.sqrt(len(shorter) / len(term))))
        if hits:
            return tuple(hits)
        if len(term) >= MIN_PREFIX:
            # Typos: nearest stem starting with the same letter (typos rarely hit the first).
            pool = self.by_first.get(term[:1], ())
            best = process.extractOne(term, pool, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            if best is not None:
                return ((best[0], 0.85 * best[1] / 100.0),)
        return ()

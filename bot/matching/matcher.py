"""Question matching: which topic fits, how sure we are, and when to say we do not know.

The score of an article is the share of the question's meaning (its words weighted by how
specific they are, idf) that the article covers. Words the knowledge base has never seen count
against every article, so a question about the weather is out of scope however many of its
words ("kommun", "imorgon") happen to be known. Outcomes:

- answer: one article clearly ahead, with enough specific evidence;
- clarify: two or three articles about equally good;
- out_of_scope: too little evidence for any article.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from bot.knowledge.models import Article, KnowledgeBase
from bot.matching.index import SearchIndex, build_index
from bot.matching.languages import detect_extra_language, extra_vocabularies
from bot.matching.text import (
    MAX_MATCH_CHARS,
    clean,
    content_words,
    detect_language,
    fold,
    has_letters,
    is_framing,
    is_latin,
    stem_pair,
)

UNKNOWN_WEIGHT = 0.55  # how much an unknown word counts against coverage, relative to max idf
FAMILY_FLOOR = 0.7
ANCHOR_QUALITY = 0.8  # how exactly a word must match an anchor to name the topic
EXAMPLE_BLEND = 0.4
TITLE_BONUS = 0.5  # extra weight when the question uses an article's title ("foodtruck")
CANDIDATES = 10  # articles re-ranked by their examples


@dataclass(frozen=True)
class Thresholds:
    """Where the outcomes change. Evidence is the idf-weighted mass of matched words (how
    specific the match is); score is the share of the question it covers."""

    strong_evidence: float = 4.0  # a specific match ...
    strong_min_score: float = 0.2  # ... that covers at least this share, or
    high_score: float = 0.6  # a match that covers most of the question ...
    high_min_evidence: float = 2.0  # ... with some specificity
    lead_score: float = 0.45  # a match clearly ahead of the runner-up ...
    lead_margin: float = 0.12  # ... by at least this much
    titled_min_score: float = 0.15  # the question uses the topic's title ("... krävs bygglov ...")
    named_min_score: float = 0.5  # the question names the topic ("bygglov") and little else
    vague_min_score: float = 0.3  # a question of known words only, matching this well ...
    vague_min_evidence: float = 1.0
    vague_ratio: float = 0.6  # ... offers the articles within this share of the best
    tie_ratio: float = 0.95  # a runner-up within this share of the best makes it ambiguous
    mention_evidence: float = 1.2  # an article named by the question counts as touched above this
    mention_share: float = 0.35  # ... and with at least this share of the best article's evidence


@dataclass(frozen=True)
class _Evidence:
    articles: object  # numpy array: evidence per article position (0: not touched)
    total: float  # the question's weight (known words by idf, unknown words by UNKNOWN_WEIGHT)
    query_terms: dict[str, float]  # resolved stems and their weights
    named: dict[int, set[str]]  # articles named by anchor words
    unknown: int  # words the knowledge base has never seen


@dataclass
class Match:
    action: str  # answer | clarify | out_of_scope
    lang: str
    confidence: float
    topic: str | None = None
    alternatives: list[str] = field(default_factory=list)
    scores: list[tuple[str, float]] = field(default_factory=list)  # best first
    mentioned: list[str] = field(default_factory=list)  # every topic the question touches
    reason: str = ""
    # What the confidence is computed from: the best article's share of the question, its
    # evidence (idf mass) and its lead over the runner-up (for calibration).
    evidence: tuple[float, float, float] = (0.0, 0.0, 0.0)
    named: bool = False  # the best article is named by one of its anchor words or its title
    unknown: int = 0  # words the knowledge base has never seen
    known: int = 0  # stems of the question the knowledge base knows
    example: float = 0.0  # how closely the question reads like the best article's closest example


class Matcher:
    """Built once per knowledge base; `match` is cheap and side-effect free."""

    def __init__(self, kb: KnowledgeBase, *, thresholds: Thresholds | None = None) -> None:
        self.kb = kb
        self.index: SearchIndex = build_index(kb)
        self.thresholds = thresholds or Thresholds()
        self.max_idf = max(self.index.idf.values(), default=1.0)
        self._positions = {article.id: i for i, article in enumerate(self.index.articles)}

    def language(self, text: str, *, default: str = "sv") -> str:
        """Swedish or English, or a further language the municipality offers when enough of the
        words are its own (from the articles in that language); only offered languages."""
        offered = self.kb.profile.languages
        extra = self.__dict__.get("_extra_vocab")
        if extra is None:
            extra = self._extra_vocab = extra_vocabularies(self.kb, self.index)
        found = detect_extra_language(text, extra) if extra else None
        lang = found or detect_language(text, sv_vocab=self.index.sv_vocab, en_vocab=self.index.en_vocab,
                                        default=default)
        if lang in offered:
            return lang
        return default if default in offered else self.kb.profile.default_language

    def match(self, text: str, *, lang: str | None = None) -> Match:
        text = clean(text, limit=MAX_MATCH_CHARS)
        lang = lang or self.language(text)
        if not has_letters(text) or not is_latin(text):
            return Match("out_of_scope", lang, 0.0, reason="no words to match")
        scored = self._score(text, lang)
        evidence, total, query_terms, named = scored.articles, scored.total, scored.query_terms, scored.named
        ranked = _best(evidence, CANDIDATES)
        if not ranked or total <= 0:
            return Match("out_of_scope", lang, 0.0, reason="no known words")
        ranked, closest = self._rerank(ranked, total, query_terms)
        scores = [(self.index.articles[pos].id, value / total, value) for pos, value in ranked]
        decided = self._decide(scores, lang, named=self._named_apart(ranked[0][0], named),
                               titled=self._titled([pos for pos, _ in ranked[:3]], query_terms),
                               vague=scored.unknown == 0)
        decided.unknown = scored.unknown
        decided.known = len(query_terms)
        decided.example = round(closest.get(ranked[0][0], 0.0), 4)
        return decided

    def _named_apart(self, top: int, named: dict[int, set[str]]) -> set[str]:
        """Articles the question names by an anchor word that the best article does not
        already explain (its own weight for the word is low)."""
        result = set()
        for position, terms in named.items():
            if position == top or any(self.index.weight(term, top) < 0.5 for term in terms):
                result.add(self.index.articles[position].id)
        return result

    def _score(self, text: str, lang: str = "sv") -> _Evidence:
        """Evidence per article, the question's total weight, its resolved stems, and the
        articles the question names by one of their anchor words."""
        import numpy as np

        index = self.index
        # Every word adds its postings' weights to the articles (numpy: the cost is per posting
        # in C, not per posting in Python, which mattered at 10,000 articles).
        evidence = np.zeros(index.size)
        articles, weights, spans = index.posting_articles, index.posting_weights, index.spans
        named: dict[int, set[str]] = defaultdict(set)
        unknown = 0
        query_terms: dict[str, float] = {}
        total = 0.0
        seen: set[str] = set()
        for word in content_words(text):
            folded = fold(word)
            if folded in seen or is_framing(word):
                continue
            seen.add(folded)
            resolved: dict[str, float] = {}
            swedish, english = stem_pair(word)
            for stemmed, compounds in ((swedish, lang == "sv"), (english, False)):
                for term, quality in index.resolver.resolve(stemmed, compounds):
                    if quality > resolved.get(term, 0.0):
                        resolved[term] = quality
            if any(quality >= 1.0 for quality in resolved.values()):
                # An exact hit (and its word family) beats guesses through the other stemmer.
                resolved = {term: quality for term, quality in resolved.items() if quality >= FAMILY_FLOOR}
            if not resolved:
                total += UNKNOWN_WEIGHT * self.max_idf
                unknown += 1
                continue
            # A word counts once, with its most specific resolution.
            word_weight = max(index.idf[term] * quality for term, quality in resolved.items())
            total += word_weight
            for term, quality in resolved.items():
                query_terms[term] = max(query_terms.get(term, 0.0), index.idf[term] * quality)
                if quality >= ANCHOR_QUALITY and term in index.anchors:
                    named[index.anchors[term]].add(term)
            if len(resolved) == 1:  # the common case: add straight to the evidence
                ((term, quality),) = resolved.items()
                start, end = spans[term]
                # An article occurs once in a term's postings, so the fancy-indexed add is exact.
                evidence[articles[start:end]] += (index.idf[term] * quality) * weights[start:end]
                continue
            best_for_article = np.zeros(index.size)  # per article, the word's best resolution
            for term, quality in resolved.items():
                start, end = spans[term]
                at = articles[start:end]
                best_for_article[at] = np.maximum(best_for_article[at], (index.idf[term] * quality) * weights[start:end])
            evidence += best_for_article
        return _Evidence(evidence, total, query_terms, named, unknown)

    def _titled(self, positions, query_terms: dict[str, float]) -> set[str]:
        """Articles whose full title the question uses ("bygglov", "food truck")."""
        return {self.index.articles[p].id for p in positions
                if any(title and title <= query_terms.keys() for title in self.index.titles[p])}

    def _rerank(self, ranked: list[tuple[int, float]], total: float,
                query_terms: dict[str, float]) -> tuple[list[tuple[int, float]], dict[int, float]]:
        """Blend in how closely the question reads like one of the article's example questions:
        words that occur together in an example are stronger evidence than the same words
        scattered over the article."""
        if not ranked:
            return ranked, {}
        # Sum the question's weights per example that shares stems with it, through the
        # inverted example index: a few look-ups per stem instead of a pass over every example.
        shared: dict[tuple[int, int], float] = defaultdict(float)
        candidates = {position for position, _ in ranked}
        postings = self.index.example_postings
        for term, term_weight in query_terms.items():
            by_article = postings.get(term)
            if by_article:
                # The smaller side: a specific stem is in few articles' examples, a common one in many.
                positions = (candidates & by_article.keys()) if len(by_article) > len(candidates) \
                    else [p for p in by_article if p in candidates]
                for position in positions:
                    for number in by_article[position]:
                        shared[position, number] += term_weight
        closest: dict[int, float] = defaultdict(float)
        for (position, number), summed in shared.items():
            similarity = summed / math.sqrt(total * self.index.examples[position][number][1])
            if similarity > closest[position]:
                closest[position] = similarity
        adjusted = []
        for position, value in ranked:
            best = closest.get(position, 0.0)
            value = value * (1.0 - EXAMPLE_BLEND) + EXAMPLE_BLEND * best * total
            if any(title and title <= query_terms.keys() for title in self.index.titles[position]):
                value += TITLE_BONUS * sum(query_terms[t] for t in max(self.index.titles[position], key=len)
                                           if t in query_terms)
            adjusted.append((position, value))
        return sorted(adjusted, key=lambda item: (-item[1], item[0])), closest

    def _decide(self, scores: list[tuple[str, float, float]], lang: str, *, named: AbstractSet[str] = frozenset(),
                titled: AbstractSet[str] = frozenset(), vague: bool = False) -> Match:
        """`vague`: every word of the question is known to the knowledge base, it just does
        not single out one article ("tillstånd?", "anmälan"): worth asking which was meant."""
        t = self.thresholds
        top_id, top_score, top_evidence = scores[0]
        top_score = min(top_score, 1.0)
        # Topics the question touches: the best one when it fits, and any it names outright.
        mentioned = [topic for topic, _, ev in scores if topic in named
                     and ev >= max(t.mention_evidence, t.mention_share * top_evidence)]
        ranked = [(topic, round(min(score, 1.0), 4)) for topic, score, _ in scores]
        runner_up = scores[1][1] if len(scores) > 1 else 0.0
        confidence = self._confidence(top_score, top_evidence, max(0.0, top_score - runner_up))
        lead = top_score - runner_up
        basis = (round(top_score, 4), round(top_evidence, 4), round(max(0.0, lead), 4))
        top_named = top_id in named or top_id in titled
        fits = ((top_evidence >= t.strong_evidence and top_score >= t.strong_min_score)
                or (top_score >= t.high_score and top_evidence >= t.high_min_evidence)
                or (top_score >= t.lead_score and lead >= t.lead_margin and top_evidence >= t.high_min_evidence)
                or (top_id in named and top_score >= t.named_min_score)
                or (top_id in titled and top_score >= t.titled_min_score))
        if not fits and vague and top_score >= t.vague_min_score and top_evidence >= t.vague_min_evidence:
            options = [topic for topic, score, _ in scores[:3] if score >= top_score * t.vague_ratio]
            if len(options) >= 2:
                return Match("clarify", lang, min(confidence, 0.5), alternatives=options, scores=ranked,
                             mentioned=mentioned, evidence=basis)
        if not fits:
            return Match("out_of_scope", lang, round(1.0 - confidence, 3), scores=ranked, mentioned=mentioned,
                         reason="too little evidence", evidence=basis)
        mentioned = list(dict.fromkeys([top_id, *mentioned]))
        close = [topic for topic, score, ev in scores[1:3]
                 if score >= top_score * t.tie_ratio and ev >= t.high_min_evidence]
        contenders = [top_id, *close]
        if close and len(titled & set(contenders)) == 1:
            # The question names one of the contenders by its title: that is the one meant.
            top_id = next(topic for topic in contenders if topic in titled)
            close = []
        if close:
            return Match("clarify", lang, min(confidence, 0.6), alternatives=[top_id, *close],
                         scores=ranked, mentioned=mentioned, evidence=basis)
        return Match("answer", lang, confidence, topic=top_id, scores=ranked, mentioned=mentioned,
                     alternatives=[topic for topic, _ in ranked[1:3]], evidence=basis,
                     named=top_named or top_id in named or top_id in titled)

    @staticmethod
    def _confidence(score: float, evidence: float, margin: float) -> float:
        """How likely the best article is the right one, from coverage, specificity and the
        lead over the runner-up. Mapped so that, on the evaluation set, answers given with
        confidence c are right about c of the time (see tests/test_matching.py)."""
        strength = 1.0 - math.exp(-evidence / 2.0)
        lead = min(1.0, margin / 0.35)
        raw = min(1.0, 1.25 * score * (0.45 + 0.55 * strength) * (0.55 + 0.45 * lead))
        return round(0.65 + 0.35 * math.sqrt(max(0.0, raw)), 3)

    def article(self, topic: str) -> Article | None:
        return self.kb.get(topic)


def _best(evidence, count: int) -> list[tuple[int, float]]:
    """The `count` articles with the most evidence (article position, evidence), best first; ties
    go to the article first in the knowledge base, so the answer does not depend on the hash
    seed. Articles the question did not touch (evidence 0) are left out."""
    import numpy as np

    touched = np.flatnonzero(evidence)
    values = evidence[touched]
    if len(touched) > count:
        keep = values >= np.partition(values, len(values) - count)[len(values) - count]
        touched, values = touched[keep], values[keep]
    return sorted(zip(touched.tolist(), values.tolist(), strict=True), key=lambda item: (-item[1], item[0]))[:count]

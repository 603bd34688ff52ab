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
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from bot.knowledge.models import Article, KnowledgeBase
from bot.matching.index import SearchIndex, build_index
from bot.matching.text import (FRAMING, MAX_MATCH_CHARS, STOPWORDS, clean, content_words,
                               detect_language, fold, has_letters, is_latin, stem_pair)

UNKNOWN_WEIGHT = 0.55  # how much an unknown word counts against coverage, relative to max idf


@dataclass(frozen=True)
class Thresholds:
    answer_score: float = 0.42
    answer_evidence: float = 1.6
    clarify_score: float = 0.30
    clarify_evidence: float = 1.3
    tie_ratio: float = 0.82  # a runner-up within this share of the best makes it ambiguous
    mention_evidence: float = 1.2  # an article counts as touched by a question above this


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


class Matcher:
    """Built once per knowledge base; `match` is cheap and side-effect free."""

    def __init__(self, kb: KnowledgeBase, *, thresholds: Thresholds | None = None) -> None:
        self.kb = kb
        self.index: SearchIndex = build_index(kb)
        self.thresholds = thresholds or Thresholds()
        self.max_idf = max(self.index.idf.values(), default=1.0)
        self._positions = {article.id: i for i, article in enumerate(self.index.articles)}

    def language(self, text: str, *, default: str = "sv") -> str:
        return detect_language(text, sv_vocab=self.index.sv_vocab, en_vocab=self.index.en_vocab,
                               default=default)

    def match(self, text: str, *, lang: str | None = None) -> Match:
        text = clean(text, limit=MAX_MATCH_CHARS)
        lang = lang or self.language(text)
        if not has_letters(text) or not is_latin(text):
            return Match("out_of_scope", lang, 0.0, reason="no words to match")
        evidence, total = self._score(text)
        if not evidence or total <= 0:
            return Match("out_of_scope", lang, 0.0, reason="no known words")
        ranked = sorted(evidence.items(), key=lambda item: -item[1])[:8]
        ranked = self._rerank(text, ranked)
        scores = [(self.index.articles[pos].id, value / total, value) for pos, value in ranked]
        return self._decide(scores, lang)

    def _score(self, text: str) -> tuple[dict[int, float], float]:
        index = self.index
        evidence: dict[int, float] = defaultdict(float)
        total = 0.0
        seen: set[str] = set()
        for word in content_words(text):
            folded = fold(word)
            if folded in FRAMING or folded in seen:
                continue
            seen.add(folded)
            resolved: dict[str, float] = {}
            for stemmed in set(stem_pair(word)):
                for term, quality in index.resolver.resolve(stemmed):
                    if quality > resolved.get(term, 0.0):
                        resolved[term] = quality
            if not resolved:
                total += UNKNOWN_WEIGHT * self.max_idf
                continue
            # A word counts once, with its most specific resolution.
            word_weight = max(index.idf[term] * quality for term, quality in resolved.items())
            total += word_weight
            best_for_article: dict[int, float] = defaultdict(float)
            for term, quality in resolved.items():
                term_idf = index.idf[term]
                for position, weight in index.postings[term]:
                    value = term_idf * quality * weight
                    if value > best_for_article[position]:
                        best_for_article[position] = value
            for position, value in best_for_article.items():
                evidence[position] += value
        return evidence, total

    def _rerank(self, text: str, ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """Break near-ties by how closely the question reads like an article's examples."""
        if len(ranked) < 2:
            return ranked
        query = fold(text)
        best = ranked[0][1]
        adjusted = []
        for position, value in ranked:
            if value < 0.6 * best:
                adjusted.append((position, value))
                continue
            article = self.index.articles[position]
            similarity = max((fuzz.token_set_ratio(query, fold(example))
                              for lang in ("sv", "en") for example in article.examples.get(lang, ())),
                             default=0.0) / 100.0
            adjusted.append((position, value * (0.85 + 0.3 * similarity ** 2)))
        return sorted(adjusted, key=lambda item: -item[1])

    def _decide(self, scores: list[tuple[str, float, float]], lang: str) -> Match:
        t = self.thresholds
        top_id, top_score, top_evidence = scores[0]
        top_score = min(top_score, 1.0)
        mentioned = [topic for topic, score, ev in scores if ev >= t.mention_evidence
                     and (score >= 0.25 or ev >= 0.6 * top_evidence)]
        ranked = [(topic, round(min(score, 1.0), 4)) for topic, score, _ in scores]
        close = [topic for topic, score, ev in scores[1:3]
                 if score >= top_score * t.tie_ratio and ev >= t.clarify_evidence]
        runner_up = scores[1][1] if len(scores) > 1 else 0.0
        margin = max(0.0, top_score - runner_up)
        confidence = self._confidence(top_score, top_evidence, margin)
        if top_score >= t.answer_score and top_evidence >= t.answer_evidence and not close:
            return Match("answer", lang, confidence, topic=top_id, scores=ranked, mentioned=mentioned,
                         alternatives=[topic for topic, _ in ranked[1:3]])
        if top_score >= t.clarify_score and top_evidence >= t.clarify_evidence:
            options = [top_id, *close] if close else [top_id, *[topic for topic, s, ev in scores[1:3]
                                                               if ev >= t.clarify_evidence and s >= top_score * 0.6]]
            if len(options) >= 2:
                return Match("clarify", lang, min(confidence, 0.6), topic=None, alternatives=options[:3],
                             scores=ranked, mentioned=mentioned)
            return Match("answer", lang, confidence, topic=top_id, scores=ranked, mentioned=mentioned,
                         alternatives=[topic for topic, _ in ranked[1:3]])
        return Match("out_of_scope", lang, max(0.0, 1.0 - confidence) * 0.0 + confidence * 0.5,
                     scores=ranked, mentioned=mentioned, reason="too little evidence")

    @staticmethod
    def _confidence(score: float, evidence: float, margin: float) -> float:
        """A probability-like figure from coverage, specificity and the lead over the runner-up."""
        strength = 1.0 - math.exp(-evidence / 2.0)
        lead = min(1.0, margin / 0.35)
        value = score * (0.45 + 0.55 * strength) * (0.55 + 0.45 * lead)
        return round(max(0.0, min(1.0, value * 1.25)), 3)

    def article(self, topic: str) -> Article | None:
        return self.kb.get(topic)

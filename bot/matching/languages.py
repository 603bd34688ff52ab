"""Recognising a further language a municipality offers (beyond Swedish and English, which
bot.matching.text reads by their function words): by the words of its own articles in that
language (titles, keywords, examples), less those that are also Swedish or English."""

from __future__ import annotations

from bot.knowledge.models import LANGS, KnowledgeBase
from bot.matching.text import fold, words


def extra_vocabularies(kb: KnowledgeBase, index) -> dict[str, frozenset[str]]:
    """{language: its folded words} for each offered language beyond Swedish and English."""
    extra = [lang for lang in kb.profile.languages if lang not in LANGS]
    common = set(index.sv_vocab) | set(index.en_vocab)
    for article in kb.articles.values():
        for lang in LANGS:
            for phrase in (article.title.get(lang), *article.keywords.get(lang, ()), *article.examples.get(lang, ())):
                common.update(fold(word) for word in words(phrase))
    result = {}
    for lang in extra:
        vocab: set[str] = set()
        for article in kb.articles.values():
            for phrase in (article.title.get(lang), article.summary.get(lang), *article.keywords.get(lang, ()),
                           *article.examples.get(lang, ())):
                vocab.update(fold(word) for word in words(phrase) if len(word) > 2)
        result[lang] = frozenset(vocab - common)
    return result


def detect_extra_language(text: str, vocabularies: dict[str, frozenset[str]]) -> str | None:
    """The further language most of whose words the text uses: at least two of them (one in a
    message of one or two words)."""
    tokens = [fold(word) for word in words(text)]
    if not tokens:
        return None
    best, hits = None, 0
    for lang, vocab in vocabularies.items():
        count = sum(1 for token in tokens if token in vocab)
        if count > hits:
            best, hits = lang, count
    if best is None or hits < min(2, len(tokens)):
        return None
    return best

"""The conversation's language, kept: a Swedish conversation stays Swedish on a message like
`'; DROP TABLE …` or `<!here>`, and switches only when the person clearly writes in the other
language. A message in a language Lotsen does not speak gets a short reply in Swedish and
English saying what it can do and how to reach the contact centre.
"""

from __future__ import annotations

import re

from bot.conversation.render import contact_line
from bot.locales import language_names, msg
from bot.matching.text import EN_STOP, SV_STOP, fold, has_letters, is_latin, words

_SV_ONLY = frozenset(fold(w) for w in SV_STOP - EN_STOP)
_EN_ONLY = frozenset(EN_STOP - SV_STOP)
# Function words of languages people write to a Swedish municipality in, which Lotsen does
# not speak: enough of them (and no Swedish or English) and the message is not ours to read.
_FOREIGN = frozenset("""
ich möchte moechte mochte brauche ein eine einen einem ist und nicht wie kann für fuer mit bitte der die das
haben habe wir sie meine mein danke guten
haluan olen minä mina minun meidän teidän ja että etta kuinka miten tarvitsen voiko voinko onko mitä mita
kiitos hei yrityksen luvan ravintolan perustaa avata
waxaan waan iyo aan ka ku u inaan sidee maxaa waa ma mahadsanid shirkad ganacsi furo rabaa
je suis voudrais une des est pour avec bonjour merci
quiero una para con hola gracias necesito
chcę jest dla dzień dobry
""".split())
_CODE = re.compile(r"[;<>{}=|\\]|--|\w\(")
_DIGITS = re.compile(r"^[\d\s.,:;/+\-#()]+$")


def _counts(text: str) -> tuple[int, int, int, int]:
    tokens = words(text)
    folded = [fold(t) for t in tokens]
    sv = sum(1 for t in folded if t in _SV_ONLY) + (1 if any(c in text.casefold() for c in "åäö") else 0)
    en = sum(1 for t in tokens if t.casefold() in _EN_ONLY)
    foreign = sum(1 for t in tokens if t.casefold() in _FOREIGN)
    return sv, en, foreign, len(tokens)


def keep_language(text: str, *, detected: str, current: str, fresh: bool) -> str:
    """The language to answer in: the detected one for a new conversation; otherwise the
    conversation's own, unless the message clearly is in the other language (at least two of
    its function words, and more of them than of the current language's)."""
    if text.lstrip().startswith("/"):  # a command's name says nothing about the language
        return current
    if fresh or detected == current or not text:
        return detected
    if detected not in ("sv", "en") or current not in ("sv", "en"):
        # A further language offered: its detector already asks for two of its own words.
        return detected
    sv, en, _, _ = _counts(text)
    ours, theirs = (sv, en) if current == "sv" else (en, sv)
    return detected if theirs >= 2 and theirs > ours else current


def is_foreign(text: str, *, vocabulary: frozenset[str] = frozenset()) -> bool:
    """Written in a language other than Swedish and English: another script, or words of
    which few are Swedish, English or the knowledge base's own."""
    if not text or not has_letters(text):
        return False
    if not is_latin(text):
        return True
    sv, en, foreign, total = _counts(text)
    if total < 2:
        return False
    known = sum(1 for t in words(text) if fold(t) in vocabulary)
    if foreign >= 2 and foreign > sv + en:
        return True
    if _CODE.search(text):  # markup, SQL and the like are not a language
        return False
    return total >= 3 and sv + en == 0 and known / total < 0.34


def is_number(text: str) -> bool:
    return bool(text) and bool(_DIGITS.match(text)) and any(c.isdigit() for c in text)


def foreign_reply(profile) -> str:
    """Short, in every language the municipality offers (Swedish and English for the bundled
    one): what Lotsen can do and how to reach the contact centre."""
    return "\n\n".join(
        msg(lang, "reply.foreign", languages=language_names(lang, profile.languages),
            municipality=profile.name.get(lang), contact=contact_line(profile, lang))
        for lang in profile.languages)


def number_reply(text: str, profile, lang: str) -> str:
    return msg(lang, "reply.number", number=text.strip()[:40]) + "\n" + contact_line(profile, lang)

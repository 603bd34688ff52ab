"""Text handling for matching: cleaning, Swedish-aware folding, tokens and stems, language.

- `clean` makes any input safe to handle: NFKC, no control, zero-width or bidi-override
  characters, whitespace collapsed, bounded length.
- `fold` is case and diacritics tolerant: "Tillstånd" and "tillstand" fold alike.
- `stems` gives Snowball stems (Swedish and English) of the folded tokens.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

MAX_MATCH_CHARS = 1_000

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "æ": "a", "ø": "o", "é": "e", "è": "e",
                       "ü": "u", "á": "a", "à": "a", "í": "i", "ó": "o", "ß": "ss", "’": "'", "`": "'"})

SV_STOP = frozenset("""
aa alla allt alltså andra annan annars att av bara blir bli blev bör da dag de dem den denna
denne dess dessa det detta dig din dina ditt du där efter eftersom eller en ens er era ert
ett fast for fran från fått få får för först ganska gar gör göra gjorde ha hade han hans har
hej hen henne hennes här hos hon hur i ifall igen in inga inget innan inte ja jag just kan
kanske kunde kommer lite man med men mer mig min mina mitt mot mycket måste nagon nagot
någon något några nar när nej ni nu och också om oss pa på redan sa sig sin sina sitt ska
skall skulle som så sådan sådant till tror tack tja typ under upp ut utan va vad var vara
varför vart vem vi vid vill vilka vilken vilket väl ytterligare än ändå är åt över
behöver behover behov måste maste undrar fråga fraga frågor hjälp hjalp snälla snalla
hallå hallo tjena hejsan tjo funkar fungerar gäller galler ungefär ungefar lång lang tid
tar ta gå ga bra okej ok
""".split())

EN_STOP = frozenset("""
a about after again all also am an and any are as at be been before being but by can could
did do does doing done for from get gets getting got had has have having he her here hi
hello him his how i if in into is it its just me might more most must my need needs no not
now of on one or our out please should so some such than that the their them then there
these they this those to too up us very want was we were what when where which while who
why will with would you your yours question help hey thanks thank tell know long take takes
time okay ok
""".split())

STOPWORDS = SV_STOP | EN_STOP

# Words that say nothing about the topic but frame the question (cost, time, how-to).
FRAMING = frozenset("""
kostar kosta kostnad kostnaden pris priset billig dyr lang langt snabbt fort dagar veckor
manader ansoka ansokan ansok soka sok gor gora skaffa fixa behov
cost costs price cheap expensive quick quickly days weeks months apply application applying
get obtain
""".split())


@lru_cache(maxsize=1)
def _framing_stems() -> frozenset[str]:
    return frozenset(stem for word in FRAMING for stem in stem_pair(word))


def is_framing(word: str) -> bool:
    """True for words that frame a question (cost, time, how to apply) in any inflection."""
    folded = fold(word)
    return folded in FRAMING or any(s in _framing_stems() for s in stem_pair(word))


def clean(text: str, *, limit: int | None = None) -> str:
    """Readable, safe text: normalised, control/format characters removed, trimmed."""
    text = unicodedata.normalize("NFKC", text or "")
    if not text.isprintable():  # printable text (the usual case) has none of what is removed
        kept = []
        for char in text:
            category = unicodedata.category(char)
            if category == "Cf" or (category == "Cc" and char not in "\n\t"):
                continue  # zero-width, bidi overrides, soft hyphens, control characters
            if category in ("Cs", "Co", "Cn"):
                continue  # lone surrogates, private use, unassigned
            kept.append(char)
        text = "".join(kept)
    cleaned = _SPACE.sub(" ", text).strip()
    if limit is not None and len(cleaned) > limit:
        cleaned = cleaned[:limit]
    return cleaned


# The same message is folded, and read for its script, several times a turn (by the flows, the
# follow-up words, the matcher): the last few thousand are remembered.
RECENT = 4096


_MARKUP = re.compile(r"<!--.*?-->|</?[A-Za-z][^<>]{0,200}>", re.S)


def strip_markup(text: str) -> str:
    """HTML tags and comments are not what anyone says to Lotsen: "<b>bygglov</b>?" is
    "bygglov?", and "</textarea><svg onload=alert(1)>" is nothing at all. ("<10 anställda" is no tag.)"""
    return _MARKUP.sub(" ", text) if "<" in text else text


@lru_cache(maxsize=RECENT)
def fold(text: str) -> str:
    """Lower case without diacritics: "Tillstånd" -> "tillstand", "Café" -> "cafe"."""
    folded = text.casefold().translate(_FOLD)
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """Case-folded word tokens, Swedish letters kept (for stemming)."""
    return _WORD.findall(text.casefold())


@lru_cache(maxsize=1)
def _stemmers():
    return snowballstemmer.stemmer("swedish"), snowballstemmer.stemmer("english")


@lru_cache(maxsize=65_536)
def stem_pair(word: str) -> tuple[str, str]:
    """(Swedish stem, English stem) of a word. The word is folded first, so a question typed
    without å, ä and ö stems exactly like one typed with them."""
    swedish, english = _stemmers()
    folded = fold(word)
    return swedish.stemWord(folded), english.stemWord(folded)


def stem(word: str, lang: str) -> str:
    sv, en = stem_pair(word)
    return en if lang == "en" else sv


def content_words(text: str) -> list[str]:
    """Tokens that can carry meaning: no stop words, no lone digits or single letters, nothing
    from web or e-mail addresses."""
    text = _URL.sub(" ", text)
    return [w for w in words(text) if fold(w) not in STOPWORDS and len(w) > 1 and not w.isdigit()]


_LATIN1_NON_LATIN = frozenset("ªºµ")  # the only letters below U+0250 not named LATIN


def has_letters(text: str) -> bool:
    return any(char.isalpha() for char in text)


@lru_cache(maxsize=RECENT)
def is_latin(text: str) -> bool:
    """True when most letters are Latin (Swedish or English can be matched)."""
    letters = [char for char in text if char.isalpha()]
    if not letters:
        return False
    if all(char < "\u0250" and char not in _LATIN1_NON_LATIN for char in letters):
        return True  # Basic Latin up to Latin Extended-B: every letter there is Latin
    latin = sum(1 for char in letters if "LATIN" in unicodedata.name(char, ""))
    return latin / len(letters) >= 0.6


_SV_MARKERS = frozenset("""
och att jag det som en ett är på för med har inte vad hur kan vill måste behöver min mitt
mina vi ni får ska till om av eller när var vilka vilken kommunen tack hej hejsan tjena
""".split())
_EN_MARKERS = frozenset("""
the and is to my do does can how what need want an of it with have are be
should where when which who thanks thank hello hi municipality council permit
""".split())


def detect_language(text: str, *, sv_vocab: frozenset[str] = frozenset(),
                    en_vocab: frozenset[str] = frozenset(), default: str = "sv") -> str:
    """Swedish or English. Function words decide first; Swedish letters and the knowledge
    base's own vocabularies break ties. Anything else gets `default`."""
    tokens = words(text)
    if not tokens:
        return default
    sv = float(sum(1 for t in tokens if t in _SV_MARKERS))
    en = float(sum(1 for t in tokens if t in _EN_MARKERS))
    if any(char in text.casefold() for char in "åäö"):
        sv += 1.5
    if sv == en and (sv_vocab or en_vocab):
        folded = [fold(t) for t in tokens]
        sv += sum(1 for t in folded if t in sv_vocab and t not in en_vocab) * 0.5
        en += sum(1 for t in folded if t in en_vocab and t not in sv_vocab) * 0.5
    if sv == en:
        return default
    return "sv" if sv > en else "en"

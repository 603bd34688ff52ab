"""What the entrepreneur reads in the follow-up: the `insight.*` messages of the catalogs
(bot/locales).

The questions follow SKR's Insikt: three questions for the overall judgement that make the
nöjd-kund-index (NKI), and one per service factor (information, tillgänglighet, bemötande,
kompetens, rättssäkerhet, effektivitet), each on the scale 1-6 (docs/insight.md).
"""

from __future__ import annotations

from bot.locales import msg

SCALE = (1, 2, 3, 4, 5, 6)
NKI_QUESTIONS = ("nki_overall", "nki_expectations", "nki_ideal")
FACTORS = ("information", "tillganglighet", "bemotande", "kompetens", "rattssakerhet", "effektivitet")
QUESTIONS = (*NKI_QUESTIONS, *FACTORS)
CHECK = "answered"  # "Fick du svar på din fråga?"


def t(key: str, lang: str, **values: object) -> str:
    return msg(lang, f"insight.{key}", **values)


def question_text(question: str, lang: str) -> str:
    return msg(lang, f"insight.questions.{question}")


def factor_name(factor: str, lang: str) -> str:
    return msg(lang, f"insight.factors.{factor}")

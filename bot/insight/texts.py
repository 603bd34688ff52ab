"""What the entrepreneur reads in the follow-up, in Swedish (klarspråk) and English.

The questions follow SKR's Insikt: three questions for the overall judgement that make the
nöjd-kund-index (NKI), and one per service factor (information, tillgänglighet, bemötande,
kompetens, rättssäkerhet, effektivitet), each on the scale 1-6 (docs/insight.md).
"""

from __future__ import annotations

SCALE = (1, 2, 3, 4, 5, 6)
NKI_QUESTIONS = ("nki_overall", "nki_expectations", "nki_ideal")
FACTORS = ("information", "tillganglighet", "bemotande", "kompetens", "rattssakerhet", "effektivitet")
QUESTIONS = (*NKI_QUESTIONS, *FACTORS)
CHECK = "answered"  # "Fick du svar på din fråga?"

QUESTION_TEXT: dict[str, tuple[str, str]] = {
    "nki_overall": ("Hur nöjd är du sammantaget med kommunens service i ditt ärende?",
                    "Overall, how satisfied are you with the municipality's service in your case?"),
    "nki_expectations": ("Hur väl motsvarade servicen dina förväntningar?",
                         "How well did the service live up to your expectations?"),
    "nki_ideal": ("Hur nära en perfekt service kom kommunen i ditt ärende?",
                  "How close did the municipality come to perfect service in your case?"),
    "information": ("Information: hur bra var informationen om vad som gällde i ditt ärende?",
                    "Information: how good was the information about what applied to your case?"),
    "tillganglighet": ("Tillgänglighet: hur lätt var det att komma i kontakt med rätt person?",
                       "Accessibility: how easy was it to reach the right person?"),
    "bemotande": ("Bemötande: hur blev du bemött?",
                  "Treatment: how were you treated?"),
    "kompetens": ("Kompetens: hur kunniga var de du hade kontakt med?",
                  "Competence: how knowledgeable were the people you dealt with?"),
    "rattssakerhet": ("Rättssäkerhet: hur väl behandlades ditt ärende enligt reglerna och på ett rättvist sätt?",
                      "Legal certainty: how well was your case handled by the rules, and fairly?"),
    "effektivitet": ("Effektivitet: hur snabbt och smidigt hanterades ditt ärende?",
                     "Efficiency: how quickly and smoothly was your case handled?"),
}

# Short names for the report.
FACTOR_NAME: dict[str, tuple[str, str]] = {
    "information": ("Information", "Information"), "tillganglighet": ("Tillgänglighet", "Accessibility"),
    "bemotande": ("Bemötande", "Treatment"), "kompetens": ("Kompetens", "Competence"),
    "rattssakerhet": ("Rättssäkerhet", "Legal certainty"), "effektivitet": ("Effektivitet", "Efficiency"),
}

TEXTS: dict[str, tuple[str, str]] = {
    "intro": ("Ditt ärende {number} är avslutat. Vill du hjälpa kommunen att bli bättre? Här kommer {count} korta "
              "frågor om servicen. Svara med en siffra från 1 (mycket dåligt) till 6 (mycket bra). Du kan hoppa "
              "över en fråga eller avsluta när du vill. Svaren sparas utan ditt namn.",
              "Your case {number} is closed. Would you help the municipality do better? Here are {count} short "
              "questions about the service. Answer with a number from 1 (very poor) to 6 (very good). You can skip "
              "a question or stop whenever you like. Your answers are kept without your name."),
    "question": ("Fråga {n} av {count}: {text}", "Question {n} of {count}: {text}"),
    "scale_hint": ("Svara 1–6, där 1 är mycket dåligt och 6 mycket bra.",
                   "Answer 1–6, where 1 is very poor and 6 very good."),
    "reminder": ("En påminnelse: vi vill gärna veta vad du tyckte om kommunens service i ärende {number}. "
                 "Det tar en minut, och det går bra att hoppa över frågor.",
                 "A reminder: we would like to know what you thought of the municipality's service in case "
                 "{number}. It takes a minute, and you may skip questions."),
    "thanks": ("Tack för dina svar! De hjälper kommunen att bli bättre.",
               "Thank you for your answers! They help the municipality do better."),
    "stopped": ("Okej, jag frågar inte mer om det här ärendet. Tack ändå!",
                "All right, I will not ask any more about this case. Thank you anyway!"),
    "skip": ("Hoppa över", "Skip"),
    "stop": ("Avsluta enkäten", "Stop the survey"),
    "check": ("Fick du svar på din fråga?", "Did you get an answer to your question?"),
    "check_yes": ("Ja, jag fick svar", "Yes, I got an answer"),
    "check_no": ("Nej", "No"),
    "check_thanks_yes": ("Tack! Bra att du fick svar.", "Thank you! Good that you got an answer."),
    "check_thanks_no": ("Tack för att du säger till. Vill du att en företagslots hör av sig? Skriv \"lots\".",
                        "Thank you for telling us. Would you like a business navigator to contact you? Write "
                        "\"navigator\"."),
    "check_again": ("Tack, ditt svar är redan sparat.", "Thank you, your answer is already saved."),
}


def t(key: str, lang: str, **values: object) -> str:
    return TEXTS[key][lang == "en"].format(**values)


def question_text(question: str, lang: str) -> str:
    return QUESTION_TEXT[question][lang == "en"]


def factor_name(factor: str, lang: str) -> str:
    return FACTOR_NAME[factor][lang == "en"]

"""What Lotsen says when it brings officials together: which ones, why, and what it needs."""

from __future__ import annotations


def _join(items: list[str], lang: str) -> str:
    items = [item for item in items if item]
    if len(items) <= 1:
        return "".join(items)
    conjunction = " och " if lang == "sv" else " and "
    return ", ".join(items[:-1]) + conjunction + items[-1]


def explain(*, trigger_kind: str, titles: list[str], role_names: list[str], lang: str) -> str:
    who = _join(role_names, lang)
    about = _join(titles, lang)
    if lang == "sv":
        reason = {
            "multi_authority": "Din fråga berör flera delar av kommunen"
                               + (f" ({about})." if len(titles) > 1 else "."),
            "explicit_request": "Du vill prata med någon, det ordnar jag.",
            "unanswered": "Jag har inte kunnat svara på dina frågor, så jag tar hjälp av en människa.",
            "dispute": "Det låter som att det är bråttom eller gäller ett beslut du vill ifrågasätta.",
        }.get(trigger_kind, "Det här behöver en människa titta på.")
        return (f"{reason} Jag kan samla rätt tjänstepersoner till ett gemensamt lotsmöte med dig: {who}. "
                "Då får du ett ärendenummer och en namngiven kontaktperson.\n"
                "För det behöver jag ditt samtycke till att vi sparar dina kontaktuppgifter och din fråga "
                "i ärendet. Vill du det? Svara ja eller nej.")
    reason = {
        "multi_authority": "Your question involves several parts of the municipality"
                           + (f" ({about})." if len(titles) > 1 else "."),
        "explicit_request": "You would like to talk to someone; I will arrange that.",
        "unanswered": "I have not been able to answer your questions, so I will bring in a person.",
        "dispute": "It sounds urgent, or like a decision you want to challenge.",
    }.get(trigger_kind, "A person needs to look at this.")
    return (f"{reason} I can bring the right officials together in one navigator meeting with you: {who}. "
            "You will get a case number and a named contact.\n"
            "For that I need your consent to keep your contact details and your question in the case. "
            "Do you agree? Reply yes or no.")

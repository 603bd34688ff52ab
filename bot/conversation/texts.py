"""Fixed texts of the conversation flows, Swedish and English."""

from __future__ import annotations

from bot.core.messages import Button

CONSENT_TEXT = {
    "sv": ("Jag samtycker till att {municipality} sparar mina kontaktuppgifter och min fråga i ett "
           "ärende, så att kommunens tjänstepersoner kan kontakta mig. Uppgifterna används bara för "
           "ärendet. Jag kan när som helst be om att de raderas (skriv \"glöm mig\")."),
    "en": ("I agree that {municipality} keeps my contact details and my question in a case so that "
           "the municipality's officials can contact me. The details are used only for the case. I "
           "can ask for them to be erased at any time (write \"forget me\")."),
}


def consent_buttons(lang: str) -> list[Button]:
    return [Button("consent:yes", "Ja, gärna" if lang == "sv" else "Yes, please"),
            Button("consent:no", "Nej tack" if lang == "sv" else "No, thank you")]


def ask_contact(lang: str) -> str:
    if lang == "sv":
        return ("Tack! Skriv ditt namn, ditt företag och ett telefonnummer eller en e-postadress i ett "
                "meddelande, till exempel: Anna Svensson, Pizzeria Roma, 070-123 45 67. Allt är frivilligt "
                "utom ett sätt att nå dig. Skriv \"avbryt\" om du ångrar dig.")
    return ("Thank you! Write your name, your company and a phone number or an e-mail address in one "
            "message, for example: Anna Svensson, Pizzeria Roma, 070-123 45 67. Everything is optional "
            "except one way to reach you. Write \"cancel\" if you change your mind.")


def contact_missing(lang: str) -> str:
    if lang == "sv":
        return ("Jag hittade inget telefonnummer eller någon e-postadress. Skriv ett av dem så att "
                "kommunen kan nå dig, eller \"avbryt\".")
    return "I found no phone number or e-mail address. Please write one of them so that we can reach you, or \"cancel\"."


def declined(lang: str) -> str:
    if lang == "sv":
        return ("Okej, jag skapar inget ärende och sparar inga kontaktuppgifter. Du kan fortsätta ställa "
                "frågor här, eller kontakta kommunen direkt.")
    return "All right, I will not open a case or keep any contact details. You can keep asking questions here, or contact the municipality directly."


def case_opened(number: str, role_names: list[str], lang: str, due: str | None = None) -> str:
    """`due`: when a navigator should have taken the case at the latest (local time, from the
    service level)."""
    who = ", ".join(role_names)
    if lang == "sv":
        when = f"senast {due}" if due else "senast inom kommunens servicenivå"
        return (f"Klart! Ditt ärendenummer är {number}. Jag har kallat {who}. Du får veta namnet på din "
                f"kontaktperson så snart någon har tagit ärendet, {when}. "
                "Skriv här om du vill lägga till något i ärendet.")
    when = f"by {due} at the latest" if due else "within the municipality's service level"
    return (f"Done! Your case number is {number}. I have brought in {who}. You will get the name of your "
            f"contact as soon as someone takes the case, {when}. Write "
            "here if you want to add anything to the case.")


def added_to_case(number: str, lang: str) -> str:
    if lang == "sv":
        return f"Tack, jag har lagt till ditt meddelande i ärende {number}. Din kontaktperson ser det."
    return f"Thank you, I have added your message to case {number}. Your contact will see it."


def consent_reminder(lang: str) -> str:
    if lang == "sv":
        return "Vill du att jag samlar tjänstepersonerna i ett ärende? Svara ja eller nej."
    return "Would you like me to bring the officials together in a case? Reply yes or no."


def already_in_case(number: str, lang: str) -> str:
    if lang == "sv":
        return (f"Du har redan ett öppet ärende, {number}. Skriv här så lägger jag till det i ärendet, "
                "så ser din kontaktperson det.")
    return f"You already have an open case, {number}. Write here and I will add it to the case for your contact."


def open_cases(cases: list, lang: str) -> str:
    if not cases:
        return no_open_cases(lang)
    head = "Dina öppna ärenden:" if lang == "sv" else "Your open cases:"
    lines = [head]
    for case in cases:
        contact = case.contact_name or ("ingen ännu" if lang == "sv" else "none yet")
        label = "kontaktperson" if lang == "sv" else "contact"
        lines.append(f"{case.number} ({label}: {contact})")
    return "\n".join(lines)


def no_open_cases(lang: str) -> str:
    return "Du har inga öppna ärenden." if lang == "sv" else "You have no open cases."


YES = frozenset({"ja", "japp", "jajamen", "absolut", "gärna", "garna", "ok", "okej", "visst", "jepp", "yes",
                 "y", "yeah", "yep", "sure", "please", "ja tack", "ja gärna", "ja garna", "yes please", "j"})
NO = frozenset({"nej", "nej tack", "no", "nope", "n", "no thanks", "no thank you", "nä", "nää", "inte nu",
                "not now", "avbryt", "cancel", "stopp", "stop"})
NAVIGATOR_WORDS = frozenset({"lots", "lotsen", "en lots", "foretagslots", "en foretagslots", "navigator",
                             "a navigator", "business navigator", "lots tack", "lots please", "ja lots"})
ERASE_WORDS = frozenset({"glom mig", "glom mig tack", "radera mig", "radera mina uppgifter", "ta bort mina uppgifter",
                         "forget me", "forget me please", "delete my data", "erase my data", "/glom_mig"})


def is_erasure_request(text: str | None) -> bool:
    """The whole message asks to be forgotten ("glöm mig", "forget me")."""
    from bot.matching.text import fold

    return " ".join(fold(text or "").replace("!", " ").replace(".", " ").split()) in ERASE_WORDS


CANCEL = frozenset({"avbryt", "cancel", "stopp", "stop", "ångra", "angra"})

"""Turning decisions into plain text in the asker's language (klarspråk, no markup: channels
may format it, but nothing here depends on a channel's syntax)."""

from __future__ import annotations

from bot.core.messages import Button
from bot.knowledge.models import Article, Profile

NAVIGATOR_OFFER = {
    "sv": 'Vill du att en företagslots hör av sig? Skriv "lots" så ordnar jag det.',
    "en": 'Would you like a business navigator to contact you? Write "navigator" and I will arrange it.',
}
LABELS = {
    "sv": {"deadline": "Tidsfrist", "fees": "Avgift", "law": "Lag", "next": "Så gör du",
           "source": "Källa", "decides": "Beslutar"},
    "en": {"deadline": "Time limit", "fees": "Fee", "law": "Law", "next": "Next step",
           "source": "Source", "decides": "Decided by"},
}


def render_answer(article: Article, lang: str, *, offer: bool = True) -> str:
    label = LABELS[lang]
    lines = [article.title.get(lang), article.summary.get(lang), ""]
    if article.deadline is not None:
        lines.append(f"{label['deadline']}: {article.deadline.get(lang)}")
    lines.append(f"{label['fees']}: {article.fees.get(lang)}")
    lines.append(f"{label['law']}: {article.legal_basis.get(lang)}")
    if article.authority is not None:
        who = article.authority.name.get(lang)
        lines.append(f"{label['decides']}: {who}" + (f" ({article.authority.url})" if article.authority.url else ""))
    lines.append(f"{label['next']}: {article.next_step.get(lang)}")
    lines.append(f"{label['source']}: {article.sources[0]}")
    if offer:
        lines += ["", NAVIGATOR_OFFER[lang]]
    return "\n".join(lines)


def render_offer(lang: str) -> str:
    return NAVIGATOR_OFFER[lang]


def render_other_authority(authority, profile: Profile, lang: str) -> str:
    """An off-topic question that another authority clearly owns: say so, with its link."""
    name = authority.name.get(lang)
    if lang == "sv":
        head = (f"Det här är inget kommunen beslutar om. {name} ansvarar för {authority.handles.sv}: "
                f"{authority.url}")
    else:
        head = (f"This is not something the municipality decides. {name} is responsible for "
                f"{authority.handles.en}: {authority.url}")
    return f"{head}\n{contact_line(profile, lang)}"


def render_brief(article: Article, lang: str) -> str:
    """The essentials of an answer, given together with an offer to convene navigators."""
    label = LABELS[lang]
    return "\n".join([article.title.get(lang), article.summary.get(lang),
                      f"{label['next']}: {article.next_step.get(lang)}"])


def render_clarify(articles: list[Article], lang: str) -> tuple[str, list[Button]]:
    intro = ("Jag är inte säker på vad du menar. Gäller det något av detta?" if lang == "sv"
             else "I am not sure what you mean. Is it one of these?")
    options = [f"{number}. {article.title.get(lang)}" for number, article in enumerate(articles, 1)]
    outro = ("Svara med siffran eller ämnet, eller ställ frågan på ett annat sätt." if lang == "sv"
             else "Reply with the number or the topic, or ask in another way.")
    buttons = [Button(key=f"topic:{article.id}", label=article.title.get(lang)) for article in articles]
    return "\n".join([intro, *options, outro]), buttons


def contact_line(profile: Profile, lang: str) -> str:
    centre = profile.text("contact.contact_center", lang) if _has(profile, "contact.contact_center") else ""
    hours = profile.text("contact.opening_hours", lang) if _has(profile, "contact.opening_hours") else ""
    phone, email = profile.text("contact.phone"), profile.text("contact.email")
    if lang == "sv":
        line = f"Kontakta {centre or profile.name.sv}: telefon {phone}, e-post {email}"
        return line + (f" ({hours})." if hours else ".")
    line = f"Contact {centre or profile.name.en}: phone {phone}, email {email}"
    return line + (f" ({hours})." if hours else ".")


def render_out_of_scope(profile: Profile, lang: str) -> str:
    if lang == "sv":
        head = ("Det kan jag tyvärr inte svara på. Jag svarar på frågor om tillstånd, regler och "
                f"upphandling för företag i {profile.name.sv}.")
    else:
        head = ("I am sorry, I cannot answer that. I answer questions about permits, rules and "
                f"public procurement for businesses in {profile.name.en}.")
    return f"{head}\n{contact_line(profile, lang)}"


def render_smalltalk(kind: str, profile: Profile, lang: str) -> str:
    if kind == "thanks":
        return ("Varsågod! Fråga gärna igen om du undrar något mer." if lang == "sv"
                else "You are welcome! Ask again any time.")
    if lang == "sv":
        return (f"Hej! Jag är Lotsen, {profile.name.sv}s väg in för företagare. Fråga mig om tillstånd "
                "och regler (till exempel bygglov, serveringstillstånd, livsmedel, uteservering, "
                "brandfarliga varor) eller om upphandling. Skriv \"lots\" om du vill träffa en "
                "företagslots, eller \"möten\" för att se kommande företagsträffar.")
    return (f"Hello! I am Lotsen, the one way in for businesses in {profile.name.en}. Ask me about "
            "permits and rules (for example building permits, alcohol licences, food businesses, "
            "outdoor seating, flammable goods) or about public procurement. Write \"navigator\" to "
            "meet a business navigator, or \"meetings\" to see upcoming business meetings.")


def render_unreadable(profile: Profile, lang: str, reason: str) -> str:
    if reason == "empty":
        return ("Jag fick ett tomt meddelande. Skriv gärna din fråga, till exempel \"Behöver jag bygglov?\"."
                if lang == "sv" else
                "I received an empty message. Please write your question, for example \"Do I need a building permit?\".")
    if lang == "sv":
        return ("Jag förstår tyvärr bara text på svenska och engelska. Skriv gärna din fråga med ord.\n"
                + contact_line(profile, lang) + "\nI understand Swedish and English.")
    return ("I am sorry, I only understand text in Swedish and English. Please write your question in words.\n"
            + contact_line(profile, lang))


def _has(profile: Profile, path: str) -> bool:
    try:
        profile.lookup(path)
        return True
    except KeyError:
        return False


def render_privacy(profile: Profile, lang: str) -> str:
    link = profile.text("links.personuppgifter") if _has(profile, "links.personuppgifter") else profile.text("contact.web")
    if lang == "sv":
        return ("Om dina uppgifter: när du bara ställer frågor sparar vi dina meddelanden för att kunna svara och "
                "förbättra tjänsten. Kontaktuppgifter sparar vi bara om du själv ber om kontakt med en företagslots "
                f"och samtycker till det. Skriv \"glöm mig\" så raderar vi dina uppgifter. Mer information: {link}")
    return ("About your data: when you only ask questions, we keep your messages to answer you and improve the "
            "service. We keep contact details only if you ask to be contacted by a business navigator and agree "
            f"to it. Write \"forget me\" and we erase your data. More information: {link}")

"""Turning decisions into plain text in the asker's language (klarspråk, no markup: channels
may format it, but nothing here depends on a channel's syntax). The words come from the
message catalogs (bot/locales)."""

from __future__ import annotations

from bot.core.messages import Button
from bot.knowledge.models import Article, Profile
from bot.locales import language_names, msg


def render_answer(article: Article, lang: str, *, offer: bool = True) -> str:
    def label(key: str) -> str:
        return msg(lang, f"answer.{key}")

    lines = [article.title.get(lang), article.summary.get(lang), ""]
    if article.deadline is not None:
        lines.append(f"{label('deadline')}: {article.deadline.get(lang)}")
    lines.append(f"{label('fees')}: {article.fees.get(lang)}")
    lines.append(f"{label('law')}: {article.legal_basis.get(lang)}")
    if article.authority is not None:
        who = article.authority.name.get(lang)
        lines.append(f"{label('decides')}: {who}" + (f" ({article.authority.url})" if article.authority.url else ""))
    lines.append(f"{label('next')}: {article.next_step.get(lang)}")
    lines.append(f"{label('source')}: {article.sources[0]}")
    if offer:
        lines += ["", render_offer(lang)]
    return "\n".join(lines)


def render_offer(lang: str) -> str:
    return msg(lang, "answer.offer")


def render_other_authority(authority, profile: Profile, lang: str) -> str:
    """An off-topic question that another authority clearly owns: say so, with its link."""
    head = msg(lang, "reply.other_authority", name=authority.name.get(lang), handles=authority.handles.get(lang),
               url=authority.url)
    return f"{head}\n{contact_line(profile, lang)}"


def render_brief(article: Article, lang: str) -> str:
    """The essentials of an answer, given together with an offer to convene navigators."""
    return "\n".join([article.title.get(lang), article.summary.get(lang),
                      f"{msg(lang, 'answer.next')}: {article.next_step.get(lang)}"])


def render_clarify(articles: list[Article], lang: str) -> tuple[str, list[Button]]:
    options = [f"{number}. {article.title.get(lang)}" for number, article in enumerate(articles, 1)]
    buttons = [Button(key=f"topic:{article.id}", label=article.title.get(lang)) for article in articles]
    return "\n".join([msg(lang, "reply.clarify_intro"), *options, msg(lang, "reply.clarify_outro")]), buttons


def contact_line(profile: Profile, lang: str) -> str:
    centre = profile.text("contact.contact_center", lang) if _has(profile, "contact.contact_center") else ""
    hours = profile.text("contact.opening_hours", lang) if _has(profile, "contact.opening_hours") else ""
    line = msg(lang, "contact.line", centre=centre or profile.name.get(lang), phone=profile.text("contact.phone"),
               email=profile.text("contact.email"))
    return line + (msg(lang, "contact.hours", hours=hours) if hours else msg(lang, "contact.end"))


def render_out_of_scope(profile: Profile, lang: str) -> str:
    return f"{msg(lang, 'reply.out_of_scope', municipality=profile.name.get(lang))}\n{contact_line(profile, lang)}"


def render_smalltalk(kind: str, profile: Profile, lang: str) -> str:
    if kind == "thanks":
        return msg(lang, "reply.thanks")
    return msg(lang, "reply.hello", municipality=profile.name.get(lang))


def render_unreadable(profile: Profile, lang: str, reason: str) -> str:
    if reason == "empty":
        return msg(lang, "reply.empty")
    offered = profile.languages
    text = msg(lang, "reply.script", languages=language_names(lang, offered)) + "\n" + contact_line(profile, lang)
    if lang != "en" and "en" in offered:  # a line anyone can read
        text += "\n" + msg("en", "reply.understand", languages=language_names("en", offered))
    return text


def _has(profile: Profile, path: str) -> bool:
    try:
        profile.lookup(path)
        return True
    except KeyError:
        return False


def render_privacy(profile: Profile, lang: str) -> str:
    link = profile.text("links.personuppgifter") if _has(profile, "links.personuppgifter") else profile.text("contact.web")
    return msg(lang, "reply.privacy", link=link)

"""The page, its theme and its security headers, from the municipality profile's `web:` block
(knowledge/municipality.yaml): `origins` (the sites that may embed the chat: the CSP's
frame-ancestors), `logo` (a file in the knowledge folder, served by Lotsen) and `colours`
(`primary`, `accent`; a colour with too little contrast against white is replaced by the default,
with a warning in the log).

Nothing inline: the page loads /chat/static/chat.js and chat.css and /chat/theme.css, all from
Lotsen, so the policy can be `script-src 'self'` with no exceptions.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.adapters.web.texts import page_texts

log = logging.getLogger(__name__)

DEFAULT_COLOURS = {"primary": "#0b4f8a", "accent": "#7a1f5c"}
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?$")
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
              ".webp": "image/webp"}


def contrast_with_white(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


@dataclass(frozen=True)
class Branding:
    name_sv: str = "Kommunen"
    name_en: str = "The municipality"
    colours: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_COLOURS))
    origins: tuple[str, ...] = ()
    logo: Path | None = None
    contact_phone: str = ""
    contact_email: str = ""
    # The languages the profile offers (the first is its default) and the municipality's name in each.
    languages: tuple[str, ...] = ("sv", "en")
    names: dict[str, str] = field(default_factory=dict)

    def name(self, lang: str) -> str:
        return self.names.get(lang) or (self.name_en if lang == "en" else self.name_sv)

    @classmethod
    def from_profile(cls, profile: dict[str, Any], *, knowledge_dir: Path | None) -> Branding:
        name = profile.get("name") or {}
        web = profile.get("web") or {}
        contact = profile.get("contact") or {}
        colours = dict(DEFAULT_COLOURS)
        for key, value in (web.get("colours") or {}).items():
            if key not in colours:
                continue
            if isinstance(value, str) and _HEX.match(value) and contrast_with_white(value) >= 4.5:
                colours[key] = value.lower()
            else:
                log.warning("web chat: web.colours.%s in the profile is not a #rrggbb colour with contrast 4.5:1 "
                            "against white; using %s", key, colours[key])
        origins = []
        for origin in web.get("origins") or []:
            if isinstance(origin, str) and _ORIGIN.match(origin.rstrip("/")):
                origins.append(origin.rstrip("/"))
            else:
                log.warning("web chat: web.origins in the profile: %r is not an origin like https://kommun.se", origin)
        logo = None
        if web.get("logo") and knowledge_dir is not None:
            path = (knowledge_dir / str(web["logo"])).resolve()
            if path.is_file() and path.suffix.lower() in LOGO_TYPES and knowledge_dir.resolve() in path.parents:
                logo = path
            else:
                log.warning("web chat: web.logo in the profile is not an image file in the knowledge folder")
        listed = profile.get("languages")
        languages = tuple(str(code) for code in listed) if isinstance(listed, list) and listed else ("sv", "en")
        names = {str(code): str(text) for code, text in name.items() if text} if isinstance(name, dict) else {}
        return cls(name_sv=str(name.get("sv") or cls.name_sv), name_en=str(name.get("en") or cls.name_en),
                   colours=colours, origins=tuple(origins), logo=logo,
                   contact_phone=str(contact.get("phone") or ""), contact_email=str(contact.get("email") or ""),
                   languages=languages, names=names)


def security_headers(branding: Branding) -> dict[str, str]:
    ancestors = " ".join(("'self'", *branding.origins))
    policy = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
              f"form-action 'self'; base-uri 'none'; frame-ancestors {ancestors}")
    return {"Content-Security-Policy": policy, "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer", "Cross-Origin-Opener-Policy": "same-origin",
            "Permissions-Policy": "camera=(), microphone=(), geolocation=()"}


def theme_css(branding: Branding) -> str:
    return ":root{" + "".join(f"--{key}:{value};" for key, value in branding.colours.items()) + "}\n"


def page_html(branding: Branding, *, embed: bool, lang: str | None = None) -> str:
    """The page in `lang` (the profile's default language if not given); the script takes the
    other offered languages' labels from /chat/api/texts."""
    e = html.escape
    lang = lang if lang in branding.languages else branding.languages[0]
    t = {key: e(value) for key, value in page_texts(lang).items()}
    names = " ".join(f'data-name-{e(code)}="{e(branding.name(code))}"' for code in branding.languages)
    switch = branding.languages[(branding.languages.index(lang) + 1) % len(branding.languages)]  # the next one
    logo = '<img class="logo" src="/chat/logo" alt="" width="40" height="40">' if branding.logo else ""
    return f"""<!doctype html>
<html lang="{e(lang)}" data-langs="{e(' '.join(branding.languages))}" {names}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lotsen – {e(branding.name(lang))}</title>
<link rel="stylesheet" href="/chat/static/chat.css">
<link rel="stylesheet" href="/chat/theme.css">
<script src="/chat/static/chat.js" defer></script>
</head>
<body class="{'embed' if embed else 'page'}">
<a class="skip" href="#message" data-i18n="skip">{t["skip"]}</a>
<header class="top">
  {logo}
  <div class="titles">
    <h1>Lotsen</h1>
    <p class="muni" id="muni">{e(branding.name(lang))}</p>
  </div>
  <button type="button" id="lang" class="lang" lang="{e(switch)}">{e(own_name(switch))}</button>
</header>
<main class="chat">
  <p class="intro" data-i18n="intro">{t["intro"]}</p>
  <div id="log" class="log" role="log" aria-live="polite" aria-relevant="additions" aria-label="{t["log"]}" data-i18n-label="log" tabindex="0"></div>
  <p id="status" class="status" role="status" aria-live="polite"></p>
  <form id="composer" class="composer" novalidate>
    <label for="message" data-i18n="label">{t["label"]}</label>
    <div class="row">
      <textarea id="message" name="message" rows="2" maxlength="2000" autocomplete="off" aria-describedby="hint" required></textarea>
      <button type="submit" id="send" data-i18n="send">{t["send"]}</button>
    </div>
    <p id="hint" class="hint" data-i18n="hint">{t["hint"]}</p>
  </form>
  <nav class="more" aria-label="{t["more"]}" data-i18n-label="more">
    <button type="button" id="my-cases" data-i18n="cases">{t["cases"]}</button>
    <button type="button" id="erase" data-i18n="erase">{t["erase"]}</button>
  </nav>
  <p class="privacy" data-i18n="privacy">{t["privacy"]}</p>
</main>
</body>
</html>
"""


def own_name(lang: str) -> str:
    """A language's name in itself, as a button label ("English", "Svenska", "Suomi")."""
    name = page_texts(lang)["language"]
    return name[:1].upper() + name[1:]

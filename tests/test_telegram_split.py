"""Splitting long messages for Telegram (4096 UTF-16 code units) on natural boundaries."""

from __future__ import annotations

import html

from bot.adapters.text import split_escaped, split_text, utf16_len


def test_short_text_is_one_part():
    assert split_text("  Hej!  ") == ["Hej!"]
    assert split_text("") == []


def test_ten_thousand_characters_split_on_paragraphs_and_nothing_lost():
    paragraphs = [f"Stycke {i}. " + "Tillstånd söks hos kommunen. " * 30 for i in range(12)]
    text = "\n\n".join(p.strip() for p in paragraphs)[:10_000]
    parts = split_text(text)
    assert all(utf16_len(p) <= 4096 for p in parts) and len(parts) >= 3
    assert all(p.startswith("Stycke") for p in parts)  # every cut fell on a paragraph break
    assert "".join(parts).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(" ", "")


def test_lines_then_words_when_there_are_no_paragraphs():
    text = "\n".join("rad " * 50 for _ in range(100))
    parts = split_text(text, 1000)
    assert all(len(p) <= 1000 and p.startswith("rad") and p.endswith("rad") for p in parts)
    words = " ".join(["ord"] * 3000)
    assert all(p.split(" ") == ["ord"] * len(p.split(" ")) for p in split_text(words, 500))


def test_a_word_longer_than_a_message_is_cut_hard():
    parts = split_text("x" * 9000)
    assert [len(p) for p in parts] == [4096, 4096, 808]


def test_emoji_count_twice_as_telegram_counts_them():
    text = "🙂" * 3000  # 6000 UTF-16 code units
    parts = split_text(text)
    assert all(utf16_len(p) <= 4096 for p in parts) and "".join(parts) == text


def test_escaping_never_pushes_a_part_over_the_limit_or_cuts_an_entity():
    text = "<&>" * 3000
    parts = split_escaped(text, 4096, html.escape)
    assert all(utf16_len(p) <= 4096 for p in parts)
    assert "".join(html.unescape(p) for p in parts) == text

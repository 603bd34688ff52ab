"""The message catalogs: every id in every shipped language, with the same placeholders; the
fallback chain; a municipality's own catalog laid over the shipped one."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import locales
from bot.locales import Catalog, CatalogError, placeholders


def test_every_message_is_in_every_shipped_language_with_the_same_placeholders():
    shipped = locales.shipped()
    assert {"sv", "en"} <= set(shipped)
    ids = set().union(*shipped.values())
    for lang, texts in shipped.items():
        missing = sorted(ids - set(texts))
        assert not missing, f"{lang}.yaml lacks {missing}"
    for key in sorted(ids):
        fields = {lang: placeholders(texts[key]) for lang, texts in shipped.items()}
        assert len(set(fields.values())) == 1, f"{key}: placeholders differ {fields}"
        for lang, texts in shipped.items():
            assert texts[key].strip(), f"{lang}: {key} is empty"


def test_word_lists_have_the_same_length_in_every_language():
    shipped = locales.shipped()
    for key, length in (("time.days", 7), ("time.months", 12)):
        for lang in shipped:
            assert len(locales.Catalog(messages=shipped).template(lang, key).split("|")) == length, (lang, key)


def test_fallback_goes_from_the_language_to_the_default_then_swedish():
    catalog = Catalog(messages={"sv": {"a": "sv-a", "b": "sv-b", "c": "sv-c {n}"}, "en": {"a": "en-a"},
                                "fi": {"b": "fi-b"}}, default="en")
    assert catalog.msg("fi", "b") == "fi-b"
    assert catalog.msg("fi", "a") == "en-a"      # the default language
    assert catalog.msg("fi", "c", n=3) == "sv-c 3"  # Swedish, last
    with pytest.raises(CatalogError):
        catalog.msg("fi", "nope")


def test_a_municipality_overrides_a_message_and_adds_a_language(tmp_path: Path):
    (tmp_path / "locales").mkdir()
    (tmp_path / "locales" / "sv.yaml").write_text("answer:\n  offer: Ring oss!\n", encoding="utf-8")
    (tmp_path / "locales" / "de.yaml").write_text("reply:\n  thanks: Bitte!\n", encoding="utf-8")
    catalog = Catalog.load(tmp_path)
    assert catalog.msg("sv", "answer.offer") == "Ring oss!"
    assert catalog.msg("sv", "answer.fees") == "Avgift"  # the rest is shipped
    assert catalog.msg("de", "reply.thanks") == "Bitte!"
    assert catalog.msg("de", "answer.fees") == "Avgift"
    assert locales.shipped()["sv"]["answer.offer"] != "Ring oss!"  # the shipped catalog is untouched


def test_a_catalog_that_is_not_a_mapping_of_texts_is_refused(tmp_path: Path):
    path = tmp_path / "xx.yaml"
    path.write_text("answer:\n  offer: [1, 2]\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="answer.offer"):
        locales.read_file(path)


def test_languages_are_named_in_the_reply_language():
    assert locales.language_names("sv", ("sv", "en")) == "svenska och engelska"
    assert locales.language_names("en", ("sv", "en")) == "Swedish and English"


def test_every_message_id_written_in_the_code_exists():
    """A literal id in a msg()/both() call that no catalog has would fail only when said."""
    import re

    # msg(lang, "id"), both("id") and constants naming an id (UNKNOWN = "desk.shared.unknown_button");
    # not the outbox's kinds and digests (KIND = "desk.notice", DIGEST = "insight.report").
    call = re.compile(r"""\b(?:msg\([^,()]+,\s*|both\(\s*|(?!\w*(?:KIND|DIGEST)\b)[A-Z_]+\s*=\s*)"""
                      r"""["']([a-z_]+(?:\.[a-z_]+)+)["']""")
    root = Path(__file__).resolve().parents[1] / "bot"
    ids = set(locales.shipped()["sv"])
    found = {}
    for path in root.rglob("*.py"):
        for key in call.findall(path.read_text(encoding="utf-8")):
            if "." in key and key.split(".")[0] in {k.split(".")[0] for k in ids}:
                found.setdefault(key, path.relative_to(root.parent))
    assert len(found) > 50  # the pattern does find the calls
    missing = {key: str(where) for key, where in found.items() if key not in ids}
    assert not missing, missing

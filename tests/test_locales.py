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


FILES = (".yaml", ".yml", ".json", ".md")  # a file's name ("cases.yaml") is no message id


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
            if "." in key and key.split(".")[0] in {k.split(".")[0] for k in ids} and not key.endswith(FILES):
                found.setdefault(key, path.relative_to(root.parent))
    assert len(found) > 50  # the pattern does find the calls
    missing = {key: str(where) for key, where in found.items() if key not in ids}
    assert not missing, missing


def test_the_web_chats_textbox_is_named_as_a_question_in_both_shipped_languages():
    # The page is checked from outside by the textbox's accessible name (issue 13).
    assert "fråga" in locales.shipped()["sv"]["web.page.label"].casefold()
    assert "question" in locales.shipped()["en"]["web.page.label"].casefold()


def test_every_refusal_and_page_label_of_the_web_chat_has_a_message():
    from bot.adapters.web.texts import PAGE_KEYS, REFUSALS

    for lang in ("sv", "en"):
        texts = locales.shipped()[lang]
        assert all(f"web.page.{key}" in texts for key in PAGE_KEYS)
        assert all(f"web.refusal.{key}" in texts for key in REFUSALS)


@pytest.fixture
def shipped_catalog_after():
    yield
    locales.install(Catalog.load())


def test_a_municipality_overrides_a_web_label_and_adds_a_yes_word(tmp_path: Path, shipped_catalog_after):
    from bot.adapters.web.page import Branding, page_html
    from bot.adapters.web.texts import page_texts
    from bot.conversation import followups, texts

    assert not followups.is_yes("kyllä") and "kylla" not in texts.YES
    (tmp_path / "locales").mkdir()
    (tmp_path / "locales" / "sv.yaml").write_text(
        "web:\n  page:\n    label: Din fråga till kommunen\nwords:\n  agree: |\n    jajamensan\n", encoding="utf-8")
    (tmp_path / "locales" / "fi.yaml").write_text("words:\n  agree: kyllä|joo\n  decline: ei\n", encoding="utf-8")
    locales.install(Catalog.load(tmp_path))

    assert page_texts("sv")["label"] == "Din fråga till kommunen"
    assert page_texts("en")["label"] == "Your question"  # the other languages stay as shipped
    page = page_html(Branding(), embed=False, lang="sv")
    assert '<label for="message" data-i18n="label">Din fråga till kommunen</label>' in page
    # The municipality's words count beside the shipped ones, in every conversation.
    assert followups.is_yes("Jajamensan!") and followups.is_yes("Kyllä") and followups.is_yes("joo")
    assert followups.is_no("ei") and "ei" in texts.NO and "kyllä" in texts.YES
    assert followups.is_yes("ja tack") and followups.is_yes("yes please") and followups.is_no("nej")
    assert not followups.is_yes("ei")

    locales.install(Catalog.load())  # another catalog installed: its words, not the old ones
    assert not followups.is_yes("kyllä") and not followups.is_yes("jajamensan")


def test_the_words_keep_what_each_step_understood():
    from bot.conversation import followups, texts

    for word in ("ja", "Ja, gärna!", "okej", "yes", "sure", "kör"):
        assert followups.is_yes(word) and word in texts.YES, word
    for word in ("j", "y"):  # short answers only while consent is asked
        assert word in texts.YES and not followups.is_yes(word)
    for word in ("avbryt", "/avbryt", "Ångra", "cancel", "stopp", "never mind"):
        assert followups.is_cancel(word) and word in texts.CANCEL and word in texts.NO, word
    assert "n" in texts.NO and not followups.is_no("n")
    for word in ("Glöm mig!", "forget me", "/glom_mig", "radera mina uppgifter"):
        assert texts.is_erasure_request(word), word
    assert not texts.is_erasure_request("glöm mig inte")
    assert followups.wants_more("Berätta mer!") and followups.wants_more("tell me more")
    assert followups.wants_person("en företagslots") and followups.wants_person("lots please")

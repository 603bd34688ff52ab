"""Adding a language is adding catalog and knowledge files: a small municipality that offers
Finnish (tests/fixtures/third_language: `languages: [sv, en, fi]`, knowledge/locales/fi.yaml and
two articles with Finnish texts) answers a Finnish conversation with its Finnish catalog texts
and articles, on every channel; the bundled municipality, which offers Swedish and English,
still refuses Finnish with its Swedish and English reply."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot import locales
from bot.knowledge.bundle import KnowledgeBundle
from bot.knowledge.check import check_all
from tests import dialogue_support
from tests.dialogue_support import CHANNELS, DRIVERS, driver  # noqa: F401 (the fixture)

FIXTURE = Path(__file__).parent / "fixtures" / "third_language"
QUESTION = "Tarvitsenko rakennusluvan kun laajennan korjaamoa?"  # not one of the articles' examples


def third_bundle() -> KnowledgeBundle:
    return KnowledgeBundle.load(FIXTURE / "knowledge", FIXTURE / "routing_rules.yaml")


@pytest.fixture
def shipped_catalog_after():
    yield
    locales.install(locales.Catalog.load())


@pytest.fixture(params=CHANNELS)
def finnish_driver(request, tmp_path, monkeypatch, shipped_catalog_after):
    monkeypatch.setattr(dialogue_support, "bundle", third_bundle)
    monkeypatch.setattr(dialogue_support, "KNOWLEDGE", FIXTURE / "knowledge")  # no meetings.yaml: none seeded
    made = DRIVERS[request.param](tmp_path)
    yield made
    made.close()


def test_the_fixture_checks_and_offers_three_languages():
    kb, problems = check_all(FIXTURE / "knowledge", FIXTURE / "routing_rules.yaml")
    assert problems == []
    assert kb.profile.languages == ("sv", "en", "fi")
    assert kb.articles["bygglov"].title.get("fi") == "Rakennuslupa"


def test_a_finnish_conversation_gets_the_finnish_catalog_and_articles(finnish_driver):
    reply = finnish_driver.say(QUESTION)
    assert "Rakennuslupa" in reply                      # the article's Finnish title
    assert "Kunnan on päätettävä 10 viikon kuluessa" in reply  # and its Finnish deadline
    assert "Määräaika:" in reply and "Näin toimit:" in reply  # the labels from fi.yaml
    assert "Haluatko, että yritysneuvoja" in reply      # the offer from fi.yaml
    assert "Tidsfrist" not in reply and "Time limit" not in reply
    # The conversation keeps Finnish: the next question is answered from the Finnish article too.
    again = finnish_driver.say("paljonko anniskelulupa maksaa ravintolassa")
    assert "Anniskelulupa" in again and "Hakemusmaksu on 10 000 kruunua" in again


def test_a_message_in_an_unoffered_language_names_the_three_languages(finnish_driver):
    reply = finnish_driver.say("Ich möchte ein Restaurant eröffnen, welche Genehmigung brauche ich?")
    assert "svenska, engelska och finska" in reply
    assert "Swedish, English and Finnish" in reply
    assert "ruotsi, englanti ja suomi" in reply


def test_the_bundled_municipality_still_refuses_finnish_in_swedish_and_english(driver):
    reply = driver.say(QUESTION)
    assert "Jag kan tyvärr bara svenska och engelska" in reply
    assert "Sorry, I only speak Swedish and English" in reply
    assert "Rakennuslupa" not in reply and "Määräaika" not in reply


def test_kb_check_names_an_offered_language_without_catalog_or_texts(tmp_path):
    knowledge = tmp_path / "knowledge"
    shutil.copytree(FIXTURE / "knowledge", knowledge)
    profile = knowledge / "municipality.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("[sv, en, fi]", "[sv, en, fi, de]")
                       .replace("  fi: Rannikon kunta\n", "  fi: Rannikon kunta\n  de: Gemeinde Strandvik\n"),
                       encoding="utf-8")
    (knowledge / "locales" / "fi.yaml").write_text("answer:\n  offer: Soita {phone}\n", encoding="utf-8")
    _, problems = check_all(knowledge, FIXTURE / "routing_rules.yaml")
    said = "\n".join(f"{p.path}: {p.message}" for p in problems)
    assert "'languages' offers de, but it has no message catalog" in said
    assert "'title' needs text in de" in said
    assert "the body needs a '## de' section" in said
    assert "'answer.offer' must use the placeholders none" in said


def test_the_web_page_takes_the_third_languages_labels_from_its_catalog(shipped_catalog_after):
    from bot.adapters.web.page import Branding, page_html
    from bot.adapters.web.texts import page_texts

    bundle = third_bundle()
    locales.install(bundle.catalog)
    profile = {**bundle.kb.profile.data, "languages": list(bundle.kb.profile.languages)}
    branding = Branding.from_profile(profile, knowledge_dir=None)
    assert branding.languages == ("sv", "en", "fi")
    page = page_html(branding, embed=False, lang="fi")
    assert '<html lang="fi" data-langs="sv en fi"' in page
    assert ">Kysymyksesi</label>" in page and ">Lähetä</button>" in page
    assert 'data-name-fi="Rannikon kunta"' in page
    # What fi.yaml lacks is said in the default language (Swedish), as msg falls back.
    assert page_texts("fi")["intro"] == page_texts("sv")["intro"]
    # The switch offers the next language: Swedish from Finnish.
    assert 'lang="sv">Svenska</button>' in page


def test_finnish_yes_words_from_the_catalog_take_up_the_offer(finnish_driver):
    finnish_driver.say(QUESTION)
    reply = finnish_driver.say("Kyllä!")  # "yes" in fi.yaml's words.agree, as "ja" is in Swedish
    assert locales.msg("fi", "escalation.explicit_request") in reply

"""The bundled knowledge base: complete, valid, municipality-neutral."""

from __future__ import annotations

import re
import shutil

import pytest
import yaml

from bot.knowledge.loader import check_knowledge, load_knowledge
from bot.knowledge.problems import InvalidKnowledge
from tests.knowledge_support import KNOWLEDGE, ROUTING, bundle

REQUIRED_TOPICS = """
bygglov rivningslov skyltlov detaljplan strandskydd mark-och-lokaler serveringstillstand
tillfalligt-serveringstillstand tobak-nikotin folkol receptfria-lakemedel livsmedelsregistrering
livsmedelskontroll foodtruck miljofarlig-verksamhet halsoskydd djurhallning avfall fettavskiljare
brandfarliga-varor explosiva-varor brandskydd markupplatelse uteservering torghandel
offentlig-tillstallning gravtillstand ta-plan parkering-lastzon va-anslutning upphandling
direktupphandling hitta-upphandlingar lamna-anbud overprovning upphandlingsdialog foretagslots
starta-foretag kompetensforsorjning overklaga-beslut avgifter natverk-och-traffar synpunkter
""".split()


def test_bundled_knowledge_is_valid_and_complete():
    kb, problems = check_knowledge(KNOWLEDGE)
    assert problems == []
    assert set(REQUIRED_TOPICS) <= set(kb.articles)
    roles = set(yaml.safe_load(ROUTING.read_text(encoding="utf-8"))["roles"])
    for article in kb.articles.values():
        assert article.role in roles and article.owner in roles and set(article.also_roles) <= roles
        assert len(article.examples["sv"]) >= 8 and len(article.examples["en"]) >= 8
        assert article.sources and all(url.startswith("https://") for url in article.sources)
        assert article.body.sv and article.body.en


def test_articles_hold_no_municipality_specific_text():
    """Everything municipality-specific comes from the profile: no raw name, phone or domain."""
    profile_values = {"Sjöviks kommun", "Sjövik", "0520-49 70 00", "sjovik.example"}
    for path in (KNOWLEDGE / "articles").glob("*.md"):
        text = path.read_text(encoding="utf-8")
        for value in profile_values:
            assert value not in text, f"{path.name} hard-codes {value!r}; use a {{{{...}}}} reference"


def test_profile_references_are_resolved_in_loaded_articles():
    for article in bundle().kb.articles.values():
        for text in (article.fees.sv, article.fees.en, article.next_step.sv, article.next_step.en):
            assert "{{" not in text


def _copy(tmp_path):
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target


def test_problems_name_file_and_line(tmp_path):
    target = _copy(tmp_path)
    article = target / "articles" / "bygglov.md"
    text = article.read_text(encoding="utf-8")
    text = re.sub(r"^role: .*$", "role: brandkår", text, count=1, flags=re.M)
    text = text.replace("{{links.bygglov}}", "{{links.finns_inte}}", 1)
    article.write_text(text, encoding="utf-8")
    role_line = next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith("role:"))
    (target / "articles" / "kopia.md").write_text(
        (target / "articles" / "rivningslov.md").read_text(encoding="utf-8"), encoding="utf-8")
    (target / "articles" / "trasig.md").write_text("---\nid: trasig\ntitle: [oavslutad\n---\n", encoding="utf-8")

    _, problems = check_knowledge(target)
    messages = [str(p) for p in problems]
    assert any(p.path.endswith("bygglov.md") and p.line == role_line and "unknown role 'brandkår'" in p.message
               for p in problems), messages
    assert any(p.path.endswith("bygglov.md") and "links.finns_inte" in p.message and p.line for p in problems)
    assert any(p.path.endswith("kopia.md") and "differs from the file name" in p.message for p in problems)
    assert any(p.path.endswith("trasig.md") and "bad YAML" in p.message and p.line in (3, 4) for p in problems), messages
    with pytest.raises(InvalidKnowledge):
        load_knowledge(target)


def test_missing_fields_and_too_few_examples(tmp_path):
    target = _copy(tmp_path)
    article = target / "articles" / "skyltlov.md"
    text = article.read_text(encoding="utf-8")
    text = re.sub(r"^sources:\n(  - .*\n)+", "", text, flags=re.M)
    article.write_text(text, encoding="utf-8")
    (target / "articles" / "tunn.md").write_text(
        "---\nid: tunn\ntitle: {sv: Tunn, en: Thin}\nexamples: {sv: [en fråga], en: [a question]}\n---\n",
        encoding="utf-8")
    _, problems = check_knowledge(target)
    messages = " | ".join(str(p) for p in problems)
    assert "skyltlov.md:1: missing field 'sources'" in messages
    assert "tunn.md" in messages and "at least 8 needed" in messages
    assert "missing field 'legal_basis'" in messages


def test_copied_article_is_reported(tmp_path):
    target = _copy(tmp_path)
    source = (target / "articles" / "folkol.md").read_text(encoding="utf-8")
    # A copied file keeps the id of its original: the second use of the id is refused.
    (target / "articles" / "folkol-2.md").write_text(source, encoding="utf-8")
    _, problems = check_knowledge(target)
    assert any("folkol-2.md" in p.path and "folkol" in p.message for p in problems)

"""The on-disk cache of the validated knowledge bundle: fast, and never stale or unvalidated."""

from __future__ import annotations

import re
import shutil

import pytest

from bot.knowledge import cache
from bot.knowledge.problems import InvalidKnowledge
from tests.knowledge_support import KNOWLEDGE, ROUTING


@pytest.fixture
def copy(tmp_path, monkeypatch):
    monkeypatch.setenv("LOTSEN_CACHE_DIR", str(tmp_path / "cache"))
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    shutil.copy(ROUTING, tmp_path / "routing_rules.yaml")
    return target, tmp_path / "routing_rules.yaml"


def test_second_load_comes_from_the_cache_and_answers_the_same(copy):
    knowledge, routing = copy
    first = cache.load_bundle(knowledge, routing)
    assert len(list(cache.cache_dir().glob("bundle-*.pickle"))) == 1
    second = cache.load_bundle(knowledge, routing)
    assert second is not first
    question = "Jag vill öppna en restaurang med alkohol och uteservering"
    assert second.responder().respond(question).as_json() == first.responder().respond(question).as_json()


def test_an_edited_article_is_loaded_again(copy):
    knowledge, routing = copy
    cache.load_bundle(knowledge, routing)
    article = knowledge / "articles" / "skyltlov.md"
    article.write_text(article.read_text(encoding="utf-8").replace("title:\n  sv: Skyltlov", "title:\n  sv: Skyltlov och reklam", 1),
                       encoding="utf-8")
    reloaded = cache.load_bundle(knowledge, routing)
    assert reloaded.kb.articles["skyltlov"].title.sv == "Skyltlov och reklam"
    assert len(list(cache.cache_dir().glob("bundle-*.pickle"))) == 1  # the stale one is gone


def test_an_invalid_knowledge_base_is_never_cached(copy):
    knowledge, routing = copy
    article = knowledge / "articles" / "skyltlov.md"
    article.write_text(re.sub(r"^role: .*$", "role: polisen", article.read_text(encoding="utf-8"), count=1,
                              flags=re.M), encoding="utf-8")
    with pytest.raises(InvalidKnowledge):
        cache.load_bundle(knowledge, routing)
    assert not list(cache.cache_dir().glob("bundle-*.pickle"))


def test_an_unwritable_or_corrupt_cache_only_costs_speed(copy, tmp_path, monkeypatch):
    knowledge, routing = copy
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("LOTSEN_CACHE_DIR", str(blocker / "cache"))
    assert cache.load_bundle(knowledge, routing).kb.get("bygglov") is not None
    monkeypatch.setenv("LOTSEN_CACHE_DIR", str(tmp_path / "cache2"))
    cache.load_bundle(knowledge, routing)
    (stored,) = cache.cache_dir().glob("bundle-*.pickle")
    stored.write_bytes(b"not a pickle")
    assert cache.load_bundle(knowledge, routing).kb.get("bygglov") is not None


def test_serve_builds_from_the_cache_on_its_second_start(copy, tmp_path, monkeypatch):
    """`lotsen serve` (bot.cli.serve._build_service) uses the bundle `lotsen ask` caches: the
    second start neither validates the files again nor counts the second reader again."""
    from bot.cli import serve
    from bot.config import load_settings
    from bot.knowledge.bundle import KnowledgeBundle
    from bot.matching import domain

    knowledge, routing = copy
    monkeypatch.setenv("LOTSEN_KNOWLEDGE_DIR", str(knowledge))
    monkeypatch.setenv("LOTSEN_ROUTING_FILE", str(routing))
    monkeypatch.setenv("LOTSEN_DATABASE_URL", f"sqlite:///{tmp_path / 'lotsen.db'}")
    settings = load_settings()
    first = serve._build_service(settings, channels={}, desks={})
    assert len(list(cache.cache_dir().glob("bundle-*.pickle"))) == 1

    def refuse(*args, **kwargs):
        raise AssertionError("the second start loaded the files or fitted the second reader again")

    monkeypatch.setattr(KnowledgeBundle, "load", classmethod(refuse))
    monkeypatch.setattr(domain, "train", refuse)
    second = serve._build_service(settings, channels={}, desks={})
    assert second.bundle is not first.bundle
    question = "Behöver jag bygglov för ett skärmtak?"
    assert (second.engine.responder.respond(question).as_json()
            == first.engine.responder.respond(question).as_json())

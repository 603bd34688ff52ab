"""The sourced-facts schema (issue 11): `lotsen kb check` refuses a legal_basis, deadline or fees
without sources or a checked date, an owner that is not a role and a bad review_months, each
with file and line."""

from __future__ import annotations

from datetime import date

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from bot.knowledge.loader import check_knowledge
from tests.test_kb_fixtures import TODAY, article_text, write_knowledge


def problems_for(tmp_path, text: str, *, today: date = TODAY):
    kb, problems = check_knowledge(write_knowledge(tmp_path, {"bygglov": text}), today=today)
    return kb, problems


def line_of(text: str, needle: str, *, after: str | None = None) -> int:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i in range(start, len(lines)) if needle in lines[i]) + 1


def only_problem(tmp_path, text: str, **kwargs):
    kb, problems = problems_for(tmp_path, text, **kwargs)
    assert len(problems) == 1, problems
    assert kb is not None and "bygglov" not in kb.articles  # a refused article is not loaded
    problem = problems[0]
    assert problem.path.endswith("articles/bygglov.md")
    return problem


LEGAL_SOURCES = "  sources:\n    - https://example.org/lag/pbl\n  checked: 2026-11-20\ndeadline:"


def test_a_fact_without_sources_is_refused_at_its_line(tmp_path):
    text = article_text().replace(LEGAL_SOURCES, "  checked: 2026-11-20\ndeadline:")
    problem = only_problem(tmp_path, text)
    assert "'legal_basis' has no sources" in problem.message
    assert problem.line == line_of(text, "legal_basis:")


def test_old_style_facts_with_text_only_are_refused_each(tmp_path):
    text = article_text()
    for block in ("  sources:\n    - https://example.org/lag/pbl\n  checked: 2026-11-20\n",
                  "  sources: [https://example.org/lag/pbl]\n  checked: 2026-11-20\n",
                  '  sources: ["{{fees.bygglov.url}}"]\n  checked: 2026-11-20\n'):
        assert block in text
        text = text.replace(block, "")
    kb, problems = problems_for(tmp_path, text)
    messages = sorted(p.message for p in problems)
    for field in ("deadline", "fees", "legal_basis"):
        assert sum(f"'{field}' has no sources" in m for m in messages) == 1
        assert sum(f"'{field}' has no 'checked' date" in m for m in messages) == 1
    assert len(problems) == 6
    assert {p.line for p in problems} == {line_of(text, f"{f}:") for f in ("legal_basis", "deadline", "fees")}


def test_an_empty_sources_list_is_refused(tmp_path):
    text = article_text().replace('  sources: ["{{fees.bygglov.url}}"]', "  sources: []")
    problem = only_problem(tmp_path, text)
    assert "'fees' has no sources" in problem.message
    assert problem.line == line_of(text, "sources: []")


def test_a_missing_checked_date_is_refused(tmp_path):
    text = article_text().replace("  sources: [https://example.org/lag/pbl]\n  checked: 2026-11-20\n",
                                  "  sources: [https://example.org/lag/pbl]\n")
    problem = only_problem(tmp_path, text)
    assert "'deadline' has no 'checked' date" in problem.message
    assert problem.line == line_of(text, "deadline:")


@pytest.mark.parametrize("value, words", [("2026-12-01", "in the future"), ("'yesterday'", "must be a date"),
                                          ("2026-13-40", "must be a date")])
def test_a_future_or_malformed_checked_date_is_refused(tmp_path, value, words):
    text = article_text()
    text = text.replace("  checked: 2026-11-20\nfees:", f"  checked: {value}\nfees:")
    problem = only_problem(tmp_path, text)
    assert "'deadline.checked'" in problem.message and words in problem.message
    assert problem.line == line_of(text, "checked:", after="deadline:")


def test_checked_today_is_accepted(tmp_path):
    text = article_text().replace("  checked: 2026-11-20\nfees:", f"  checked: {TODAY.isoformat()}\nfees:")
    kb, problems = problems_for(tmp_path, text)
    assert problems == [] and kb.articles["bygglov"].fact_checked["deadline"] == TODAY


def test_a_null_deadline_needs_no_sources(tmp_path):
    text = article_text().replace(
        'deadline:\n  sv: "Beslut inom 10 veckor."\n  en: "A decision within 10 weeks."\n'
        "  sources: [https://example.org/lag/pbl]\n  checked: 2026-11-20\n", "deadline: null\n")
    kb, problems = problems_for(tmp_path, text)
    assert problems == []
    article = kb.articles["bygglov"]
    assert article.deadline is None and "deadline" not in article.fact_sources
    assert set(article.fact_checked) == {"legal_basis", "fees"}


@pytest.mark.parametrize("entry, words", [
    ("example.org/lag/pbl", "neither a URL"),
    ("'Plan- och bygglagen'", "neither a URL"),
    ('"{{fees.miljo.hourly_rate}}"', "is not a URL in the profile"),
])
def test_a_source_that_is_not_a_url_is_refused_at_its_line(tmp_path, entry, words):
    text = article_text().replace("    - https://example.org/lag/pbl\n", f"    - {entry}\n", 1)
    problem = only_problem(tmp_path, text)
    assert "'legal_basis.sources'" in problem.message and words in problem.message
    assert problem.line == line_of(text, f"    - {entry}")


def test_an_unknown_profile_reference_in_sources_is_refused(tmp_path):
    text = article_text().replace('  sources: ["{{fees.bygglov.url}}"]', '  sources: ["{{fees.nothing.url}}"]')
    problem = only_problem(tmp_path, text)
    assert "unknown profile reference {{fees.nothing.url}}" in problem.message
    assert problem.line == line_of(text, "fees.nothing.url")


def test_an_unknown_key_in_a_fact_is_refused(tmp_path):
    text = article_text().replace("  checked: 2026-11-20\ndeadline:", "  checked: 2026-11-20\n  source: x\ndeadline:")
    problem = only_problem(tmp_path, text)
    assert "'legal_basis' has an unknown key 'source'" in problem.message
    assert problem.line == line_of(text, "  source: x")


@pytest.mark.parametrize("owner", ["Bygglovsenheten", "'Anna Berg'", "[bygg]"])
def test_an_owner_that_is_not_a_role_is_refused(tmp_path, owner):
    text = article_text(owner=owner)
    problem = only_problem(tmp_path, text)
    assert "'owner' must be the role" in problem.message and "a role id is a slug" in problem.message
    assert problem.line == line_of(text, "owner:")


def test_roles_are_those_of_the_routing_rules_when_given(tmp_path):
    """Checked with the routing file, an article may name only its roles, and the problem lists them."""
    text = article_text(owner="naringsliv")
    directory = write_knowledge(tmp_path, {"bygglov": text})
    kb, problems = check_knowledge(directory, today=TODAY, roles=("byggnad", "tillvaxt"))
    messages = [p.message for p in problems]
    assert any("unknown role 'bygg'" in m and "byggnad, tillvaxt" in m for m in messages)
    assert any("'owner' must be the role" in m and "got 'naringsliv'" in m for m in messages)
    kb, problems = check_knowledge(directory, today=TODAY)  # alone: any slug is a role
    assert problems == []


@pytest.mark.parametrize("value", ["0", "-3", "tolv", "true", "1.5", "null"])
def test_a_review_interval_that_is_not_a_positive_whole_number_is_refused(tmp_path, value):
    text = article_text(extra=f"review_months: {value}\n")
    problem = only_problem(tmp_path, text)
    assert "'review_months' must be a whole number of months above 0" in problem.message
    assert problem.line == line_of(text, "review_months:")


def test_review_months_defaults_to_twelve_and_can_be_shorter(tmp_path):
    kb, problems = check_knowledge(write_knowledge(tmp_path, {
        "bygglov": article_text(), "skyltlov": article_text("skyltlov", extra="review_months: 6\n")}), today=TODAY)
    assert problems == []
    assert kb.articles["bygglov"].review_months == 12 and kb.articles["skyltlov"].review_months == 6


def test_kb_check_prints_file_and_line_and_exits_1(tmp_path, monkeypatch):
    text = article_text(owner="Bygglovsenheten").replace('  sources: ["{{fees.bygglov.url}}"]', "  sources: []")
    folder = write_knowledge(tmp_path, {"bygglov": text})
    monkeypatch.setenv("LOTSEN_KNOWLEDGE_DIR", str(folder))
    monkeypatch.setenv("LOTSEN_ROUTING_FILE", str(tmp_path / "no-rules.yaml"))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["kb", "check"])
    assert result.exit_code == 1
    output = result.output
    assert f"knowledge/articles/bygglov.md:{line_of(text, 'owner:')}: 'owner' must be the role" in output
    assert f"knowledge/articles/bygglov.md:{line_of(text, 'sources: []')}: 'fees' has no sources" in output

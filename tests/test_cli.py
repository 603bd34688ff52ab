"""The `lotsen` command as a person runs it: real processes, real output."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOTSEN = [sys.executable, "-m", "bot.cli.main"]


def run(*args: str, stdin: str | None = None, env: dict | None = None, cwd: Path | None = None):
    full_env = {**os.environ, "LOTSEN_DATABASE_URL": "sqlite:///:memory:", **(env or {})}
    return subprocess.run([*LOTSEN, *args], input=stdin, capture_output=True, text=True, timeout=120,
                          env=full_env, cwd=cwd or ROOT)


def test_ask_prints_the_answer():
    result = run("ask", "Behöver jag bygglov?")
    assert result.returncode == 0
    assert "Bygglov" in result.stdout and "Plan- och bygglagen" in result.stdout


def test_ask_json_has_the_documented_fields():
    result = run("ask", "--json", "Do I need a building permit for an extension?")
    data = json.loads(result.stdout)
    assert set(data) >= {"action", "topic", "alternatives", "confidence", "lang", "text"}
    assert (data["action"], data["topic"], data["lang"]) == ("answer", "bygglov", "en")
    assert 0.0 <= data["confidence"] <= 1.0


def test_ask_json_escalates_with_roles_and_topics():
    result = run("ask", "--json", "Jag vill öppna en restaurang med alkohol och uteservering i en gammal butikslokal")
    data = json.loads(result.stdout)
    assert data["action"] == "escalate"
    assert {"alkohol", "livsmedel", "bygg", "gata", "naringsliv"} <= set(data["roles"])
    assert data["topics"]


def test_ask_json_reads_one_question_per_line():
    questions = ["byglov?", "", "Hur blir vädret i helgen?", "hej", "\u202e😀", "lov?"]
    result = run("ask", "--json", "-", stdin="\n".join(questions) + "\n")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["action"] for line in lines] == ["answer", "out_of_scope", "greeting", "invalid", "clarify"]
    assert lines[0]["topic"] == "bygglov"


def _broken_knowledge(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", target)
    shutil.copy(ROOT / "routing_rules.yaml", tmp_path / "routing_rules.yaml")
    article = target / "articles" / "skyltlov.md"
    article.write_text(re.sub(r"^role: .*$", "role: polisen", article.read_text(encoding="utf-8"), count=1,
                              flags=re.M), encoding="utf-8")
    return target


def test_kb_check_names_file_and_line_and_fails(tmp_path):
    knowledge = _broken_knowledge(tmp_path)
    result = run("kb", "check", env={"LOTSEN_KNOWLEDGE_DIR": str(knowledge)})
    assert result.returncode == 1
    assert re.search(r"skyltlov\.md:\d+: unknown role 'polisen'", result.stderr)
    assert "Traceback" not in result.stderr


def test_kb_check_passes_on_the_bundled_knowledge():
    result = run("kb", "check")
    assert result.returncode == 0, result.stderr
    assert "45 articles" in result.stdout


def test_kb_list_lists_every_topic():
    result = run("kb", "list")
    assert len(result.stdout.splitlines()) >= 44 and "serveringstillstand" in result.stdout


@pytest.mark.parametrize("command", [["ask", "bygglov?"], ["chat"]])
def test_refuses_to_start_on_an_invalid_knowledge_base(tmp_path, command):
    knowledge = _broken_knowledge(tmp_path)
    result = run(*command, stdin="", env={"LOTSEN_KNOWLEDGE_DIR": str(knowledge)})
    assert result.returncode == 1
    assert "unknown role 'polisen'" in result.stderr and "kb check" in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_setting_gives_one_line_naming_the_variable():
    result = run("db", "upgrade", env={"LOTSEN_DATABASE_URL": "mysql://nope"})
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "LOTSEN_DATABASE_URL" in result.stderr


def test_chat_walks_a_case_through_in_the_terminal(tmp_path):
    script = "\n".join([
        "Jag vill öppna en restaurang med alkohol och uteservering i en gammal butikslokal",
        "1",
        "Anna Svensson, Pizzeria Roma, 070-123 45 67",
        "/lotse johan.wik@sjovik.example claim L-2026-0001",
        "/lotse nobody@example.org close L-2026-0001 answered",
        "/mina",
    ]) + "\n"
    result = run("chat", stdin=script, env={"LOTSEN_DATABASE_URL": f"sqlite:///{tmp_path / 'chat.db'}"})
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "L-2026-" in out and "@Johan Wik" in out  # the console desk mentions the members
    assert "Johan Wik är din kontaktperson" in out  # the named contact reaches the entrepreneur
    assert "kan inte hantera ärenden" in out  # an outsider is refused


def test_ci_runs_the_readme_test_line_verbatim():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Quick start.*?```sh\n(.*?)```", readme, re.S).group(1).strip().splitlines()
    assert len(block) == 2 and block[0].endswith("lotsen serve") and "pytest" in block[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == block[1]

"""The report as people see it: `lotsen report` writes one self-contained HTML file, which a
real Chromium opens (headless), screenshots into tests/screenshots/ (git-ignored: look at them)
and prints to PDF; it shows no figure from fewer than 7 answers and no personal data, although
the database holds names, phone numbers, e-mail addresses and the entrepreneur's own words."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from bot.core.actions import Actor, NavigatorAction
from tests.dialogue_support import ConsoleDriver
from tests.insight_support import claim_fact, survey_answers
from tests.test_dialogue_navigator import QUESTION

SHOTS = Path(__file__).parent / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SINCE, UNTIL = datetime(2026, 11, 1, tzinfo=timezone.utc), datetime(2026, 12, 1, tzinfo=timezone.utc)
PERSONAL = ["Anna", "Svensson", "Vinbaren", "070-123", "123 45 67", "servera vin", QUESTION, "Johan", "Wik",
            "sjovik.example", "terminal", "L-2026-0001", "Emil", "Kafé Hörnet", "emil@example.se"]


@pytest.fixture
def lotsen(tmp_path):
    """A database with a real case (names, phone, words), its survey and enough anonymous answers."""
    driver = ConsoleDriver(tmp_path)
    driver.say(QUESTION)
    driver.say("lots")
    driver.say("ja")
    driver.say("Anna Svensson, Vinbaren AB, 070-123 45 67")
    driver.say("Jag heter Emil och driver Kafé Hörnet, nå mig på emil@example.se")
    johan = Actor("cli", "johan.wik@sjovik.example")
    driver.lotsen.navigator_action(NavigatorAction(johan, "claim", "L-2026-0001"))
    driver.lotsen.navigator_action(NavigatorAction(johan, "close", "L-2026-0001", outcome="answered"))
    driver.outbox()
    driver.say("6")
    with driver.lotsen.db.session() as session:
        when = datetime(2026, 11, 23, 10, tzinfo=timezone.utc)
        for i in range(6):  # with the real respondent: 7 in alcohol licensing
            session.add_all(survey_answers(survey_id=50 + i, area="alkohol", nki=(5, 4, 5), factors=(5, 5, 6, 5, 4, 3),
                                           when=when))
        for i in range(6):  # six in building permits, all perfect: too few to show
            session.add_all(survey_answers(survey_id=80 + i, area="bygg", nki=(6, 6, 6), when=when))
        for i, hours in enumerate([0.5, 2, 3, 6, 12, 30]):
            session.add(claim_fact(900 + i, area="bygg", hours=hours, when=when))
        session.commit()
    yield driver.lotsen
    driver.close()


def _chromium(html: Path, name: str) -> tuple[Path, Path]:
    SHOTS.mkdir(exist_ok=True)
    png, pdf = SHOTS / f"{name}.png", SHOTS / f"{name}.pdf"
    for extra in ([f"--screenshot={png}", "--window-size=1100,2600"], [f"--print-to-pdf={pdf}", "--no-pdf-header-footer"]):
        subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        *extra, html.as_uri()], check=True, capture_output=True, timeout=120)
    return png, pdf


def test_the_report_has_no_personal_data_and_no_figure_from_fewer_than_seven(lotsen, tmp_path):
    html = lotsen.report(since=SINCE, until=UNTIL, lang="sv")
    for text in PERSONAL:
        assert text not in html, text
    assert not re.search(r"\d{3}[- ]?\d{3} ?\d{2} ?\d{2}", html)  # no phone number
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", html)  # no e-mail address
    # Alcohol licensing: 7 respondents, shown: six (5,4,5) -> 4.67 -> 73.3 each, and the real one answered
    # only the first question, 6 -> 100; (6 * 73.33 + 100) / 7 = 77.1.
    assert "Alkohol- och tobakstillstånd" in html and "77 (7)" in html
    # Building permits: 6 perfect answers, and the 100 they would give appears nowhere for them.
    assert "för få svar (6 av minst 7)" in html and "100 (6)" not in html
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "src=" not in html and "<link" not in html  # self-contained


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (apt-get install chromium)")
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_lotsen_report_opens_and_prints_in_chromium(lotsen, tmp_path, monkeypatch, lang):
    out = tmp_path / f"report-{lang}.html"
    monkeypatch.setenv("LOTSEN_DATABASE_URL", str(lotsen.db.engine.url))
    result = CliRunner().invoke(app, ["report", "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(out),
                                      "--lang", lang])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert ("Så går servicen till företagen" if lang == "sv" else "How the service to business is doing") in html
    assert "2026-11-01 – 2026-11-30" in html and html.count("<svg") == 4
    png, pdf = _chromium(out, f"report-{lang}")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 40_000  # drawn, not blank
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", data)) >= 2


def test_bad_dates_are_refused_with_one_line(tmp_path):
    result = CliRunner().invoke(app, ["report", "--from", "2026-12-01", "--to", "2026-11-01",
                                      "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 2 and "--to must not be before --from" in result.output
    result = CliRunner().invoke(app, ["report", "--from", "nov", "--to", "2026-11-01"])
    assert result.exit_code == 2 and "YYYY" not in result.output and "2026-11-01" in result.output

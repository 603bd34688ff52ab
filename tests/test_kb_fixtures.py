"""A small knowledge folder for the knowledge-upkeep tests (issue 11), written per test: one
profile and articles in the sourced-facts schema, with the URLs pointing wherever a test says
(a local HTTP server for `lotsen kb links`). Also checks that the fixture itself is valid."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.knowledge.loader import check_knowledge

TODAY = date(2026, 11, 30)

PROFILE = """\
name:
  sv: Testby kommun
  en: Testby Municipality
contact:
  phone: "0100-10 00 00"
  email: info@testby.example
  web: {base}/kommun
links:
  bygglov: {base}/e-tjanster/bygglov
fees:
  taxa_url: {base}/taxa
  bygglov:
    url: {base}/taxa#bygg
  miljo:
    hourly_rate: 1 480 kr
    url: {base}/taxa#miljo
"""

EXAMPLES_SV = ["behöver jag bygglov", "bygglov altan", "hur lång tid tar bygglov", "vad kostar bygglov",
               "byglov for skylt", "måste jag söka lov för tillbyggnad", "bygga ut verkstaden lov",
               "ändrad användning lokal bygglov"]
EXAMPLES_EN = ["do i need a building permit", "building permit deck", "how long does a permit take",
               "building permit cost", "permit for a sign", "must i apply to extend", "extend my workshop permit",
               "change of use permit"]

ARTICLE = """\
---
id: {id}
title:
  sv: Bygglov {id}
  en: Building permit {id}
summary:
  sv: Du behöver bygglov för att bygga.
  en: You need a building permit to build.
role: bygg
keywords:
  sv: [bygglov]
  en: [building permit]
examples:
  sv:
{examples_sv}
  en:
{examples_en}
legal_basis:
  sv: "Plan- och bygglagen (2010:900) 9 kap."
  en: "The Planning and Building Act (2010:900) chapter 9"
  sources:
    - {base}/lag/pbl
  checked: 2026-11-20
deadline:
  sv: "Beslut inom 10 veckor."
  en: "A decision within 10 weeks."
  sources: [{base}/lag/pbl]
  checked: 2026-11-20
fees:
  sv: "Avgiften följer taxan: {{{{fees.bygglov.url}}}}"
  en: "The fee follows the taxa: {{{{fees.bygglov.url}}}}"
  sources: ["{{{{fees.bygglov.url}}}}"]
  checked: 2026-11-20
next_step:
  sv: "Ansök: {{{{links.bygglov}}}}"
  en: "Apply: {{{{links.bygglov}}}}"
sources:
  - {base}/boverket/bygglov
last_reviewed: {last_reviewed}
owner: {owner}
{extra}---
## Svenska

Text.

## English

Text.
"""


def article_text(article_id: str = "bygglov", *, base: str = "https://example.org", owner: str = "bygg",
                 last_reviewed: str = "2026-11-20", extra: str = "") -> str:
    return ARTICLE.format(id=article_id, base=base, owner=owner, last_reviewed=last_reviewed, extra=extra,
                          examples_sv="\n".join(f"    - {e}" for e in EXAMPLES_SV),
                          examples_en="\n".join(f"    - {e}" for e in EXAMPLES_EN))


def write_knowledge(root: Path, articles: dict[str, str] | None = None, *,
                    base: str = "https://example.org") -> Path:
    """knowledge/ under `root` with the profile and the given articles (id -> file text)."""
    folder = root / "knowledge"
    (folder / "articles").mkdir(parents=True, exist_ok=True)
    (folder / "municipality.yaml").write_text(PROFILE.format(base=base), encoding="utf-8")
    for article_id, text in (articles if articles is not None else {"bygglov": article_text(base=base)}).items():
        (folder / "articles" / f"{article_id}.md").write_text(text, encoding="utf-8")
    return folder


def test_the_fixture_is_a_valid_knowledge_base(tmp_path):
    kb, problems = check_knowledge(write_knowledge(tmp_path), today=TODAY)
    assert problems == []
    article = kb.articles["bygglov"]
    assert article.owner == "bygg" and article.review_months == 12
    assert article.fact_sources["fees"] == ("https://example.org/taxa#bygg",)  # the profile reference, resolved
    assert article.fact_checked == {f: date(2026, 11, 20) for f in ("legal_basis", "deadline", "fees")}

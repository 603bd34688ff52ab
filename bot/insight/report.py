"""The report: one self-contained HTML file (inline CSS and SVG, no scripts, no external
assets), printable to PDF, in Swedish or English. It shows aggregates only: role names, topic
titles and counts, never a name, an address or anything the entrepreneurs wrote.

    html = build_report(db, bundle=bundle, since=..., until=..., lang="sv")
"""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from bot.core.clock import STOCKHOLM
from bot.insight.charts import hbars, vbars
from bot.insight.figures import MIN_ANSWERS, Figures, Score, build_figures
from bot.insight.texts import FACTORS, factor_name
from bot.locales import msg

# The report's texts are the catalogs' `insight.report.*` messages (bot/locales/<lang>.yaml).
MEETING_FIGURES = ("meetings", "cancelled_meetings", "confirmed", "waitlisted", "cancelled", "declined", "invited")


CSS = """
*{box-sizing:border-box}body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1b1b1b;
margin:0 auto;max-width:980px;padding:28px;line-height:1.4}h1{font-size:26px;margin:0 0 4px}h2{font-size:18px;
margin:28px 0 10px;border-bottom:2px solid #1f5f8b;padding-bottom:4px}.muted{color:#5b6770}
.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:10px;margin-top:18px}.card{border:1px solid #d9dee2;
border-radius:6px;padding:10px 12px}.card .v{font-size:24px;font-weight:650}.card .k{font-size:12px;color:#5b6770}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid
#e6e9ec}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}.two{display:grid;grid-template-columns:1fr 1fr;
gap:24px}.chart{max-width:100%;height:auto}section{break-inside:avoid}
@media print{body{padding:0;max-width:none;font-size:11pt}.cards{grid-template-columns:repeat(4,1fr)}h2{break-after:avoid}
section{break-inside:avoid;page-break-inside:avoid}a{color:inherit;text-decoration:none}}
@page{size:A4;margin:16mm}
"""


def _l(key: str, lang: str, **values) -> str:
    return msg(lang, f"insight.report.{key}", **values)


def _num(value: float | None, lang: str, digits: int = 0) -> str:
    if value is None:
        return "–"
    text = f"{value:,.{digits}f}".replace(",", "\u202f")
    return text.replace(".", ",") if lang == "sv" else text


def _score(score: Score, lang: str) -> str:
    return _num(score.value, lang) if score.value is not None else _l("few", lang, n=score.answers, min=MIN_ANSWERS)


def _card(value: str, key: str, lang: str, note: str = "") -> str:
    return (f'<div class="card"><div class="v">{escape(value)}</div><div class="k">{escape(_l(key, lang))}'
            f'{" · " + escape(note) if note else ""}</div></div>')


def _table(head: list[str], rows: list[list[str]], numeric_from: int = 1) -> str:
    cells = lambda row, tag: "".join(  # noqa: E731
        f'<{tag}{" class=n" if i >= numeric_from else ""}>{escape(c)}</{tag}>' for i, c in enumerate(row))
    return ("<table><thead><tr>" + cells(head, "th") + "</tr></thead><tbody>"
            + "".join("<tr>" + cells(row, "td") + "</tr>" for row in rows) + "</tbody></table>")


def _local(moment: datetime) -> str:
    return f"{moment.astimezone(STOCKHOLM):%Y-%m-%d}"


def render_report(f: Figures, *, rules, kb, municipality: str, lang: str = "sv") -> str:
    lang = "en" if lang == "en" else "sv"
    area = lambda role: rules.role_name(role, lang) if role in rules.roles else role  # noqa: E731
    until_day = f.until - timedelta(seconds=1)
    pct = lambda share: _num(share * 100 if share is not None else None, lang) + " %" if share is not None else "–"  # noqa: E731
    cards = [
        _card(_num(f.nki_total.value, lang), "nki", lang, _l("answers", lang, n=f.nki_total.answers)),
        _card(pct(f.waits.share_within), "claimed_in_time", lang),
        _card(_num(f.waits.mean_hours, lang, 1) + " h" if f.waits.mean_hours is not None else "–", "mean_wait", lang,
              _l("wh", lang)),
        _card(str(f.cases_opened), "opened", lang),
        _card(_num(f.nui_total.value, lang), "nui", lang, _l("answers", lang, n=f.nui_total.answers)),
        _card(str(f.cases_closed), "closed", lang),
        _card(_num(f.mean_days_to_close, lang, 1), "close_days", lang, _l("days", lang)),
        _card(str(f.ladder_exhausted), "ladder", lang),
    ]
    nki_rows = [(area(a), s.value, _score(s, lang) if s.value is None else f"{_num(s.value, lang)} ({s.answers})")
                for a, s in sorted(f.nki_by_area.items(), key=lambda kv: area(kv[0]))]
    factor_rows = [(factor_name(x, lang), f.factors[x].value,
                    _score(f.factors[x], lang) if f.factors[x].value is None
                    else f"{_num(f.factors[x].value, lang)} ({f.factors[x].answers})") for x in FACTORS]
    months = sorted({m for _, m in f.cases_by_area_month})
    per_month = [(m, sum(n for (_, mm), n in f.cases_by_area_month.items() if mm == m)) for m in months]
    waits_rows = [[area(a), str(w.claimed), _num(w.mean_hours, lang, 1), pct(w.share_within)]
                  for a, w in sorted(f.waits_by_area.items(), key=lambda kv: area(kv[0]))]
    case_rows = [[area(a), m, str(n)] for (a, m), n in sorted(f.cases_by_area_month.items(),
                                                             key=lambda kv: (area(kv[0][0]), kv[0][1]))]
    meeting_rows = [[_l(f"m_{k}", lang), str(v)] for k, v in f.meetings.items() if k in MEETING_FIGURES]
    title = lambda topic: (kb.get(topic).title.get(lang) if kb.get(topic) is not None else topic)  # noqa: E731
    topic_rows = [[title(t), str(n)] for t, n in f.top_topics]
    check = f.answered_check
    gap_rows = [[_l("answered", lang), str(f.answers_given)], [_l("refused", lang), str(f.refused)],
                [_l("clarified", lang), str(f.clarified)],
                [_l("got_answer", lang), (_num(check.value, lang) + " %") if check.value is not None
                 else _l("few", lang, n=check.answers, min=MIN_ANSWERS)]]
    parts = [
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<title>{escape(_l("title", lang))} – {escape(municipality)}</title><style>{CSS}</style></head><body>',
        f'<header><h1>{escape(_l("title", lang))}</h1><div class="muted">{escape(municipality)} · '
        f'{escape(_l("period", lang))} {_local(f.since)} – {_local(until_day)}</div></header>',
        '<div class="cards">' + "".join(cards) + "</div>",
        f'<section><h2>{escape(_l("nki_area", lang))}</h2>'
        + (hbars(nki_rows, title=_l("nki_area", lang)) if nki_rows else f'<p class="muted">{_l("none", lang)}</p>')
        + "</section>",
        f'<section><h2>{escape(_l("factors", lang))}</h2>' + hbars(factor_rows, title=_l("factors", lang)) + "</section>",
        f'<section><h2>{escape(_l("waits", lang))}</h2>' + vbars(f.waits.buckets, title=_l("waits", lang))
        + _table([_l("area", lang), _l("claimed", lang), _l("mean_wh", lang), _l("within", lang)], waits_rows) + "</section>",
        f'<section><h2>{escape(_l("per_month", lang))}</h2>' + vbars(per_month, title=_l("per_month", lang))
        + "</section>",
        f'<section><h2>{escape(_l("cases_area", lang))}</h2>'
        + _table([_l("area", lang), _l("month", lang), _l("cases", lang)], case_rows, numeric_from=2) + "</section>",
        '<div class="two">'
        f'<section><h2>{escape(_l("topics", lang))}</h2>'
        + _table([_l("topic", lang), _l("count", lang)], topic_rows) + "</section>"
        f'<section><h2>{escape(_l("gaps", lang))}</h2>' + _table(["", _l("count", lang)], gap_rows)
        + f'<h2>{escape(_l("meetings", lang))}</h2>' + _table(["", _l("count", lang)], meeting_rows) + "</section></div>",
        f'<section><h2>{escape(_l("method", lang))}</h2><p class="muted">'
        f'{escape(_l("method_text", lang, min=MIN_ANSWERS))}</p></section>',
        "</body></html>",
    ]
    return "".join(parts)


def headline(f: Figures, *, rules, lang: str = "sv") -> str:
    """The monthly post's few lines: the figures people act on."""
    lang = "en" if lang == "en" else "sv"
    within = f.waits.share_within
    lines = [f"{_l('title', lang)}, {_local(f.since)} – {_local(f.until - timedelta(seconds=1))}:",
             f"• {_l('nki', lang)}: {_score(f.nki_total, lang)}",
             f"• {_l('nui', lang)}: {_score(f.nui_total, lang)}",
             f"• {_l('opened', lang)}: {f.cases_opened}; {_l('closed', lang).lower()}: {f.cases_closed}",
             f"• {_l('claimed_in_time', lang)}: " + (f"{_num(within * 100, lang)} %" if within is not None else "–"),
             f"• {_l('ladder', lang)}: {f.ladder_exhausted}"]
    lines.append(_l("attached", lang))
    return "\n".join(lines)


def build_report(db, *, rules, kb, since: datetime, until: datetime, lang: str = "sv") -> tuple[str, Figures]:
    """The report's HTML and the figures it shows, for [since, until)."""
    with db.engine.connect() as connection:
        figures = build_figures(connection, rules=rules, since=since, until=until)
    html = render_report(figures, rules=rules, kb=kb, municipality=kb.profile.name.get(lang), lang=lang)
    return html, figures

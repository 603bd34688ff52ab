"""Inline SVG charts for the report: no scripts, no external assets, readable in print
(every bar carries its number, so no colour is needed to read it)."""

from __future__ import annotations

from html import escape

INK, BAR, MUTED, GRID = "#1b1b1b", "#1f5f8b", "#9aa5ad", "#d9dee2"


def _svg(width: int, height: int, body: list[str], title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
            f'role="img" aria-label="{escape(title)}" class="chart"><title>{escape(title)}</title>'
            + "".join(body) + "</svg>")


def hbars(rows: list[tuple[str, float | None, str]], *, title: str, maximum: float = 100.0) -> str:
    """Horizontal bars: (label, value or None, text beside the bar). None draws no bar, only the text."""
    label_w, bar_w, row_h = 230, 330, 26
    height = max(1, len(rows)) * row_h + 28
    body = []
    for tick in range(0, 101, 25):
        x = label_w + bar_w * tick / 100
        body.append(f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{height - 20}" stroke="{GRID}"/>'
                    f'<text x="{x:.1f}" y="{height - 6}" font-size="10" text-anchor="middle" fill="{MUTED}">'
                    f'{tick * maximum / 100:.0f}</text>')
    for i, (label, value, note) in enumerate(rows):
        y = 6 + i * row_h
        body.append(f'<text x="{label_w - 8}" y="{y + 15}" font-size="12" text-anchor="end" fill="{INK}">'
                    f'{escape(label)}</text>')
        if value is not None:
            w = max(1.0, bar_w * min(value, maximum) / maximum)
            body.append(f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="16" fill="{BAR}"/>')
            body.append(f'<text x="{label_w + w + 5:.1f}" y="{y + 15}" font-size="12" fill="{INK}">{escape(note)}</text>')
        else:
            body.append(f'<rect x="{label_w + 1}" y="{y + 2}" width="{bar_w - 2}" height="18" fill="#ffffff"/>'
                        f'<text x="{label_w + 5}" y="{y + 15}" font-size="11" fill="{MUTED}">{escape(note)}</text>')
    return _svg(label_w + bar_w + 70, height, body, title)


def vbars(columns: list[tuple[str, int]], *, title: str) -> str:
    """Vertical bars with their counts on top and labels below."""
    width, height, base, top = 600, 230, 190, 22
    n = max(1, len(columns))
    step = (width - 40) / n
    peak = max([count for _, count in columns] or [0]) or 1
    body = [f'<line x1="20" y1="{base}" x2="{width - 20}" y2="{base}" stroke="{MUTED}"/>']
    for i, (label, count) in enumerate(columns):
        h = (base - top) * count / peak
        w = min(step * 0.7, 64.0)
        x = 20 + i * step + (step - w) / 2
        body.append(f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{BAR}"/>')
        body.append(f'<text x="{x + w / 2:.1f}" y="{base - h - 5:.1f}" font-size="11" text-anchor="middle" '
                    f'fill="{INK}">{count}</text>')
        body.append(f'<text x="{x + w / 2:.1f}" y="{base + 16}" font-size="11" text-anchor="middle" '
                    f'fill="{INK}">{escape(label)}</text>')
    return _svg(width, height, body, title)

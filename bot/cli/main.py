"""The `lotsen` command. Each sub-command lives in its own module and imports heavy things
(databases, channel libraries) inside its functions, so `lotsen ask` starts fast."""

from __future__ import annotations

import typer

from bot.cli import ask, cases, chat, db, kb, meetings, outbox, report, serve

app = typer.Typer(help="Lotsen: en väg in för företagare / one way in for business owners.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)

app.command("ask")(ask.ask)
app.command("chat")(chat.chat)
app.add_typer(kb.app, name="kb")
app.add_typer(db.app, name="db")
app.add_typer(cases.app, name="cases")
app.add_typer(meetings.app, name="meetings")
app.add_typer(outbox.app, name="outbox")
app.command("serve")(serve.serve)
app.command("report")(report.report)


def run() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    run()

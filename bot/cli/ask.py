"""`lotsen ask QUESTION`, `lotsen ask --json QUESTION`, `lotsen ask --json -` (one per line)."""

from __future__ import annotations

import json
import sys

import typer


def ask(
    question: str = typer.Argument(..., help="The question, or - to read one question per line from standard input."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object per question."),
    lang: str = typer.Option(None, "--lang", help="Answer in this language (sv or en) instead of detecting it."),
) -> None:
    """Answer a question from the knowledge base."""
    from bot.cli.common import knowledge_or_exit

    responder = knowledge_or_exit().responder()
    questions = (line.rstrip("\n") for line in sys.stdin) if question == "-" else [question]
    for text in questions:
        if question == "-" and not text.strip():
            continue
        reply = responder.respond(text, lang=lang)
        if as_json:
            sys.stdout.write(json.dumps(reply.as_json(), ensure_ascii=False) + "\n")
            sys.stdout.flush()
        else:
            typer.echo(reply.text)

"""`lotsen chat`: a conversation in the terminal (no tokens, no network)."""

from __future__ import annotations

import sys


def chat() -> None:
    """Talk to Lotsen in the terminal. The navigators' channel is printed as it would look;
    /lotse lets you act as a navigator, so the whole flow can be walked through. Calendar
    invitations are written to a folder in the temporary directory and their path printed."""
    import logging

    from bot.adapters.console import ConsoleSession
    from bot.app import build_console
    from bot.cli.common import knowledge_or_exit, settings_or_exit

    logging.basicConfig(level=logging.ERROR, format="(%(levelname)s %(name)s: %(message)s)")
    settings = settings_or_exit()
    bundle = knowledge_or_exit(settings)  # every problem printed and exit 1 on an invalid knowledge base
    lotsen = build_console(settings=settings, bundle=bundle, stream=sys.stdout)  # the composition root
    try:
        lotsen.seed_meetings(settings.knowledge_dir / "meetings.yaml")  # so "vilka möten finns?" has answers
        ConsoleSession(lotsen).run(_lines())
    finally:
        lotsen.close()


def _lines():
    interactive = sys.stdin.isatty()
    while True:
        try:
            line = input("du> ") if interactive else sys.stdin.readline()
        except EOFError:
            return
        if not interactive and line == "":
            return
        yield line

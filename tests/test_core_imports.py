"""Only the channel adapters may import the channel libraries: the core,
the domains and the CLI stay free of `telegram`, `slack_bolt` and `slack_sdk`. Parsed with ast,
so imports inside functions, `from x import y` and relative imports are all seen."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"
CHANNEL_LIBRARIES = {"telegram", "slack_bolt", "slack_sdk"}
ALLOWED = [BOT / "adapters" / "telegram", BOT / "adapters" / "slack"]  # serve knows them only as plugins


def imported_modules(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
        elif (isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute))
              and getattr(node.func, "id", getattr(node.func, "attr", "")) in ("import_module", "__import__")
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            names.add(node.args[0].value)
    return names


def allowed(path: Path) -> bool:
    return any(path == place or place in path.parents for place in ALLOWED)


def test_only_adapters_import_channel_libraries():
    offenders = []
    for path in sorted(BOT.rglob("*.py")):
        if allowed(path):
            continue
        for module in imported_modules(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if module.split(".")[0] in CHANNEL_LIBRARIES:
                offenders.append(f"{path.relative_to(BOT.parent)} imports {module}")
    assert offenders == []


WEB_LIBRARIES = {"starlette", "uvicorn"}


def test_only_adapters_import_the_web_server():
    # The HTTP stack is an adapter too: the core, the domains, serve and the CLI never see it.
    offenders = []
    for path in sorted(BOT.rglob("*.py")):
        if BOT / "adapters" in path.parents:
            continue
        for module in imported_modules(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if module.split(".")[0] in WEB_LIBRARIES:
                offenders.append(f"{path.relative_to(BOT.parent)} imports {module}")
    assert offenders == []
    http_server = ast.parse((BOT / "adapters" / "http" / "server.py").read_text(encoding="utf-8"))
    assert {"starlette.applications", "uvicorn"} <= imported_modules(http_server)


def test_the_checker_sees_every_kind_of_import():
    source = ("import telegram.ext\nfrom slack_sdk import WebClient\n"
              "def f():\n    import slack_bolt\n    importlib.import_module('telegram')\n")
    found = {m.split(".")[0] for m in imported_modules(ast.parse(source))}
    assert found == {"telegram", "slack_sdk", "slack_bolt"}


def test_the_adapters_do_import_them():
    # The allow-list is not vacuous: the adapters really are where the libraries are used.
    telegram_app = ast.parse((BOT / "adapters" / "telegram" / "app.py").read_text(encoding="utf-8"))
    slack_app = ast.parse((BOT / "adapters" / "slack" / "app.py").read_text(encoding="utf-8"))
    assert any(m.startswith("telegram") for m in imported_modules(telegram_app))
    assert any(m.startswith("slack_bolt") for m in imported_modules(slack_app))

"""The languages a municipality offers (`languages:` in knowledge/municipality.yaml), checked
by `lotsen kb check`: each has a message catalog (shipped in bot/locales/ or the municipality's
own knowledge/locales/<lang>.yaml) and a name in the profile; the articles' texts in it are
checked where the articles are read (bot/knowledge/loader.py). A municipality's catalog may
only hold message ids Lotsen knows, with the placeholders the shipped Swedish text has."""

from __future__ import annotations

import re
from pathlib import Path

from bot import locales
from bot.knowledge.models import Profile
from bot.knowledge.problems import Problem

LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")  # ISO 639-1 (sv, en, fi, ar): the database keeps two letters


def language_problems(profile: Profile, display: str) -> list[Problem]:
    """The profile's `languages:` list: language codes, no repeats, each with the
    municipality's name in it."""
    listed = profile.data.get("languages")
    if listed is None:
        return []  # Swedish and English
    if not isinstance(listed, list) or not listed:
        return [Problem(display, None, "'languages' must list the language codes offered, e.g. [sv, en]")]
    problems = []
    for code in listed:
        if not isinstance(code, str) or not LANGUAGE_CODE.match(code):
            problems.append(Problem(display, None, f"'languages': {code!r} is not a two-letter language code "
                                                   "(ISO 639-1) like sv, en or fi"))
        elif listed.count(code) > 1:
            problems.append(Problem(display, None, f"'languages' lists {code} twice"))
        else:
            try:
                profile.lookup(f"name.{code}")
            except KeyError:
                problems.append(Problem(display, None, f"missing value 'name.{code}' (the municipality's name "
                                                       f"in {code}, which 'languages' offers)"))
    return problems


def catalog_problems(knowledge_dir: Path, profile: Profile) -> list[Problem]:
    """The municipality's catalogs read, and every offered language with one."""
    folder = Path(knowledge_dir) / locales.LOCALES_DIR
    shipped = locales.shipped()
    base = shipped[locales.BASE_LANG]
    problems: list[Problem] = []
    own: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        display = _display(path)
        try:
            own[path.stem] = texts = locales.read_file(path)
        except locales.CatalogError as exc:
            problems.append(Problem(display, None, str(exc).split(": ", 1)[-1]))
            continue
        for key, template in texts.items():
            if key.startswith("language.names."):  # the name of a language, any language
                continue
            if key not in base:
                problems.append(Problem(display, None, f"unknown message id '{key}' (see bot/locales/sv.yaml)"))
                continue
            try:
                fields = locales.placeholders(template)
            except ValueError as exc:
                problems.append(Problem(display, None, f"'{key}': {exc}"))
                continue
            if fields != locales.placeholders(base[key]):
                want = ", ".join(f"{{{name}}}" for name in sorted(locales.placeholders(base[key]))) or "none"
                problems.append(Problem(display, None, f"'{key}' must use the placeholders {want}"))
    for code in profile.languages:
        if code not in shipped and code not in own:
            problems.append(Problem(_display(folder / f"{code}.yaml"), None,
                                    f"'languages' offers {code}, but it has no message catalog: add "
                                    f"{locales.LOCALES_DIR}/{code}.yaml (see docs/DEVELOPING.md)"))
    return problems


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)

"""The message catalogs: every user-facing text, one YAML file per language, keyed by message id.

`bot/locales/<lang>.yaml` ships with Lotsen (Swedish and English). A municipality may override
any message, or add a language, in `knowledge/locales/<lang>.yaml` without touching code. A
file is a mapping; nested keys are joined with dots (`case:` / `opened:` is `case.opened`), and
values are `str.format` templates with named placeholders (`{number}`).

    msg(lang, "case.opened", number="L-2026-0001", who="...", when="...")

looks the id up in `lang`, then in the profile's default language, then in Swedish; the
catalog in use is the one `install` set (the shipped files until a Lotsen is built).
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SHIPPED_DIR = Path(__file__).parent
BASE_LANG = "sv"
LOCALES_DIR = "locales"  # inside a municipality's knowledge folder


class CatalogError(Exception):
    """A catalog file that cannot be read, or a message id no catalog has."""


def _flatten(data: Any, prefix: str, out: dict[str, str], where: str) -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            if not isinstance(key, str):  # YAML reads yes, no, on and off as true and false
                raise CatalogError(f"{where}: the id {key!r} under '{prefix}' must be a word in quotes or "
                                   "another word (yes, no, on and off are read as true and false)")
            _flatten(value, f"{prefix}.{key}" if prefix else str(key), out, where)
        return
    if not isinstance(data, str):
        raise CatalogError(f"{where}: '{prefix}' must be a text, got {type(data).__name__}")
    out[prefix] = data


def read_file(path: Path) -> dict[str, str]:
    """One catalog file as {message id: template}."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path}: bad YAML: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(data, dict):
        raise CatalogError(f"{path}: a catalog must be a mapping of message ids")
    out: dict[str, str] = {}
    _flatten(data, "", out, str(path))
    return out


def read_dir(directory: Path) -> dict[str, dict[str, str]]:
    """{lang: messages} of every `<lang>.yaml` in a folder (none when it does not exist)."""
    if not directory.is_dir():
        return {}
    return {path.stem: read_file(path) for path in sorted(directory.glob("*.yaml"))}


def placeholders(template: str) -> frozenset[str]:
    """The named fields of a template: `{number}` in "Ärende {number}"."""
    return frozenset(name.split(".")[0].split("[")[0]
                     for _, name, _, _ in string.Formatter().parse(template) if name)


@dataclass(frozen=True)
class Ref:
    """A placeholder's value that is itself a message, said in the language of the message it
    fills ("the case cannot go from {previous}", previous=Ref("cases.status.claimed"))."""

    key: str
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ByLang:
    """A placeholder's value that comes from elsewhere in each language (a role's name from the
    routing rules): `say(lang)` gives it."""

    say: Callable[[str], str]


@dataclass
class Catalog:
    """The messages per language, with the fallback chain lang -> default -> Swedish."""

    messages: dict[str, dict[str, str]] = field(default_factory=dict)
    default: str = BASE_LANG

    @classmethod
    def load(cls, knowledge_dir: Path | None = None, *, default: str = BASE_LANG) -> Catalog:
        """The shipped catalogs, with a municipality's `knowledge/locales/` laid over them."""
        merged = {lang: dict(texts) for lang, texts in shipped().items()}
        if knowledge_dir is not None:
            for lang, texts in read_dir(Path(knowledge_dir) / LOCALES_DIR).items():
                merged.setdefault(lang, {}).update(texts)
        return cls(messages=merged, default=default)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self.messages))

    def has(self, lang: str, key: str) -> bool:
        return key in self.messages.get(lang, {})

    def template(self, lang: str, key: str) -> str:
        for candidate in (lang, self.default, BASE_LANG):
            texts = self.messages.get(candidate)
            if texts is not None and key in texts:
                return texts[key]
        raise CatalogError(f"no message '{key}' in any catalog")

    def msg(self, lang: str, key: str, **values: object) -> str:
        values = {name: self.msg(lang, value.key, **value.values) if isinstance(value, Ref)
                  else value.say(lang) if isinstance(value, ByLang) else value for name, value in values.items()}
        return self.template(lang, key).format(**values)


_SHIPPED: dict[str, dict[str, str]] | None = None


def shipped() -> dict[str, dict[str, str]]:
    """The catalogs in bot/locales/, read once."""
    global _SHIPPED
    if _SHIPPED is None:
        _SHIPPED = read_dir(SHIPPED_DIR)
    return _SHIPPED


_active: Catalog | None = None


def install(catalog: Catalog) -> Catalog:
    """Make `catalog` the one `msg` reads (build_lotsen installs the municipality's)."""
    global _active
    _active = catalog
    return catalog


def active() -> Catalog:
    global _active
    if _active is None:
        _active = Catalog.load()
    return _active


def msg(lang: str, key: str, **values: object) -> str:
    """The message `key` in `lang` (falling back to the default language, then Swedish)."""
    return active().msg(lang, key, **values)


def words(lang: str, key: str) -> list[str]:
    """A message holding a list of words, one per line or separated by "|"."""
    return [w.strip() for w in active().template(lang, key).replace("\n", "|").split("|") if w.strip()]


def join(lang: str, items: list[str]) -> str:
    """"a, b och c" / "a, b and c": the language's own conjunction."""
    items = [item for item in items if item]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + msg(lang, "language.and") + items[-1]


def language_name(lang: str, code: str) -> str:
    """The name of language `code` in `lang` ("engelska"), or its own name ("suomi")."""
    catalog = active()
    key = f"language.names.{code}"
    if catalog.has(lang, key):
        return catalog.msg(lang, key)
    if catalog.has(code, "language.name"):
        return catalog.msg(code, "language.name")
    return code


def language_names(lang: str, codes: list[str] | tuple[str, ...]) -> str:
    """"svenska och engelska": the offered languages, named in `lang`."""
    return join(lang, [language_name(lang, code) for code in codes])


def both(key: str, **values: object) -> str:
    """The message in Swedish and English together ("Okänd knapp. / Unknown button."), for the
    navigators' shared channels, where no one language is the reader's."""
    sv, en = msg(BASE_LANG, key, **values), msg("en", key, **values)
    return sv if sv == en else f"{sv} / {en}"

"""The one list of channel plugins `lotsen serve` knows (bot.adapters.plugin).

Adding a channel is one folder under bot/adapters/ and one line here: "module:Class". Imports
are lazy, so a channel's library is loaded only when `lotsen serve` runs.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from bot.adapters.plugin import ChannelPlugin

PLUGINS: tuple[str, ...] = (
    "bot.adapters.telegram.plugin:TelegramPlugin",
    "bot.adapters.slack.plugin:SlackPlugin",
    "bot.adapters.web.plugin:WebPlugin",
)


def identity_parsers(names: tuple[str, ...] = PLUGINS) -> dict[str, Callable[[object], str]]:
    """Each channel's reader of its navigators' ids in routing_rules.yaml (the plugin class's
    optional static `parse_identity(value) -> str`, raising ValueError with the reason). Only
    the plugin modules are imported, not the channels' libraries."""
    parsers = {}
    for spec in names:
        module, _, cls = spec.partition(":")
        plugin = getattr(import_module(module), cls)
        parse = getattr(plugin, "parse_identity", None)
        if callable(parse):
            parsers[plugin.name] = parse
    return parsers


def load_plugins(names: tuple[str, ...] = PLUGINS) -> list[ChannelPlugin]:
    plugins = []
    for spec in names:
        module, _, cls = spec.partition(":")
        plugins.append(getattr(import_module(module), cls)())
    return plugins

"""The one list of channel plugins `lotsen serve` knows (bot.adapters.plugin).

Adding a channel is one folder under bot/adapters/ and one line here: "module:Class". Imports
are lazy, so a channel's library is loaded only when `lotsen serve` runs.
"""

from __future__ import annotations

from importlib import import_module

from bot.adapters.plugin import ChannelPlugin

PLUGINS: tuple[str, ...] = (
    # filled in as each channel becomes a plugin
)


def load_plugins(names: tuple[str, ...] = PLUGINS) -> list[ChannelPlugin]:
    plugins = []
    for spec in names:
        module, _, cls = spec.partition(":")
        plugins.append(getattr(import_module(module), cls)())
    return plugins

"""What a channel is to `lotsen serve`: one package exposing one ChannelPlugin.

A channel (Telegram, Slack, the web chat, ...) is a folder under bot/adapters/ with a
`plugin.py` whose plugin class is named once in bot/adapters/registry.py. `lotsen serve` and the
CLI know channels only through this interface; the core knows them only through the ports
(bot.core.ports) the plugin puts into `host.channels` and `host.desks`.

The life of a plugin in `lotsen serve`, in this order:

1. `enabled(settings)`: is this channel configured (its token set, or on by default)?
2. `check(settings)`: raise bot.config.ConfigError (one line naming the variable) for a setting
   it cannot run with. Nothing is contacted yet.
3. `setup(host)`: build the channel's application; add its HTTP routes and readiness checks to
   `host.http`; put its EntrepreneurChannel in `host.channels[name]` and, if it has one, its
   NavigatorDesk in `host.desks[name]`.
4. `connect()`: verify tokens against the channel's API (retrying with `host.retry`), raising
   bot.startup.StartupError with one line on failure. Before the (slow) core is built.
5. `bind(service)`: the built LotsenService, for the listeners.
6. `start()`: start receiving (polling, sockets). The HTTP server is already serving.
7. `stop_receiving()` on shutdown: take no new work, finish what is in flight; the scheduler's
   last sweep may still send through the ports afterwards.
8. `close()`: release everything.

Optional, read by `lotsen serve` and the routing rules when present:
- `parse_identity(value) -> str` (a static method): reads a navigator's id on this channel from
  routing_rules.yaml (`identities: {<name>: ...}`), raising ValueError with the reason.
- `enable_variable`, `desk_variable`, `has_desk(settings)`: for the deployment's checks (at least
  one channel; a navigators' desk), bot.serve.check_deployment.
- `check_unused(settings)`: called when the channel is off, for settings that need it on.

`mode()` is a short word for the start-up log line ("polling", "webhook", "socket", "http").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from bot.adapters.http import HttpServer
    from bot.config import Settings
    from bot.core.ports import EntrepreneurChannel, NavigatorDesk
    from bot.startup import Retry


@dataclass
class PluginHost:
    """What `lotsen serve` lends a plugin during setup."""

    settings: Settings
    http: HttpServer
    retry: Retry
    channels: dict[str, EntrepreneurChannel] = field(default_factory=dict)
    desks: dict[str, NavigatorDesk] = field(default_factory=dict)


@runtime_checkable
class ChannelPlugin(Protocol):
    name: str

    def enabled(self, settings: Settings) -> bool: ...

    def check(self, settings: Settings) -> None: ...

    def setup(self, host: PluginHost) -> None: ...

    def connect(self) -> None: ...

    def bind(self, service: Any) -> None: ...

    def start(self) -> None: ...

    def stop_receiving(self) -> None: ...

    def close(self) -> None: ...

    def mode(self) -> str: ...

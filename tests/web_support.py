"""The web chat as the tests drive it: the real core (tests.dialogue_support.make_lotsen, a
recording desk), the one HTTP server on 127.0.0.1 port 0 and the web plugin, set up in the
order `lotsen serve` uses (setup, bind, start)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass

import httpx

from bot.adapters.http import HttpServer
from bot.adapters.plugin import PluginHost
from bot.adapters.web.limits import Limits
from bot.adapters.web.plugin import WebPlugin
from bot.config import load_settings
from bot.core.actions import Actor, NavigatorAction
from bot.startup import Retry
from tests.dialogue_support import make_lotsen

NAVIGATOR = "johan.wik@sjovik.example"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class WebChat:
    http: HttpServer
    plugin: WebPlugin
    lotsen: object

    @property
    def url(self) -> str:
        return self.http.url

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10)

    def reply_as_navigator(self, number: str, text: str):
        result = self.lotsen.navigator_action(NavigatorAction(actor=Actor("cli", NAVIGATOR), verb="reply",
                                                              case_number=number, text=text))
        self.lotsen.dispatch_outbox()
        return result

    def stop(self) -> None:
        self.plugin.stop_receiving()
        self.http.stop()
        self.plugin.close()
        self.lotsen.close()


def start_web_chat(tmp_path, *, limits: Limits | None = None, **settings) -> WebChat:
    http = HttpServer(host="127.0.0.1", port=0, shutdown_timeout=5)
    plugin = WebPlugin(limits=limits, poll_seconds=0.2, announce=lambda line: None)
    host = PluginHost(settings=load_settings(**settings), http=http, retry=Retry())
    plugin.setup(host)
    lotsen = make_lotsen(tmp_path, channels=host.channels)
    plugin.bind(lotsen)
    http.start()
    plugin.start()
    return WebChat(http=http, plugin=plugin, lotsen=lotsen)


class Visitor:
    """One browser session through the JSON API (httpx keeps the cookie)."""

    def __init__(self, chat: WebChat, *, origin: str | None = None) -> None:
        self.chat = chat
        self.client = chat.client()
        self.origin = origin or chat.url
        self.history = self.client.get("/chat/api/history").json()
        self.token = self.history["token"]

    def post(self, **body) -> httpx.Response:
        return self.client.post("/chat/api/message", json=body,
                                headers={"Origin": self.origin, "X-CSRF-Token": self.token})

    def say(self, text: str) -> dict:
        response = self.post(text=text)
        assert response.status_code == 200, response.text
        return response.json()

    @staticmethod
    def text(line: dict) -> str:
        return "".join(part[1] for part in line["parts"])

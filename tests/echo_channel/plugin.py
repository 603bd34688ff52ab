"""The "echo" channel: entrepreneurs POST {"user", "text"} to /echo/messages and read what
Lotsen sent them at GET /echo/inbox?user=…. Everything a channel is to `lotsen serve`
(bot.adapters.plugin), and nothing else: it lives in this folder and one registry line names it."""

from __future__ import annotations

import io
import threading

from starlette.requests import Request
from starlette.responses import JSONResponse

from bot.adapters.console_desk import ConsoleDesk
from bot.adapters.plugin import PluginHost
from bot.core.messages import Incoming
from bot.core.ports import Delivery, OutboundMessage

SPEC = "tests.echo_channel.plugin:EchoPlugin"


class EchoChannel:
    """The EntrepreneurChannel port: keeps each person's messages for GET /echo/inbox."""

    name = "echo"

    def __init__(self) -> None:
        self.inboxes: dict[str, list[str]] = {}
        self.lock = threading.Lock()

    def send(self, message: OutboundMessage) -> Delivery:
        with self.lock:
            self.inboxes.setdefault(message.address, []).append(message.text)
        return Delivery(ok=True, ref=f"echo:{message.address}")


class EchoPlugin:
    name = "echo"
    enable_variable = "ECHO (always on)"
    desk_variable = "ECHO (always on)"
    instances: list[EchoPlugin] = []  # what the registry made, for the test to look at

    def __init__(self) -> None:
        self.channel = EchoChannel()
        self.desk_text = io.StringIO()
        self.service = None
        self.started = False
        self.calls: list[str] = []
        EchoPlugin.instances.append(self)

    @staticmethod
    def parse_identity(value: object) -> str:
        if not str(value).startswith("echo-"):
            raise ValueError("an echo id starts with echo-")
        return str(value)

    def enabled(self, settings) -> bool:
        return True

    def has_desk(self, settings) -> bool:
        return True

    def check(self, settings) -> None:
        self.calls.append("check")  # nothing to check: no token, no address

    def setup(self, host: PluginHost) -> None:
        host.http.add_route("/echo/messages", self.receive, methods=["POST"])
        host.http.add_route("/echo/inbox", self.inbox, methods=["GET"])
        host.http.add_readiness_check(self.name, lambda: self.started)
        host.channels[self.name] = self.channel
        host.desks[self.name] = ConsoleDesk(self.desk_text, name=self.name)
        self.calls.append("setup")

    async def receive(self, request: Request) -> JSONResponse:
        from starlette.concurrency import run_in_threadpool

        body = await request.json()
        await run_in_threadpool(self._handle, str(body["user"]), str(body["text"]))
        return JSONResponse({"ok": True}, status_code=202)

    def _handle(self, user: str, text: str) -> None:
        reply = self.service.handle(Incoming(channel=self.name, user_id=user, text=text))
        self.channel.send(OutboundMessage(channel=self.name, address=user, text=reply.text, buttons=reply.buttons))

    async def inbox(self, request: Request) -> JSONResponse:
        return JSONResponse(self.channel.inboxes.get(request.query_params["user"], []))

    def connect(self) -> None:
        self.calls.append("connect")

    def bind(self, service) -> None:
        self.service = service
        self.calls.append("bind")

    def start(self) -> None:
        self.started = True
        self.calls.append("start")

    def stop_receiving(self) -> None:
        self.started = False
        self.calls.append("stop_receiving")

    def close(self) -> None:
        self.calls.append("close")

    def mode(self) -> str:
        return "http"

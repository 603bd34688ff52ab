"""A test double of OUR LotsenService (bot.core.service): records what the adapters asked and
answers like the core would. The channel libraries and their wire formats stay real."""

from __future__ import annotations

import threading
import time

from bot.core.actions import ActionResult, NavigatorAction
from bot.core.messages import Button, Incoming, Reply
from bot.core.ports import CaseCard

NAVIGATORS = {("slack", "UNAV"), ("telegram", "777")}


def card(number: str = "2026-0001", status: str = "new", words: str = "Jag vill öppna ett café") -> CaseCard:
    return CaseCard(case_id=1, number=number, title="Café med uteservering", summary="Livsmedel, bygglov",
                    entrepreneur_words=words, topics=[("food", "Livsmedel")], roles=[("env", "Miljö")],
                    members=[{"name": "Nils", "email": "n@k.se", "identities": {"slack": "UNAV", "telegram": "777"}}],
                    status=status)


class FakeLotsen:
    def __init__(self, *, delay: float = 0.0) -> None:
        self.incoming: list[Incoming] = []
        self.actions: list[NavigatorAction] = []
        self.calls: list[tuple[str, dict]] = []
        self.delay = delay
        self.answers: dict[str, Reply] = {}
        self.lock = threading.Lock()

    def _slow(self) -> None:
        if self.delay:
            time.sleep(self.delay)

    def handle(self, incoming: Incoming) -> Reply:
        self._slow()
        with self.lock:
            self.incoming.append(incoming)
        if incoming.choice:
            return Reply(action="answer", text=f"Du valde {incoming.choice}.")
        if incoming.text in self.answers:
            return self.answers[incoming.text]
        if "servering" in incoming.text:
            return Reply(action="clarify", text="Menar du alkohol eller uteservering?",
                         buttons=[Button("topic:alcohol", "Alkohol"), Button("topic:terrace", "Uteservering")])
        return Reply(action="answer", text=f"Svar på: {incoming.text}")

    def start(self, *, channel, user_id, lang=None) -> Reply:
        self.calls.append(("start", {"channel": channel, "user_id": user_id, "lang": lang}))
        return Reply(action="greeting", text="Hej! Jag är Lotsen. / Hi! I am Lotsen. Integritet: ...")

    def request_navigator(self, incoming: Incoming) -> Reply:
        self.calls.append(("request_navigator", {"incoming": incoming}))
        return Reply(action="consent", text="Får vi spara dina uppgifter?",
                     buttons=[Button("consent:yes", "Ja"), Button("consent:no", "Nej")])

    def my_cases(self, *, channel, user_id, lang=None) -> Reply:
        self.calls.append(("my_cases", {"channel": channel, "user_id": user_id}))
        return Reply(action="case_message", text="Du har inga öppna ärenden.")

    def erase(self, *, channel, user_id, lang=None) -> Reply:
        self.calls.append(("erase", {"channel": channel, "user_id": user_id}))
        return Reply(action="erased", text="Dina uppgifter är raderade. Vi behåller ärendenummer 2026-0001 "
                                           "pseudonymiserat eftersom lagen kräver det.")

    def navigator_action(self, action: NavigatorAction) -> ActionResult:
        self._slow()
        with self.lock:
            self.actions.append(action)
        if (action.actor.channel, action.actor.user_id) not in NAVIGATORS:
            return ActionResult(ok=False, message="Du är inte lots för det här ärendet.")
        status = {"claim": "claimed", "close": "closed"}.get(action.verb, "claimed")
        return ActionResult(ok=True, message=f"OK: {action.verb}", card=card(action.case_number, status))

    def may_act(self, *, actor, case_number) -> bool:
        """Lets the Slack adapter refuse before opening a form."""
        return (actor.channel, actor.user_id) in NAVIGATORS

    def dispatch_outbox(self) -> int:
        return 0

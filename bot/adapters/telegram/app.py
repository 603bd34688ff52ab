"""Building the python-telegram-bot Application and running it on its own event loop thread.

`lotsen serve` runs the Telegram loop in a background thread so the synchronous parts (the
scheduler's outbox dispatcher, the HTTP server) can hand it coroutines with
`TelegramRunner.call`. Long polling by default; in webhook mode the HTTP server feeds updates
in with `TelegramRunner.feed` after checking the secret token.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Coroutine
from typing import Any

from telegram import Update
from telegram.error import BadRequest, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.adapters.choices import ChoiceKeys, derive_secret
from bot.adapters.telegram import handlers, meetings, navigators
from bot.adapters.telegram.context import TelegramContext
from bot.adapters.telegram.ratelimit import PacedRateLimiter
from bot.core.service import LotsenService
from bot.locales import active, both, msg
from bot.startup import Retry, StartupError, address, retry_async

log = logging.getLogger(__name__)

# The command menu: each command and its description's message id (telegram.menu.*).
COMMANDS = [("start", "telegram.menu.start"), ("lots", "telegram.menu.lots"), ("mina_arenden", "telegram.menu.cases"),
            ("avbryt", "telegram.menu.cancel"), ("glom_mig", "telegram.menu.erase")]


def command_menu(lang: str | None = None) -> list[tuple[str, str]]:
    """The menu in `lang`, or in Swedish and English together (the menu of users whose app
    language has no catalog)."""
    return [(command, msg(lang, key) if lang else both(key)) for command, key in COMMANDS]


def file_url_for(api_url: str) -> str:
    """https://api.telegram.org/bot -> https://api.telegram.org/file/bot (also self-hosted)."""
    base, _, last = api_url.rstrip("/").rpartition("/")
    return f"{base}/file/{last}" if last == "bot" else api_url.rstrip("/") + "/file/bot"


async def _dedupe(update: Update, context) -> None:
    # In the database when serve shares it (another replica may have had the update first):
    # a worker thread, never the loop's.
    seen = context.application.bot_data["lotsen"].seen_updates
    if not await asyncio.to_thread(seen.claim, update.update_id):
        log.info("telegram: update %s already handled; ignored", update.update_id)
        raise ApplicationHandlerStop


def build_application(*, token: str, service: LotsenService, api_url: str = "https://api.telegram.org/bot",
                      navigator_chat_id: int | None = None, webhook: bool = False,
                      rate_limiter: PacedRateLimiter | None = None) -> Application:
    builder = (ApplicationBuilder().token(token).base_url(api_url).base_file_url(file_url_for(api_url))
               .rate_limiter(rate_limiter or PacedRateLimiter()).concurrent_updates(64)
               .connection_pool_size(64).pool_timeout(30.0))
    if webhook:
        builder = builder.updater(None)
    application = builder.build()
    # Buttons signed with a key derived from the bot token: they keep working after a restart.
    keys = ChoiceKeys(derive_secret("telegram buttons", token))
    application.bot_data["lotsen"] = TelegramContext(service=service, navigator_chat_id=navigator_chat_id, keys=keys)

    private = filters.ChatType.PRIVATE
    application.add_handler(TypeHandler(Update, _dedupe), group=-1)
    application.add_handler(CommandHandler(["start", "help", "hjalp"], handlers.on_start, filters=private))
    application.add_handler(CommandHandler("lots", handlers.on_lots, filters=private))
    application.add_handler(CommandHandler(["mina_arenden", "arenden"], handlers.on_my_cases, filters=private))
    application.add_handler(CommandHandler("glom_mig", handlers.on_forget_me, filters=private))
    application.add_handler(CommandHandler(meetings.COMMANDS, meetings.on_private_meeting_command, filters=private))
    application.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, handlers.on_text))
    # Any other command (/avbryt, /foo, /meny): the core answers it, with the list of commands
    # when it does not know it.
    application.add_handler(MessageHandler(private & filters.COMMAND, handlers.on_text))
    application.add_handler(CallbackQueryHandler(handlers.on_choice, pattern=r"^[ce]:"))
    if navigator_chat_id is not None:
        group = filters.Chat(chat_id=navigator_chat_id)
        application.add_handler(CallbackQueryHandler(navigators.on_nav_button, pattern=r"^n:"))
        application.add_handler(CommandHandler(meetings.COMMANDS, meetings.on_meeting_command, filters=group))
        application.add_handler(MessageHandler(group & filters.REPLY & filters.TEXT & ~filters.COMMAND,
                                               navigators.on_group_reply))
    # Every press is answered, even one no handler above takes: the spinner never keeps turning.
    application.add_handler(CallbackQueryHandler(handlers.on_unknown_button))
    application.add_error_handler(handlers.on_error)
    return application


def _transient(exc: BaseException) -> bool:
    """Telegram not reachable, or not answering properly (5xx, 429): worth another try."""
    return isinstance(exc, (NetworkError, RetryAfter)) and not isinstance(exc, BadRequest)


class TelegramRunner:
    """Owns the Application's event loop in a thread: connect (try the token), start (take
    updates), feed updates, run coroutines, stop."""

    def __init__(self, application: Application, *, webhook_url: str | None = None,
                 webhook_secret: str | None = None, poll_timeout: int = 10, retry: Retry = Retry()) -> None:
        self.application = application
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self.poll_timeout = poll_timeout
        self.retry = retry
        self.loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    @property
    def context(self) -> TelegramContext:
        return self.application.bot_data["lotsen"]

    @property
    def running(self) -> bool:
        return self._ready.is_set() and self.application.running

    def connect(self, timeout: float = 300.0) -> None:
        """Start the loop thread and try the token (getMe), again while Telegram is unreachable;
        updates are not taken yet. Raises StartupError, one line without the token."""
        if self.loop is None:
            self.loop = asyncio.new_event_loop()
            self._thread = threading.Thread(target=self._run_loop, name="lotsen-telegram", daemon=True)
            self._thread.start()
        self._run_startup(self._connect(), timeout)

    def start(self, timeout: float = 300.0) -> None:
        """`connect` (if not done yet), then poll or set the webhook and handle updates."""
        self.connect(timeout)
        self._run_startup(self._start_receiving(), timeout)
        self._ready.set()
        log.info("telegram: running (%s)", "webhook" if self.webhook_url else "long polling")

    def _started(self) -> asyncio.AbstractEventLoop:
        """The loop of the loop thread, which `connect` starts."""
        if self.loop is None:
            raise RuntimeError("telegram: the runner is not connected yet")
        return self.loop

    def _run_loop(self) -> None:
        loop = self._started()
        asyncio.set_event_loop(loop)
        loop.run_forever()
        loop.close()

    def _run_startup(self, coro: Coroutine[Any, Any, Any], timeout: float) -> None:
        future = asyncio.run_coroutine_threadsafe(coro, self._started())
        try:
            future.result(timeout)
        except TimeoutError:
            future.cancel()
            raise StartupError(f"Telegram did not start within {timeout:g} s: check the network and "
                               "TELEGRAM_API_URL") from None
        except Exception as exc:
            raise self._startup_error(exc) from None

    def _startup_error(self, exc: BaseException) -> BaseException:
        where = address(str(self.application.bot.base_url))
        if isinstance(exc, InvalidToken):
            return StartupError(f"Telegram ({where}) refused TELEGRAM_BOT_TOKEN: check the token BotFather "
                                "gave you (and TELEGRAM_API_URL)")
        reason = f"{type(exc).__name__}: {exc}".replace(self.application.bot.token, "[redacted]")[:200]
        if _transient(exc):
            return StartupError(f"Telegram unreachable at {where} ({reason}): "
                                "check the network (a proxy, a firewall) or TELEGRAM_API_URL")
        if isinstance(exc, TelegramError):
            return StartupError(f"Telegram refused to start the bot ({reason}): check TELEGRAM_WEBHOOK_URL and "
                                "the bot's settings in BotFather")
        return exc

    async def _connect(self) -> None:
        # getMe: the first contact. A network error (Telegram unreachable, a 5xx) is tried again;
        # a refused token is not.
        try:
            await retry_async(self.application.initialize, retry=self.retry, what="Telegram (getMe)",
                              transient=_transient)
        except BaseException:
            await self.application.bot.shutdown()  # its HTTP connections
            raise

    async def _start_receiving(self) -> None:
        app = self.application
        if self.webhook_url:
            await app.bot.set_webhook(self.webhook_url, secret_token=self.webhook_secret,
                                      allowed_updates=["message", "callback_query"])
        elif app.updater is not None:
            await app.bot.delete_webhook()
            await app.updater.start_polling(timeout=self.poll_timeout, allowed_updates=["message", "callback_query"])
        await app.start()
        try:
            await app.bot.set_my_commands(command_menu())
            for lang in active().languages:  # Telegram shows each user the menu of their app's language
                await app.bot.set_my_commands(command_menu(lang), language_code=lang)
        except Exception:  # a cosmetic; never stop the bot for it
            log.warning("telegram: could not set the command list")

    def call(self, coro: Coroutine[Any, Any, Any], timeout: float = 60.0) -> Any:
        """Run `coro` on the Telegram loop from another thread and wait for its result."""
        if self.loop is None or not self._ready.is_set():
            coro.close()
            raise RuntimeError("Telegram is not running")
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(timeout)
        except TimeoutError:
            future.cancel()
            raise

    def feed(self, data: dict) -> None:
        """Queue an update received by the webhook."""
        update = Update.de_json(data, self.application.bot)
        asyncio.run_coroutine_threadsafe(self.application.update_queue.put(update), self._started()).result(10)

    async def feed_async(self, data: dict) -> None:
        """`feed` from another event loop (the HTTP server's), without blocking it."""
        update = Update.de_json(data, self.application.bot)
        await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(self.application.update_queue.put(update),
                                                                   self._started()))

    def stop_receiving(self, timeout: float = 60.0) -> None:
        """Stop fetching updates and finish the ones in flight. Sending (the outbox) still works."""
        if self.loop is None or not self.loop.is_running():
            return
        asyncio.run_coroutine_threadsafe(self._stop_receiving(), self.loop).result(timeout)

    def close(self, timeout: float = 30.0) -> None:
        """Shut the Application down and end the loop thread (after stop_receiving)."""
        if self.loop is None or not self.loop.is_running():
            return
        asyncio.run_coroutine_threadsafe(self._stop_receiving(), self.loop).result(timeout)
        asyncio.run_coroutine_threadsafe(self.application.shutdown(), self.loop).result(timeout)
        self.loop.call_soon_threadsafe(self.loop.stop)
        if self._thread is not None:
            self._thread.join(timeout)
        log.info("telegram: stopped")

    def stop(self, timeout: float = 30.0) -> None:
        self.stop_receiving(timeout)
        self.close(timeout)

    async def _stop_receiving(self) -> None:
        app = self.application
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()  # waits for the updates being handled

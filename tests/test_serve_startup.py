"""Start-up failures of `lotsen serve`: each is one line on stderr naming what failed and what to
do, exit code 2, no traceback; an unreachable service is tried again (with backoff) first, a
refused token is not."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from bot.adapters.slack.client import make_web_client
from bot.adapters.slack.startup import verify_bot_token
from bot.adapters.telegram.app import TelegramRunner, build_application
from bot.startup import Retry, StartupError, wait_for_database
from tests.fakes.service import FakeLotsen
from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram

ROOT = Path(__file__).resolve().parent.parent
FAST = Retry(attempts=3, backoff=0.01)
WRONG_TG = "654321:WRONG-token-for-tests"
WRONG_SLACK = "xoxb-wrong-token-for-tests"


@contextmanager
def closed_port():
    """A port on 127.0.0.1 that refuses connections (bound, never listening) while held."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


# --- in process: what is retried, what is not -----------------------------------------------------

def runner_for(fake: FakeTelegram, token: str | None = None) -> TelegramRunner:
    app = build_application(token=token or fake.token, service=FakeLotsen(), api_url=fake.api_url, webhook=True)
    return TelegramRunner(app, retry=FAST)


def test_telegram_answering_502_is_tried_again_and_then_works():
    with FakeTelegram() as tg:
        tg.fail_next("getMe", times=2, error_code=502, retry_after=None, description="Bad Gateway")
        runner = runner_for(tg)
        try:
            runner.connect()
        finally:
            runner.stop()
    assert [c.status for c in tg.calls_to("getMe", ok_only=False)] == [502, 502, 200]


def test_telegram_still_failing_after_the_retries_is_one_line():
    with FakeTelegram() as tg:
        tg.fail_next("getMe", times=5, error_code=502, retry_after=None, description="Bad Gateway")
        runner = runner_for(tg)
        with pytest.raises(StartupError) as caught:
            runner.connect()
        runner.stop()
    assert len(tg.calls_to("getMe", ok_only=False)) == FAST.attempts
    message = str(caught.value)
    assert message.startswith("Telegram unreachable at 127.0.0.1:") and "TELEGRAM_API_URL" in message
    assert "\n" not in message and tg.token not in message


def test_a_refused_telegram_token_is_not_tried_again():
    with FakeTelegram() as tg:
        runner = runner_for(tg, token=WRONG_TG)
        with pytest.raises(StartupError) as caught:
            runner.connect()
        runner.stop()
    assert len(tg.calls_to("getMe", ok_only=False)) == 1
    assert "refused TELEGRAM_BOT_TOKEN" in str(caught.value) and WRONG_TG not in str(caught.value)


def test_slack_answering_503_is_tried_again_a_refused_token_is_not():
    with FakeSlack() as slack:
        slack.fail_next("auth.test", times=2, status=503, error="service_unavailable")
        assert verify_bot_token(make_web_client(token=slack.token, base_url=slack.api_url),
                                retry=FAST)["user_id"] == "UBOT"
        assert [c.status for c in slack.calls_to("auth.test", ok_only=False)] == [503, 503, 200]
        with pytest.raises(StartupError) as caught:
            verify_bot_token(make_web_client(token=WRONG_SLACK, base_url=slack.api_url), retry=FAST)
        assert len(slack.calls_to("auth.test", ok_only=False)) == 4  # one more: no retry
    assert "refused SLACK_BOT_TOKEN (invalid_auth)" in str(caught.value) and WRONG_SLACK not in str(caught.value)


def test_an_unreachable_database_is_tried_again_then_named_without_its_password(caplog):
    with closed_port() as port:
        with pytest.raises(StartupError) as caught:
            wait_for_database(f"postgresql+psycopg://lotsen:hemligt-losen@127.0.0.1:{port}/lotsen", retry=FAST)
    message = str(caught.value)
    assert message.startswith(f"database unreachable (postgresql+psycopg://lotsen:***@127.0.0.1:{port}/lotsen)")
    assert "LOTSEN_DATABASE_URL" in message and "hemligt" not in message and "\n" not in message
    assert len([r for r in caplog.records if "attempt" in r.getMessage()]) == FAST.attempts - 1


def test_a_reachable_database_passes(tmp_path):
    wait_for_database(f"sqlite:///{tmp_path / 'new' / 'lotsen.db'}", retry=FAST)


# --- `lotsen serve` as a process ------------------------------------------------------------------

def serve(tmp_path: Path, env: dict[str, str], args: tuple[str, ...] = ("--port", "0")) -> subprocess.CompletedProcess:
    base = {key: value for key, value in os.environ.items()
            if not key.startswith(("TELEGRAM_", "SLACK_", "LOTSEN_"))}
    base.update({"LOTSEN_DATABASE_URL": f"sqlite:///{tmp_path / 'lotsen.db'}",
                 "LOTSEN_KNOWLEDGE_DIR": str(ROOT / "knowledge"), "LOTSEN_ROUTING_FILE": str(ROOT / "routing_rules.yaml"),
                 "LOTSEN_STARTUP_RETRIES": "2", "LOTSEN_STARTUP_BACKOFF": "0.01", "PYTHONUNBUFFERED": "1"})
    base.update(env)
    return subprocess.run([sys.executable, "-m", "bot.cli.main", "serve", *args], cwd=tmp_path, env=base,
                          capture_output=True, text=True, timeout=180)


def telegram_env(token: str, api_url: str) -> dict[str, str]:
    return {"TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_URL": api_url, "TELEGRAM_NAVIGATOR_CHAT_ID": "-1001234"}


def slack_env(token: str, api_url: str) -> dict[str, str]:
    return {"SLACK_BOT_TOKEN": token, "SLACK_API_URL": api_url, "SLACK_SIGNING_SECRET": "signing-secret-for-tests"}


def _telegram_unreachable(stack: ExitStack):
    port = stack.enter_context(closed_port())
    return telegram_env(WRONG_TG, f"http://127.0.0.1:{port}/bot"), ["Telegram unreachable", "TELEGRAM_API_URL"]


def _telegram_refused(stack: ExitStack):
    tg = stack.enter_context(FakeTelegram())
    return telegram_env(WRONG_TG, tg.api_url), ["Telegram", "refused TELEGRAM_BOT_TOKEN"]


def _slack_unreachable(stack: ExitStack):
    port = stack.enter_context(closed_port())
    return slack_env(WRONG_SLACK, f"http://127.0.0.1:{port}/api/"), ["Slack unreachable", "SLACK_API_URL"]


def _slack_refused(stack: ExitStack):
    slack = stack.enter_context(FakeSlack())
    return slack_env(WRONG_SLACK, slack.api_url), ["Slack", "refused SLACK_BOT_TOKEN"]


def _database_unreachable(stack: ExitStack):
    port = stack.enter_context(closed_port())
    tg = stack.enter_context(FakeTelegram())
    env = {**telegram_env(tg.token, tg.api_url),
           "LOTSEN_DATABASE_URL": f"postgresql+psycopg://postgres:pw-for-tests@127.0.0.1:{port}/test"}
    return env, ["database unreachable", "LOTSEN_DATABASE_URL"]


def _bad_log_level(stack: ExitStack):
    tg = stack.enter_context(FakeTelegram())
    return {**telegram_env(tg.token, tg.api_url), "LOTSEN_LOG_LEVEL": "LOUD"}, ["LOTSEN_LOG_LEVEL", "INFO"]


def _port_taken(stack: ExitStack):
    tg = stack.enter_context(FakeTelegram())
    taken = stack.enter_context(socket.socket())
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    env = {**telegram_env(tg.token, tg.api_url), "LOTSEN_HTTP_PORT": str(taken.getsockname()[1])}
    return env, ["HTTP port", "LOTSEN_HTTP_PORT"]


@pytest.mark.parametrize("case", [_telegram_unreachable, _telegram_refused, _slack_unreachable, _slack_refused,
                                  _database_unreachable, _bad_log_level, _port_taken],
                         ids=lambda case: case.__name__.strip("_"))
def test_a_failed_start_is_one_line_and_exit_code_2(tmp_path, case):
    with ExitStack() as stack:
        env, expected = case(stack)
        result = serve(tmp_path, env, args=() if "LOTSEN_HTTP_PORT" in env else ("--port", "0"))
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stdout + result.stderr
    assert len(lines) == 1, result.stderr
    assert all(word in lines[0] for word in expected), lines[0]
    everything = result.stdout + result.stderr
    assert "Traceback" not in everything
    assert WRONG_TG not in everything and WRONG_SLACK not in everything and "pw-for-tests" not in everything


"""`lotsen serve` configuration: a missing or malformed value is one line naming the variable."""

from __future__ import annotations

import logging

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from bot.config import ConfigError, load_settings
from bot.serve import RedactSecrets, check_settings

GOOD_TG = "123456:AAH-abcdefghijklmnopqrstuvwxyz0123"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env file from the checkout
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_URL", "TELEGRAM_WEBHOOK_URL", "TELEGRAM_WEBHOOK_SECRET",
                 "TELEGRAM_NAVIGATOR_CHAT_ID", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN",
                 "SLACK_API_URL", "SLACK_NAVIGATOR_CHANNEL", "LOTSEN_HTTP_PORT", "LOTSEN_WEB_CHAT", "LOTSEN_WEB_SECRET"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("env, variable", [
    ({"LOTSEN_WEB_CHAT": "off"}, "TELEGRAM_BOT_TOKEN or SLACK_BOT_TOKEN or LOTSEN_WEB_CHAT"),
    ({"LOTSEN_WEB_CHAT": "maybe"}, "LOTSEN_WEB_CHAT"),
    ({"LOTSEN_WEB_SECRET": "too-short"}, "LOTSEN_WEB_SECRET"),
    ({"TELEGRAM_BOT_TOKEN": "not a token", "SLACK_BOT_TOKEN": "xoxb-1"}, "TELEGRAM_BOT_TOKEN"),
    ({"TELEGRAM_BOT_TOKEN": GOOD_TG}, "SLACK_BOT_TOKEN or TELEGRAM_NAVIGATOR_CHAT_ID"),
    ({"TELEGRAM_BOT_TOKEN": GOOD_TG, "TELEGRAM_NAVIGATOR_CHAT_ID": "12"}, "TELEGRAM_NAVIGATOR_CHAT_ID"),
    ({"TELEGRAM_BOT_TOKEN": GOOD_TG, "TELEGRAM_NAVIGATOR_CHAT_ID": "-100", "TELEGRAM_WEBHOOK_URL": "https://x.se/t"},
     "TELEGRAM_WEBHOOK_SECRET"),
    ({"TELEGRAM_BOT_TOKEN": GOOD_TG, "TELEGRAM_NAVIGATOR_CHAT_ID": "-100", "TELEGRAM_WEBHOOK_URL": "http://x.se/t",
      "TELEGRAM_WEBHOOK_SECRET": "a" * 20}, "TELEGRAM_WEBHOOK_URL"),
    ({"SLACK_BOT_TOKEN": "xoxp-user-token", "SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"),
    ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
    ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-2"}, "SLACK_APP_TOKEN"),
    ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_NAVIGATOR_CHANNEL": "#lotsar"},
     "SLACK_NAVIGATOR_CHANNEL"),
    ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": "slack.local"}, "SLACK_API_URL"),
])
def test_bad_configuration_names_the_variable(monkeypatch, env, variable):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        check_settings(load_settings())
    assert str(caught.value).startswith(variable + ":")
    assert "\n" not in str(caught.value)


def test_the_web_chat_alone_needs_no_settings_and_no_desk():
    assert [plugin.name for plugin in check_settings(load_settings())] == ["web"]


def test_good_configurations_pass(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", GOOD_TG)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1-2-abc")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-abc")
    check_settings(load_settings())


def test_cli_prints_one_line_not_a_traceback(monkeypatch):
    monkeypatch.setenv("LOTSEN_HTTP_PORT", "not-a-port")
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 2
    assert "LOTSEN_HTTP_PORT" in result.output and "Traceback" not in result.output
    monkeypatch.setenv("LOTSEN_HTTP_PORT", "0")  # 0 is not a port for a server either
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_secrets_are_redacted_from_logs(caplog):
    logger = logging.getLogger("test.redact")
    logger.addFilter(RedactSecrets([GOOD_TG]))
    with caplog.at_level(logging.INFO):
        logger.info("POST https://api.telegram.org/bot%s/sendMessage", GOOD_TG)
    assert GOOD_TG not in caplog.text and "[redacted]" in caplog.text


def test_the_web_chats_key_is_a_secret_too(monkeypatch):
    from bot.serve import redact

    key = "web-cookie-key-" + "x" * 24
    monkeypatch.setenv("LOTSEN_WEB_SECRET", key)
    assert redact(f"signed with {key}", load_settings()) == "signed with [redacted]"

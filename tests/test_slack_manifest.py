"""The Slack app manifest matches what the app listens to."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.adapters.slack.plugin import SLACK_EVENTS_PATH

MANIFEST = yaml.safe_load((Path(__file__).resolve().parent.parent / "slack_app_manifest.yaml").read_text(encoding="utf-8"))


def test_manifest_points_every_request_url_at_the_events_path():
    settings = MANIFEST["settings"]
    urls = [settings["event_subscriptions"]["request_url"], settings["interactivity"]["request_url"]]
    urls += [c["url"] for c in MANIFEST["features"]["slash_commands"]]
    assert all(url.startswith("https://") and url.endswith(SLACK_EVENTS_PATH) for url in urls)
    assert settings["interactivity"]["is_enabled"] is True


def test_manifest_grants_what_the_adapters_call():
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    # chat.postMessage/update/postEphemeral, conversations.create/invite (public and private),
    # conversations.list, conversations.open, slash commands, DMs.
    assert {"chat:write", "channels:manage", "groups:write", "channels:read", "groups:read",
            "im:write", "im:history", "commands"} <= scopes
    assert "message.im" in MANIFEST["settings"]["event_subscriptions"]["bot_events"]
    assert {c["command"] for c in MANIFEST["features"]["slash_commands"]} == {"/lots", "/mina_arenden", "/glom_mig",
                                                                             "/lotsen-mote"}

"""`/rapport` on the one HTTP server: only with LOTSEN_REPORT_TOKEN (Bearer or ?token=), 404
without the setting, 401 without or with a wrong token, aggregates only, never cached."""

from __future__ import annotations

from datetime import datetime, timezone

import httpx
import pytest

from bot.adapters.http import HttpServer
from bot.adapters.http.report import add_report_route
from bot.app import build_lotsen
from bot.config import load_settings
from bot.core.clock import ManualClock
from bot.serve import secrets_of
from tests.knowledge_support import bundle

TOKEN = "rapport-token-0123456789abcdef"


@pytest.fixture
def lotsen(tmp_path):
    made = build_lotsen(settings=load_settings(), database_url=f"sqlite:///{tmp_path / 'l.db'}", bundle=bundle(),
                        clock=ManualClock(datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)))
    yield made
    made.close()


@pytest.fixture
def server():
    http = HttpServer(host="127.0.0.1", port=0)
    yield http
    http.stop()


def test_without_a_token_setting_there_is_no_page(lotsen, server):
    assert add_report_route(server, service=lotsen, token=None) is False
    server.start()
    assert httpx.get(f"{server.url}/rapport").status_code == 404
    assert httpx.get(f"{server.url}/rapport?token=").status_code == 404


def test_only_the_right_token_opens_the_report(lotsen, server):
    assert add_report_route(server, service=lotsen, token=TOKEN, clock=lotsen.clock)
    server.start()
    url = f"{server.url}/rapport"
    refused = httpx.get(url)
    assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
    assert "Så går" not in refused.text
    assert httpx.get(url, headers={"Authorization": "Bearer " + TOKEN[:-1]}).status_code == 401
    assert httpx.get(url, params={"token": TOKEN + "x"}).status_code == 401
    page = httpx.get(url, headers={"Authorization": f"Bearer {TOKEN}"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Så går servicen till företagen" in page.text and "2026-11-01 – 2026-11-23" in page.text  # this month so far
    assert page.headers["cache-control"] == "no-store" and "default-src 'none'" in page.headers["content-security-policy"]
    english = httpx.get(url, params={"token": TOKEN, "lang": "en", "from": "2026-10-01", "to": "2026-10-31"})
    assert english.status_code == 200 and "How the service to business is doing" in english.text
    assert "2026-10-01 – 2026-10-31" in english.text
    assert httpx.get(url, params={"token": TOKEN, "from": "oktober"}).status_code == 400


def test_the_token_is_a_secret_kept_out_of_the_logs(monkeypatch):
    monkeypatch.setenv("LOTSEN_REPORT_TOKEN", TOKEN)
    assert TOKEN in secrets_of(load_settings())

"""`lotsen serve` as a real process: starts from the environment, answers /healthz and a
Telegram question, refuses an oversized body, takes a client's hang-up quietly, and on SIGTERM
stops cleanly (exit 0) without a traceback or a token in its log."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram

ROOT = Path(__file__).resolve().parent.parent


def start_serve(tmp_path: Path, tg: FakeTelegram, slack: FakeSlack, log_file, **extra: str):
    """`lotsen serve --port 0` against the fakes; returns the process and its HTTP port."""
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": tg.token, "TELEGRAM_API_URL": tg.api_url,
           "SLACK_BOT_TOKEN": slack.token, "SLACK_SIGNING_SECRET": "sigterm-test-secret",
           "SLACK_API_URL": slack.api_url, "LOTSEN_DATABASE_URL": f"sqlite:///{tmp_path / 'lotsen.db'}",
           "LOTSEN_KNOWLEDGE_DIR": str(ROOT / "knowledge"), "LOTSEN_ROUTING_FILE": str(ROOT / "routing_rules.yaml"),
           "LOTSEN_LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1", **extra}
    for name in ("SLACK_APP_TOKEN", "TELEGRAM_WEBHOOK_URL", "SLACK_NAVIGATOR_CHANNEL", "TELEGRAM_NAVIGATOR_CHAT_ID"):
        env.pop(name, None)
    process = subprocess.Popen([sys.executable, "-m", "bot.cli.main", "serve", "--port", "0"], cwd=tmp_path,
                               env=env, stdout=log_file, stderr=subprocess.STDOUT)
    log_path = Path(log_file.name)
    deadline = time.monotonic() + 60
    port = None
    while port is None and time.monotonic() < deadline and process.poll() is None:
        match = re.search(r"listening on port (\d+)", log_path.read_text(errors="replace"))
        port = int(match.group(1)) if match else None
        time.sleep(0.1)
    if port is None:
        process.kill()
        raise AssertionError(log_path.read_text(errors="replace"))
    return process, port


def test_serve_process_runs_and_stops_on_sigterm(tmp_path):
    with FakeTelegram() as tg, FakeSlack() as slack:
        log_path = tmp_path / "serve.log"
        with open(log_path, "wb") as log_file:
            process, port = start_serve(tmp_path, tg, slack, log_file)
            try:
                tg.wait_calls("getUpdates", timeout=30)
                assert httpx.get(f"http://127.0.0.1:{port}/healthz").json()["status"] == "ok"
                tg.message_update(chat_id=4242, text="Behöver jag bygglov för en skylt?")
                tg.wait_for(lambda f: f.sent_texts(4242), 30)
                process.send_signal(signal.SIGTERM)
                assert process.wait(timeout=60) == 0
            finally:
                if process.poll() is None:
                    process.kill()
        log = log_path.read_text(errors="replace")
        assert "Traceback" not in log and "lotsen serve: stopped" in log
        assert tg.token not in log and slack.token not in log
        assert "skylt" not in log  # no message text at INFO


def test_serve_process_refuses_a_large_body_and_takes_a_hang_up_quietly(tmp_path):
    with FakeTelegram() as tg, FakeSlack() as slack:
        log_path = tmp_path / "serve.log"
        with open(log_path, "wb") as log_file:
            process, port = start_serve(tmp_path, tg, slack, log_file, LOTSEN_LOG_LEVEL="DEBUG")
            try:
                deadline = time.monotonic() + 30
                while httpx.get(f"http://127.0.0.1:{port}/readyz").status_code != 200:
                    assert time.monotonic() < deadline, "never ready"
                    time.sleep(0.1)
                head = b"POST /slack/events HTTP/1.1\r\nHost: lotsen\r\nContent-Type: application/json\r\n"
                with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
                    conn.sendall(head + b"Content-Length: 5000000\r\n\r\n")  # 5 MB announced
                    assert conn.recv(100).startswith(b"HTTP/1.1 413 ")  # refused before a byte was sent
                with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
                    conn.sendall(head + b"Content-Length: 1000\r\n\r\n" + b"{" * 100)  # then hangs up
                while "client hung up" not in log_path.read_text(errors="replace"):
                    assert time.monotonic() < deadline + 30 and process.poll() is None
                    time.sleep(0.1)
                process.send_signal(signal.SIGTERM)
                assert process.wait(timeout=60) == 0
            finally:
                if process.poll() is None:
                    process.kill()
        log = log_path.read_text(errors="replace")
        assert "Traceback" not in log and "lotsen serve: stopped" in log
        assert tg.token not in log and slack.token not in log

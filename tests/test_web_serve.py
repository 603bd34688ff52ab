"""`lotsen serve` with no Telegram or Slack settings: the web chat alone on SQLite, its address
printed, cases written to standard output as the navigators' desk, a navigator acting with
`lotsen cases` from another process, and SIGTERM ending an open live stream cleanly."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
RESTAURANT = "Jag vill öppna en restaurang med alkohol och uteservering i en gammal butikslokal"


def _env(tmp_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TELEGRAM_", "SLACK_", "LOTSEN_"))}
    env.update({"LOTSEN_DATABASE_URL": f"sqlite:///{tmp_path / 'lotsen.db'}", "PYTHONUNBUFFERED": "1",
                "LOTSEN_KNOWLEDGE_DIR": str(ROOT / "knowledge"), "LOTSEN_ROUTING_FILE": str(ROOT / "routing_rules.yaml")})
    return env


class Output:
    """What the process writes to standard output, read in a thread."""

    def __init__(self, stream) -> None:
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float = 60.0) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if found := re.search(pattern, line):
                    return found
            time.sleep(0.05)
        raise AssertionError(f"{pattern!r} never printed:\n" + "\n".join(self.lines[-40:]))


def _post(client: httpx.Client, base: str, token: str, **body) -> dict:
    response = client.post("/chat/api/message", json=body, headers={"Origin": base, "X-CSRF-Token": token})
    assert response.status_code == 200, response.text
    return response.json()


def test_serve_runs_the_web_chat_alone_with_cases_on_standard_output(tmp_path):
    env = _env(tmp_path)
    process = subprocess.Popen([sys.executable, "-m", "bot.cli.main", "serve", "--port", "0"], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out = Output(process.stdout)
        base = out.wait_for(r"Webbchatten / web chat: (http://127\.0\.0\.1:\d+)/chat").group(1)
        with httpx.Client(base_url=base, timeout=20) as client:
            for _ in range(200):
                if client.get("/readyz").status_code == 200:
                    break
                time.sleep(0.1)
            assert client.get("/readyz").json()["checks"]["web"] is True
            assert 'role="log"' in client.get("/chat").text
            token = client.get("/chat/api/history").json()["token"]
            offer = _post(client, base, token, text=RESTAURANT)["lines"][-1]
            _post(client, base, token, choice=offer["buttons"][0]["value"])
            opened = _post(client, base, token, text="Anna Svensson, 070-123 45 67")["lines"][-1]
            number = re.search(r"L-\d{4}-\d{4}", "".join(p[1] for p in opened["parts"])).group(0)
            out.wait_for(rf"━━ {number}")  # the case card, on the desk that is standard output
            out.wait_for(r"070-123 45 67")  # how the navigator reaches her
            last = opened["id"]
            reply = subprocess.run([sys.executable, "-m", "bot.cli.main", "cases", "reply", number,
                                    "Hej Anna! Jag ringer dig i morgon.", "--as", "johan.wik@sjovik.example"],
                                   cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
            assert reply.returncode == 0, reply.stdout + reply.stderr
            with client.stream("GET", f"/chat/api/stream?after={last}") as stream:  # the scheduler's sweep sends it
                seen, lines = "", stream.iter_lines()
                for line in lines:
                    seen += line
                    if "Jag ringer dig i morgon" in seen:
                        break
                process.send_signal(signal.SIGTERM)  # with the stream still open
                for _ in lines:  # ends cleanly: a cut connection would raise here
                    pass
        assert process.wait(60) == 0
        assert "Traceback" not in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

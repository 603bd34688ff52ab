"""`lotsen kb links` against a local HTTP server on 127.0.0.1 (never the internet): HEAD, then
GET where HEAD is refused or fails, a timeout, bounded concurrency, exit code 1 on a failure."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from bot.knowledge.links import check_links, collect_urls
from bot.knowledge.loader import check_knowledge
from tests.test_kb_fixtures import TODAY, article_text, write_knowledge


class Site(BaseHTTPRequestHandler):
    """Everything else: 200. /head-405: HEAD 405, GET 200. /no-head: HEAD 501, GET 200. /get-only:
    HEAD 403, GET 200. /redirect: 301 to /ok. /missing: 404. Anything with 'broken' in it: 500.
    /slow: answers after 3 s. /busy/*: 200 after 0.2 s, counting the requests in flight."""

    in_flight = 0
    max_in_flight = 0
    lock = threading.Lock()
    requests: list[tuple[str, str]] = []

    def log_message(self, *args) -> None:  # quiet
        pass

    def _answer(self, method: str) -> None:
        path = self.path
        Site.requests.append((method, path))
        if path.startswith("/busy/"):
            with Site.lock:
                Site.in_flight += 1
                Site.max_in_flight = max(Site.max_in_flight, Site.in_flight)
            time.sleep(0.2)
            with Site.lock:
                Site.in_flight -= 1
            return self._status(200)
        if path == "/slow":
            time.sleep(3)
            return self._status(200)
        if path == "/redirect":
            self.send_response(301)
            self.send_header("Location", "/ok")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if path == "/head-405" and method == "HEAD":
            return self._status(405)
        if path == "/get-only" and method == "HEAD":
            return self._status(403)
        if path == "/missing" or "broken" in path:
            return self._status(404 if path == "/missing" else 500)
        return self._status(200)

    def _status(self, code: int) -> None:
        body = b"ok" if code < 400 else b"no"
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        self._answer("GET")

    def do_HEAD(self) -> None:  # noqa: N802
        if self.path.startswith("/no-head"):
            self.send_error(501)
            return
        self._answer("HEAD")


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # a client that hung up early: fine
        pass


@pytest.fixture
def site():
    Site.requests = []
    Site.in_flight = Site.max_in_flight = 0
    server = QuietServer(("127.0.0.1", 0), Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def closed_port() -> str:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    port = server.server_address[1]
    server.server_close()
    return f"http://127.0.0.1:{port}/nobody-listens"


def test_head_then_get_and_what_counts_as_failing(site):
    urls = {name: f"{site}/{name}" for name in ("ok", "head-405", "no-head", "get-only", "redirect", "missing",
                                                "broken", "slow")}
    urls["refused"] = closed_port()
    results = {r.url: r for r in check_links(urls.values(), timeout=1.0, concurrency=4)}
    ok = {name for name, url in urls.items() if results[url].ok}
    assert ok == {"ok", "head-405", "no-head", "get-only", "redirect"}
    assert results[urls["ok"]].method == "HEAD"  # a HEAD that answers is enough
    assert ("GET", "/ok") not in Site.requests
    assert results[urls["head-405"]].method == "GET" and ("GET", "/head-405") in Site.requests
    assert results[urls["missing"]].status == 404 and results[urls["broken"]].status == 500
    assert results[urls["slow"]].status is None and "Timeout" in results[urls["slow"]].error
    assert results[urls["refused"]].status is None and results[urls["refused"]].error


def test_concurrency_is_bounded_and_each_url_is_asked_once(site):
    urls = [f"{site}/busy/{i}" for i in range(10)] * 2
    results = check_links(urls, timeout=5.0, concurrency=3)
    assert len(results) == 10 and all(r.ok for r in results)
    assert 1 < Site.max_in_flight <= 3
    assert sorted(path for _, path in Site.requests) == sorted(f"/busy/{i}" for i in range(10))


def test_every_source_of_the_articles_and_the_profile_is_collected(tmp_path):
    kb, problems = check_knowledge(write_knowledge(tmp_path, base="https://lotsen.example"), today=TODAY)
    assert problems == []
    urls = collect_urls(kb)
    assert [place.rsplit(": ", 1)[1] for place in urls["https://lotsen.example/lag/pbl"]] == ["legal_basis", "deadline"]
    assert any(place.endswith(": fees") for place in urls["https://lotsen.example/taxa#bygg"])
    assert any(place.endswith("municipality.yaml: fees.bygglov.url") for place in urls["https://lotsen.example/taxa#bygg"])
    assert any(place.endswith(": sources") for place in urls["https://lotsen.example/boverket/bygglov"])
    assert "municipality.yaml: contact.web" in urls["https://lotsen.example/kommun"]
    assert "municipality.yaml: fees.miljo.url" in urls["https://lotsen.example/taxa#miljo"]
    assert len(urls) == 7


@pytest.fixture
def cli(tmp_path, monkeypatch):
    def run(base: str, articles: dict[str, str] | None = None):
        folder = write_knowledge(tmp_path, articles, base=base)
        monkeypatch.setenv("LOTSEN_KNOWLEDGE_DIR", str(folder))
        monkeypatch.setenv("LOTSEN_ROUTING_FILE", str(tmp_path / "no-rules.yaml"))
        monkeypatch.chdir(tmp_path)
        return CliRunner().invoke(app, ["kb", "links", "--timeout", "2", "--concurrency", "4"])

    return run


def test_kb_links_passes_when_every_source_answers(site, cli):
    result = cli(site)
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("7 URL(s) checked, 0 failed.")
    assert "FAIL" not in result.output


def test_kb_links_lists_the_failing_sources_and_exits_1(site, cli):
    text = (article_text(base=site).replace(f"{site}/boverket/bygglov", f"{site}/missing")
            .replace(f"    - {site}/lag/pbl", f"    - {site}/broken/lag"))
    result = cli(site, {"bygglov": text})
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert any(line.startswith("FAIL") and "404" in line and line.endswith(f"{site}/missing") for line in lines)
    assert any(line.startswith("FAIL") and "500" in line and line.endswith(f"{site}/broken/lag") for line in lines)
    assert any(line.strip().endswith("articles/bygglov.md: legal_basis") for line in lines)
    assert sum(line.startswith("FAIL") for line in lines) == 2
    assert lines[-1] == "8 URL(s) checked, 2 failed."

"""The web chat in a real Chromium (Debian's chromium, driven by Playwright; nothing is
downloaded): the whole flow a person takes, keyboard only, hostile text rendered inert, the page
at 320 px and at 200 % zoom, and axe-core on the page and the widget. Screenshots go to
tests/artifacts/ (git-ignored)."""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.web_support import CHROMIUM, start_web_chat

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium on this machine: install Debian's "
                                "chromium (apt-get install chromium); .ci/run does")
playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

ARTIFACTS = Path(__file__).parent / "artifacts"
RESTAURANT = "Jag vill öppna en restaurang med alkohol och uteservering i en gammal butikslokal"
QUESTION = re.compile("fråga|question", re.IGNORECASE)


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def chat(tmp_path):
    chat = start_web_chat(tmp_path)
    yield chat
    chat.stop()


def _page(browser, *, width=1280, height=900, scale=1):
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=scale,
                                  locale="sv-SE")
    return context.new_page()


def _ask(page, text):
    box = page.get_by_role("textbox", name=QUESTION)
    box.fill(text)
    box.press("Enter")
    expect(box).to_have_value("")


def _serious(results) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {v['help']}" for v in results.response["violations"]
            if v.get("impact") in ("serious", "critical")]


def test_the_whole_flow_in_chromium(browser, chat):
    ARTIFACTS.mkdir(exist_ok=True)
    page = _page(browser)
    page.goto(chat.url + "/chat")
    log = page.get_by_role("log")
    expect(log).to_contain_text("Jag är Lotsen")
    box = page.get_by_role("textbox", name=QUESTION)

    _ask(page, "Behöver jag bygglov för ett skärmtak?")  # a question
    expect(log).to_contain_text("Kommunen ska besluta inom 10 veckor")
    expect(box).to_be_focused()
    page.reload()  # the conversation comes back
    expect(page.get_by_role("log")).to_contain_text("skärmtak")

    _ask(page, RESTAURANT)  # a checklist, and the offer of a joint meeting
    expect(log).to_contain_text("i den ordning du bör ta det")
    page.get_by_role("button", name="Ja, gärna").click()  # consent
    expect(log).to_contain_text("Så når vi dig")  # how replies reach her once the page is closed
    _ask(page, "Anna Svensson, anna@example.se")  # contact
    expect(log).to_contain_text(re.compile(r"ärendenummer är L-\d{4}-\d{4}"))
    number = re.search(r"L-\d{4}-\d{4}", log.inner_text()).group(0)
    chat.lotsen.dispatch_outbox()
    assert [card.number for card in chat.lotsen.desk.cards] == [number]  # convened on the desk
    assert "anna@example.se" in chat.lotsen.desk.cards[0].summary

    other_tab = page.context.new_page()  # the same person in another tab
    other_tab.goto(chat.url + "/chat")
    expect(other_tab.get_by_role("log")).to_contain_text(number)
    chat.reply_as_navigator(number, "Hej Anna! Jag ringer dig i morgon förmiddag.")  # arrives live, in both
    expect(log).to_contain_text("Jag ringer dig i morgon förmiddag")
    expect(other_tab.get_by_role("log")).to_contain_text("Jag ringer dig i morgon förmiddag")
    other_tab.close()
    page.screenshot(path=str(ARTIFACTS / "web-chat-desktop.png"), full_page=True)

    _ask(page, "När är nästa företagsfrukost?")  # a meeting sign-up
    page.get_by_role("button", name="Anmäl mig: 1").click()
    expect(log).to_contain_text("Skriv ditt namn och ditt företag")  # the organiser's list
    _ask(page, "Anna Svensson, Svenssons Kafé")
    expect(log).to_contain_text("Du är anmäld")
    invitation = page.get_by_role("link", name=re.compile(r"Ladda ner .*\.ics"))
    with page.expect_download() as download:
        invitation.click()
    assert b"BEGIN:VCALENDAR" in Path(download.value.path()).read_bytes()

    page.get_by_role("button", name="Glöm mig").click()  # erasure: asked first, there is an open case
    expect(log).to_contain_text(number)
    page.get_by_role("button", name="Ja, radera").click()
    expect(log).to_contain_text("Raderat")
    expect(log).not_to_contain_text("skärmtak")
    page.reload()
    expect(page.get_by_role("log")).to_contain_text("Jag är Lotsen")
    expect(page.get_by_role("log")).not_to_contain_text("skärmtak")
    page.context.close()


def test_hostile_text_is_shown_as_text_and_never_runs(browser, chat):
    page = _page(browser)
    page.goto(chat.url + "/chat")
    hostile = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script> https://evil.example/x'
    _ask(page, hostile)
    log = page.get_by_role("log")
    expect(log).to_contain_text('<script>window.pwned=2</script>')
    assert page.evaluate("window.pwned") is None
    assert log.locator("img, script").count() == 0
    assert log.locator("a[href^='https://evil']").count() == 0
    _ask(page, "Behöver jag bygglov för ett skärmtak?")
    expect(log.locator("a[href^='https://']").first).to_be_visible()  # the knowledge base's own links
    page.context.close()


def test_keyboard_alone(browser, chat):
    page = _page(browser)
    page.goto(chat.url + "/chat")
    expect(page.get_by_role("log")).to_contain_text("Jag är Lotsen")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Hoppa till frågerutan")).to_be_focused()
    page.keyboard.press("Enter")
    box = page.get_by_role("textbox", name=QUESTION)
    expect(box).to_be_focused()
    page.keyboard.type(RESTAURANT)
    page.keyboard.press("Enter")
    consent = page.get_by_role("button", name="Ja, gärna")
    expect(consent).to_be_visible()
    for _ in range(20):  # Shift+Tab back from the box to the newest buttons
        if page.evaluate("document.activeElement && document.activeElement.textContent") == "Ja, gärna":
            break
        page.keyboard.press("Shift+Tab")
    expect(consent).to_be_focused()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")  # visible focus
    page.keyboard.press("Enter")
    expect(page.get_by_role("log")).to_contain_text("Så når vi dig")
    page.context.close()


@pytest.mark.parametrize("width,scale,name", [(320, 1, "320px"), (640, 2, "zoom200")])
def test_narrow_and_zoomed_without_sideways_scrolling(browser, chat, width, scale, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page = _page(browser, width=width, height=720, scale=scale)
    page.goto(chat.url + "/chat")
    _ask(page, RESTAURANT)
    expect(page.get_by_role("button", name="Ja, gärna")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(ARTIFACTS / f"web-chat-{name}.png"), full_page=True)
    page.context.close()


def test_a_question_sent_while_the_page_still_loads_waits_for_it(browser, chat):
    """Someone quick (or on a slow line) asks before the history and its post token have come:
    the question waits for them and is answered, not refused for a missing token."""
    page = _page(browser)
    held = []
    page.route("**/chat/api/history*", lambda route: held.append(route))
    page.goto(chat.url + "/chat")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the page never asked for its history"
    _ask(page, RESTAURANT)
    page.wait_for_timeout(300)
    assert "⚠" not in page.locator("#status").inner_text()
    for route in held:
        route.continue_()
    expect(page.get_by_role("button", name="Ja, gärna")).to_be_visible()
    expect(page.get_by_role("log")).to_contain_text(RESTAURANT)
    page.context.close()


def test_english_follows_the_visitor_and_the_conversation(browser, chat):
    page = _page(browser)
    page.goto(chat.url + "/chat")
    expect(page.get_by_role("log")).to_contain_text("Jag är Lotsen")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("textbox", name="Your question")).to_be_visible()
    expect(page.get_by_role("log")).to_contain_text("I am Lotsen")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.context.close()


def test_axe_finds_nothing_serious_on_the_page_and_the_widget(browser, chat):
    from axe_playwright_python.sync_playwright import Axe

    ARTIFACTS.mkdir(exist_ok=True)
    page = _page(browser)
    page.goto(chat.url + "/chat")
    _ask(page, RESTAURANT)
    expect(page.get_by_role("button", name="Ja, gärna")).to_be_visible()
    assert _serious(Axe().run(page)) == []
    page.goto(chat.url + "/chat?embed=1")  # what the widget's frame shows
    expect(page.get_by_role("log")).to_contain_text("Lotsen")
    assert _serious(Axe().run(page)) == []

    # The widget on the municipality's own page (another origin, listed in the profile's web block),
    # one script tag.
    with municipality_site(f'<script src="{chat.url}/chat/widget.js" defer></script>') as site:
        branding = chat.plugin.chat.branding
        chat.plugin.chat.branding = replace(branding, origins=(*branding.origins, site))
        page.context.close()
        page = _page(browser)  # a visitor new to the chat
        _widget(page, site)
    page.context.close()


def _widget(page, host):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(host + "/foretag")
    opener = page.get_by_role("button", name="Fråga Lotsen")
    opener.click()
    expect(opener).to_have_attribute("aria-expanded", "true")
    frame = page.frame_locator("iframe[title='Chatt med Lotsen']")
    expect(frame.get_by_role("log")).to_contain_text("Jag är Lotsen")
    expect(frame.get_by_role("textbox", name=QUESTION)).to_be_visible()
    frame.get_by_role("textbox", name=QUESTION).fill("Behöver jag bygglov för ett skärmtak?")
    frame.get_by_role("textbox", name=QUESTION).press("Enter")
    expect(frame.locator(".msg.me")).to_have_text(re.compile("skärmtak"))
    expect(frame.locator(".msg.bot").nth(1)).to_contain_text("Kommunen ska besluta inom 10 veckor")
    page.screenshot(path=str(ARTIFACTS / "web-chat-widget.png"))
    assert _serious(Axe().run(page)) == []


def test_a_site_not_in_the_profile_cannot_frame_the_chat(browser, chat):
    page = _page(browser)
    with municipality_site(f'<iframe title="chat" src="{chat.url}/chat?embed=1"></iframe>') as site:
        page.goto(site + "/")
        expect(page.get_by_title("chat")).to_be_attached()
        frame = page.frame_locator("iframe[title='chat']")
        page.wait_for_load_state("load")
        assert frame.get_by_role("log").count() == 0  # refused by frame-ancestors
    page.context.close()


@contextmanager
def municipality_site(tail: str):
    """A page of the municipality's own site on another origin (127.0.0.1, another port)."""
    body = ('<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Företag – Sjöviks kommun</title>'
            '</head><body><main><h1>Företag</h1><p>Starta och driva företag i Sjövik.</p></main>'
            f'{tail}</body></html>').encode()

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()

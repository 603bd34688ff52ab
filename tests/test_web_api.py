"""The web chat's HTTP side against the real core: the page and its headers, the conversation
kept across reloads and tabs, the live stream, and hostile input refused (forged cookies, posts
from another origin or without the token, huge messages, floods, forged buttons)."""

from __future__ import annotations

import json
import re
import threading

import httpx
import pytest

from bot.adapters.web.limits import Limit, Limits
from bot.adapters.web.session import COOKIE
from bot.core.ports import OutboundMessage
from tests.web_support import Visitor, start_web_chat

RESTAURANT = "Jag vill öppna en restaurang med alkohol och uteservering i en gammal butikslokal"


@pytest.fixture
def chat(tmp_path):
    chat = start_web_chat(tmp_path)
    yield chat
    chat.stop()


def _transcript(chat, sid):
    return chat.plugin.chat.transcript.since(sid)


def _sid(chat, client):
    return chat.plugin.chat.sessions.read(client.cookies.get(COOKIE))


def test_the_page_has_a_strict_policy_no_inline_code_and_a_strictly_necessary_cookie(chat):
    with chat.client() as client:
        page = client.get("/chat")
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy and "default-src 'none'" in policy
    assert "frame-ancestors 'self' https://sjovik.example https://www.sjovik.example" in policy  # the profile's
    html = page.text
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # every script is a file
    assert not re.search(r"\son[a-z]+=", html) and " style=" not in html
    assert 'role="log"' in html and "Sjöviks kommun" in html
    cookie = page.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "Path=/chat" in cookie
    assert "SameSite=lax" in cookie.replace("Lax", "lax")
    for asset in ("/chat/static/chat.js", "/chat/static/chat.css", "/chat/theme.css", "/chat/logo",
                  "/chat/widget.js"):
        assert chat.client().get(asset).status_code == 200, asset
    assert chat.client().get("/chat/static/..%2Fplugin.py").status_code == 404


def test_the_conversation_comes_back_after_a_reload_and_in_another_tab(chat):
    anna = Visitor(chat)
    assert len(anna.history["lines"]) == 1  # the welcome
    anna.say("Behöver jag bygglov för ett skärmtak?")
    tab = chat.client()
    tab.cookies.set(COOKIE, anna.client.cookies.get(COOKIE))
    again = tab.get("/chat/api/history").json()
    texts = [Visitor.text(line) for line in again["lines"]]
    assert texts[1] == "Behöver jag bygglov för ett skärmtak?" and "Bygglov" in texts[2]
    assert again["token"] == anna.token
    assert len(Visitor(chat).history["lines"]) == 1  # somebody else sees only their own welcome


def test_only_links_the_knowledge_base_holds_become_links(chat):
    anna = Visitor(chat)
    answer = anna.say("Behöver jag bygglov för ett skärmtak?")["lines"][-1]
    links = [part[1] for part in answer["parts"] if part[0] == "a"]
    assert links and all(url.startswith("https://") for url in links)
    assert all(url in chat.plugin.chat.links for url in links)
    mine = anna.say("<script>alert(1)</script> se https://evil.example/x och <b>fet</b>")["lines"][0]
    assert mine["parts"] == [["t", "<script>alert(1)</script> se https://evil.example/x och <b>fet</b>"]]


def test_a_forged_or_foreign_cookie_is_never_taken(chat, tmp_path):
    anna = Visitor(chat)
    anna.say("Behöver jag bygglov för ett skärmtak?")
    cookie = anna.client.cookies.get(COOKIE)
    sid = _sid(chat, anna.client)
    forged = [sid + ".AAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAA", cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB"),
              "x" * 500, "", "' OR 1=1 --"]
    for value in forged:
        sent = {"Cookie": f"{COOKIE}={value}"}
        with httpx.Client(base_url=chat.url, timeout=10) as client:
            history = client.get("/chat/api/history", headers=sent)
            assert history.status_code == 200
            assert len(history.json()["lines"]) == 1  # a fresh session: the welcome only
            fresh = re.search(rf"{COOKIE}=([^;]+)", history.headers.get("set-cookie", "")).group(1)
            assert chat.plugin.chat.sessions.read(fresh) not in (None, sid)
            post = client.post("/chat/api/message", json={"text": "hej"},
                               headers={**sent, "Origin": chat.url, "X-CSRF-Token": anna.token})
            assert post.status_code == 403
            assert client.get("/chat/api/stream", headers=sent).status_code == 403
    assert len(_transcript(chat, sid)) == 3  # nothing was added to Anna's conversation


def test_posts_from_another_origin_or_without_the_token_are_refused(chat):
    anna = Visitor(chat)
    before = len(_transcript(chat, _sid(chat, anna.client)))
    attempts = [
        {"Origin": "https://evil.example", "X-CSRF-Token": anna.token},
        {"Origin": "null", "X-CSRF-Token": anna.token},
        {"X-CSRF-Token": anna.token},  # no Origin at all
        {"Origin": chat.url},  # no token
        {"Origin": chat.url, "X-CSRF-Token": "wrong"},
        {"Origin": chat.url, "X-CSRF-Token": Visitor(chat).token},  # another session's token
    ]
    for headers in attempts:
        response = anna.client.post("/chat/api/message", json={"text": "Behöver jag bygglov?"}, headers=headers)
        assert response.status_code == 403, headers
        assert response.json()["message"]  # said politely, in Swedish
    assert len(_transcript(chat, _sid(chat, anna.client))) == before


def test_huge_messages_are_refused_and_nothing_is_kept(chat):
    anna = Visitor(chat)
    sid = _sid(chat, anna.client)
    too_long = anna.post(text="a" * 2001)
    assert too_long.status_code == 413 and "2000" in too_long.json()["message"]
    padded = anna.client.post("/chat/api/message", content=json.dumps({"text": "hej", "pad": "x" * 20_000}),
                              headers={"Origin": chat.url, "X-CSRF-Token": anna.token,
                                       "Content-Type": "application/json"})
    assert padded.status_code == 413
    huge = anna.client.post("/chat/api/message", content=b"x" * 2_000_000,
                            headers={"Origin": chat.url, "X-CSRF-Token": anna.token})
    assert huge.status_code == 413  # the server's own limit, before the route reads anything
    assert anna.post(text="   ").status_code == 400
    assert anna.client.post("/chat/api/message", content=b"[1, 2", headers={
        "Origin": chat.url, "X-CSRF-Token": anna.token}).status_code == 400
    assert len(_transcript(chat, sid)) == 1
    assert anna.post(text="a" * 2000).status_code == 200  # the limit itself is fine


def test_floods_are_refused_per_session_and_per_address(tmp_path):
    limits = Limits(per_session=Limit(burst=3, per_second=0.001), per_address=Limit(burst=8, per_second=0.001),
                    new_sessions=Limit(burst=4, per_second=0.001))
    chat = start_web_chat(tmp_path, limits=limits)
    try:
        anna = Visitor(chat)
        codes = [anna.post(text="hej").status_code for _ in range(5)]
        assert codes == [200, 200, 200, 429, 429]
        assert "Vänta" in anna.post(text="hej").json()["message"]
        bert = Visitor(chat)
        codes = [bert.post(text="hej").status_code for _ in range(3)]
        assert codes == [200, 200, 429]  # 8 posts from one address (refused ones count), whoever posts
        minted = [chat.client().get("/chat/api/history").status_code for _ in range(3)]
        assert minted == [200, 200, 429]  # new sessions from one address, beyond anna's and bert's
    finally:
        chat.stop()


def test_a_button_value_counts_only_as_issued_to_this_session(chat):
    anna, bert = Visitor(chat), Visitor(chat)
    consent = anna.say(RESTAURANT)["lines"][-1]
    values = [b["value"] for b in consent["buttons"]]
    assert bert.post(choice=values[0]).status_code == 400  # issued to anna, not bert
    assert anna.post(choice="c:consent:yes:AAAAAAAAAAAAAAAA").status_code == 400  # forged signature
    assert anna.post(choice="consent:yes").status_code == 400  # a bare key
    yes = anna.post(choice=values[0])
    assert yes.status_code == 200
    assert Visitor.text(yes.json()["lines"][0]) == consent["buttons"][0]["label"]  # shown as pressed


def _events(response, until, limit=50):
    found = []
    lines = response.iter_lines()
    event = {}
    for line in lines:
        if line.startswith("id: "):
            event["id"] = int(line[4:])
        elif line.startswith("data: "):
            event["data"] = json.loads(line[6:])
        elif line == "" and event:
            found.append(event)
            event = {}
            if until(found) or len(found) >= limit:
                break
    return found


def test_a_navigators_reply_arrives_on_the_open_stream_and_a_reconnect_gets_what_it_missed(chat):
    anna = Visitor(chat)
    anna.say(RESTAURANT)
    consent = anna.history = anna.client.get("/chat/api/history").json()["lines"][-1]
    anna.post(choice=consent["buttons"][0]["value"])
    opened = anna.say("Anna Svensson, anna@example.se")["lines"][-1]
    number = re.search(r"L-\d{4}-\d{4}", Visitor.text(opened)).group(0)
    chat.lotsen.dispatch_outbox()
    assert [card.number for card in chat.lotsen.desk.cards] == [number]  # convened on the desk
    assert "anna@example.se" in chat.lotsen.desk.cards[0].summary  # how the navigator reaches her
    last = opened["id"]
    with httpx.Client(base_url=chat.url, timeout=20, cookies=anna.client.cookies) as tab:
        with tab.stream("GET", f"/chat/api/stream?after={last}") as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            threading.Timer(0.3, chat.reply_as_navigator, args=(number, "Hej Anna! Jag ringer i morgon.")).start()
            events = _events(stream, lambda found: any("ringer" in Visitor.text(e["data"]) for e in found))
    assert "Hej Anna! Jag ringer i morgon." in Visitor.text(events[-1]["data"])
    chat.reply_as_navigator(number, "Ett till svar medan sidan var stängd.")
    with httpx.Client(base_url=chat.url, timeout=20, cookies=anna.client.cookies) as tab:
        with tab.stream("GET", "/chat/api/stream", headers={"Last-Event-ID": str(events[-1]["id"])}) as stream:
            missed = _events(stream, lambda found: bool(found))
    assert "Ett till svar" in Visitor.text(missed[0]["data"]) and missed[0]["id"] > events[-1]["id"]


def test_stopping_the_server_ends_open_streams_cleanly(tmp_path):
    chat = start_web_chat(tmp_path)
    anna = Visitor(chat)
    ended = []

    def listen():
        with httpx.Client(base_url=chat.url, timeout=60, cookies=anna.client.cookies) as tab:
            with tab.stream("GET", "/chat/api/stream") as stream:
                for _ in stream.iter_lines():  # a cut connection would raise instead of ending
                    pass
        ended.append(True)

    listener = threading.Thread(target=listen)
    listener.start()
    for _ in range(100):  # until the stream has subscribed
        if chat.plugin.chat.hub.count():
            break
        threading.Event().wait(0.05)
    assert chat.plugin.chat.hub.count() == 1
    chat.http.stop()  # as `lotsen serve` stops: the server first, its shutdown hook ends the stream
    listener.join(30)
    assert ended == [True]
    chat.stop()


def test_erasure_removes_the_transcript_and_starts_a_new_session(chat):
    anna = Visitor(chat)
    anna.say("Behöver jag bygglov för ett skärmtak?")
    sid = _sid(chat, anna.client)
    assert len(_transcript(chat, sid)) == 3
    erased = anna.post(command="erase")
    assert erased.status_code == 200 and erased.json()["reset"] is True
    assert "Raderat" in Visitor.text(erased.json()["lines"][0])
    assert _transcript(chat, sid) == []
    assert _sid(chat, anna.client) not in (None, sid)  # the new cookie
    assert "sid" not in erased.json()


def test_the_outbox_waits_until_the_web_chat_is_bound(tmp_path):
    from bot.adapters.http import HttpServer
    from bot.adapters.plugin import PluginHost
    from bot.adapters.web.plugin import WebPlugin
    from bot.config import load_settings
    from bot.core.ports import OutboundMessage, SendError
    from bot.startup import Retry

    http = HttpServer(host="127.0.0.1", port=0)
    try:
        host = PluginHost(settings=load_settings(), http=http, retry=Retry())
        WebPlugin(announce=lambda line: None).setup(host)
        with pytest.raises(SendError) as refused:
            host.channels["web"].send(OutboundMessage(channel="web", address="x" * 22, text="hej"))
        assert refused.value.retryable
        assert http.readiness()["web"] is False
    finally:
        http.stop()


def test_two_replicas_on_one_database_act_as_one(tmp_path):
    first, second = start_web_chat(tmp_path), start_web_chat(tmp_path)  # one database file, two servers
    try:
        anna = Visitor(first)
        anna.say("Behöver jag bygglov för ett skärmtak?")
        cookie = anna.client.cookies.get(COOKIE)
        with httpx.Client(base_url=second.url, timeout=20, headers={"Cookie": f"{COOKIE}={cookie}"}) as other:
            history = other.get("/chat/api/history").json()  # the same key, the same conversation
            assert history["token"] == anna.token and len(history["lines"]) == 3
            sid = _sid(first, anna.client)
            with other.stream("GET", f"/chat/api/stream?after={history['lines'][-1]['id']}") as stream:
                # A message sent by the first replica's outbox reaches the stream on the second.
                reminder = OutboundMessage(channel="web", address=sid, text="Påminnelse: företagsfrukost i morgon.")
                threading.Timer(0.3, first.plugin.chat.send, args=(reminder,)).start()
                events = _events(stream, lambda found: bool(found))
        assert "Påminnelse" in Visitor.text(events[0]["data"])
    finally:
        second.stop()
        first.stop()


def test_settings_turn_the_web_chat_off_and_refuse_a_short_key():
    from bot.adapters.web.plugin import WebPlugin
    from bot.config import ConfigError, load_settings

    plugin = WebPlugin(announce=lambda line: None)
    assert plugin.enabled(load_settings()) and not plugin.enabled(load_settings(LOTSEN_WEB_CHAT="off"))
    with pytest.raises(ConfigError, match="^LOTSEN_WEB_SECRET: at least 32 characters"):
        plugin.check(load_settings(LOTSEN_WEB_SECRET="short"))
    plugin.check(load_settings(LOTSEN_WEB_SECRET="k" * 32))


def test_a_configured_key_signs_the_cookie_and_another_key_refuses_it(tmp_path):
    chat = start_web_chat(tmp_path, LOTSEN_WEB_SECRET="a" * 40)
    try:
        anna = Visitor(chat)
        cookie = anna.client.cookies.get(COOKIE)
    finally:
        chat.stop()
    other = start_web_chat(tmp_path, LOTSEN_WEB_SECRET="b" * 40)  # the same database, another key
    try:
        with httpx.Client(base_url=other.url, headers={"Cookie": f"{COOKIE}={cookie}"}) as client:
            assert client.get("/chat/api/history").json()["token"] != anna.token
    finally:
        other.stop()


def test_the_page_its_script_and_the_widget_get_their_texts_from_the_catalogs(chat):
    from bot.locales import msg

    client = chat.client()
    english = client.get("/chat", headers={"Accept-Language": "en-GB,en;q=0.9"}).text
    assert '<html lang="en"' in english and f'>{msg("en", "web.page.label")}</label>' in english
    assert "Your question" in english
    swedish = client.get("/chat", headers={"Accept-Language": "de-DE,sv;q=0.5"}).text
    assert '<html lang="sv"' in swedish and ">Din fråga</label>" in swedish and ">English</button>" in swedish
    texts = client.get("/chat/api/texts").json()
    assert texts["languages"] == ["sv", "en"]
    assert texts["texts"]["en"]["label"] == "Your question" and texts["texts"]["sv"]["language"] == "svenska"
    widget = client.get("/chat/widget.js").text
    assert "/*TEXTS*/" not in widget and msg("sv", "web.widget.open") in widget.encode().decode("unicode_escape")
    # A refusal before the post is read is in the browser's language.
    refused = client.post("/chat/api/message", json={"text": "hej"}, headers={"Accept-Language": "en"})
    assert refused.status_code == 403 and refused.json()["message"] == msg("en", "web.refusal.origin")

"""The bounded memory of handled ids (Slack event_id, Telegram update_id)."""

from __future__ import annotations

from bot.adapters.dedupe import SeenIds


def test_claim_once_release_on_failure_and_expiry():
    now = [0.0]
    seen = SeenIds(max_size=3, ttl=60, clock=lambda: now[0])
    assert seen.claim("Ev1") and not seen.claim("Ev1")
    seen.release("Ev1")  # handling failed: the platform's retry must be handled
    assert seen.claim("Ev1")
    now[0] = 61
    assert seen.claim("Ev1")  # forgotten after the TTL (Slack retries within minutes)


def test_bounded():
    seen = SeenIds(max_size=2, ttl=3600, clock=lambda: 0.0)
    for key in ("a", "b", "c"):
        assert seen.claim(key)
    assert len(seen) == 2 and seen.claim("a") and not seen.claim("c")

"""Entrepreneurs' button data: signed for the chat it was sent to, checked on the way back."""

from __future__ import annotations

import pytest

from bot.adapters.choices import MAX_DATA_BYTES, ChoiceKeys, derive_secret

SECRET = derive_secret("telegram buttons", "123456:TEST-TOKEN")


def test_a_button_comes_back_as_its_key_only_in_its_own_chat():
    keys = ChoiceKeys(SECRET)
    data = keys.issue("42", "topic:uteservering")
    assert data.startswith("c:") and len(data.encode()) <= MAX_DATA_BYTES
    assert keys.resolve("42", data) == "topic:uteservering"
    assert keys.resolve("43", data) is None


@pytest.mark.parametrize("forge", [
    lambda data: data.replace("uteservering", "bygglov"),  # another key, the same signature
    lambda data: data[:-2] + ("AA" if not data.endswith("AA") else "BB"),  # a changed signature
    lambda data: "c:topic:uteservering",  # no signature
    lambda data: "c:topic:uteservering:åäö",  # not even ASCII
    lambda data: "",
    lambda data: "e:unknown",
])
def test_forged_data_is_refused(forge):
    keys = ChoiceKeys(SECRET)
    assert keys.resolve("42", forge(keys.issue("42", "topic:uteservering"))) is None


def test_signed_buttons_survive_a_restart_and_other_secrets_refuse_them():
    data = ChoiceKeys(SECRET).issue("42", "consent:yes")
    assert ChoiceKeys(SECRET).resolve("42", data) == "consent:yes"  # a new process, the same token
    assert ChoiceKeys(derive_secret("slack buttons", "123456:TEST-TOKEN")).resolve("42", data) is None
    assert ChoiceKeys().resolve("42", data) is None  # no secret given: one of its own


def test_a_key_too_long_to_sign_within_64_bytes_is_remembered_in_the_process():
    keys = ChoiceKeys(SECRET, max_remembered=2)
    long_key = "topic:" + "x" * 60
    first = keys.issue("42", long_key)
    assert first.startswith("e:") and len(first.encode()) <= MAX_DATA_BYTES
    assert keys.resolve("42", first) == long_key and keys.resolve("43", first) is None
    keys.issue("42", long_key), keys.issue("42", long_key)
    assert keys.resolve("42", first) is None  # bounded: the oldest is forgotten
    assert ChoiceKeys(SECRET).resolve("42", keys.issue("42", long_key)) is None  # not after a restart

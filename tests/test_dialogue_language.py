"""Scripted dialogues on the console, Telegram and Slack: the conversation keeps its language,
a language Lotsen does not speak gets a short reply in Swedish and English, a bare number gets
a sensible answer."""

from __future__ import annotations

import pytest

from tests.dialogue_support import driver  # noqa: F401 (driver: a fixture)
from tests.test_dialogue_navigator import conversation

CONTACT_PHONE = "0520-49 70 00"  # knowledge/municipality.yaml


ENGLISH = ("I am sorry", "I have not been able", "Would you like", "You would like", "Sorry, I only speak")


def test_a_swedish_conversation_stays_swedish(driver):
    assert "Bygglov" in driver.say("Behöver jag bygglov för ett skärmtak?")
    for odd in ("'; DROP TABLE cases;--", "<!here>", "🙂", "<script>alert(1)</script>"):
        text = driver.say(odd)
        assert text.strip() and not any(marker in text for marker in ENGLISH), (odd, text)
        assert conversation(driver).lang == "sv"
    # ... and switches when the person really writes English.
    assert "Building permit" in driver.say("Do I need a building permit for a canopy?")
    assert conversation(driver).lang == "en"


@pytest.mark.parametrize("text", [
    "Waan ku faraxsanahay, waxaan rabaa inaan furo maqaayad",  # Somali
    "Haluan perustaa ravintolan, mitä lupia tarvitsen?",  # Finnish
    "Ich möchte ein Restaurant eröffnen, welche Genehmigungen brauche ich?",  # German
    "أريد فتح مطعم، ما هي التصاريح التي أحتاجها؟",  # Arabic
])
def test_a_language_lotsen_does_not_speak_gets_swedish_and_english(driver, text):
    reply = driver.say(text)
    assert "Jag kan tyvärr bara svenska och engelska" in reply
    assert "Sorry, I only speak Swedish and English" in reply
    assert reply.count(CONTACT_PHONE) == 2 and "tillstånd" in reply and "permits" in reply
    assert "Jag förstår tyvärr bara svenska och engelska text" not in reply  # the old wrong Swedish
    assert len(reply) < 900  # short


def test_a_bare_number_gets_a_sensible_answer(driver):
    reply = driver.say("99")
    assert "Jag fick bara siffrorna ”99”" in reply and "inget val" in reply
    assert "svenska och engelska" not in reply
    # With a choice on screen the number still chooses.
    driver.say("lov?")
    assert "Det kan jag tyvärr" not in driver.say("2")

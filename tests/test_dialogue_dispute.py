"""Scripted dialogues, on the console, Telegram and Slack: a business facing an authority's
decision that threatens it (an injunction with a fine, a closure, a permit withdrawn) is offered
a case with the authority that decided and the coordinator; a plain question about how to appeal
is answered with the appeals article and the usual offer."""

from __future__ import annotations

from tests.dialogue_support import driver  # noqa: F401 (driver: a fixture)
from tests.test_dialogue_navigator import conversation

THREAT = "Miljökontoret har förelagt vår bilverkstad att sluta lacka bilar och hotar med vite. Vad gör vi?"
# The appeal of the municipality's decision. (Without "kommunens", "ett avslag på en ansökan" reads to
# the second reader like the residents' appeals in the out-of-domain corpus (färdtjänst,
# försörjningsstöd) since 2026-11-30, and the decision refuses it at 0.66.)
APPEAL = "Hur överklagar jag kommunens avslag på min ansökan?"


def test_a_decision_that_threatens_the_business_is_offered_a_case_with_the_deciding_authority(driver):
    text = driver.say(THREAT)
    assert "ett beslut du vill ifrågasätta" in text and "samtycke" in text
    assert driver.buttons() == ["Ja, gärna", "Nej tack"]
    record = conversation(driver)
    assert record.state == "consenting" and record.pending["escalation"]["reason"] == "dispute"
    assert record.pending["escalation"]["words"] == THREAT
    assert record.pending["escalation"]["roles"] == ["miljo", "naringsliv"]  # who decided, and the coordinator


def test_how_to_appeal_is_answered_not_escalated(driver):
    text = driver.say(APPEAL)
    assert "Överklaga" in text and "Vill du att en företagslots hör av sig?" in text
    assert "samtycke" not in text
    assert conversation(driver).state != "consenting"

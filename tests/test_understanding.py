"""Understanding what entrepreneurs mean: checklists for activities, joint meetings only for
undertakings that need several authorities, other authorities named, off-topic refused. The
questions here are written for these tests, not taken from any evaluation set."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from bot.matching.decision import Fitted, load_fitted, load_meeting
from tests.knowledge_support import bundle, responder


def ask(text: str):
    return responder().respond(text)


def test_an_activity_gets_an_ordered_checklist_with_lead_times():
    reply = ask("Jag funderar på att starta en tatueringsstudio i en lokal som tidigare var frisörsalong")
    assert reply.action in ("answer", "escalate")
    topics = [item["topic"] for item in reply.checklist]
    assert "halsoskydd" in topics and "bygglov" in topics
    first = reply.checklist[0]
    assert first["applies"] and first["title"] and first["deadline"]
    assert reply.topic in topics
    assert "halsoskydd" in reply.text or "Hälsoskydd" in reply.text


def test_what_depends_on_a_condition_is_listed_with_it():
    reply = ask("vi ska starta ett litet bageri, vad behöver vi?")
    conditional = [item for item in reply.checklist if not item["applies"]]
    assert conditional and all(item["condition"] for item in conditional)
    assert any(item["topic"] == "livsmedelsregistrering" and item["applies"] for item in reply.checklist)


def test_an_undertaking_for_several_authorities_convenes_only_those_needed():
    reply = ask("Vi ska öppna en pizzeria med starköl och vin och några bord på trottoaren, "
                "i en lokal som förut var en blomsteraffär")
    assert reply.action == "escalate" and reply.reason == "multi_authority"
    assert {"livsmedel", "alkohol", "gata", "bygg"} <= set(reply.roles)
    assert reply.roles[-1] == "naringsliv"
    assert not {"upphandling", "arbetsmarknad", "plan", "mark"} & set(reply.roles)
    assert reply.checklist


def test_a_running_business_asking_one_thing_gets_the_answer():
    reply = ask("Vi har drivit vår pizzeria i tio år. Hur lång tid tar det att få serveringstillstånd?")
    assert reply.action == "answer" and reply.topic == "serveringstillstand"


def test_a_business_named_with_its_owner_asks_one_thing():
    # However briefly written ("jag har kiosk"), a business that runs asks about one more thing.
    reply = ask("Jag har kiosk och vill börja sälja snus, vad gäller?")
    assert reply.action == "answer" and reply.topic == "tobak-nikotin"


def test_a_running_business_starting_another_is_an_undertaking():
    reply = ask("Vi har en camping vid ån och vill öppna en pizzeria med öl och vin i en gammal lada")
    assert reply.action == "escalate" and reply.reason == "multi_authority"
    assert {"alkohol", "livsmedel", "bygg"} <= set(reply.roles)


def test_a_question_naming_its_permit_is_answered_on_it():
    reply = ask("Måste jag göra en anmälan om miljöfarlig verksamhet för min nya biltvätt?")
    assert reply.action == "answer" and reply.topic == "miljofarlig-verksamhet"


def test_another_authoritys_question_is_referred_there():
    reply = ask("Hur mycket moms ska jag lägga på fakturorna till mina kunder?")
    assert reply.action == "out_of_scope"
    assert "skatteverket.se" in reply.text.lower()


@pytest.mark.parametrize("text", [
    "Skriv en funktion i Python som sorterar en lista med namn",
    "Vilket vin passar bäst till lax?",
    "Kan du rekommendera en bra pizzeria i stan?",
    "min dotter fick fel betyg i matte, hur överklagar man det?",
    "what's a good recipe for sourdough bread",
])
def test_near_misses_are_refused(text):
    reply = ask(text)
    assert reply.action == "out_of_scope", (reply.action, reply.topic)


def test_asking_for_a_person_reaches_one_even_without_a_topic():
    reply = ask("Jag vill prata med en människa, ring mig gärna")
    assert reply.action == "escalate" and reply.reason == "explicit_request"
    assert reply.roles == ["naringsliv"]


def test_confidence_is_a_probability_and_follows_the_evidence():
    clear = ask("Hur lång tid tar det att få bygglov för en tillbyggnad av lagret?")
    vague = ask("tillstånd för sånt där?")
    assert clear.action == "answer" and 0.5 <= clear.confidence <= 1.0
    assert vague.action != "answer" or vague.confidence < clear.confidence


def test_the_domain_model_reads_topics_and_outside():
    model = bundle().domain
    posterior = model.posterior("Hur ansöker jag om bygglov för ett skärmtak?", ["bygglov", "skyltlov"])
    assert abs(sum(posterior.values()) - 1.0) < 1e-9
    # Among the topics, bygglov. (How sure it is that the question is about the service at all is
    # the inside reader's: "hur ansöker jag om ..." is also how other authorities' questions start,
    # and the decision weighs that with the matcher's evidence; the responder answers bygglov.)
    assert posterior["bygglov"] > posterior["skyltlov"]
    assert model.posterior("Behöver jag bygglov för ett skärmtak?", ["bygglov", "skyltlov"])["bygglov"] > 0.5
    assert model.probability("Hur gör man surdegsbröd hemma?", ["livsmedelsregistrering"]) < 0.5
    copy = pickle.loads(pickle.dumps(model))  # kept by the bundle cache
    assert copy.posterior("bygglov skärmtak", ["bygglov"]) == model.posterior("bygglov skärmtak", ["bygglov"])


def test_the_inside_reader_learns_from_questions_not_prose(monkeypatch):
    """`outside` is questions, so the inside reader learns "about the service" from the topics'
    questions, titles and keywords, not from the articles' summaries and body sentences (with
    them, question style itself read as outside). Naive Bayes still reads the prose."""
    from bot.matching import domain

    kb = bundle().kb
    article = next(iter(kb.articles.values()))
    sentence = next(s for s in domain._SENTENCES.split(article.body.get("sv")) if len(s.split()) >= 4)
    seen = {}
    real = domain._inside

    def spy(inside, outside, *args):
        seen["inside"], seen["outside"] = [text for text, _ in inside], [text for text, _ in outside]
        return real(inside, outside, *args)

    monkeypatch.setattr(domain, "_inside", spy)
    outside = ["Vilket väder blir det i helgen?", "Skriv en dikt om hösten", "Hur lagar man köttbullar?"]
    model = domain.train(kb, outside=outside)
    assert seen["outside"] == outside
    assert sentence not in seen["inside"] and article.summary.get("sv") not in seen["inside"]
    assert article.title.get("sv") in seen["inside"] and article.examples["sv"][0] in seen["inside"]
    assert any(p.q in seen["inside"] for p in kb.phrasings)
    # Naive Bayes learns the body's words for the topic: a word only the prose has counts.
    texts, labels, _ = domain.training_texts(kb)
    assert sentence in texts and sentence not in domain.training_texts(kb, prose=False)[0]
    assert model.posterior(sentence, [article.id])[article.id] > 0.0
    with_prose = domain.train(kb, outside=outside, inside_prose=True)
    assert sentence in seen["inside"]
    assert with_prose.inside is not None and model.inside is not None


def test_a_business_named_in_passing_does_not_make_an_off_topic_question_the_services(monkeypatch):
    """A question the decision refuses is still the service's when it names a business (the
    planner may answer it with a checklist), unless the second reader is sure it is about
    something else: a neighbour's pizzeria in a question about cheese for pizza at home."""
    from bot.conversation import responder as module

    r = responder()
    text = "Min granne har en pizzeria och jag undrar vilken ost som smälter bäst på pizza hemma"
    findings = r.finder.find(text)
    judged = r._judge(text, r.matcher.match(text), findings)
    assert findings.activities and judged.action == "out_of_scope"
    assert not r._in_domain(text, judged, findings)
    assert r.respond(text).action == "out_of_scope"
    assert r.domain.probability(text, [topic for topic, _ in judged.scores[:10]]) < module.OUTSIDE_FLOOR
    # A business's own undertaking is answered as before.
    assert ask("Jag vill öppna en pizzeria i centrum, vad behöver jag?").action in ("answer", "escalate")
    # The same words with the reader less sure: the business makes it the service's.
    class Unsure:
        def probability(self, text, candidates=()):
            return module.OUTSIDE_FLOOR

    monkeypatch.setattr(r, "domain", Unsure())
    assert r._in_domain(text, judged, findings)


def test_a_decision_against_something_is_the_services_only_when_the_reader_allows_it(monkeypatch):
    """"Someone stole my moped, how do I report it?" speaks of a police report and of something
    the person owns (the words a dispute is read from), but the second reader is sure it is about
    something else: Polisen is named, not a dispute convened."""
    from bot.conversation import responder as module

    r = responder()
    text = "Någon har stulit min moped utanför stationen i natt, hur polisanmäler jag det?"
    findings = r.finder.find(text)
    judged = r._judge(text, r.matcher.match(text), findings)
    assert findings.stated and r.planner.threatens(text, findings) and judged.action == "out_of_scope"
    assert not r._in_domain(text, judged, findings)
    reply = r.respond(text)
    assert reply.action == "out_of_scope" and reply.reason == "other_authority" and not reply.roles

    class Unsure:  # the same words with the reader less sure: a decision against a business
        def probability(self, text, candidates=()):
            return module.OUTSIDE_FLOOR

    monkeypatch.setattr(r, "domain", Unsure())
    assert r._in_domain(text, judged, findings)


def test_a_short_question_is_asked_back_only_when_it_reads_as_the_services():
    """Every word is the knowledge base's own in both; "lov?" may be any of the permits, while the
    second reader puts "what is your age" outside: it is refused, not offered topics."""
    r = responder()
    for text in ("lov?", "what is your age"):
        match = r.matcher.match(text)
        assert match.action == "clarify" and match.unknown == 0 and match.known <= 2
    assert r.respond("lov?").action == "clarify"
    reply = r.respond("what is your age")
    assert reply.action == "out_of_scope" and not reply.alternatives


def test_without_fitted_numbers_the_matcher_decides(tmp_path: Path):
    assert load_fitted(tmp_path / "missing.json") == Fitted()
    (tmp_path / "old.json").write_text(json.dumps({"features": ["other"], "weights": [1.0]}), encoding="utf-8")
    assert not load_fitted(tmp_path / "old.json").fitted
    assert load_meeting(tmp_path / "missing.json").offers([0.0] * 11)


def test_the_shipped_numbers_were_fitted_on_dev():
    data = json.loads((Path(__file__).resolve().parent.parent / "bot" / "matching" / "fitted.json")
                      .read_text(encoding="utf-8"))
    assert data["fitted_on"] == "tests/eval/dev" and data["meeting"]["rows"] > 100
    assert 0.0 < data["clarify_at"] <= data["answer_at"] < 1.0
    assert load_fitted().fitted


def test_the_second_reader_is_multinomial_naive_bayes():
    """The sparse counting gives what scikit-learn's MultinomialNB gives on the same data."""
    import math

    import numpy as np
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.naive_bayes import MultinomialNB

    from bot.matching.domain import PHRASING_WEIGHT, SMOOTHING, features, train, training_texts

    kb = bundle().kb
    outside = ["Vilket väder blir det i helgen?", "Skriv en dikt om hösten", "Hur lagar man köttbullar?"]
    model = train(kb, outside=outside, inside_c=None)
    texts, labels, weights = training_texts(kb)
    assert kb.phrasings and set(weights) == {1.0, PHRASING_WEIGHT}  # the phrasings are learned too
    texts, labels, weights = texts + outside, labels + ["outside"] * len(outside), weights + [1.0] * len(outside)
    rows = [dict.fromkeys(f, 1.0 / math.sqrt(len(f) or 1)) for f in map(features, texts)]
    vectorizer = DictVectorizer()
    reference = MultinomialNB(alpha=SMOOTHING).fit(vectorizer.fit_transform(rows), labels, sample_weight=weights)
    question = "Behöver jag bygglov för en ny entré till kaféet?"
    found = features(question)
    log_proba = reference.predict_log_proba(vectorizer.transform([dict.fromkeys(found, 1 / math.sqrt(len(found)))]))[0]
    candidates = ["bygglov", "skyltlov", "uteservering"]
    wanted = [list(reference.classes_).index(c) for c in [*candidates, "outside"]]
    expected = np.exp(log_proba[wanted] - np.logaddexp.reduce(log_proba[wanted]))
    got = model.posterior(question, candidates)
    # The same up to float32 rounding of the kept deltas.
    assert [got[c] for c in [*candidates, "outside"]] == pytest.approx([float(p) for p in expected], abs=1e-4)
    # ... and on a question where the classes are close, not just the obvious one.
    unsure = "mat"
    found = features(unsure)
    log_proba = reference.predict_log_proba(vectorizer.transform([dict.fromkeys(found, 1 / math.sqrt(len(found)))]))[0]
    expected = np.exp(log_proba[wanted] - np.logaddexp.reduce(log_proba[wanted]))
    got = model.posterior(unsure, candidates)
    assert [got[c] for c in [*candidates, "outside"]] == pytest.approx([float(p) for p in expected], abs=1e-4)
    assert max(expected) < 0.999


def test_markup_is_not_read_as_words():
    """Pasted or hostile HTML is not a question: tags and comments are left out before matching
    (a one-known-word tag soup was answered with an article), while what is said between them
    counts, and "<10" is no tag."""
    ask = responder().respond
    for soup in ("</textarea><svg onload=alert(1)>", "<img src=x onerror=alert(1)>", "<!-- -->"):
        assert ask(soup).action == "invalid", soup
    wrapped = ask("<b>bygglov</b> för ett förråd?")
    assert wrapped.action == "answer" and wrapped.topic == "bygglov"
    text = ask("Vi har <10 anställda och vill lämna anbud till kommunen")  # read, not refused as markup
    assert text.action in ("answer", "escalate") and text.topic == "lamna-anbud"

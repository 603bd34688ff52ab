"""What the cases domain says to entrepreneurs and navigators, in Swedish and English."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # To the entrepreneur.
    "claimed": ("{name} är din kontaktperson för ärende {number} och hör av sig till dig.",
                "{name} is your contact person for case {number} and will get in touch with you."),
    "reply": ("Svar från {name} om ärende {number}:\n\n{text}",
              "Reply from {name} about case {number}:\n\n{text}"),
    "meeting": ("{name} föreslår ett möte om ärende {number}: {when}. Passar tiden?",
                "{name} proposes a meeting about case {number}: {when}. Does the time suit you?"),
    "accept": ("Ja, det passar", "Yes, that suits me"),
    "decline": ("Nej, föreslå en annan tid", "No, suggest another time"),
    "meeting_accepted": ("Tack! Mötet {when} är bokat. {name} hör av sig med detaljer.",
                         "Thank you! The meeting {when} is booked. {name} will send you the details."),
    "meeting_declined": ("Tack för beskedet. {name} återkommer med ett nytt förslag.",
                         "Thank you for letting us know. {name} will come back with another time."),
    "no_meeting": ("Det finns inget mötesförslag att svara på i ärende {number}.",
                   "There is no meeting proposal to answer in case {number}."),
    "ladder_out": ("Ingen har hunnit ta ditt ärende {number} inom kommunens servicenivå, och det beklagar vi. "
                   "{who} tar nu över ärendet och hör av sig till dig.",
                   "Nobody has taken your case {number} within the municipality's service level, and we are "
                   "sorry about that. {who} now takes over the case and will get in touch with you."),
    "closed": ("Ärende {number} är nu avslutat. Skriv gärna igen om du har fler frågor.",
               "Case {number} is now closed. You are welcome to write again if you have more questions."),
    # To the navigators.
    "desk_message": ("Företagaren skrev i ärende {number}:\n{text}",
                     "The business owner wrote in case {number}:\n{text}"),
    "desk_note": ("Anteckning av {name} i {number}:\n{text}", "Note by {name} on {number}:\n{text}"),
    "desk_reply": ("{name} svarade företagaren i {number}:\n{text}",
                   "{name} replied to the business owner on {number}:\n{text}"),
    "desk_claimed": ("{name} har tagit ärende {number}.", "{name} has claimed case {number}."),
    "desk_meeting": ("{name} föreslog ett möte i {number}: {when}.", "{name} proposed a meeting on {number}: {when}."),
    "desk_meeting_accepted": ("Företagaren tackade ja till mötet {when} i {number}.",
                              "The business owner accepted the meeting {when} on {number}."),
    "desk_meeting_declined": ("Företagaren tackade nej till mötet {when} i {number}. Föreslå en ny tid.",
                              "The business owner declined the meeting {when} on {number}. Propose another time."),
    "desk_added": ("{name} lade till {who} i {number}. {who}, ni kan nu ta ärendet.",
                   "{name} added {who} to {number}. {who}, you may now claim the case."),
    "desk_closed": ("{name} avslutade {number}: {outcome}.", "{name} closed {number}: {outcome}."),
    "desk_erased": ("Företagaren bad att bli glömd. Personuppgifterna i {number} är raderade och ärendet är avslutat.",
                    "The business owner asked to be forgotten. The personal data in {number} is erased and the case is closed."),
    "desk_ping": ("Påminnelse: ärende {number} har inte tagits sedan {since}. {who}, kan någon ta det?",
                  "Reminder: case {number} has not been claimed since {since}. {who}, can someone take it?"),
    "erased_words": ("[raderat på företagarens begäran]", "[erased at the business owner's request]"),
    # To the navigator who acted.
    "ok_claim": ("Du har tagit {number}. Företagaren får veta ditt namn.",
                 "You have claimed {number}. The business owner is told your name."),
    "ok_note": ("Anteckningen är sparad i {number} (syns inte för företagaren).",
                "The note is saved on {number} (not shown to the business owner)."),
    "ok_reply": ("Svaret skickas till företagaren i {number}.", "The reply is sent to the business owner on {number}."),
    "ok_meeting": ("Mötesförslaget {when} skickas till företagaren i {number}.",
                   "The meeting proposal {when} is sent to the business owner on {number}."),
    "ok_close": ("{number} är avslutat: {outcome}.", "{number} is closed: {outcome}."),
    "refused": ("Du finns inte bland lotsarna i routing_rules.yaml och kan inte hantera ärenden. "
                "Be näringslivsenheten lägga till dig.",
                "You are not listed as a navigator in routing_rules.yaml and cannot handle cases. "
                "Ask the business development office to add you."),
    "not_convened": ("Ärende {number} gäller {roles}. Bara de rollernas lotsar, deras ersättare och "
                     "{coordinator} kan ta det. Be {coordinator} att lägga till dig om du ska vara med i ärendet.",
                     "Case {number} is for {roles}. Only those roles' navigators, their deputies and {coordinator} "
                     "can claim it. Ask {coordinator} to add you if you should be on the case."),
    "add_not_coordinator": ("Det är bara {coordinator} som kan lägga till roller eller lotsar i ett ärende.",
                            "Only {coordinator} can add roles or navigators to a case."),
    "add_unknown": ("Jag hittar ingen roll eller lots ”{target}” i routing_rules.yaml. Skriv en roll eller en lots "
                    "e-postadress.",
                    "There is no role or navigator '{target}' in routing_rules.yaml. Write a role or a navigator's "
                    "e-mail address."),
    "add_already": ("{who} kan redan ta ärende {number}.", "{who} can already claim case {number}."),
    "ok_add": ("{who} är tillagd i {number} och kan nu ta ärendet.", "{who} is added to {number} and may now claim it."),
    "not_found": ("Det finns inget ärende {number}.", "There is no case {number}."),
    "need_text": ("Skriv en text.", "Please write a text."),
    "bad_outcome": ("Välj ett utfall: {outcomes}.", "Choose an outcome: {outcomes}."),
    "bad_time": ("Skriv tiden som 2026-12-01 10:00 (svensk tid), och i framtiden.",
                 "Write the time as 2026-12-01 10:00 (Swedish time), and in the future."),
    "erased_person": ("Företagaren har bett att bli glömd; det går inte att skicka något till hen.",
                      "The business owner asked to be forgotten; nothing can be sent to them."),
    "unknown_verb": ("Okänd åtgärd ”{verb}”. Åtgärderna är: {verbs}.",
                     "Unknown action '{verb}'. The actions are: {verbs}."),
}

OUTCOME_NAMES: dict[str, tuple[str, str]] = {
    "answered": ("besvarat", "answered"),
    "meeting_held": ("möte hållet", "meeting held"),
    "permit_applied": ("ansökan inlämnad", "permit applied for"),
    "referred": ("hänvisat", "referred"),
    "withdrawn": ("återkallat", "withdrawn"),
}


def t(key: str, lang: str = "sv", **values: object) -> str:
    sv, en = TEXTS[key]
    return (en if lang == "en" else sv).format(**values)


def outcome_name(outcome: str, lang: str = "sv") -> str:
    sv, en = OUTCOME_NAMES.get(outcome, (outcome, outcome))
    return en if lang == "en" else sv


def format_when(moment, lang: str = "sv") -> str:
    from bot.core.clock import STOCKHOLM

    local = moment.astimezone(STOCKHOLM)
    return local.strftime("%Y-%m-%d %H:%M") + (" (Swedish time)" if lang == "en" else "")

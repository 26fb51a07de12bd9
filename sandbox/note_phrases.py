"""The demo org's phrase bank: the notes account managers write, planted situations and their look-alikes.

How it was written: by hand, for issue 13, in the style of real CRM notes (3 words to a paragraph,
lowercase, typos, abbreviations such as AM, QBR, POC, EOQ, fyi, w/, pls; reported speech, hedging, the odd
bit of sarcasm; names first, last, or only as a first name). It is a THIRD text, separate from the labelled
findings corpus in ``benchmarks/findings_corpus/`` (whose test part measures the signals and whose dev part
they may be tuned on): nothing here was copied from either, and the test
``tests/test_sandbox_seed.py::test_phrase_bank_is_not_copied_from_the_benchmark_corpus`` checks that no
longer stretch of these templates appears in the test corpus. None of it was written against the signals'
code, so the demo shows how the product reads language it was not tuned on.

Markup in a template (see ``render``):

- ``[[...]]`` marks the sentence that carries a *planted* finding (``PLANTED[kind]``). Its subject is the
  ``{contact}`` for ``contact_gone`` and the account for ``churn_risk`` and ``upsell_signal``.
- ``<<...>>`` marks a *look-alike*: a sentence a careless reader would take for a finding of
  ``Phrase.lookalike`` about ``Phrase.about`` (``"account"``, the ``{contact}`` or the ``{other}`` contact),
  which must NOT be reported. A planted phrase that names ``lookalike`` without a ``<<...>>`` span means its
  ``[[...]]`` sentence is the look-alike too: "Heard from {other} that {contact} left" is a departure of
  {contact} and, for {other}, only a report.

Placeholders: ``{contact}`` / ``{first}`` (the note's subject or speaker, full and first name), ``{other}``
/ ``{other_first}`` (a second contact of the account: phrases that use it are picked only when there is
one), ``{account}``, ``{competitor}``, ``{seats}``, ``{city}``, ``{month}``, ``{weekday}``, ``{quarter}``,
``{product}`` (an active product of the org's Products module) and ``{retired_product}`` (one whose
``Product_Active`` is false: not a product the vendor sells any more); deal notes also ``{deal}`` and
``{next_step}``.
"""

from __future__ import annotations

from typing import NamedTuple


class Phrase(NamedTuple):
    title: str
    text: str
    lookalike: str | None = None  # the kind the <<...>> span (or the [[...]] one) only looks like
    about: str = "account"  # who the look-alike is about: "account", "contact" or "other"


class Rendered(NamedTuple):
    title: str
    text: str
    sentence: str | None  # the [[...]] span, filled in
    lookalike_sentence: str | None  # the <<...>> span (or the [[...]] one), filled in


def _span(text: str, opening: str, closing: str) -> tuple[str, str | None]:
    start = text.find(opening)
    if start < 0:
        return text, None
    end = text.index(closing, start)
    inner = text[start + len(opening) : end]
    return text[:start] + inner + text[end + len(closing) :], inner


def render(phrase: Phrase, values: dict[str, object]) -> Rendered:
    """Fill ``phrase`` in and strip its markup; the marked sentences are returned as they read in the text."""
    text, sentence = _span(phrase.text.format_map(values), "[[", "]]")
    text, lookalike = _span(text, "<<", ">>")
    if phrase.lookalike and lookalike is None:
        lookalike = sentence
    return Rendered(phrase.title, text, sentence, lookalike)


def needs_other(phrase: Phrase) -> bool:
    return "{other" in phrase.text


# ------------------------------------------------------------------------------------------ neutral notes
# Everyday activity: recaps, logistics, small asks. No churn, expansion or departure language.
NEUTRAL = (
    Phrase("QBR notes", "QBR w/ {contact}. went through open tickets + roadmap, no blockers. next one in 3 months"),
    Phrase("Check-in", "check-in call, {first} says onboarding is on track and the team uses the reports weekly"),
    Phrase(
        "Meeting recap", "Met {contact} at their office. Walked thru the release notes, they liked the new dashboard."
    ),
    Phrase("Follow-up", "sent {first} the mtg summary + the invoice copy they asked for"),
    Phrase("Call notes", "Short call w/ {contact} re the data import schedule. keeping the current cadence."),
    Phrase("Training", "training for the ops staff done (2 sessions). {first} happy with it, shared the recording"),
    Phrase("Meeting recap", "Reviewed the integration timeline with {contact} and their IT lead. next sync in 2 wks."),
    Phrase("Meeting recap", "lunch w {first}. talked about their priorities for the quarter. relationship solid"),
    Phrase("Admin", "{contact} confirmed the billing contact details. nothing else pending"),
    Phrase("Call notes", "monthly status call: usage steady, 2 minor qs answered on the call"),
    Phrase("Follow-up", "{first} asked for our SOC 2 report, shared it via the trust portal"),
    Phrase("Admin", "pls note {first} prefers calls before 10am their time"),
    Phrase("Admin", "call moved to Thu."),
    Phrase("Follow-up", "fyi {contact} wanted the holiday support calendar, sent."),
    Phrase("Follow-up", "webinar invite sent to {first}; they registered 4 ppl from the team"),
    Phrase("Support", "{first} reported a bug in the CSV export, ticket opened + workaround shared"),
    Phrase("Site visit", "site visit. coffee w/ {first}, toured the new warehouse floor. good vibes"),
    Phrase("Follow-up", "emailed {contact} the updated user guide and the link to the training videos"),
    Phrase("Admin", "{first} wants invoices in EUR from next quarter - forwarded to billing"),
    Phrase("QBR notes", "Agreed the agenda for the next QBR with {first}: adoption, support tickets, roadmap."),
    Phrase("Check-in", "quick sync w {first}, nothing new"),
    Phrase(
        "Meeting recap",
        "Workshop with {contact} on their approval flow. Whiteboarded the steps, {first} will send the edge "
        "cases by Friday. I owe them the mockups.",
    ),
    Phrase("Support", "tkt re login loop on Safari closed, {first} confirmed it works now"),
    Phrase("Check-in", "{first} ok with the new release schedule. asked if the changelog can go to their IT inbox"),
)

DEAL = (
    Phrase("Call notes", "Call with {contact} about {deal}: walked through the proposal and answered technical qs."),
    Phrase("Call notes", "demo for {first}'s team on {deal}; agreed next step: {next_step}"),
    Phrase("Call notes", "sent the revised quote for {deal} to {contact}, review mtg booked"),
    Phrase("Call notes", "{deal}: {first} wants their legal to read the DPA before anything else. next: {next_step}"),
    Phrase(
        "Call notes", "{first} fine with the commercials on {deal}, waiting on their procurement. next: {next_step}"
    ),
    Phrase("Call notes", "tech workshop for {deal} went well, {first} asked good qs about SSO + audit logs"),
)

# ------------------------------------------------------------------------------------- planted situations
CONTACT_GONE = (
    Phrase(
        "Contact update",
        "[[Heard from {other} that {contact} left the company in {month}]]. {other_first} will introduce "
        "whoever owns the budget now.",
        lookalike="contact_gone",
        about="other",
    ),
    Phrase(
        "Contact update",
        "[[{other_first} says {first} has moved on - joined a startup in {city}]]. we need a new sponsor there",
        lookalike="contact_gone",
        about="other",
    ),
    Phrase(
        "Call notes",
        "[[According to {other}, {contact} quit last month]]. <<{other_first} takes over the renewal paperwork "
        "for now.>>",
        lookalike="contact_gone",
        about="other",
    ),
    Phrase(
        "Contact update",
        "{contact}'s email bounced twice. [[{other_first} confirmed {first} left in {month}]], update the record pls",
        lookalike="contact_gone",
        about="other",
    ),
    Phrase(
        "Contact update",
        "[[{other_first} told me {first} retired at the end of {month}]] - the farewell lunch was last week.",
        lookalike="contact_gone",
        about="other",
    ),
    Phrase(
        "Contact update",
        "[[{first}'s last day was {weekday}]] ({other_first} let me know). <<{other} is our day-to-day contact "
        "from now on.>>",
        lookalike="contact_gone",
        about="other",
    ),
    Phrase(
        "Call notes",
        "[[{other} mentioned {contact} was let go in the restructure]]. nobody has the admin rights now, "
        "{other_first} is checking.",
        lookalike="contact_gone",
        about="other",
    ),
    Phrase(
        "Contact update",
        "[[{other_first} let slip that {first} handed in notice and is already gone]]. awkward call, didn't push.",
        lookalike="contact_gone",
        about="other",
    ),
    Phrase(
        "Call notes",
        "Call with {other}. [[{first} left {account} for a job in {city}]]. <<{other_first} is acting lead until "
        "they hire someone.>>",
        lookalike="contact_gone",
        about="other",
    ),
    Phrase(
        "Contact update",
        "[[{first} was poached by one of their suppliers, {other_first} confirmed]]. sad, {first} was a fan.",
        lookalike="contact_gone",
        about="other",
    ),
    Phrase(
        "Contact update",
        "[[{other} says {first} resigned in {month}]]; asked us to deactivate the login and move the dashboards "
        "to {other_first}.",
        lookalike="contact_gone",
        about="other",
    ),
    Phrase("Contact update", "[[{contact} has left {account}]] - mailbox closed, the auto-reply points to info@."),
    Phrase("Contact update", "[[{first} retired in {month}]]. sent a card. need to find out who owns the contract now"),
    Phrase(
        "Contact update",
        "[[Bounced email from {contact}, and LinkedIn says {first} joined another company in {month}]].",
    ),
    Phrase("Contact update", "[[{first} no longer works there]] (switchboard confirmed). update the record pls"),
    Phrase("Contact update", "[[{contact}'s last day was in {month}]], nobody told us. need a new contact asap"),
    Phrase("Contact update", "fyi [[{first} left the company]], the out-of-office says to contact the front desk."),
)

CHURN_RISK = (
    Phrase(
        "Renewal risk",
        "Renewal call w/ {contact}. [[They're not going to renew when the term ends]] - the board wants one vendor "
        "for the whole group.",
    ),
    Phrase(
        "Call notes",
        "[[{first} said procurement has an RFP out to {competitor} and two others]], we weren't invited until I asked.",
    ),
    Phrase(
        "Competitive threat",
        "fyi [[{account} went with {competitor} for the new region and will let our contract lapse in {month}]]. "
        "{first} apologised, said price decided it",
    ),
    Phrase(
        "Escalation",
        "Third outage this quarter. [[{contact} says if there's one more they walk]]. RCA still not shared, "
        "escalation open.",
    ),
    Phrase("Budget review", "Budget cut ~30%. [[{first} told me our licence is on the shortlist of things to drop]]."),
    Phrase(
        "Account status",
        "[[{contact} wants to know the notice period to terminate, plus a full data export]]. didn't say why",
    ),
    Phrase(
        "Call notes",
        '{first} was blunt: [["we\'re evaluating alternatives, you should know that"]]. sent the value summary anyway.',
    ),
    Phrase(
        "Renewal risk",
        "[[They want to cut from {seats} seats to about half at renewal]] - {first} says the field team never "
        "took to it.",
        lookalike="upsell_signal",
    ),
    Phrase(
        "Renewal risk",
        "[[{contact} confirmed they're moving to {competitor} after the merger]], our contract runs out end "
        "of {month}.",
    ),
    Phrase(
        "Call notes",
        "quick one - [[{first} hinted they could step down to the cheapest tier or drop us altogether]], HQ pushing "
        "for savings",
    ),
    Phrase(
        "QBR notes",
        "QBR with {contact}. Adoption ok in sales, poor in service. [[Toward the end {first} mentioned a bake-off "
        "against {competitor} next month]]. need an exec sponsor call.",
    ),
    Phrase(
        "Termination notice",
        "[[Received the termination notice from {contact} today]], 90 days, effective end of {month}.",
    ),
    Phrase(
        "Renewal risk",
        "[[{first} says the new CIO wants to replace us with the group standard ({competitor})]]. renewal in "
        "Q{quarter}. not great",
    ),
    Phrase(
        "Call notes",
        "{contact} raised the exit clause again - [[second time this quarter they've asked how to get out of the "
        "contract early]].",
    ),
    Phrase(
        "Escalation",
        "Escalation still unresolved after 6 wks. [[{first}: \"if the sync isn't fixed by renewal we won't be "
        'renewing"]].',
    ),
    Phrase(
        "Competitive threat",
        '[[{competitor} offered them a 2-yr deal at half our price and {first} says it is "very tempting"]]. '
        "need a counter before Fri",
    ),
    Phrase(
        "Account status",
        "[[they're building it in-house, {first} says our contract won't be extended]]. 2 devs on it already.",
    ),
    Phrase(
        "Renewal risk",
        "pricing call w {contact}. [[they'll only renew if we match {competitor}'s quote, otherwise they switch]]",
    ),
    Phrase(
        "Renewal risk",
        "[[{contact} put the renewal on hold pending a vendor review]], three vendors invited incl. {competitor}.",
    ),
    Phrase(
        "Call notes",
        "{first} sounded tired. [[The parent company is consolidating onto {competitor} and every subsidiary has "
        "to migrate by year end]].",
    ),
    Phrase(
        "Renewal risk",
        "[[{first} plans to strip the reporting pack and 20 users out of the renewal]], says nobody opens them.",
        lookalike="upsell_signal",
    ),
    Phrase(
        "Call notes",
        'sarcastic email from {first}: "love paying for a tool nobody can log into". [[They asked how much '
        "notice we need to cancel]].",
    ),
    Phrase(
        "Renewal risk",
        "[[{contact} said they are shopping around before the renewal]] - wants three quotes on file by {month}.",
    ),
    Phrase(
        "Account status",
        "[[Usage has collapsed and {first} admits they're questioning whether we're worth keeping]]. 4 logins "
        "in 30 days.",
    ),
    Phrase(
        "QBR notes",
        "QBR w/ {contact}. <<No expansion this year, hiring freeze.>> [[{first} also said they may not renew the "
        "service module]], helpdesk is moving to {competitor}.",
        lookalike="upsell_signal",
    ),
)

UPSELL_SIGNAL = (
    Phrase("Expansion", "[[{first} needs {seats} more seats for the new {city} office]], quote wanted by EOQ."),
    Phrase(
        "Upgrade",
        "[[{contact} wants a price for Enterprise across all {seats} users]] - SSO + audit log are the drivers.",
    ),
    Phrase(
        "QBR notes",
        "Good QBR w/ {contact}, usage up ~20% qoq. [[{first} plans to roll us out to two more business units in "
        "H2 and asked for a proposal]].",
    ),
    Phrase("Call notes", "[[budget approved for the {city} team - {seats} licences]], {first} sending the PO next wk"),
    Phrase("Add-on", "[[{first} asked for a quote on the analytics add-on for their finance team]]. trial went well"),
    Phrase(
        "Expansion",
        "{contact} mentioned they bought a smaller rival in {city}; [[they want the acquired team ({seats} ppl) on "
        "our platform by {month}]].",
    ),
    Phrase(
        "New team",
        "[[New inside sales team starts in {month} and {first} wants them on the platform from day one]] - "
        "{seats} seats. send order form pls",
    ),
    Phrase(
        "Call notes",
        "[[{contact} asked if they can add the warehouse crew ({seats} users) on the same contract]]. yes, quote sent.",
    ),
    Phrase("Upgrade", "[[they want the premium support tier + API access]], {first} has budget this FY"),
    Phrase(
        "Expansion",
        "lunch w {first}. [[a second site opens in {city} in {month} and they want the same setup there]], wants to "
        "know how we price multiple sites",
    ),
    Phrase(
        "Call notes",
        "<<{first} said they dropped their old helpdesk>> and [[want our service module for {seats} agents]].",
        lookalike="churn_risk",
    ),
    Phrase(
        "Upgrade", "[[{contact} asked us to price an upgrade from Standard to Professional for the whole company]]."
    ),
    Phrase(
        "Expansion",
        "[[The board signed off on the group-wide rollout, roughly {seats} more users over the year]] ({first} "
        "confirmed).",
    ),
    Phrase(
        "Call notes",
        "{first}: [[\"once the design agency's work moves inside we'll need a lot more logins\"]] - approved "
        "for Q{quarter}.",
    ),
    Phrase(
        "Follow-up", "[[{contact} wants e-signature and the document add-on for the legal team]], asked for pricing."
    ),
    Phrase(
        "Check-in", "check-in w/ {contact}. all fine. [[could we add {seats} users for the grads starting in {month}]]"
    ),
    Phrase(
        "Expansion",
        "[[{first} wants to license a second factory]] - the {city} plant goes live on scheduling in {month}.",
    ),
    Phrase(
        "Upgrade",
        "renewal + upsell: [[{first} wants to move to the bigger plan at renewal, {seats} users]]. waiting on "
        "their CFO",
    ),
    Phrase(
        "Call notes",
        "[[{contact} requested a quote for {seats} additional licences and the EU data residency option]].",
    ),
    Phrase("Expansion", "{first} told me HR wants in too - [[they want a demo and a price for the HR team]]."),
    Phrase(
        "QBR notes",
        "QBR w/ {contact}. <<No plans to switch vendors, they're too deep in with us now.>> "
        "[[{first} asked for pricing on {seats} more seats for the support team]].",
        lookalike="churn_risk",
    ),
    Phrase(
        "Call notes",
        "<<{other_first} left the call early for another meeting.>> [[{first} wants to extend the platform to the "
        "{city} subsidiary]], asked for a quote.",
        lookalike="contact_gone",
        about="other",
    ),
    # a product of the org's catalogue by name: a wish for more only to a reader that knows what the vendor sells
    Phrase("Expansion", "[[{first} wants {product} for the {city} depot]], asked for a price."),
    Phrase("Call notes", "[[{contact} asked about {product} for the drivers in {city}]] - demo booked."),
    Phrase("Add-on", "[[{first} is keen on {product} for the night shift in {city}]]; I owe them a proposal."),
)

PLANTED = {"contact_gone": CONTACT_GONE, "churn_risk": CHURN_RISK, "upsell_signal": UPSELL_SIGNAL}

# ------------------------------------------------------------------------------------------- look-alikes
# Notes on healthy accounts that read a bit like a finding and are not one. ``about`` names who.
LOOKALIKES = (
    # a contact who has NOT left
    Phrase(
        "Admin",
        "<<{first} is on leave until {month}>>, {other_first} covers approvals meanwhile.",
        "contact_gone",
        "contact",
    ),
    Phrase(
        "Meeting recap",
        "<<{contact} left the call early to catch a flight>>, the rest of the team stayed on.",
        "contact_gone",
        "contact",
    ),
    Phrase(
        "Contact update",
        "<<{first} relocated to the {city} office, still runs the project with us>>.",
        "contact_gone",
        "contact",
    ),
    Phrase("Call notes", "<<Left a voicemail for {contact}>>, will try again Tue.", "contact_gone", "contact"),
    Phrase(
        "Feedback",
        "<<{first} left some feedback on the new dashboard>> - mostly positive, wants a dark mode lol",
        "contact_gone",
        "contact",
    ),
    Phrase("Admin", "<<{first} is OOO this week (conference)>>, moved the training.", "contact_gone", "contact"),
    Phrase(
        "Check-in",
        "<<{first} is back from parental leave>> and picking the project up again. {other_first} briefed them.",
        "contact_gone",
        "contact",
    ),
    Phrase(
        "Contact update",
        "<<{contact} got promoted to Head of Operations>> - congrats sent, nothing changes for us.",
        "contact_gone",
        "contact",
    ),
    Phrase(
        "Admin",
        "<<{first} is leaving early on Fridays this month>> so book calls in the morning",
        "contact_gone",
        "contact",
    ),
    Phrase(
        "Follow-up",
        "<<{contact} left the choice of training dates to us>>. proposed the 12th.",
        "contact_gone",
        "contact",
    ),
    Phrase(
        "Admin",
        "<<{first}'s email bounced but it was just their domain change>>, updated.",
        "contact_gone",
        "contact",
    ),
    Phrase(
        "Meeting recap",
        "<<{contact} mentioned their previous IT manager (before our time) left years ago>>, which explains the "
        "odd setup.",
        "contact_gone",
        "contact",
    ),
    Phrase(
        "Contact update",
        "<<{first} takes over the monthly reporting from the intern>>. fine by us.",
        "contact_gone",
        "contact",
    ),
    Phrase(
        "Admin",
        "<<{other_first} left for vacation>>, back in two weeks; {first} holds the fort.",
        "contact_gone",
        "other",
    ),
    # an account that is NOT leaving
    Phrase(
        "Check-in",
        "<<{first} said they're not shopping around>>, happy with support since the upgrade.",
        "churn_risk",
    ),
    Phrase(
        "Renewal",
        "<<Zero appetite to switch, per {first}>> - renewal paperwork is already with their legal.",
        "churn_risk",
    ),
    Phrase("Admin", "<<{first} cancelled Thursday's demo, rebooked for the 20th>>.", "churn_risk"),
    Phrase(
        "Meeting recap",
        "<<They ended the pilot of a rival tool and are sticking with us>>, {first} says the team preferred our UI.",
        "churn_risk",
    ),
    Phrase(
        "QBR notes",
        "<<A while back they nearly walked over the price rise; these days they're one of our happiest "
        "accounts>>, {first} even does references.",
        "churn_risk",
    ),
    Phrase("Support", "<<The escalation about the invoice sync is closed>>, {first} confirmed the fix.", "churn_risk"),
    Phrase(
        "Admin", "<<pls cancel the {weekday} sync>>, {first} is at a trade fair. will find a new slot", "churn_risk"
    ),
    Phrase(
        "Meeting recap",
        "<<{first} mentioned they also use {competitor} for marketing emails>>, no overlap with us.",
        "churn_risk",
    ),
    Phrase("Billing", "<<{first} asked billing to cancel a PO raised twice by mistake>>. done.", "churn_risk"),
    Phrase("Renewal", "<<Renewal signed for two more years>>, {first} happy.", "churn_risk"),
    Phrase("Check-in", "<<{first} said they won't be looking at other vendors this year>>.", "churn_risk"),
    Phrase(
        "Meeting recap", "<<Their old vendor {competitor} is gone for good>>, everything runs on us now.", "churn_risk"
    ),
    Phrase("Admin", "<<{first} moved our weekly call from Zoom to Google Meet>>.", "churn_risk"),
    # no expansion
    Phrase("Check-in", "<<{first} asked about more seats but decided to wait until 2028>>.", "upsell_signal"),
    Phrase("Check-in", "<<No expansion this year - hiring freeze>>, {first} said. otherwise fine", "upsell_signal"),
    Phrase(
        "Meeting recap",
        "<<They're adding {seats} seats - in their HR system, not ours>>. no action for us.",
        "upsell_signal",
    ),
    Phrase(
        "Call notes",
        "<<{first} looked at the Enterprise plan and decided it's overkill>>, staying on Standard.",
        "upsell_signal",
    ),
    Phrase("Admin", "<<The rollout to the {city} office is paused>> until their lease is sorted.", "upsell_signal"),
    Phrase("Follow-up", "<<{first} needs more time, not more users>>, their data cleanup is behind.", "upsell_signal"),
    Phrase(
        "Admin",
        "<<{first} asked to swap two named users for new starters, same total>>.",
        "upsell_signal",
    ),
    # a retired product (Product_Active false) and "harbor" as a plain word: not what the vendor sells
    Phrase(
        "Follow-up",
        "<<{first} wants {retired_product} for the {city} depot>>. we retired it in 2023, sent them the migration "
        "guide.",
        "upsell_signal",
    ),
    Phrase(
        "Call notes",
        "<<{first} asked about {retired_product} for the {city} team>>. it was retired last year, nothing to quote.",
        "upsell_signal",
    ),
    Phrase(
        "Admin",
        "<<{first} asked about the harbor tour for the {city} offsite>>, sent them the venue's link.",
        "upsell_signal",
    ),
)

GONE_DESCRIPTIONS = (
    "Left the company in {month}. Mail to this address bounces.",
    "No longer with {account} (left in {month}); asked to be removed from mailings.",
    "Left {account} in {month}; the out-of-office reply says the mailbox is closed.",
    "left in {month}, joined another company. do not email",
    "Retired - left {account} at the end of {month}.",
)
COMPETITORS = ("HubSpot", "Salesforce", "Pipedrive", "Dynamics 365", "Freshsales", "Contoso CRM", "Globex Cloud")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")

# Framing around a planted or look-alike note, so the sentence that matters sits inside a longer note.
# Name-free on purpose: the note's own names decide who it is about.
OPENERS = (
    "Notes from today's call:\n",
    "QBR today. ",
    "fyi - ",
    "Catch-up call (30 min). ",
    "Site visit + lunch. ",
    "Email thread summary:\n",
    "Monthly sync. ",
    "Quick update after the steering mtg: ",
)
CLOSERS = (
    " next step: send recap.",
    " will follow up next wk.",
    " cc'd my manager.",
    " logged in the account plan.",
    " reminder set for 2 wks.",
    "\n(also: they asked for the updated W-9, sent)",
)

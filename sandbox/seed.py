"""The demo org: deterministic from ``seed`` and ``anchor``, with planted situations and their ground truth.

Every account is either *healthy* (recent activity, open deals far from closing, no overdue task, no
departed contact, everyday notes) or carries one or two planted situations from
``review.signal_kinds`` with margins well past the triage thresholds. Notes come from the phrase bank in
``sandbox.note_phrases``; about a fifth of the healthy accounts also get a *look-alike* note (someone "on
leave until May", "they're not shopping around", "more seats... in their HR system") that must not be
reported. The org also keeps the vendor's catalogue in its Products module (``seed_text.CATALOGUE``: six
active products, two retired); some expansion notes name an active product ("wants Harbor for the Lyon depot",
read as a wish for more only by a reader that knows the org's products) and some look-alikes a retired one or
"harbor" as a plain word.

The manifest::

    {"anchor": iso,
     "situations": [{"account_id", "kind", "evidence": [record ids],
                     # and for the kinds read from a note (contact_gone, churn_risk, upsell_signal):
                     "subject_module": "Contacts" | "Accounts", "subject_id", "subject_name",
                     "note_id", "sentence"}],
     "lookalikes": [{"account_id", "kind", "subject_module", "subject_id", "subject_name",
                     "note_id", "sentence"}],
     "injections": [{"account_id", "record_id", "module"}]}

A situation's subject is the departed contact for ``contact_gone`` and the account for the other two;
``sentence`` is the sentence of the note that says so, exactly as it reads in ``Note_Content``. A look-alike
is a (kind, subject, note) that a review must NOT report: the colleague who reported a departure, a
contact on leave, a negated or resolved churn, another sense of "cancel" or "left", a shrinking seat count.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

from sandbox import note_phrases as phr
from sandbox import seed_text as txt
from sandbox.clock import iso
from sandbox.schema import (
    CLOSED_STAGES,
    INDUSTRIES,
    LEAD_SOURCES,
    MODULE_IDS,
    OPEN_STAGES,
    OWNERSHIP,
    STAGE_PROBABILITY,
)
from sandbox.store import ID_BASE, SeededOrg, owner_ref

PAIRS = (
    ("deal_stalled", "overdue_tasks"),
    ("churn_risk", "contact_gone"),
    ("deal_stalled", "churn_risk"),
    ("overdue_tasks", "upsell_signal"),
    ("contact_gone", "deal_stalled"),
    ("upsell_signal", "deal_stalled"),
)
LANGUAGE_KINDS = frozenset({"contact_gone", "churn_risk", "upsell_signal"})  # planted as a note that says so
LOOKALIKE_SHARE = 0.2  # of the healthy accounts, how many also carry a look-alike note
SEATS = (5, 8, 12, 15, 20, 25, 30, 40, 60, 120)
SINGLE_KINDS = (
    "deal_stalled",
    "closing_soon_no_activity",
    "silent_account",
    "overdue_tasks",
    "contact_gone",
    "churn_risk",
    "upsell_signal",
)
QUIET_KINDS = frozenset({"silent_account", "closing_soon_no_activity"})  # need an account without recent activity

USERS = (
    ("Alex", "Morgan", "Administrator", "CEO"),
    ("Maria", "Lopez", "Standard", "Sales Manager"),
    ("James", "Okafor", "Standard", "Account Executive"),
    ("Priya", "Raman", "Standard", "Account Executive"),
    ("Lukas", "Weber", "Standard", "Account Executive"),
    ("Chloe", "Martin", "Standard", "Account Manager"),
    ("Kenji", "Sato", "Standard", "Account Manager"),
)
EMAIL_DOMAIN = "sergas-demo.example"
DAY = 86_400.0


def _slug(name: str, index: int) -> str:
    """The account's web and mail domain label: its name's first word, alphanumerics only, and its index."""
    return "".join(ch for ch in name.lower().split(" ")[0] if ch.isalnum()) + str(index)


class _Builder:
    def __init__(self, accounts: int, seed: int, anchor: datetime) -> None:
        self.n = accounts
        self.rng = random.Random(seed)
        self.anchor = anchor.replace(microsecond=0)
        self.anchor_ts = self.anchor.timestamp()
        self._days: dict[int, str] = {}
        self.next_id = ID_BASE + 1
        self.records: dict[str, list[dict[str, Any]]] = {
            m: [] for m in ("Accounts", "Contacts", "Deals", "Tasks", "Notes", "Products")
        }
        self.situations: list[dict[str, Any]] = []
        self.lookalikes: list[dict[str, Any]] = []
        self.injections: list[dict[str, Any]] = []
        self.users = [self._user(i, *u) for i, u in enumerate(USERS)]
        self.refs = {u["id"]: owner_ref(u) for u in self.users}

    # ---------------------------------------------------------------- helpers
    def new_id(self) -> str:
        value = self.next_id
        self.next_id += 1
        return str(value)

    def ago(self, low: float, high: float) -> float:
        """A moment ``low``..``high`` days before the anchor, as epoch seconds."""
        return self.anchor_ts - DAY * (low + (high - low) * self.rng.random())

    def pick(self, seq: Any) -> Any:
        return seq[int(self.rng.random() * len(seq))]

    def uniform(self, low: float, high: float) -> float:
        return low + (high - low) * self.rng.random()

    def day(self, ts: float) -> str:
        number = int(ts // DAY)
        text = self._days.get(number)
        if text is None:
            text = self._days[number] = datetime.fromtimestamp(number * DAY, UTC).date().isoformat()
        return text

    def iso(self, ts: float) -> str:
        """Fast ISO-8601 (UTC, no fraction) for seeding; same output as ``clock.iso``."""
        seconds = int(ts) % 86_400
        hours, rest = divmod(seconds, 3600)
        return f"{self.day(ts)}T{hours:02d}:{rest // 60:02d}:{rest % 60:02d}+00:00"

    def ahead_date(self, low: int, high: int) -> str:
        return self.day(self.anchor_ts + DAY * self.rng.randint(low, high))

    def _user(self, index: int, first: str, last: str, profile: str, role: str) -> dict[str, Any]:
        user_id = str(ID_BASE - 1000 + index)
        return {
            "id": user_id,
            "first_name": first,
            "last_name": last,
            "full_name": f"{first} {last}",
            "email": f"{first.lower()}.{last.lower()}@{EMAIL_DOMAIN}",
            "status": "active",
            "confirm": True,
            "role": {"name": role, "id": str(ID_BASE - 2000 + index)},
            "profile": {
                "name": profile,
                "id": str(ID_BASE - 3000 + (0 if profile == "Administrator" else 1)),
            },
            "time_zone": "Etc/UTC",
            "locale": "en_US",
            "language": "en_US",
            "country_locale": "en_US",
            "Isonline": False,
            "zuid": str(700000000 + index),
        }

    def stamp(self, record: dict[str, Any], created: float, modified: float, owner: dict[str, Any]) -> None:
        ref = self.refs[owner["id"]]
        record["Owner"] = dict(ref)
        record["Created_By"] = dict(ref)
        record["Modified_By"] = dict(ref)
        record["Created_Time"] = self.iso(created)
        record["Modified_Time"] = self.iso(max(modified, created))

    # ---------------------------------------------------------------- records
    def note(
        self,
        parent_module: str,
        parent: dict[str, Any],
        name: str,
        title: str,
        content: str,
        when: float,
        owner: dict[str, Any],
    ) -> dict[str, Any]:
        record = {
            "id": self.new_id(),
            "Note_Title": title,
            "Note_Content": content,
            "Parent_Id": {
                "module": {"api_name": parent_module, "id": MODULE_IDS[parent_module]},
                "name": name,
                "id": parent["id"],
            },
        }
        self.stamp(record, when, when, owner)
        self.records["Notes"].append(record)
        return record

    def task(
        self,
        parent_module: str,
        parent: dict[str, Any],
        name: str,
        subject: str,
        due: str,
        status: str,
        created: float,
        owner: dict[str, Any],
        contact: dict[str, Any] | None,
        closed: float | None = None,
    ) -> dict[str, Any]:
        record: dict[str, Any] = {
            "id": self.new_id(),
            "Subject": subject,
            "Due_Date": due,
            "Status": status,
            "Priority": self.pick(("Normal", "Normal", "High", "Low", "Highest")),
            "What_Id": {"name": name, "id": parent["id"]},
            "$se_module": parent_module,
            "Who_Id": {"name": contact["Full_Name"], "id": contact["id"]} if contact else None,
            "Description": None,
            "Closed_Time": self.iso(closed) if closed else None,
            "Send_Notification_Email": False,
        }
        self.stamp(record, created, closed or created, owner)
        self.records["Tasks"].append(record)
        return record

    def account(self, index: int, name: str, planted: tuple[str, ...]) -> None:
        """One account with its contacts, history, deals and planted situations (or a look-alike note)."""
        owner = self.users[1 + index % (len(self.users) - 1)] if index % 9 else self.users[0]
        quiet = bool(QUIET_KINDS & set(planted))
        account, created, last_activity = self.account_record(index, name, planted, owner)
        contacts = [
            self.contact(account, _slug(name, index), created, last_activity, quiet, owner)
            for _ in range(self.rng.randint(1, 5))
        ]
        span_days = max(1.0, (last_activity - created) / DAY - 1)
        self.history(account, contacts, span_days, last_activity, quiet, owner)
        deal_count = self.pick((0, 1, 1, 2, 2, 2, 3, 4))
        if planted and {"deal_stalled", "closing_soon_no_activity"} & set(planted):
            deal_count = max(deal_count, 1)
        span = (created, last_activity, span_days)
        deals = [self.deal(account, contacts, quiet, span, owner) for _ in range(deal_count)]
        for kind in planted:
            self.plant(kind, account, contacts, deals, owner)
        if not planted and self.rng.random() < LOOKALIKE_SHARE:
            self.lookalike_note(account, contacts, last_activity - DAY * self.uniform(0, 25), owner)

    def account_record(
        self, index: int, name: str, planted: tuple[str, ...], owner: dict[str, Any]
    ) -> tuple[dict[str, Any], float, float]:
        """The account itself, with when it was created and its last activity (quiet when a situation says so)."""
        rng = self.rng
        pick, uniform = self.pick, self.uniform
        city, region, country = pick(txt.CITIES)
        big = "silent_account" in planted or rng.random() < 0.45
        revenue = round(uniform(1_500_000, 40_000_000) if big else uniform(150_000, 950_000), -3)
        created = self.ago(400, 730)
        if "silent_account" in planted:
            last_activity = self.ago(80, 400)
        elif "closing_soon_no_activity" in planted:
            last_activity = self.ago(22, 35)
        else:
            last_activity = self.ago(1, 18)
        created = min(created, last_activity - 60 * DAY)
        account: dict[str, Any] = {
            "id": self.new_id(),
            "Account_Name": name,
            "Account_Number": str(10_000_000 + index * 7),
            "Account_Site": city,
            "Account_Type": pick(("Customer",) * 6 + ("Partner", "Reseller", "Prospect")),
            "Industry": pick(INDUSTRIES),
            "Annual_Revenue": revenue,
            "Employees": int(revenue / uniform(90_000, 250_000)) + 3,
            "Ownership": pick(OWNERSHIP[1:]),
            "Rating": pick(("Active", "Active", "Warm", "Acquired")),
            "Phone": f"+1-555-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
            "Fax": None,
            "Website": f"https://www.{_slug(name, index)}.example",
            "Ticker_Symbol": None,
            "SIC_Code": rng.randint(1000, 9999),
            "Parent_Account": None,
            "Billing_Street": f"{rng.randint(1, 999)} {pick(txt.STREETS)}",
            "Billing_City": city,
            "Billing_State": region,
            "Billing_Code": str(rng.randint(10000, 99999)),
            "Billing_Country": country,
            "Description": f"{pick(INDUSTRIES)} customer based in {city}.",
            "Last_Activity_Time": self.iso(last_activity),
        }
        for part in ("Street", "City", "State", "Code", "Country"):
            account[f"Shipping_{part}"] = account[f"Billing_{part}"]
        self.stamp(account, created, last_activity - 3600 * uniform(1, 200), owner)
        self.records["Accounts"].append(account)
        return account, created, last_activity

    def contact(
        self,
        account: dict[str, Any],
        slug: str,
        created: float,
        last_activity: float,
        quiet: bool,
        owner: dict[str, Any],
    ) -> dict[str, Any]:
        """A contact of the account, living where it does; a quiet account's contacts change no later than it."""
        rng, pick, uniform = self.rng, self.pick, self.uniform
        first, last = pick(txt.FIRST_NAMES), pick(txt.LAST_NAMES)
        contact: dict[str, Any] = {
            "id": self.new_id(),
            "Salutation": pick(("Mr.", "Ms.", "Dr.", "-None-")),
            "First_Name": first,
            "Last_Name": last,
            "Full_Name": f"{first} {last}",
            "Email": f"{first.lower()}.{last.lower()}@{slug}.example",
            "Secondary_Email": None,
            "Phone": f"+1-555-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
            "Mobile": f"+1-555-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
            "Title": pick(txt.TITLES),
            "Department": pick(txt.DEPARTMENTS),
            "Account_Name": {"name": account["Account_Name"], "id": account["id"]},
            "Reporting_To": None,
            "Lead_Source": pick(LEAD_SOURCES[1:]),
            "Email_Opt_Out": False,
            "Mailing_City": account["Billing_City"],
            "Mailing_State": account["Billing_State"],
            "Mailing_Country": account["Billing_Country"],
            "Description": None,
            "Last_Activity_Time": self.iso(last_activity - DAY * uniform(0, 30)),
        }
        c_created = created + DAY * uniform(0, 30)
        self.stamp(contact, c_created, c_created + DAY * uniform(0, 40), owner)
        if contact["Modified_Time"] > account["Last_Activity_Time"] and quiet:
            contact["Modified_Time"] = contact["Created_Time"]
        self.records["Contacts"].append(contact)
        return contact

    def history(
        self,
        account: dict[str, Any],
        contacts: list[dict[str, Any]],
        span_days: float,
        last_activity: float,
        quiet: bool,
        owner: dict[str, Any],
    ) -> None:
        """Completed tasks and neutral notes spread over the account's life, all before ``last_activity``; the
        latest activity itself (an everyday note); and, for an active account, maybe an open task ahead."""
        rng, pick, uniform = self.rng, self.pick, self.uniform
        aname = account["Account_Name"]
        for _ in range(rng.randint(1, 3)):
            self.everyday_note(account, pick(contacts), last_activity - DAY * uniform(5, span_days), owner)
        for _ in range(rng.randint(1, 2)):
            due_dt = last_activity - DAY * uniform(3, span_days)
            subject = pick(txt.TASK_SUBJECTS)
            created = due_dt - DAY * uniform(2, 10)
            due = self.day(due_dt)
            self.task(
                "Accounts", account, aname, subject, due, "Completed", created, owner, pick(contacts), closed=due_dt
            )
        self.everyday_note(account, pick(contacts), last_activity, owner)
        if not quiet and rng.random() < 0.5:
            subject, due = pick(txt.TASK_SUBJECTS), self.ahead_date(3, 45)
            status = pick(("Not Started", "In Progress"))
            self.task("Accounts", account, aname, subject, due, status, last_activity, owner, pick(contacts))

    def deal(
        self,
        account: dict[str, Any],
        contacts: list[dict[str, Any]],
        quiet: bool,
        span: tuple[float, float, float],
        owner: dict[str, Any],
    ) -> dict[str, Any]:
        """A deal of the account: an open one is active and closes far ahead; a closed one is history.
        ``span``: the account's creation, its last activity, and the days between (less one)."""
        created, last_activity, span_days = span
        pick, uniform = self.pick, self.uniform
        aname = account["Account_Name"]
        product = pick(txt.PRODUCTS)
        open_deal = not quiet and self.rng.random() < 0.55
        contact = pick(contacts)
        amount = round(uniform(5_000, 250_000), -2)
        deal: dict[str, Any] = {
            "id": self.new_id(),
            "Deal_Name": f"{aname} - {product}",
            "Pipeline": "Standard (Standard)",
            "Amount": amount,
            "Account_Name": {"name": aname, "id": account["id"]},
            "Contact_Name": {"name": contact["Full_Name"], "id": contact["id"]},
            "Type": pick(("New Business", "Existing Business")),
            "Lead_Source": pick(LEAD_SOURCES[1:]),
            "Next_Step": pick(txt.NEXT_STEPS),
            "Reason_For_Loss__s": None,
            "Description": None,
        }
        if open_deal:
            stage = pick(OPEN_STAGES)
            active = self.ago(1, 15)
            deal.update(Stage=stage, Closing_Date=self.ahead_date(50, 200), Last_Activity_Time=self.iso(active))
            self.stamp(deal, created + DAY * uniform(30, 300), active, owner)
            self.deal_note(deal, contact, pick(phr.DEAL), deal["Next_Step"].lower(), active, owner)
        else:
            stage = pick(CLOSED_STAGES + ("Closed Won", "Closed Won"))
            closed = last_activity - DAY * uniform(20, max(21.0, span_days))
            deal.update(Stage=stage, Closing_Date=self.day(closed), Last_Activity_Time=self.iso(closed))
            if stage != "Closed Won":
                deal["Reason_For_Loss__s"] = pick(("Price", "Timing", "No Budget"))
            self.stamp(deal, closed - DAY * uniform(20, 120), closed, owner)
        deal["Probability"] = STAGE_PROBABILITY[stage]
        deal["Expected_Revenue"] = round(amount * deal["Probability"] / 100, 2)
        self.records["Deals"].append(deal)
        return deal

    # ---------------------------------------------------------------- planted situations
    def plant(
        self,
        kind: str,
        account: dict[str, Any],
        contacts: list[dict[str, Any]],
        deals: list[dict[str, Any]],
        owner: dict[str, Any],
    ) -> None:
        """Plant one situation of ``kind`` on the account and record it, with its evidence, as ground truth."""
        aid = account["id"]
        contact = self.pick(contacts)
        evidence: list[str] = []
        said: dict[str, Any] = {}
        if kind in ("deal_stalled", "closing_soon_no_activity"):
            evidence = [self.plant_quiet_deal(kind, deals[0], contact, owner)]
        elif kind == "silent_account":
            evidence = [aid]
        elif kind == "overdue_tasks":
            evidence = self.plant_overdue_tasks(account, contact, deals, owner)
        elif kind == "contact_gone":
            evidence, said = self.plant_contact_gone(account, contact, contacts, owner)
        elif kind in ("churn_risk", "upsell_signal"):
            note, said = self.language_note(kind, account, contact, contacts, self.ago(3, 60), owner)
            evidence = [note["id"]]
        self.situations.append({"account_id": aid, "kind": kind, "evidence": evidence, **said})

    def plant_quiet_deal(self, kind: str, deal: dict[str, Any], contact: dict[str, Any], owner: dict[str, Any]) -> str:
        """A deal gone quiet: stalled for months, or closing within three weeks without activity. Its id."""
        stage = self.pick(("Value Proposition", "Id. Decision Makers", "Proposal/Price Quote", "Negotiation/Review"))
        if kind == "deal_stalled":
            quiet_since = self.ago(70, 200)
            closing = self.ahead_date(35, 150)
        else:
            quiet_since = self.ago(22, 35)
            closing = self.ahead_date(4, 21)
        deal.update(
            Stage=stage,
            Closing_Date=closing,
            Last_Activity_Time=self.iso(quiet_since),
            Probability=STAGE_PROBABILITY[stage],
        )
        deal["Expected_Revenue"] = round(deal["Amount"] * deal["Probability"] / 100, 2)
        deal["Modified_Time"] = self.iso(quiet_since)
        deal["Created_Time"] = self.iso(quiet_since - DAY * self.uniform(20, 90))
        # any note on this deal is as old as its last activity
        notes = self.records["Notes"]
        cut = max(0, len(notes) - 60)
        notes[cut:] = [n for n in notes[cut:] if n["Parent_Id"]["id"] != deal["id"]]
        self.deal_note(deal, contact, phr.DEAL[0], "pricing call", quiet_since, owner)
        return str(deal["id"])

    def plant_overdue_tasks(
        self, account: dict[str, Any], contact: dict[str, Any], deals: list[dict[str, Any]], owner: dict[str, Any]
    ) -> list[str]:
        """One to three open tasks past due, on the account or one of its recently active open deals. Their ids."""
        rng, pick, uniform = self.rng, self.pick, self.uniform
        evidence: list[str] = []
        for _ in range(rng.randint(1, 3)):
            target_module, target, name = "Accounts", account, account["Account_Name"]
            recent = self.iso(self.anchor_ts - 30 * DAY)
            open_deals = [d for d in deals if d["Stage"] in OPEN_STAGES and d["Modified_Time"] > recent]
            if open_deals and rng.random() < 0.4:
                target = pick(open_deals)
                target_module, name = "Deals", target["Deal_Name"]
            due = self.anchor_ts - DAY * uniform(10, 60)
            subject, due_date = pick(txt.TASK_SUBJECTS), self.day(due)
            status = pick(("Not Started", "In Progress", "Deferred"))
            created = due - DAY * uniform(5, 20)
            task = self.task(target_module, target, name, subject, due_date, status, created, owner, contact)
            evidence.append(task["id"])
        return evidence

    def plant_contact_gone(
        self, account: dict[str, Any], contact: dict[str, Any], contacts: list[dict[str, Any]], owner: dict[str, Any]
    ) -> tuple[list[str], dict[str, Any]]:
        """A contact who left: opted out, described as gone (maybe a "Former" title), and a note saying so."""
        month = txt.MONTHS[int(self.day(self.ago(20, 60))[5:7]) - 1]
        contact["Email_Opt_Out"] = True
        contact["Description"] = self.pick(phr.GONE_DESCRIPTIONS).format(month=month, account=account["Account_Name"])
        if self.rng.random() < 0.5:
            contact["Title"] = f"Former {contact['Title']}"
        left_at = self.ago(3, 20)
        contact["Modified_Time"] = self.iso(left_at)
        note, said = self.language_note("contact_gone", account, contact, contacts, left_at, owner, month)
        return [contact["id"], note["id"]], said

    # ---------------------------------------------------------------- notes from the phrase bank
    def everyday_note(
        self, account: dict[str, Any], contact: dict[str, Any], when: float, owner: dict[str, Any]
    ) -> None:
        phrase: phr.Phrase = self.pick(phr.NEUTRAL)  # no markup: filled in directly, as this runs ~3 times an account
        text = phrase.text.format_map({"contact": contact["Full_Name"], "first": contact["First_Name"]})
        self.note("Accounts", account, account["Account_Name"], phrase.title, text, when, owner)

    def deal_note(
        self,
        deal: dict[str, Any],
        contact: dict[str, Any],
        phrase: phr.Phrase,
        next_step: str,
        when: float,
        owner: dict[str, Any],
    ) -> None:
        values = {
            "contact": contact["Full_Name"],
            "first": contact["First_Name"],
            "deal": deal["Deal_Name"],
            "next_step": next_step,
        }
        self.note("Deals", deal, deal["Deal_Name"], phrase.title, phrase.text.format_map(values), when, owner)

    def phrase_values(
        self, account: dict[str, Any], contact: dict[str, Any], other: dict[str, Any] | None, month: str | None
    ) -> dict[str, object]:
        pick = self.pick
        return {
            "contact": contact["Full_Name"],
            "first": contact["First_Name"],
            "other": other["Full_Name"] if other else "",
            "other_first": other["First_Name"] if other else "",
            "account": account["Account_Name"],
            "competitor": pick(phr.COMPETITORS),
            "seats": pick(SEATS),
            "city": pick(txt.CITIES)[0],
            "month": month or pick(txt.MONTHS),
            "weekday": pick(phr.WEEKDAYS),
            "quarter": 1 + int(self.rng.random() * 4),
            # by the account, not the random stream: the catalogue adds no draw to an org seeded before it
            "product": txt.ACTIVE_PRODUCTS[int(account["id"]) % len(txt.ACTIVE_PRODUCTS)],
            "retired_product": txt.RETIRED_PRODUCTS[int(account["id"]) % len(txt.RETIRED_PRODUCTS)],
        }

    def other_contact(self, contact: dict[str, Any], contacts: list[dict[str, Any]]) -> dict[str, Any] | None:
        """A second contact to quote or mention, never one who shares ``contact``'s first name."""
        others = [c for c in contacts if c["First_Name"] != contact["First_Name"]]
        return self.pick(others) if others else None

    def phrase_for(self, pool: tuple[phr.Phrase, ...], other: dict[str, Any] | None) -> phr.Phrase:
        phrase: phr.Phrase = self.pick(pool)
        while other is None and phr.needs_other(phrase):
            phrase = self.pick(pool)
        return phrase

    def subject(self, about: str, account: dict[str, Any], contact: dict[str, Any], other: Any) -> dict[str, str]:
        if about == "account":
            return {"subject_module": "Accounts", "subject_id": account["id"], "subject_name": account["Account_Name"]}
        person = contact if about == "contact" else other
        return {"subject_module": "Contacts", "subject_id": person["id"], "subject_name": person["Full_Name"]}

    def language_note(
        self,
        kind: str,
        account: dict[str, Any],
        contact: dict[str, Any],
        contacts: list[dict[str, Any]],
        when: float,
        owner: dict[str, Any],
        month: str | None = None,
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """Plant ``kind`` as a note from the phrase bank; return the note and its subject, note id and sentence."""
        other = self.other_contact(contact, contacts)
        phrase = self.phrase_for(phr.PLANTED[kind], other)
        said = phr.render(phrase, self.phrase_values(account, contact, other, month))
        note = self.note("Accounts", account, account["Account_Name"], said.title, self.framed(said), when, owner)
        about = "contact" if kind == "contact_gone" else "account"
        if phrase.lookalike:
            self.record_lookalike(phrase, said, note, account, contact, other)
        return note, {
            **self.subject(about, account, contact, other),
            "note_id": note["id"],
            "sentence": said.sentence or "",
        }

    def framed(self, said: phr.Rendered) -> str:
        """The note's text, sometimes inside an opener and a closer (the marked sentences stay as they are).
        Only a note that starts with its marked sentence gets an opener (no "QBR today. QBR w/ ...")."""
        rng = self.rng
        bare = said.text.startswith((said.sentence or "\0", said.lookalike_sentence or "\0"))
        opener = self.pick(phr.OPENERS) if rng.random() < 0.4 and bare else ""
        closer = self.pick(phr.CLOSERS) if rng.random() < 0.3 else ""
        if closer and not said.text.endswith((".", "!", ")", '"')):
            closer = f".{closer}"
        return f"{opener}{said.text}{closer}"

    def lookalike_note(
        self, account: dict[str, Any], contacts: list[dict[str, Any]], when: float, owner: dict[str, Any]
    ) -> None:
        contact = self.pick(contacts)
        other = self.other_contact(contact, contacts)
        phrase = self.phrase_for(phr.LOOKALIKES, other)
        said = phr.render(phrase, self.phrase_values(account, contact, other, None))
        note = self.note("Accounts", account, account["Account_Name"], said.title, self.framed(said), when, owner)
        self.record_lookalike(phrase, said, note, account, contact, other)

    def record_lookalike(
        self,
        phrase: phr.Phrase,
        said: phr.Rendered,
        note: dict[str, Any],
        account: dict[str, Any],
        contact: dict[str, Any],
        other: dict[str, Any] | None,
    ) -> None:
        self.lookalikes.append(
            {
                "account_id": account["id"],
                "kind": phrase.lookalike,
                **self.subject(phrase.about, account, contact, other),
                "note_id": note["id"],
                "sentence": said.lookalike_sentence,
            }
        )

    def inject(self, account: dict[str, Any]) -> None:
        rng = self.rng
        pick = self.pick
        text = pick(txt.INJECTIONS)
        where = rng.random()
        if where < 0.6:
            owner = self.users[0]
            note = self.note(
                "Accounts",
                account,
                account["Account_Name"],
                "Meeting recap",
                f"Check-in went fine. {text}",
                self.ago(25, 300),
                owner,
            )
            self.injections.append({"account_id": account["id"], "record_id": note["id"], "module": "Notes"})
        elif where < 0.8:
            account["Description"] = f"{account['Description']} {text}"
            self.injections.append({"account_id": account["id"], "record_id": account["id"], "module": "Accounts"})
        else:
            contact = next(c for c in self.records["Contacts"] if c["Account_Name"]["id"] == account["id"])
            contact["Description"] = text
            self.injections.append({"account_id": account["id"], "record_id": contact["id"], "module": "Contacts"})

    def catalogue(self) -> None:
        """The vendor's Products (``seed_text.CATALOGUE``), a couple of them retired (``Product_Active`` false)."""
        admin = self.users[0]
        for name, code, category, price, active in txt.CATALOGUE:
            created = self.anchor_ts - DAY * 720
            product: dict[str, Any] = {
                "id": self.new_id(),
                "Product_Name": name,
                "Product_Code": code,
                "Product_Active": active,
                "Product_Category": category,
                "Unit_Price": price,
                "Sales_Start_Date": self.day(created),
                "Sales_End_Date": None if active else self.day(self.anchor_ts - DAY * 400),
                "Taxable": True,
                "Description": None,
            }
            self.stamp(product, created, created if active else self.anchor_ts - DAY * 400, admin)
            self.records["Products"].append(product)

    # ---------------------------------------------------------------- the whole org
    def build(self) -> SeededOrg:
        rng = self.rng
        pick = self.pick
        names = [f"{p} {c} {s}" for p in txt.COMPANY_PREFIXES for c in txt.COMPANY_CORES for s in txt.COMPANY_SUFFIXES]
        rng.shuffle(names)
        if self.n > len(names):
            names += [f"{names[i % len(names)]} {i // len(names) + 1}" for i in range(len(names), self.n)]
        planted_count = min(self.n // 2, max(len(SINGLE_KINDS), round(self.n * 0.12)))
        planted_idx = rng.sample(range(self.n), planted_count)
        plan: dict[int, tuple[str, ...]] = {}
        for order, index in enumerate(planted_idx):
            if order < len(SINGLE_KINDS):
                plan[index] = (SINGLE_KINDS[order],)
            elif rng.random() < 0.2:
                plan[index] = pick(PAIRS)
            else:
                plan[index] = (pick(SINGLE_KINDS),)
        for index in range(self.n):
            self.account(index, names[index], plan.get(index, ()))
        healthy = [a for i, a in enumerate(self.records["Accounts"]) if i not in plan]
        injection_count = min(30, max(1, self.n // 10), len(healthy))
        for account in rng.sample(healthy, injection_count):
            self.inject(account)
        self.catalogue()
        for records in self.records.values():
            records.sort(key=lambda r: r["id"])
        org = {
            "id": str(ID_BASE - 5000),
            "zgid": str(ID_BASE - 4000),
            "company_name": "Sergas Demo Co.",
            "primary_email": self.users[0]["email"],
            "currency": "US Dollar - USD",
            "iso_code": "USD",
            "currency_symbol": "$",
            "currency_locale": "en_US",
            "time_zone": "Etc/UTC",
            "country_code": "US",
            "country": "United States",
            "domain_name": "org-sergas-demo",
            "type": "production",
            "mc_status": False,
            "gapps_enabled": False,
            "primary_zuid": self.users[0]["zuid"],
            "license_details": {"paid": True, "paid_type": "enterprise", "users_license_purchased": 10},
        }
        manifest = {
            "anchor": iso(self.anchor),
            "situations": self.situations,
            "lookalikes": self.lookalikes,
            "injections": self.injections,
        }
        return SeededOrg(users=self.users, org=org, records=self.records, manifest=manifest)


def build_org(accounts: int, seed: int, anchor: datetime) -> SeededOrg:
    """Seed a demo org of ``accounts`` accounts. Same inputs, same org (ids included)."""
    org = _Builder(accounts, seed, anchor).build()
    org.org["$sandbox"] = {"accounts": accounts, "seed": seed, "anchor": org.manifest["anchor"]}
    return org

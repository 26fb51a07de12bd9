"""The words the note reader knows: how account managers say that someone left, that an account may churn,
or that it wants more. Every pattern is written in lower case over a *masked* sentence (``review.language``):
``@p3`` is contact 3, ``@acct`` the account, ``@v`` a rival vendor, ``@x`` another proper name.

A ``Trigger`` says what happened (``label``), where its subject is (``who``: ``"before"`` = walk back from
the match to the clause's subject; ``"group"`` = the named group ``who`` of the match; ``"account"`` = the
account itself), and which nearby words give the words another sense (``harmless``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Who = Literal["before", "group", "account"]


def word_set(words: str) -> frozenset[str]:
    """The whitespace-separated words of ``words`` (vocabularies read better as one string)."""
    return frozenset(words.split())


@dataclass(frozen=True)
class Trigger:
    label: str
    pattern: re.Pattern[str]
    who: Who = "account"
    harmless: re.Pattern[str] | None = None  # searched in the words around the match (same clause)
    strong: bool = True  # a weak departure (replaced, taken over from) is undone by "while on leave" etc.
    own_negation: bool = False  # the phrase carries its own "not" ("won't renew", "no longer with")
    requires: re.Pattern[str] | None = None  # the sentence must also say this ("new office" + "licenses")
    change: Literal["down", "up"] | None = None  # groups "a" and "b" are numbers that must fall (or rise)
    unless: re.Pattern[str] | None = None  # ...and must not say this ("email bounced but it was a domain change")
    keys: tuple[frozenset[str], ...] = ()  # stems (see KEYS): the pattern runs only if each group has one
    # said of a person, a churn phrase is a departure ("Sam gave notice", "Sam is moving to Envizi"): not churn
    of_a_person_is_a_departure: bool = False


def trigger(
    label: str,
    regex: str,
    *,
    who: Who = "account",
    harmless: str | None = None,
    strong: bool = True,
    own_negation: bool = False,
    requires: str | None = None,
    unless: str | None = None,
    change: Literal["down", "up"] | None = None,
    of_a_person_is_a_departure: bool = False,
) -> Trigger:
    return Trigger(
        label,
        re.compile(regex),
        who,
        re.compile(harmless) if harmless else None,
        strong,
        own_negation,
        re.compile(requires) if requires else None,
        change,
        re.compile(unless) if unless else None,
        _key_groups(label),
        of_a_person_is_a_departure,
    )


def _key_groups(label: str) -> tuple[frozenset[str], ...]:
    """KEYS[label] as sets, the group to index the trigger by first (see INDEX_BY)."""
    groups = tuple(frozenset(group.split()) for group in KEYS[label])
    first = INDEX_BY.get(label, 0)
    return (groups[first], *groups[:first], *groups[first + 1 :]) if first else groups


# Necessary words of each trigger, as word stems: every match has a word starting with one stem of each
# group. A sentence is matched only against the triggers whose stems it has, and a note with none is not
# read further (most notes: recaps, check-ins). Pseudo-stems: "@v" a rival vendor's name, "@x" a capitalised
# word inside a sentence, "#" a number. Keep them in step with the patterns (tests check the corpus).
_RIVALS = "@v vendor provider supplier platform solution tool crm system product offering software app competit rival"
# Speed only: the key group a trigger is looked up by (its rarest in notes); the others are checked after.
INDEX_BY: dict[str, int] = {
    "stepped down": 1,
    "with the contact gone": 1,
    "not staying": 1,
    "wants out": 1,
    "budget leaves us out": 1,
    "moving down a plan": 1,
    "weighing options": 1,
    "lost trust": 1,
    "more seats": 1,
    "wants more people on it": 1,
    "wants a team on board": 1,
    "bringing more onto us": 2,
    "another department wants in": 2,
}
KEYS: dict[str, tuple[str, ...]] = {
    "left the company": ("left",),
    "is leaving the company": ("leav",),
    "quit": ("quit",),
    "resigned": ("resign notice",),
    "retired": ("retir",),
    "departed": ("depart",),
    "on garden leave": ("garden",),
    "no longer with the company": (
        "longer anymore any_more any_longer no_more changed_the changed_company "
        "changed_companies changed_jobs changed_job changed_employer",
    ),
    "moved on": ("moved_on moving_on move_on moves_on",),
    "moved to another company": (
        "moved_to moved_over moving_to moving_over went_to went_over gone_to gone_over jumped_to jumping_to "
        "switched_to switched_over defected_to headed_to heading_to transferred_to transferring_to headship "
        "principalship directorship professorship appointed moved_up moving_up",
    ),
    "joined another company": ("join",),
    "moved to a named company": (
        "moved_to moved_over moving_to moving_over jumped_to switched_to defected_to",
        "@x @v competitor rival",
    ),
    "forced out": ("forced ousted eased booted kicked squeezed",),
    "out of the company": ("out_of",),
    "not our contact any more": ("anymore any_more longer",),
    "a new chapter elsewhere": ("chapter adventure",),
    "took a job elsewhere": (
        "job role position offer gig post now_at now_with now_working is_at is_with is_working starts_at "
        "starting_at started_at begins_at start_at starts_with starting_with started_with",
    ),
    "was let go": (
        "let laid fired redundant redundancy severance a_package the_package buyout terminated sacked "
        "dismissed pushed restructured lost retrench",
    ),
    "stepped down": ("stepped$ stepping$ steps$ step$", "down$"),
    "parted ways": ("parted exited packed",),
    "is off to another company": ("off$",),
    "is gone": ("gone",),
    "poached by another company": ("poached headhunted recruited hired snapped",),
    "last day": ("last final",),
    "departure": ("departure resignation exit retirement leaving farewell send_off sendoff goodbye",),
    "was replaced": ("replac succe backfill over$ into$",),
    "out, mailbox closed": ("out_since",),
    "mailbox closed": (
        "mail email e mailbox address inbox message messages",
        "bounc closed deactivat disabled dead gone returned came",
    ),
    "role eliminated": ("position role job post", "eliminated cut$ made$ axed terminated scrapped removed"),
    "with the contact gone": ("with$", "gone$ departed$ out$"),
    "former": ("former ex$",),
    "formerly with the account": ("ex$ formerly previously",),
    "now at another company": ("now$", "@x @v"),
    "was replaced by a successor": ("replaced$",),
    "cancel": ("cancel",),
    "not renewing": ("renew lapse expir run extend whether",),
    "not staying": (
        "won wont not no unlikely doubt decided chose last final run",
        "be_back year_with term_with renewal_with contract_with quarter_with run_the run_their run_our "
        "continue_with continuing_with continue_the stay_with staying_with keep_us keeping_us keep_using keep_the "
        "keeping_the term_out contract_out continue_after continue_beyond continue_past continuing_after "
        "continuing_beyond continuing_past",
    ),
    "terminate": ("terminat exit clause out_of break_the break_their",),
    "moving to a competitor": (
        "switch move$ moves$ moved$ moving$ migrat go$ going$ transition port$ porting$ ported$ consolidat "
        "standardi replat defect bring brought$ build built$ take taking$ took$ takes$",
        "@v vendor provider supplier platform solution tool crm system product offering software app "
        "competitor competitors rival competition house$ inhouse vendors providers suppliers platforms tools "
        "crms systems stack",
    ),
    "evaluating competitors": (
        "@v vendor provider supplier competit rival alternativ option competition crm suite cloud other$ another$ "
        "different$ cheaper$ new$ tool",
        "evaluat look consider explor assess review compar trial test pilot demo shortlist talk speak spoke get "
        "meet talks research scout seek search benchmark courted approached got received have had poc proof bake "
        "pitch court call circl sniff knock",
    ),
    "rfp": ("rfp rfps request tender retender",),
    "shopping around": (
        "shop competitive market competitor competitors @v vendor rival under_review saas software ours$ benchmark",
        "around$ shop eval evaluation evaluations bid bidding process review scan test offered offering quoted pitched "
        "under_review contracts$ benchmark "
        "pitching approached undercut courting cheaper came selection assessment consolidation rationali bake offer "
        "quote price pricing proposal discount deal",
    ),
    "leaving us": (
        "leav left walk$ walking$ churn switch elsewhere threaten dump ditch drop abandon plug end$ ending$ "
        "done_with ways_with why_they why_we yours$ be_us consolidat collaboration cooperation supplier "
        "rationali straw breaker dealbreaker non_starter nonstarter chopping export_everything "
        "exporting_everything export_all export_the export_their export_our wind winding$ offboard cut$ "
        "cutting$ close_the close_their close_our closes_the closing_the closing_their closing_our closed_the "
        "closed_their closed_our close_down closing_down closed_down close_out closing_out closed_out "
        "account_closure account_to pull$ replaced$ otherwise only_renew only_be",
    ),
    "compared with a named rival": (
        "benchmark compar measur side head bake vs$ versus the_market market_check",
        "us$ our$ add_on side head bake @x @v the_market market_check",
    ),
    "courted by a named rival": ("courting approached",),
    "piloting a named rival": (
        "trial pilot testing poc proof",
        "not_us of_us alongside parallel compare side against",
    ),
    "invited beside us": (
        "quote bid proposal pitches demos invited vendors shortlist finalist rfp tender",
        "us$",
    ),
    "looking at a named rival before renewing": ("look", "signing renewing renewal renew committing"),
    "moving to a named tool": (
        "mov switch migrat transition",
        "renewal renewing contract notice effective export termination",
    ),
    "chose a competitor": (
        "went_with go_with going_with gone_with opted_for opting_for chose choose choosing picked selected signed_with "
        "signed_a awarded bought purchased decided_on over_us won$ wins$ winning$ ahead$ frontrunner front favourite "
        "favorite preferred leading pole signed_up signing_up sign_up signs_up about_to going_to ready_to close_to "
        "nearly_signing lean leaning$ leant$ negotiat shortlist chosen decided_for finalist final_two "
        "final_three between_us",
        "@v @x vendor provider option solution platform tool competitor rival offer crm system product us$",
    ),
    "lost to a competitor": ("lost$ losing$", "to$"),
    "replacing us": (
        "replac rip$ phas sunset off$ away$ alternative successor substitute",
        "us$ our$ your$ platform product tool system software subscription replace",
    ),
    "another department wants in": (
        "hr$ finance marketing sales legal ops$ operations it$ support procurement engineering accounting service "
        "product design logistics warehouse field customer",
        "want wants$ need needs$ asked like",
        "in$ own$ access licen seats$ logins$ platform tool product workspace instance account seat$ login$",
    ),
    "wants a team on board": (
        "want wants$ wanted$",
        "on_the onto_the using_the on_it onto_it on_board on_our onto_our on_us using_it using_our",
    ),
    "wants an add-on": (
        "want wants$ wanted$",
        "addon addons module modules add_on add_ons api_access connector connectors$ integration integrations$",
    ),
    "drifting away": (
        "savings justify loi letter_of mou contract_with deal_with agreement_with away_from back_to revert between_us "
        "vs$ versus parent acquirer buyer new_owner for_cuts for_savings for_cancellation for_termination for_removal "
        "the_chop compare_quotes comparing_quotes compared_quotes compare_offers comparing_offers compare_proposals "
        "comparing_proposals compare_vendors comparing_vendors compare_suppliers comparing_suppliers "
        "compare_providers comparing_providers compare_bids comparing_bids",
    ),
    "no longer needs us": (
        "need_us need_our justify replied_to responded_to replied_on responded_on answered_the answered_our "
        "signed_the signed_our returned_the returned_our come_back instead_of",
    ),
    "gone quiet": (
        "gone_quiet gone_silent gone_dark went_quiet went_silent went_dark going_quiet going_silent going_dark "
        "gone_completely went_completely gone_totally went_totally gone_very went_very gone_radio went_radio "
        "gone_awol went_awol gone_mia went_mia gone_cold went_cold going_cold turned_cold run_cold ran_cold grown_cold "
        "gone_a went_a gone_rather turned_a gone_lukewarm gone_frosty radio_silence ghost stopped_responding "
        "stopped_replying "
        "stopped_answering stopped_returning no_replies no_reply no_response no_responses no_answer ignor",
    ),
    "withholding payment": ("refus withh withheld disput pay$",),
    "weighing options": ("weigh keep keeping$ consider explor review look assess evaluat", "options$"),
    "lost trust": (
        "trust faith confidence goodwill patience burned see sees$ consider considers$ view views$ treat treats$",
        "gone$ lost$ low$ eroded shot$ broken running wearing burned us_as",
    ),
    "more budget for us": (
        "budget",
        "more$ extra additional new$",
        "rollout roll expansion platform licen seats upgrade deploy",
    ),
    "evaluating another module": (
        "evaluat trial pilot test demo consider look",
        "module addon add_on add_ons tier plan$ edition",
    ),
    "the same setup elsewhere": (
        "same$",
        "setup set solution platform config deployment licen same_for same_at same_in same_there same_thing",
    ),
    "getting a team on us": (
        "get getting$ got$ gets$ want need put$ putting$ bring",
        "on_us on_it on_board onto_us on_the onto_the on_our onto_our",
    ),
    "one platform for all": ("platform tool solution system crm vendor consolidat", "all$ our$ us$ ours$"),
    "adding an add-on": ("add_on add_ons addon addons module modules licen", "added$ for_their for_the"),
    "churn idiom": (
        "jump jumping$ pull pulling$ pulled$ scal borrowed worth value overpriced over delivering performing working "
        "exit bail give cold second buyer remorse writing regret wast fire kick throw rip show cut$ cutting$ last "
        "final "
        "ultimatum refund withhold disput losing$",
    ),
    "growth idiom": (
        "scal grow land bigger ramp double go_all going_all go_wall going_wall standardi replac bring increas "
        "use_cases use_case add_a adding_a add_another adding_another mov_more move_more moving_more moved_more "
        "moves_more move_everything moving_everything moved_everything move_the moving_the moved_the capacity storage "
        "api bandwidth overage exceed hit hitting$ running",
        "up$ account footprint usage deployment rollout spend contract expand deal order all$ wall us$ our$ team "
        "business company org group investment commitment value case workspace instance environment sandbox tenant "
        "capacity storage api bandwidth overage limit cap$ quota ceiling allowance plan$ seat licen user",
    ),
    "departure idiom": (
        "pastures flown said_her said_his said_their sent_a sent_her sent_his sent_their walked_out shown the_sack "
        "the_boot the_axe the_chop cleared_her cleared_his cleared_their history the_picture announced_her "
        "announced_retirement announced_departure announced_resignation "
        "announced_his announced_their step_away stepping_away stepped_away steps_away won_t picture reins",
    ),
    "moving on": (
        "pursu explor seek wrap wrapped$ wrapping$",
        "opportunit challenge venture time$ tenure stint career",
    ),
    "contract ended": ("contract",),
    "no replacement yet": ("replac backfill successor",),
    "emigrated": ("emigrat",),
    "landed a job elsewhere": ("landed ended_up", "@x @v"),
    "finished up": ("finished_up finishes_up finished_at finished_with finishing$ finishes$ finished$",),
    "went out on their own": ("freelanc self_employed contracting independent own$",),
    "not coming back": ("back$", "leave break sabbatical secondment decided"),
    "let go, named after": ("let$",),
    "left for good": ("poached headhunted going_to went_back passed_away died",),
    "jumped ship": ("jump",),
    "now works elsewhere": ("now$", "at$", "@x @v"),
    "passed on": ("passed_on",),
    "is out, replaced": ("out$", "new$ replac successor pushed fired let good"),
    "no longer our contact": ("longer anymore any_more",),
    "budget leaves us out": ("budget plan$ plans$", "include$ includes$"),
    "shrinking the contract": (
        "seat licen user right off_our off_the",
        "drop shed lose losing reduc cut go$ going$ goes$ went$ decreas shrink siz halv trim switch mov downgrad "
        "convert come$ fall down$ dropping$ comes$ coming$ falls$ falling$ dropped$",
    ),
    "everything under review": (
        "everything review reconsider evaluat assess tender retender reevaluat reassess rationali audit "
        "consolidat out_to look question scrutini go$ going$ goes$ went$ challeng",
        "table all$ every bid$ tender rfp market",
    ),
    "won't commit": ("commit",),
    "quotes from rivals": (
        "quote proposal bid offer pric",
        "competit competing vendors$ rival providers$ suppliers$ @v alternativ comparativ cheaper",
    ),
    "a quote from a named rival": ("quote proposal offer bid", "from$", "@x @v"),
    "their own or old tool": (
        "build built bring house inhouse",
        "own$ house inhouse old$ previous preferred favo usual",
    ),
    "new people need seats": ("need", "licen seat account login access package subscription"),
    "wants a module": (
        "want need asked asking quote pric buy purchas order add",
        "addon add_on add_ons module package pack premium support_plan support_tier support_package sla storage tier "
        "edition block bundle ordered$ instance workspace environment tenant org$",
    ),
    "adding to our platform": (
        "add mov migrat bring brought put consolidat transition switch onboard extend",
        "to$ onto on_to",
        "platform system contract subscription plan$ licen agreement order tool instance us$ ours$ access seat product "
        "crm solution suite app addon add_on module",
    ),
    "others want ours": (
        "want asking asked request need",
        "ours our_platform our_tool our_system our_product our_solution our_app our_crm it_for on_it on_us on_the "
        "same$ region division office site branch subsid entit team unit countr plant store",
    ),
    "buying the rollout": (
        "po$ purchase order contract pric quote proposal sign demo",
        "rollout roll_out outlets sites offices stores branches locations plants entities brands teams users seats "
        "licen subsidiaries divisions regions countries",
    ),
    "budget approved for us": ("budget",),
    "renewing smaller": ("at$", "seats$ users$ licen"),
    "lost business to a rival": ("lost$ losing$", "competit rival @v"),
    "rivals pitching": ("vendor competit provider supplier @v", "in$ presented pitched demoed"),
    "wants more people on it": (
        "want need asked ask request looking like plan quote pric offer wish",
        "#_users #_user #_seats #_licenses #_licences #_logins #_agents #_reps #_people #_ppl #_employees "
        "#_staff #_engineers #_techs #_technicians #_analysts #_members #_accounts #_more #_extra "
        "#_additional #_new #_further a_few several dozens_of hundreds_of another "
        "twenty thirty forty fifty sixty seventy eighty ninety",
    ),
    "adding a team": (
        "roll_us roll_it rolling_us rolling_it rolled_us rolled_it open_it opening_it bring_the bringing_the "
        "bring_their bringing_their bring_another bring_our add_the add_their add_our "
        "add_another add_a add_two add_three add_new add_all add_every adding_the "
        "adding_their adding_our adding_another adding_a adding_two adding_three adding_new adding_all "
        "adding_every onboard_the onboard_their onboard_our onboard_another onboard_a onboard_two "
        "onboard_three onboard_new onboard_all onboard_every onboarding_the onboarding_their onboarding_our "
        "onboarding_another onboarding_a onboarding_two onboarding_three onboarding_new onboarding_all "
        "onboarding_every include_the include_their include_our include_another include_a include_two "
        "include_three include_new include_all include_every including_the including_their including_our "
        "including_another including_a including_two including_three including_new including_all "
        "including_every bring_on bringing_on extend_to extend_it extend_this extend_us extending_to roll_out "
        "rolling_out rolled_out expand_to expanding_to expand_it expand_us open_up opening_up access_to "
        "access_for onboard_them bring_them add_them get_them move_them migrate_them onboard_it bring_it add_it "
        "get_it move_it migrate_it",
        "platform tool$ system crm$ product "
        "team teams$ department division office site region subsid unit plant factor branch store entit "
        "countr crew staff people hires starters grads graduates interns contractors agents reps",
    ),
    "wants it in more places": (
        "want_the wants_the wanted_the want_us wants_us want_it wants_it want_our wants_our",
        "all$ every each other$ more$ another #",
    ),
    "stopping using us": (
        "stop_using stopping_using stopped_using stops_using discontinu rid_of away_from drop_us drop_our "
        "drop_the dropping_us dropping_our dropping_the dropped_us dropped_our dropped_the ditch dump "
        "replace_us replacing_us replace_our replacing_our replace_the replacing_the retire_the retire_our "
        "retiring_the retiring_our decommission stop_the stopping_the stopped_the stop_our",
        "us$ our$ platform tool subscription service licen",
    ),
    "asking how to leave": (
        "notice_period termination_clause termination_terms termination_process termination_date "
        "exit_clause exit_terms exit_process how_to how_they month_to day_out day_exit out_clause exit_option "
        "break_clause break_option out_option",
    ),
    "closing the account": ("account acct last notice final", "clos with_us effective contract$"),
    "off to a rival": ("off$", "@x @v"),
    "dropping an add-on": (
        "switch turn shut drop remov discontinu come$ comes$ coming$ go$ goes$ going$ reduc cut scal trim",
        "add_on add_ons addon addons module modules",
    ),
    "moving a team to a rival": (
        "team firm company users seats staff everyone department dept division practice restaurants stores sites "
        "clinics plants depots whole entire systems$",
        "mov migrat switch transition going$ goes$",
        "@x @v",
    ),
    "seat count going down": ("seat seats$ licen user users$ logins$", "#"),
    "seat count going up": ("seat seats$ licen user users$ logins$", "#"),
    "fewer seats": ("seat seats$ licen user users$ logins$", "from$"),
    "taking things out of the renewal": (
        "strip remov take taking$ took$ takes$ pull drop cut$ cutting$",
        "renewal$ contract$ order$ subscription$",
    ),
    "more seats at renewal": ("seat seats$ licen user users$ logins$", "from$"),
    "giving notice": ("notice",),
    "wants out": ("want", "out$"),
    "unhappy": (
        "unhapp dissatisf frustrat disappoint upset angry furious annoy irritat livid fed unsatisf displeas "
        "exasperat fuming complain critical negative sour grumbl expensive pricey costly justify strained hate hates$ "
        "hated$ hating$ loath stand$ "
        "rocky tense breach not_happy not_satisfied not_pleased not_thrilled not_impressed losing_patience "
        "losing_faith losing_confidence losing_trust lost_patience lost_faith lost_confidence lost_trust afford "
        "price_increase price_hike price_rise price_uplift price_change pricing_increase pricing_change push_back "
        "pushing_back pushed_back pushes_back detractor detractors$ nps$ scored_us",
    ),
    "moving off us": ("off$", "us$ our$"),
    "cutting to a lower tier": (
        "basic standard starter lite light free essentials lower cheaper smaller minimum bronze",
        "cut drop reduc downgrad mov switch step",
    ),
    "contract value down": ("down$", "contract acv arr value spend"),
    "doubts the value": (
        "question questioning$ questioned$ questions$ see$ getting$ roi$ value$ seeing$ finding$ get$ find$ "
        "realis realiz convinced sold$ persuaded sure$ unconvinced business_case",
        "roi$ value$ renewal$ spend$ cost$ investment$ price$ there$ benefit worth renew",
    ),
    "escalation": ("escalat",),
    "budget cuts": (
        "budget cut$ cuts$ cutting$ slash downsiz downgrad reduc fewer scaling$ scale$ scaled$ spending purchasing "
        "tighten trim froze frozen freez",
    ),
    "moving down a plan": (
        "drop dropping$ dropped$ move moving$ moved$ go$ going$ switch",
        "starter basic standard free lite lower cheaper smaller entry",
        "plan$ tier edition package version level",
    ),
    "churn": ("churn risk thin red$ amber$",),
    "usage dropping": (
        "usage stopped nobody adoption login logins shelfware shelf only$ one$",
        "dropped declin fall fell tank plummet collaps down$ cratered stopped nobody low$ poor stall drop using$ "
        "nosediv "
        "logged used$ uses$ opened touched ware$ active$ "
        "logging uses$",
    ),
    "expansion": ("expan",),
    "more seats": (
        "seat licen user login module team depart office region site locat business division subsid countr "
        "market workspace capacit storage product add_on add_ons addon addons agent rep instance entit brand plant "
        "store branch count footprint usage deployment access accounts$ logins$",
        "more$ additional extra another add_# add_more add_another add_extra add_additional add_a add_the add_some "
        "add_several add_users add_seats add_licenses add_licences add_user add_them adds$ adding$ added$ count "
        "increas doubl over$ true bump bumping$ up_the enlarg extend expand rais seats_for "
        "seat_for licenses_for licences_for license_for licence_for users_for new_seats new_licenses "
        "new_licences new_users new_logins new_offices new_sites new_teams new_locations #_seats #_seat "
        "#_licenses #_licences #_license #_licence #_users #_user #_more #_additional #_extra #_new #_logins "
        "several_more some_more few_more dozens_more hundreds_more a_few buy purchas order need want get",
    ),
    "new team or site": (
        "new$",
        "need want licen seat onboard access quote pricing roll rollout add users accounts expan buy purchas get set "
        "bring",
    ),
    "upgrade": ("upgrad move_up",),
    "bigger plan": (
        "enterprise premium pro$ professional ultimate platinum gold higher bigger advanced plus$ business$ unlimited "
        "bundle_price bundle_pricing bundle_deal bundle_quote bundle_discount bundle_license bundle_licence "
        "group_price "
        "group_pricing group_deal group_quote group_discount group_license group_licence group_wide volume_price "
        "volume_pricing volume_deal volume_quote volume_discount volume_discounts volume_license volume_licence "
        "bundle_prices group_prices volume_prices",
        "tier plan$ plans$ package edition bundle level licen agreement deal$ contract wide$ version option price "
        "pricing quote discount",
    ),
    "wants a bigger plan": (
        "enterprise premium pro$ professional business$ ultimate platinum gold$ plus$ advanced growth$ scale$",
        "want need asked keen interested looking mov",
    ),
    "roll out wider": (
        "roll rollout deploy wide$ wall$ phase global extend expand bring brings$",
        "other$ more$ new$ rest$ all$ every whole$ entire$ wider company org global team teams office offices region "
        "site division department countr subsid locat plant store branch staff employees brand entit wide$ engineers "
        "reps$ agents$ technicians workers users$ people$ # marketing$ sales$ finance$ support$ engineering$ "
        "operations$ ops$ legal$ procurement$ hr$ customer_service logistics$ warehouse$ field_service "
        "2 two ii phase second another",
    ),
    "onboarding more units": ("onboard", "subsid division business region countr brand entit site plant store branch"),
    "would pay for more": ("pay$",),
    "interest in more products": (
        "interest keen curious excited quote_for quotes_for pricing_for price_for prices_for proposal_for "
        "proposals_for estimate_for cost_of costs_of cost_for costs_for quote_on pricing_on pricing_of "
        "price_of quote_of to_buy to_add to_purchase to_get to_trial to_license to_licence to_roll cross_sell "
        "up_sell upsell crosssell buy_it buy_them buy_this buy_that purchase_it purchase_them license_it "
        "licence_it cover covers$ covering$ includ extend budget_for budgeting_for budgeted_for asked_about "
        "enquired_about inquired_about asking_about demo_of demo_for trial_of trial_for walkthrough walk_through "
        "poc_of poc_for pilot_of pilot_for sandbox_for outgr cost$ costs$ "
        "how_much would_cost can_we could_we can_they could_they #_seats #_seat #_licences #_licence #_licenses "
        "#_license #_users #_user #_logins #_login second_instance 2nd third 3rd",
        "add$ addon addons module product offering package feature integration api premium analytics sso tier app "
        "apps$ mobile connector portal option workspace capacit storage plans$ edition limit quota sandbox "
        "upsell up_sell cross_sell crosssell "
        "environment instance cost "
        "plan$ upgrade bundle expansion licen seat user # more$ additional extra another second sell cover "
        "covers$ includ team department division office unit "
        "staff people group reps rollout adding$ including onboarding",
    ),
    "bringing more onto us": (
        "mov migrat bring brought put consolidat transition switch replac want",
        "region office team site division subsid entit countr unit brand department location plant store old$ "
        "legacy current$ existing$ enterprise premium pro$ professional business$ ultimate platinum higher top$",
        "onto_us onto_our onto_the on_to to_us to_our to_the on_us on_our on_the with_ours with_us with_our are_in "
        "is_in are_only is_only are_available is_available are_part is_part s_in s_only s_available s_part",
    ),
    "more of the product": (
        "explor consider evaluat look need",
        "whether$ if$ workspace instance environment tenant org$ portal sandbox",
    ),
    "more places or people": (
        "from_#",
        "site office location team region countr entit brand store plant branch people staff employees users$ reps$ "
        "agents$ grow expand increas",
    ),
    "more people need it": (
        "access logins login licen seats seat accounts account contract agreement subscription subsid entit division "
        "office brand sister",
        "need asking clamour clamor begging pushing too$ also$ well$",
    ),
    "wants them on ours": ("want wants$ wanted$", "on_our onto_our on_us onto_us into_our on_ours onto_ours"),
    "moving more onto us": ("mov migrat bring put transition", "rest$ into_our"),
    "new team needs access": ("new$", "need needs$"),
    "joining our contract": ("join", "contract subscription agreement licen platform plan$"),
    "asked us for a proposal": (
        "proposal proposals$ quote quotation pricing estimate",
        "bundle package addon module tier plan$ upgrade team office site region services$ training for$",
    ),
    "growing": (
        "hiring onboarding bringing adding headcount team division business department subsidiary office brand "
        "company entity budget",
        "people staff reps agents employees engineers users hires sellers salespeople headcount want need asked "
        "asking approved signed allocated secured grow growing doubl tripl increas up$",
    ),
}


# --------------------------------------------------------------------------------------------- names
VENDORS: tuple[str, ...] = (
    "HubSpot",
    "Hub Spot",
    "Salesforce",
    "SFDC",
    "SAP CRM",
    "SAP",
    "Pipedrive",
    "Microsoft Dynamics",
    "Dynamics 365",
    "Dynamics",
    "Freshsales",
    "Freshworks",
    "Freshdesk",
    "Zendesk Sell",
    "Zendesk",
    "SugarCRM",
    "Insightly",
    "monday.com",
    "Copper CRM",
    "Keap",
    "Oracle CX",
    "NetSuite",
    "ServiceNow",
    "Creatio",
    "Nutshell",
    "Close.com",
    "Contoso CRM",
    "Fabrikam Suite",
    "Globex Cloud",
    "Initech Sales",
)
# The lower-case start of a brand with a capital inside ("ezy" of "ezyVet", "e" of "eBay"): a name as much as a
# capitalised word is (a regular expression: one to four letters followed by a capital).
BRAND_START = r"[a-z]{1,4}(?=[A-Z])"
# Capitalised words that are not names (months, days, tools, note words).
COMMON_CAPITALISED: frozenset[str] = (
    word_set("""i i'm i've i'll i'd ok okay january february march april may june july august september october
    november december jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday
    friday saturday sunday mon tue tues wed thu thur thurs fri sat sun zoom teams slack webex outlook excel
    gmail meet docs sheets drive calendar linkedin q1 q2 q3 q4 h1 h2 fy eod eow asap fyi re fwd update notes note
    call meeting
    email mail option plan tier phase version release team the a an and but so also then per according
    heard spoke talked met called emailed quick short good great bad sadly unfortunately apparently just
    still today yesterday tomorrow next last this that they she he we it his her their our my your
    christmas easter thanksgiving covid ai api sso crm erp it hr us uk eu emea apac latam na standard professional
    enterprise premium pro plus ultimate platinum gold silver bronze basic starter growth business advanced
    unlimited essentials edition tier suite saas support sla services addon add-on add-ons module modules""")
)

# Words a trigger needs, which people misspell: a lower-case word one slip away from one of these (a letter
# missing, doubled, wrong or two swapped: "resgined", "cancelation", "competiter") is read as that word, unless it
# is a real word itself (``review.language.real_words``). A class of errors, not a list of the ones seen (TYPOS).
SPELLED = word_set(
    """resign resigned resigning resignation retire retired retiring retirement leaving departed departing departure
    replaced replacement successor quitting terminate terminated termination dismissed promoted transferred
    relocated maternity paternity sabbatical colleague company employer startup competitor competitors
    cancel cancelled canceled cancelling canceling cancellation switch switching switched alternative
    alternatives evaluate evaluating evaluation considering unhappy frustrated frustration disappointed
    disappointment complaint complaints complained complaining escalation escalated escalate escalating renewal
    renewing downgrade downgrading budget cheaper pricing threatened threatening migrate migrating migration
    replacing tender proposal vendor vendors shopping upgrade upgrading upgraded expansion expand expanding
    additional license licenses licence licences enterprise premium interested interest rollout module modules
    onboarding purchase purchasing extension subscription contract increase headcount department division
    seats users analytics"""
)

# Places (the big cities and countries notes name): masked as ``@l``, not as a proper name ``@x`` that a person may
# join or move to ("moved to Berlin" is no departure; "moved to Bosch" is).
PLACES = word_set(
    """berlin munich hamburg frankfurt cologne stuttgart dusseldorf düsseldorf vienna zurich zürich geneva basel paris
    lyon marseille toulouse lille nice bordeaux london manchester birmingham leeds glasgow edinburgh bristol dublin
    cork amsterdam rotterdam utrecht eindhoven brussels antwerp luxembourg madrid barcelona valencia seville bilbao
    lisbon porto milan rome turin naples bologna florence athens istanbul izmir ankara warsaw krakow prague brno
    budapest bucharest sofia zagreb belgrade ljubljana bratislava copenhagen aarhus stockholm gothenburg malmo malmö
    oslo bergen helsinki tallinn riga vilnius reykjavik moscow kyiv kiev dubai doha riyadh cairo lagos nairobi
    johannesburg joburg capetown tokyo osaka kyoto seoul beijing shanghai shenzhen guangzhou hongkong singapore
    bangkok jakarta manila mumbai delhi bangalore bengaluru chennai hyderabad pune kolkata sydney melbourne brisbane
    perth auckland toronto montreal vancouver calgary ottawa boston chicago seattle austin denver dallas houston
    atlanta miami phoenix portland detroit philadelphia pittsburgh nashville charlotte minneapolis sf nyc la dc
    mexico monterrey guadalajara bogota bogotá medellin medellín lima santiago buenos aires são paulo sao rio
    germany austria switzerland france spain portugal italy greece turkey poland czechia hungary romania bulgaria
    croatia serbia denmark sweden norway finland estonia latvia lithuania ireland scotland wales england netherlands
    belgium japan korea china india australia canada brazil argentina chile colombia peru nigeria kenya egypt asia
    europe africa america emea apac latam nordics benelux dach iberia leipzig dresden nuremberg nürnberg hanover
    hannover bremen essen dortmund bonn mannheim karlsruhe graz salzburg linz innsbruck lausanne bern lucerne nantes
    strasbourg rennes montpellier grenoble liverpool sheffield newcastle cardiff belfast oxford cambridge hague
    haarlem ghent bruges liège liege malaga málaga zaragoza palma valladolid coimbra braga genoa verona venice palermo
    bari thessaloniki gdansk gdańsk wroclaw wrocław poznan poznań lodz łódź ostrava debrecen cluj timisoara iasi
    plovdiv varna split odense uppsala tampere turku espoo tartu kaunas jeddah casablanca tunis accra durban pretoria
    taipei hanoi saigon kuala lumpur penang colombo dhaka karachi lahore islamabad ahmedabad noida gurgaon gurugram
    adelaide wellington christchurch quebec winnipeg edmonton halifax boulder raleigh durham orlando tampa sacramento
    san diego jose francisco antonio salt lake las vegas st louis kansas baltimore cleveland cincinnati columbus
    indianapolis milwaukee ohio texas california florida york jersey washington oregon virginia carolina georgia
    massachusetts illinois michigan arizona colorado utah nevada bavaria saxony hesse catalonia andalusia lombardy
    tuscany flanders wallonia ontario alberta quebec bc queensland victoria riyadh abu dhabi sharjah muscat kuwait
    bahrain qatar israel tel aviv haifa jerusalem amman beirut"""
)

# Misspellings and shorthand seen in notes, read as the word meant (the quote keeps what was written).
TYPOS: dict[str, str] = {
    "shes": "she's",  # phone-typed, apostrophes dropped
    "hes": "he's",
    "retd": "retired",
    "competitr": "competitor",
    "lic": "licences",
    "lics": "licences",
    "ent": "enterprise",
    "cancle": "cancel",
    "cancell": "cancel",
    "cancl": "cancel",
    "canceld": "cancelled",
    "cancelation": "cancellation",
    "renwal": "renewal",
    "renewl": "renewal",
    "reneval": "renewal",
    "renwe": "renew",
    "renewel": "renewal",
    "competiter": "competitor",
    "competetor": "competitor",
    "competitior": "competitor",
    "compeitor": "competitor",
    "competiters": "competitors",
    "competetors": "competitors",
    "leavng": "leaving",
    "leavign": "leaving",
    "leving": "leaving",
    "lefft": "left",
    "lft": "left",
    "lfet": "left",
    "resgined": "resigned",
    "resigend": "resigned",
    "resinged": "resigned",
    "resgin": "resign",
    "resiged": "resigned",
    "retird": "retired",
    "retiering": "retiring",
    "frustated": "frustrated",
    "frustarted": "frustrated",
    "frusterated": "frustrated",
    "dissapointed": "disappointed",
    "disapointed": "disappointed",
    "dissappointed": "disappointed",
    "unhapy": "unhappy",
    "unhappey": "unhappy",
    "threatend": "threatened",
    "threatned": "threatened",
    "threatnd": "threatened",
    "thretened": "threatened",
    "escalte": "escalate",
    "escalted": "escalated",
    "esclated": "escalated",
    "escallated": "escalated",
    "addtl": "additional",
    "addl": "additional",
    "additonal": "additional",
    "aditional": "additional",
    "licenes": "licenses",
    "lisences": "licenses",
    "licneses": "licenses",
    "liscense": "license",
    "lisence": "license",
    "upgarde": "upgrade",
    "upgarding": "upgrading",
    "upgrde": "upgrade",
    "upgade": "upgrade",
    "expnad": "expand",
    "expnasion": "expansion",
    "expension": "expansion",
    "expanion": "expansion",
    "seates": "seats",
    "swtich": "switch",
    "sweitch": "switch",
    "swithcing": "switching",
    "swtiching": "switching",
    "evaluting": "evaluating",
    "evalutating": "evaluating",
    "alternitives": "alternatives",
    "alterntives": "alternatives",
    "budjet": "budget",
    "confirmd": "confirmed",
    "yr": "year",
    "yrs": "years",
    "wk": "week",
    "wks": "weeks",
    "mgmt": "management",
    "quitted": "quit",
    "prolong": "renew",
    "prolonged": "renewed",
    "prolongation": "renewal",
    "cust": "customer",
    "tho": "though",
    "thru": "through",
    "pls": "please",
    "b4": "before",
    "terminte": "terminate",
    "termiante": "terminate",
    "quiting": "quitting",
}
_TYPO = re.compile(
    r"\b(?:" + "|".join(re.escape(t) for t in sorted(TYPOS, key=len, reverse=True)) + r")\b", re.IGNORECASE
)


def as_meant(text: str) -> str:
    """``text`` with the misspellings of ``TYPOS`` replaced by the words meant."""
    return _TYPO.sub(lambda m: TYPOS[m.group(0).lower()], text)


# Short forms of first names: a note may say "Tom" of Thomas Becker, or "Thomas" of Tom Becker.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "thomas": ("tom", "tommy"),
    "robert": ("rob", "bob", "bobby", "robbie"),
    "william": ("bill", "billy", "liam"),
    "elizabeth": ("liz", "beth", "lizzie", "eliza"),
    "katherine": ("kate", "kathy", "katie"),
    "catherine": ("cathy", "cat", "kate"),
    "michael": ("mike", "mick", "mikey"),
    "david": ("dave", "davy"),
    "james": ("jim", "jimmy", "jamie"),
    "christopher": ("chris",),
    "christine": ("chris", "chrissy"),
    "alexander": ("alex", "sasha"),
    "alexandra": ("alex", "sasha", "sandra"),
    "samuel": ("sam", "sammy"),
    "samantha": ("sam", "sammy"),
    "daniel": ("dan", "danny"),
    "benjamin": ("ben", "benji"),
    "nicholas": ("nick",),
    "matthew": ("matt",),
    "anthony": ("tony",),
    "stephen": ("steve",),
    "steven": ("steve",),
    "andrew": ("andy", "drew"),
    "jennifer": ("jen", "jenny"),
    "jessica": ("jess",),
    "patrick": ("pat", "paddy"),
    "patricia": ("pat", "patty"),
    "natalie": ("nat",),
    "frederick": ("fred", "freddie"),
    "joseph": ("joe", "joey"),
    "edward": ("ed", "eddie", "ted"),
    "margaret": ("maggie", "meg", "peggy"),
    "victoria": ("vicky", "tori"),
    "rebecca": ("becky", "becca"),
    "jonathan": ("jon", "jonny"),
    "timothy": ("tim", "timmy"),
    "richard": ("rick", "rich", "dick"),
    "charles": ("charlie", "chuck"),
    "gregory": ("greg",),
    "jacob": ("jake",),
    "joshua": ("josh",),
    "nathaniel": ("nate", "nat"),
    "nathan": ("nate",),
    "zachary": ("zach", "zack"),
    "kenneth": ("ken", "kenny"),
    "ronald": ("ron",),
    "donald": ("don",),
    "raymond": ("ray",),
    "lawrence": ("larry",),
    "gabriel": ("gabe",),
    "isabella": ("bella", "izzy"),
    "isabel": ("izzy",),
    "abigail": ("abby",),
    "deborah": ("deb", "debbie"),
    "susan": ("sue", "susie"),
    "suzanne": ("sue", "suzy"),
    "pamela": ("pam",),
    "cynthia": ("cindy",),
    "francesca": ("fran", "frankie"),
    "francis": ("frank", "fran"),
    "francisco": ("paco", "fran"),
    "giuseppe": ("beppe",),
    "johannes": ("hannes",),
    "katharina": ("kathi", "katja"),
    "aleksandr": ("sasha",),
    "olivia": ("liv",),
    "oliver": ("ollie", "olly"),
    "harold": ("harry",),
    "henry": ("harry", "hank"),
    "priyanka": ("priya",),
    "mohammed": ("mo",),
    "muhammad": ("mo",),
    "mohammad": ("mo",),
    "siddharth": ("sid", "siddhu"),
    "siddhartha": ("sid",),
    "rajesh": ("raj",),
    "rajiv": ("raj",),
    "abhishek": ("abhi",),
    "aditya": ("adi",),
    "venkatesh": ("venky", "venkat"),
    "krishnan": ("krish",),
    "srinivasan": ("srini",),
    "srinivas": ("srini",),
    "subramanian": ("subbu",),
    "beverley": ("bev",),
    "beverly": ("bev",),
    "barbara": ("barb",),
    "maximilian": ("max",),
    "theodore": ("theo", "ted"),
    "cameron": ("cam",),
    "kimberly": ("kim",),
    "kimberley": ("kim",),
    "douglas": ("doug",),
    "jeffrey": ("jeff",),
    "geoffrey": ("geoff",),
    "terence": ("terry",),
    "gerard": ("ger", "gerry"),
    "bernadette": ("bernie",),
    "bernard": ("bernie",),
    "josephine": ("jo", "josie"),
    "joanna": ("jo",),
    "dominic": ("dom",),
    "gillian": ("gill", "gilly"),
    "jacqueline": ("jackie", "jacqui"),
    "gerald": ("gerry",),
    "philip": ("phil",),
    "phillip": ("phil",),
    "christian": ("chris",),
    "dmitri": ("dima",),
    "dmitry": ("dima",),
    "ekaterina": ("katya",),
    "eduardo": ("edu",),
    # common English short forms (not names that are everyday words: those stay capitalised-only or out)
    "joanne": ("jo",),
    "joan": ("jo",),
    "kathleen": ("kath", "kathy", "kate"),
    "kathryn": ("kath", "kathy", "kate"),
    "caroline": ("caro", "carrie"),
    "natasha": ("tasha", "tash"),
    "stephanie": ("steph",),
    "philippa": ("pippa",),
    "amanda": ("mandy",),
    "louise": ("lou",),
    "louisa": ("lou",),
    "penelope": ("penny",),
    "harriet": ("hattie",),
    "eleanor": ("ellie", "nell"),
    "amelia": ("millie",),
    "camilla": ("millie",),
    "emily": ("emmy",),
    "melanie": ("mel",),
    "melissa": ("mel",),
    "angela": ("angie",),
    "valerie": ("val",),
    "danielle": ("dani",),
    "gabrielle": ("gabby",),
    "christina": ("tina", "chris"),
    "bethany": ("beth",),
    "megan": ("meg",),
    "teresa": ("tess", "terri"),
    "theresa": ("tess", "terri"),
    "rosemary": ("rosie",),
    "gwendolyn": ("gwen",),
    "peter": ("pete",),
    "sebastian": ("seb",),
    "stuart": ("stu",),
    "stewart": ("stu",),
    "russell": ("russ",),
    "vincent": ("vince",),
    "alfred": ("alfie", "alf"),
    "archibald": ("archie",),
    "leonard": ("len", "lenny"),
    "callum": ("cal",),
    "alistair": ("ali",),
    "alison": ("ali",),
}


# ------------------------------------------------------------------------------------------ scope words
CLAUSE_BREAK = re.compile(
    r"[,;:()\[\]]|\s[-–—]+\s|\.\.\.|\b(?:but|however|although|though|whereas|yet|while|so|because|since|"
    r"after|before|when|until|unless|except|otherwise|plus)\b|"
    r"\band\s+(?=(?:they|we|she|he|i|it|@p\d+|@acct|the|their|our|his|her|there|now|also)\b)|"
    r"\b(?:if|once)\b|(?<=\w\s)(?=(?:they|we|she|he|@p\d+|@acct)(?:\s+(?:will|'ll|would|are|were|is|was|have|"
    r"had|might|may|could|can|plan|plans|want|wants|said|say|says)\b|'ll\b|'d\b))"
)
NEGATOR = re.compile(
    r"\b(?:no|not|never|none|nothing|nobody|neither|nor|without|hardly|barely|zero|nil|ruled\s+out|"
    r"decided\s+against|advised\s+against|instead\s+of|rather\s+than|refus\w*|unlikely|far\s+from|"
    r"no\s+longer|den(?:y|ies|ied)|cannot|dismiss\w*|rul\w+\s+out|declin\w+|turn\w*\s+down|pass\w*\s+on|"
    r"said\s+no\s+to|reject\w*)\b|n't\b|\bnt\b"
)
# Said right after a phrase, these dismiss it ("expansion on hold", "upgrade postponed to Q4").
_DISMISSED = (
    r"on\s+hold|off\s+the\s+table|ruled\s+out|shelved|postponed|paused|frozen|not\s+happening|dropped|"
    r"abandoned|resolved|closed(?:\s+out)?|fixed|settled|withdrawn|denied|rejected|declined|killed|scrapped|"
    r"no\s+longer\s+(?!with|at\b|works?|working|employed|part|there|here|on\s+the)\w+|not\s+(?:an?\s+)?(?:issue|concern|risk|option|problem|priority|thing|on\s+the\s+table)|"
    r"behind\s+us|sorted(?:\s+out)?|handled|addressed|cleared\s+up|taken\s+care\s+of|a\s+false\s+alarm|"
    r"false\s+alarm|never\s+happened|delayed|deferred|pushed\s+(?:back|out)|cancell?ed|put\s+on\s+ice|on\s+ice|"
    r"parked|deprioriti[sz]ed|unfounded|untrue|not\s+true|a\s+misunderstanding|a\s+mix-?up|a\s+one-?off"
)
# These only after "is", "was", "seems"…: "churn risk is low" (but not "cancel over the low adoption").
_PREDICATES = r"low|minimal|over|dead|wrong|unlikely|a\s+non-?issue|fine|minor|gone"
POST_NEGATOR = re.compile(
    r"^[\s\w'@-]{0,40}?\b(?:is|was|are|were|'s|has\s+been|have\s+been|had\s+been|got|been|now|remains?|"
    r"stays?|seems?|looks?|turned\s+out\s+(?:to\s+be)?)\s+(?:now\s+|still\s+|currently\s+|officially\s+|"
    r"fully\s+|all\s+|long\s+|since\s+|finally\s+|completely\s+|very\s+|quite\s+)?(?:"
    + _DISMISSED
    + "|"
    + _PREDICATES
    + r")\b|^\W*(?:\w+\W+){0,3}?(?:"
    + _DISMISSED
    + r")\b"
)
# Said of an earlier time, and nothing says it is still so.
PAST = re.compile(
    r"\b(?:\d+|a|an|one|two|three|four|five|six|several|a\s+few|a\s+couple\s+of|couple\s+of|many)\s+"
    r"(?:years?|yrs?)\s+(?:ago|back)\b|(?<!vs\s)(?<!vs\.\s)(?<!versus\s)(?<!than\s)(?<!compared\sto\s)"
    r"\blast\s+year\b(?!\s+with\s+us)|\bback\s+in\b|\bin\s+the\s+past\b|\bpreviously\b|"
    r"\bhistorically\b|\bused\s+to\b|\bat\s+one\s+point\b|\bonce\s+(?:threatened|considered|talked)\b|"
    r"\boriginally\b|\byears\s+ago\b|\blong\s+ago\b|\bthe\s+old\s+days\b"
)
# A year named in a sentence ("back in 2022", or heading it: "2022: they ran a bake-off"): in the past when it is
# before the note's own year.
YEAR = re.compile(
    r"(?:\b(?:in|back\s+in|during|since|from|early|late|mid|until)\s+|^\W*(?=(?:19|20)\d\d\s*:))((?:19|20)\d\d)\b"
)
STILL_NOW = re.compile(r"\b(?:again|still|now|currently|anew|once\s+more|this\s+(?:week|month|quarter|year))\b")
# A later sentence that says the trouble is over.
RESOLVED_ALL = re.compile(
    r"\bsince\s+then\b|\bsigned\s+a\s+new\s+(?:\d+[- ]year\s+)?(?:contract|deal|agreement|one)\b|"
    r"\b(?:withdrew|retracted|renewed|re-?signed|signed\s+the\s+renewal|decided\s+to\s+stay|"
    r"chose\s+to\s+stay|staying\s+with\s+us|changed\s+(?:their|his|her|the)\s+minds?|back\s+on\s+track|"
    r"all\s+good\s+now|happy\s+again|happy\s+now|(?:a\s+)?fan\s+again|promoter\s+again|back\s+on\s+(?:side|board)|talked\s+them\s+(?:out\s+of\s+it|down)|"
    r"no\s+longer\s+(?:considering|looking|unhappy|at\s+risk|shopping|evaluating|thinking)|"
    r"(?:threat|risk|churn\s+risk)\s+(?:is|has)\s+(?:now\s+)?(?:gone|passed|over)|false\s+alarm|staying\s+put|renewal\s+(?:is|was|has\s+been)\s+"
    r"(?:now\s+|already\s+|officially\s+)?(?:agreed|signed|confirmed|secured|locked\s+in|in\s+the\s+bag))\b"
)
RESOLVED_SOFT = re.compile(
    r"\b(?:escalation|complaint|issue|problem|concern|outage|incident|ticket|dispute|bug|it)s?\s+"
    r"(?:is|was|has\s+been|have\s+been|got|are|were)\s+(?:now\s+|since\s+|all\s+|fully\s+|finally\s+)?"
    r"(?:resolved|fixed|closed|settled|sorted|addressed|handled|withdrawn|cleared)\b|"
    r"\b(?:resolved|fixed|closed\s+out|sorted\s+out|settled)\s+(?:the|their|that|it|his|her|our|all|most|every)\b|^\W*(?:fixed|resolved|sorted|"
    r"closed|settled)\b|\b(?:was|is|were|are)\s+(?:very\s+|really\s+)?(?:happy|pleased|satisfied)\s+with\s+(?:how|the\s+"
    r"(?:fix|resolution|response|speed|outcome))|"
    r"(?<!\bbe\s)(?<!\bget\s)(?<!\bgets\s)\b(?:resolved|fixed|sorted)\s+(?:on|during|in|at|last|yesterday|today|"
    r"quickly|same|within)\b|\bnothing\s+since\b|\b(?:fine|happy|ok|okay)\s+now\b"
)
STILL_BAD = re.compile(
    # "the rest of the contract renewed as is": only part of it renewed, the part dropped is still lost
    r"\b(?:rest\s+of\s+(?:the\s+|their\s+)?(?:contract|account|subscription|estate)|everything\s+else|all\s+else)\b|"
    r"\b(?:worse|still|more\s+(?:unhappy|upset|frustrated)|escalat\w+\s+further|(?:threaten\w*|complain\w*|escalat\w*|"
    r"unhappy|upset|angry|frustrated)\s+again|again\s+(?:threaten|complain|escalat|unhappy|upset))\b"
)
# Doubt said after the claim: "Lucas has gone to Airbus, Fatima thinks."
DOUBT_AFTER = re.compile(
    r"(?<![\w@])(?:@p\d+|@x|she|he|they|i|we)\s+(?:thinks|believes|guesses|assumes|suspects|reckons|think|believe|guess|"
    r"assume|suspect|reckon)\b|\b(?:not\s+(?:sure|confirmed)|unconfirmed|tbc|to\s+be\s+confirmed|rumou?r\w*)\b"
)
# Said after churn language: our product is spared ("cut costs wherever possible, but our tool is not on the
# chopping block", "tighten the belt but the CRM is mission critical", "frustrated but no threats").
SAFE_AFTER = re.compile(
    r"\bnot\s+on\s+the\s+chopping\s+block\b|\b(?:won't|will\s+not|wouldn't|not)\s+(?:be\s+)?(?:touched|affected|impacted|"
    r"cut)\b|\bmission[- ]critical\b|\b(?:is|are|stays?|remains?)\s+(?:safe|unaffected|exempt\w*|protected|"
    r"ring-?fenced)\b|"
    r"\bbut\s+no\s+(?:threats?|risk|talk\s+of\s+(?:leaving|switching|cancell\w+))\b|"
    r"\b(?:that's|that\s+is|it's|it\s+is|all\s+(?:that\s+)?(?:is|'s))\s+(?:now\s+|all\s+)?(?:behind\s+us|in\s+the\s+past|"
    r"water\s+under\s+the\s+bridge)\b|\bbut\s+(?:\w+\s+){0,3}?(?:they're|they\s+are|they'll|they\s+will)\s+(?:staying|renewing|"
    r"not\s+going\s+anywhere|not\s+leaving)\b|\b(?:turned\s+out\s+(?:to\s+be\s+)?|(?:is|was|proved|proven)\s+)(?:false|untrue|wrong|"
    r"unfounded|baseless)\b|\bunfounded\b|\b(?:now|since)\s+(?:fully\s+|all\s+)?(?:resolved|fixed|sorted|settled)\b|\bbut\s+(?:they|@acct)\s+(?:are|is|'re|'s|remains?|stays?)\s+(?:\w+\s+)?(?:happy|"
    r"satisfied|committed|loyal)\s+(?:with\s+us|with\s+@acct)\b|"
    # the account itself said to be fine, never to leave over it, happy with us, or untouched by the cut
    r"\b(?:this|the|our)\s+(?:account|customer|client|relationship)\s+(?:is|'s|stays?|remains?|looks?)\s+(?:\w+\s+)?"
    r"(?:fine|safe|ok|okay|solid|healthy|stable|secure)\b|\b(?:would|'d|will|'ll)\s+never\s+(?:leave|switch|churn|go|"
    r"move)\b|\bhappy\s+(?:with|w/)\s+(?:us|@acct)\b|\b(?:doesn't|does\s+not|won't|will\s+not|don't|do\s+not)\s+"
    r"(?:touch|affect|impact|apply\s+to|cover)\s+(?:the\s+)?(?:existing|current|our|running)\b|"
    # the consolidation is onto us; the complaint is a habit
    r"\bwe(?:'re|\s+are)\s+the\s+(?:one|vendor|platform|tool)s?\s+(?:they|@acct)\s+(?:\w+\s+)?(?:consolidat\w+|standardi[sz]\w+|"
    r"mov\w+|keep\w*)|\bconsolidat\w+\s+(?:everything\s+)?onto\s+(?:us|@acct|our)\b|"
    r"\bbut\s+(?:he|she|they|@p\d+)\s+always\s+(?:does|do|did|has|have)\b|\bas\s+(?:always|usual)\b"
)
# A later sentence that takes back the expansion before it: "Not interested.", "Added under existing seats, they had
# spare.", "Temporary, will remove in Feb."
UPSELL_UNDONE = re.compile(
    r"\bnot\s+interested\b|\bno\s+budget\b|\b(?:under|within|from|out\s+of)\s+(?:the\s+|their\s+)?(?:existing|current|spare)\s+"
    r"(?:seats|licen[cs]es|contract|allocation|pool)\b|\bhad\s+(?:some\s+)?spare\b|\btemporary\b|\bwill\s+remove\b|"
    r"\b(?:they|she|he)\s+declined\b|\bsaid\s+no\b|\bnothing\s+to\s+(?:quote|sell|offer)\b"
)
# Said after a departure: the person is still there in the role that matters to us ("retired from the board but
# is still consulting for them", "left Tel Aviv for the NY office but stays our main contact").
STILL_THERE = re.compile(
    r"\bstill\s+(?:be\s+|being\s+)?(?:our|their|the|with|at|runs?|running|signs?|signing|consult\w*|works?|working|there|employed|handl\w*|"
    r"leads?|leading|manag\w*|in\s+charge|owns?|owning|looks?\s+after|deals?\s+with|approves?|signs?\s+off)\b|\bstays?\s+(?:on\s+as\s+)?(?:our|their)\s+(?:main\s+|primary\s+)?(?:contact|"
    r"poc|champion|sponsor)\b|\bnot\s+(?:from\s+)?the\s+(?:company|firm)\b|\bstaying\s+(?:at|with)\s+the\s+(?:company|firm)\b|"
    r"\b(?:is|remains)\s+(?:still\s+)?our\s+(?:main\s+)?(?:contact|champion|sponsor)\b"
)
UNCERTAIN = re.compile(
    r"\b(?:might|may|maybe|perhaps|possibly|could|rumou?r\w*|unconfirmed|not\s+sure|unsure|unclear|whether|"
    r"if|consider\w*|think\w*\s+(?:about|of)|wonder(?!ful)\w*|interview\w*|look\w*\s+around|open\s+to\s+offers|"
    r"in\s+case|speculat\w+|hear\w*\s+(?:rumou?rs?|whispers)|can't\s+confirm|to\s+be\s+confirmed|tbc|"
    r"supposedly|allegedly|could\s+be|thinks?|believes?|guess\w*|assum\w+|suspect\w*|reckons?|grapevine|gossip|"
    r"den(?:y|ied|ies|ying))\b"
)
TEMPORARY = re.compile(
    r"\bon\s+(?!garden\s)(?:@?\w+\s+)?leave\b|\b(?:maternity|paternity|parental|sick|medical|annual|extended|family)\s+leave\b|"
    r"\bleave\s+of\s+absence\b|\bout\s+of\s+(?:the\s+)?office\b|\booo\b|\bon\s+(?:a\s+|an\s+)?(?:vacation|holiday|holidays|"
    r"sabbatical|pto|secondment)\b|\bwhile\s+(?:she|he|@p\d+)\s+(?:is|'s)\s+(?:out|away|off)\b|"
    r"\buntil\s+(?:she|he|@p\d+)\s+(?:returns|is\s+back|"
    r"comes\s+back|gets\s+back)|\bback\s+(?:on|in|next|from|after|by)\b|"
    r"\bfor\s+(?:a|an|the|her|his|their|two|three|\d+)?\s*(?:[\w-]+\s+)?(?:holiday|holidays|vacation|break|trip|"
    r"conference|offsite|honeymoon|sabbatical|leave|weekend)\b|"
    r"\bfor\s+(?:\d+|a\s+few|a\s+couple\s+(?:of\s+)?|two|three|four|several)\s*(?:days|weeks|nights)\b|"
    r"\bback\s+(?:on\s+)?(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?\b|\btrade\s*show\b|\bback\s+(?:mon|tues|wednes|thurs|fri)day\b|"
    r"\b(?:\d+|a|two|three|a\s+few|a\s+couple\s+of)\s+(?:days?|weeks?)\s+off\b"
)

# Said in jest, hypothetically, or of someone else's business: no finding from the clause.
JOKING = re.compile(
    r"\b(?:jok\w*|kidding|jest\w*|tongue\s+(?:\w+\s+)?in\s+cheek|tongue-in-cheek|lol|haha+|banter\w*|teas\w+|laughed|"
    r"scoffed|rolled\s+(?:their|his|her)\s+eyes|not\s+a\s+chance|fat\s+chance)\b"
)
HYPOTHETICAL = re.compile(
    r"\b(?:if|unless|should)\s+(?:they|we|@acct|@p\d+|the\s+\w+)\s+(?:ever|were\s+to|ever\s+were)\b|\bhypothetical\w*\b|"
    r"\bin\s+theory\b|\bwhat\s+if\b|\bwere\s+(?:they|we)\s+(?:ever\s+)?to\b|\bin\s+a\s+perfect\s+world\b|\bdream(?:s|ing|t|ed)?\s+(?:of|about)\b|\bdream\s+scenario\b|"
    r"\b(?:could|might|may)\s+mean\b|\bwish\s*list\b|\bone\s+day\b|\bsome\s*day\b|\bpipe\s+dream\b|\bnothing\s+(?:planned|concrete|firm|decided|agreed)\b|\bjust\s+(?:an?\s+)?(?:idea|"
    r"thought|musing)\b|\bno\s+(?:concrete|firm|actual)\s+plans?\b|\bjust\s+curious\b|\bout\s+of\s+curiosity\b|"
    r"\bno\s+plans?\b(?!\s+to\b)|\bout\s+of\s+interest\b|\bif\s+(?:the\s+|their\s+)?budgets?\s+(?:ever\s+)?(?:recovers?|allows?|permits?|frees?\s+up|comes?\s+through|"
    r"improves?|gets?\s+approved)\b"
)
NOT_ABOUT_US = re.compile(
    r"\bnot\s+(?:with|at|about|towards?)\s+(?:us|our)\b|\bnothing\s+to\s+do\s+with\s+(?:us|our)\b|\bnot\s+our\s+"
    r"(?:fault|problem|doing)\b|\b(?:with|at|about)\s+(?:her|his|their)\s+own\b|\bunrelated\s+to\s+(?:us|our)\b|"
    r"\bnot\s+(?:more\s+)?(?:seats|licen[cs]es|business|revenue|money|work)\s+for\s+us\b|\bnot\s+(?:in\s+)?ours\b|"
    r"\bno\s+(?:impact|effect)\s+on\s+(?:us|our)\b|\b(?:doesn't|does\s+not|won't|will\s+not)\s+(?:affect|impact|touch)\s+(?:us|our)\b"
)
# Interest that is put off, declined or only a reshuffle: no expansion signal from the sentence. (Asking a rival for
# prices "just to compare" is still a churn risk; asking us, "just to compare", is no expansion.)
DEFERRED = re.compile(
    r"\b(?:use|using|cover\w*\s+(?:by|with)|within|from|under)\s+(?:the\s+|their\s+)?existing\s+(?:seats|licen[cs]es|contract|"
    r"plan|allocation)\b|\bhow\s+to\s+(?:add|remove|invite|create|set\s+up|assign)\b|\b(?:separate|different)\s+(?:system|"
    r"platform|tool|vendor|provider|stack)\b|\bmore\s+time\s+to\s+(?:decide|think|consider)\b|\bno\s+decision\b|\bundecided\b|"
    r"\bwhether\s+(?:or\s+not\s+)?to\s+(?:add|buy|upgrade|expand|extend)\b|"
    r"\btoo\s+(?:expensive|pricey|costly)\b|\bnot\s+in\s+(?:the\s+|their\s+)?budget\b|\bout\s+of\s+(?:their\s+)?budget\b|"
    r"\bjust\s+to\s+compare\b|\bfor\s+comparison\b|\bfor\s+(?:reference|benchmarking)\b|"
    r"\bdecided\s+(?:to\s+(?:wait|hold\s+off|pass|stay|hold)|it'?s\s+(?:overkill|too\s+much|not\s+needed)|against)\b|"
    r"\b(?:holding|hold)\s+off\b|\bhad\s+(?:planned|intended|wanted|hoped|meant|been\s+planning)\b[^.;]*\bbut\b|"
    r"\bonly\s+(?:happen|go\s+ahead|proceed|buy|sign|do\s+it)\w*\s+if\b|\b(?:depends|depending)\s+on\s+whether\b|"
    r"\b(?:contingent|conditional)\s+on\b|\bmight\s+want\s+to\b|\bturned\s+out\s+(?:to\s+be\s+)?(?:their|a|just|only|"
    r"nothing)\b|\bwait\s+until\b|\boverkill\b|\b(?:staying|stay|stick\w*)\s+(?:on|with)\s+(?:the\s+)?"
    r"(?:standard|current|basic|existing|same|starter)\b|\bsame\s+(?:total|number|count|headcount|seat\s+count)\b|"
    r"\bswap\w*\b|\breassign\w*\b|\bnet\s+(?:zero|neutral)\b|\bguest\s+(?:users?|accounts?|logins?)\b|"
    r"\b(?:don't|do\s+not|doesn't|does\s+not)\s+count\s+(?:towards|against|toward)\b|\b(?:they|we|she|he)\s+said\s+no\b|\bnot\s+(?:now|yet|this\s+year|right\s+now)\b|\bmaybe\s+later\b|\bshar\w+\s+(?:the\s+)?(?:existing\s+)?(?:logins|licen[cs]es|"
    r"seats|accounts)\b|\b(?:free|complimentary|read[- ]only|viewer)\s+(?:@?\w+\s+)?(?:accounts?|seats?|licen[cs]es?|"
    r"users?|logins?)\b|\bno\s+charge\b|\bat\s+no\s+(?:cost|charge)\b|\bpure\s+speculation\b|\bspeculat\w+\b|\bfor\s+free\b|"
    r"\bonly\s+if\s+(?:it's|it\s+is|it\s+were|it\s+comes)\s+(?:free|included|bundled)\b|\bwonder\w*\s+aloud\b|"
    r"\b(?:does|do|is|are)\s+(?:the\s+|our\s+)?(?:[@\w-]+\s+){0,3}?(?:include|includes|included|come\s+with|cover|covered)\b"
    r"[^.;]*\?|"
    # what they have is enough, they are cutting down, or all spending is frozen: no expansion from the sentence
    r"\b(?:are|is|'re|'s)\s+(?:still\s+)?(?:plenty|enough|sufficient)\b|\bno\s+need\s+(?:for|to)\b|\bnot\s+needed\b|"
    r"\bdowngrad\w*\b|\bfewer\s+(?:seats|licen[cs]es|users|logins)\b|\b(?:put|putting|puts|placed)\s+(?:[\w-]+\s+){0,4}?on\s+hold\b|"
    r"\b(?:spend(?:ing)?|budget|purchas\w*|hiring)\s+freeze\b|\bfr(?:oze|eez\w*)\s+(?:all\s+)?(?:new\s+)?(?:spend\w*|budgets?|"
    r"purchases)\b"
)
# An expansion already done ("added 20 seats last month", "upgraded in March"): history, not an opportunity.
COMPLETED = re.compile(
    r"\b(?:added|bought|purchased|upgraded|expanded|rolled\s+out|onboarded|activated|provisioned|deployed|went\s+live|"
    r"extended|signed)\b[^.;]{0,60}?\b(?:last\s+(?:week|month|quarter|year)|yesterday|ago|earlier\s+this\s+\w+|in\s+"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*|all\s+done|done\s+and\s+dusted|completed?)\b|"
    r"\b(?:done|completed|finished|live|went\s+live|in\s+place)\s+(?:since|last|earlier|already|in\s+(?:jan|feb|mar|apr|"
    r"may|jun|jul|aug|sep|oct|nov|dec|q[1-4]|20\d\d)\w*)\b"
)
OUR_WISH = re.compile(
    r"\b(?:we|i)(?:'d|\s+would)\s+(?:love|like)\s+to\s+(?:sell|upsell|pitch|expand|grow)|\bopportunity\s+(?:for\s+us\s+)?"
    r"to\s+(?:sell|upsell)|\b(?:tried|trying|try|attempted|talked|discussed|pitched|floated|raised)\s+(?:to\s+)?(?:an?\s+)?"
    r"(?:upsell|up-sell|cross-sell)|\b(?:we|i)\s+(?:could|should|want\s+to|hope\s+to|will\s+try\s+to)\s+(?:sell|upsell|pitch)\b|"
    r"\b(?:account|territory|sales|success)\s+plan\b|\bour\s+(?:target|goal|ambition|plan|forecast)\b"
)
# Said of another organisation than the account (a friend's company, a partner, their own customers): not our churn.
OTHER_PARTY = re.compile(
    r"\b(?:friend'?s|partner|sister|another|other|a\s+different|one\s+of\s+(?:their|our)|their\s+own)\s+(?:@?\w+\s+)?"
    r"(?:company|companies|firm|firms|customers?|clients?|business|subscribers?|entity|vendor)\b|"
    r"\b(?:their|its)\s+(?:own\s+)?(?:customers?|clients?|subscribers?|members?)(?:'|'s)?\s+(?:\w+\s+)?(?:churn|base)\b"
)
# Their own customers' or staff's churn, anywhere in the clause: "churning through SDRs", "churn in their own
# subscriber base is up".
THEIR_CHURN = re.compile(
    r"\bchurn\w*\s+(?:through|in\s+their|among\s+their|of\s+their)\b|\b(?:their|its)\s+(?:own\s+)?(?:customers?|"
    r"clients?|subscribers?|members?|users?|staff|employees?)(?:'|'s)?\s+(?:\w+\s+)?churn\b|\bchurn\s+(?:\w+\s+){0,3}?"
    r"(?:subscriber|customer|member|player|user)\s+base\b"
)
# Our own escalation, not the customer's: "Escalating to Jim internally."
WE_ESCALATE = re.compile(r"\bescalat\w*\s+(?:[@\w]+\s+){0,6}?internally\b")
# A churn phrase in a question or a musing ("Renewal at risk?", "I wonder if they'd look elsewhere", "asked Omar
# whether they'd move off us"): not a finding.
MUSING = re.compile(
    r"\?\W*$|\bi\s+wonder\b|\bwonder(?:ing)?\s+(?:if|whether)\b|\bworth\s+keeping\s+an\s+eye\b|"
    r"(?:^\W*|\b(?:i|we)\s+)asked\s+(?:@p\d+|them|him|her|the\s+\w+)\s+(?:whether|if)\b"  # our question, not their plan
)
RIVAL_OWNS = re.compile(
    r"\b(?:their|the)\s+(?:old|previous|former|last|prior|legacy)\s+(?:vendor|provider|supplier|tool|system|crm|platform)\b|"
    r"(?<![\w@])@v\s+(?:@?\w+\s+)?(?:quoted|offered|pitched|pushed|proposed|urged|tried\s+to\s+sell|is\s+upselling)\b|"
    r"\b(?:their|the)\s+(?:@?\w+\s+)?(?:vendor|provider|supplier)\s+(?:is\s+)?(?:upsell\w*|pitch\w*|push\w*|offer\w*|"
    r"quot\w*)|@v'?s\b|\b(?:competitor|rival)(?:'s|s')\b|(?<![\w@])@v\s+(?:just\s+|recently\s+|now\s+)?(?:launched|released|"
    r"announced|introduced|offers|has|added|rolled\s+out)\b"
)

# ---------------------------------------------------------------------------------------- departures
_ORG_NOUN = (
    r"(?:company|co|firm|business|organi[sz]ation|org|team|account|group|bank|agency|consultancy|startup|"
    r"start-up|scale-?up|competitor|rival|employer|vendor|corporation|@x|@v|fintech|enterprise|practice|clinic|"
    r"charity|foundation|partnership|studio|council|\w+\s+(?:company|firm|startup|agency|consultancy|bank|competitor))"
)
_WHEN = (
    r"(?:in|on|at\s+(?:the\s+)?end\s+of\s+(?!the\s+(?:call|meeting|demo|session))|at\s+(?:christmas|xmas|easter|"
    r"new\s+year|year[- ]end)\b|last|this|recently|yesterday|today|"
    r"earlier|a\s+(?:few|couple)|\w+\s+(?:weeks?|months?|days?|years?)\s+ago|effective|as\s+of|end\s+of|"
    r"abruptly|suddenly|without|after|over\s+the|around|back|already|mid-?\w+|early\s+(?:in|this|last)|"
    r"(?:at\s+)?(?:the\s+)?(?:month|year|quarter|week)[- ]?end\b|eo[mqy]\b|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*)"
)
_EVENTS = (
    r"(?:meeting|call|demo|appointment|session|visit|webinar|lunch|dinner|trip|flight|workshop|training|onsite|"
    r"on-site|sync|check-?in|qbr|review|ticket|invoice|interview|booking|reservation|conference|event|travel|"
    r"kick-?off|workshop|presentation|standup|huddle|zoom|teams|room|office\s+early|early|voicemail)"
)
# "left the university for a post in Vienna", "left the practice to start their own clinic": an organisation
# left for other work (not "left the call to join another meeting").
_LEFT_FOR_WORK = (
    r"(?:the\s+|their\s+|her\s+|his\s+)?(?!(?:the\s+)?" + _EVENTS + r"\b)[@\w-]+\s+(?:for\s+(?:a\s+|an\s+)?(?:new\s+|"
    r"better\s+|senior\s+|bigger\s+|similar\s+)?(?:post|position|job|role|gig|career|opportunity|startup|start-up|"
    r"competitor|rival|@x|@v)\b|to\s+(?:start|join|found|launch|set\s+up|work|become|take|pursue|lead|head|run|open)\b)"
)
_GONE_TARGET = (
    r"(?=\s*(?:$|[^\w\s@'(]|\((?=(?:@p\d+|per|according|via|confirmed|source|heard)\b)|\s(?:(?:the\s+)?"
    + _ORG_NOUN
    + r"|@acct|@x|@v|co\b|"
    r"(?:us|them)(?=\s*(?:$|[.,;:!)]|\s(?:for|to|in|on|last|this|and|after|recently|a\s+few|\w+\s+ago|end|at\s+the\s+end|"
    r"next|soon|by)))|(?:too|as\s+well|also)(?=\s*(?:$|[.,;:!)\-–—]))|"
    r"(?!early|late|the|a|an|it|them|him|her|us|me|work|home|office|town|for|to|with|at)\w+\s+(?:in|on|last|"
    r"this|at\s+the\s+end|recently|yesterday|a\s+few|\w+\s+ago)\b|"
    r"(?!early|late|the|a|an|it|them|him|her|us|me|work|home|office|town|for|to|with|at|and|but|so|or)\w+"
    r"(?=\s*(?:$|[.,;:!)\-–—]))|(?:her|his|their)\s+(?:job|role|post|"
    r"position|company|employer)|" + _WHEN + r"|to\s+(?:join|work|start|become|take|pursue|go\s+to|head|lead|run)|"
    r"for\s+(?:a\s+|an\s+)?(?:new|another|other|different|better|competitor|rival|startup|start-up|@x|@v|"
    r"greener|good|job|role|position)|and\s|so\s|but\s|which|after|because|due|" + _LEFT_FOR_WORK + ")))"
)
# "left the QBR after twenty minutes", "had to leave after ten minutes for a client meeting": a meeting, not the company
_LEFT_FOR_A_WHILE = (
    r"\b(?:left|leave|leaving|leaves)\b\s+(?:[@\w'-]+\s+){0,3}?after\s+(?:about\s+|only\s+|just\s+)?(?:\d+|a\s+few|an?|"
    r"five|ten|fifteen|twenty|thirty|forty|half\s+an)\s*(?:min|mins|minutes|hours?|hrs?)\b|"
    r"\b(?:left|leave|leaving|leaves)\s+(?:the\s+|our\s+|a\s+)?(?:@x\s+|teams\s+|zoom\s+|webex\s+)(?:call|meeting|qbr|demo|"
    r"session|workshop|webinar)\b|\bleft\s+mid-?\s?(?:way|sentence|meeting|call|workshop|session|demo|qbr)\b|"
    r"\b(?:left|leave|leaving)\s+(?:early\s+)?for\s+(?:another|a|an|the)\s+(?:[\w-]+\s+)?(?:meeting|call|appointment)\b|"
    r"\b(?:had|have|has)\s+to\s+(?:leave|run|drop)\s+(?:early\s+)?to\s+(?:take|join|handle|deal)\b|"
    # "had to leave this morning's session early", "left the admin call early"
    r"\b(?:left|leave|leaving)\s+(?:[@\w'-]+\s+){0,4}?(?:call|meeting|session|workshop|webinar|demo|qbr|training|review|"
    r"presentation)\s+early\b|"
    # "left after item 2", "left after the coffee break", "(left 11:15 for theatre)", "sat in 10 min then left"
    r"\bleft\s+(?:after|before|during)\s+(?:item|agenda|lunch|coffee|the\s+(?:coffee|lunch|tea|break|first|second|intro\w*|"
    r"demo|presentation|opening|welcome|break-?out|q&a|keynote|update|agenda))\b|\bleft\s+(?:at\s+)?\d{1,2}(?:[:.]|\s)\d\d\s*(?:for|to|am|pm|because|as)\b|"
    r"\bleft\s+(?:at\s+)?\d{1,2}\s*(?:am|pm)\b|\b(?:sat|dropped|joined|popped|stayed)\s+in\s+(?:for\s+)?(?:the\s+first\s+)?"
    r"(?:\d+|a\s+few|five|ten|fifteen|twenty)\s*(?:min|mins|minutes)\b"
)
DEPARTURES: tuple[Trigger, ...] = (
    trigger(
        "left the company",
        r"\bleft\b" + _GONE_TARGET,
        who="before",
        strong=False,
        harmless=_LEFT_FOR_A_WHILE
        + r"|\bleft\s+(?:us\s+|them\s+|me\s+)?(?:a|an|some|great|good|positive|negative|the|his|her)?\s*"
        r"(?:@?\w+\s+)?(?:message|voicemail|vm|note|feedback|comments?|review|reply|response|laptop|keys|badge|"
        r"stuff|things|bag|phone|coat)",
    ),
    trigger(
        "is leaving the company",
        r"\b(?:leaving|leaves|(?:to|will|gonna|'ll)\s+leave)\b" + _GONE_TARGET,
        who="before",
        strong=False,
        harmless=_LEFT_FOR_A_WHILE + r"|\bleav\w*\s+(?:a\s+|the\s+)?(?:message|voicemail|note|comment|feedback|review)|"
        r"\bleav\w*\s+(?:her|his|their)\s+(?:\w+\s+)?(?:role|position|job|post)\s+(?:as\s+(?:[\w-]+\s+){1,3})?to\s+become\b"
        r"(?![^.;]*\bat\s+@[xv])|"
        r"\bleaving\s+(?:for\s+)?(?:lunch|the\s+day|vacation|holiday|early)\b|"
        r"\bleaving(?:\s+now)?\W+for\s+(?:the\s+|a\s+)?(?:airport|station|flight|train|conference|trip|weekend|meeting|"
        r"offsite|school\s+run|dentist|doctor)\b",
    ),
    trigger(
        "quit",
        r"\bquit(?:s|ting)?\b(?!\s+(?:using|the\s+(?:call|meeting|app|session|spreadsheet)|early|excel|spreadsheets?|"
        r"smoking|sugar|coffee|email|paper|manual|whatsapp|slack|the\s+old|(?!working\b)\w+ing\b|"
        r"(?:the|a|an|their|his|her|our|that|this)\s+"
        r"(?!(?:job|company|firm|role|position|business|organi[sz]ation|team|board|account|group|place|same)\b)(?!@)\w+))",
        who="before",
    ),
    trigger(
        "resigned",
        r"\bresign(?:ed|s|ing)?\b|\b(?:handed|handing|gave|giving|put|putting|turned|turning|tendered|submitted)\s+"
        r"in\s+(?:her|his|their)?\s*(?:notice|resignation)\b|\b(?:gave|given|giving|handed|handing|handed\s+in)\s+(?:her|his|their)\s+"
        r"(?:notice|resignation)(?:\s+in)?\b|\b(?:gave|given|giving|handed\s+in|handing\s+in|put\s+in)\s+notice\b(?!\s+(?:on|of|that|to|about|for|re|regarding|under|per|at|with)\b)|\bserving\s+(?:her|his|their)?\s*notice\b|\b(?:two|2|four|4)\s+weeks'?\s+notice\b",
        who="before",
        harmless=r"\bresign\w*\s+(?:herself|himself|themselves|myself|ourselves)\s+to\b|"
        r"\bresign\w*\s+(?:as\s+(?:@?\w+\s+){1,3})?from\s+(?:the\s+)?(?:@?\w+\s+){0,2}(?:board|committee|group|panel|"
        r"council|project|chair|steering|working\s+group|taskforce)",
    ),
    trigger(
        "retired",
        r"\bretir(?:ed|es|ing)\b(?!\s+(?:the|our|their|its|this|that|an?|some|old|legacy)\b)|"
        r"\b(?:will|to|'ll|gonna)\s+retire\b(?!\s+(?:the|our|their|its|this|that|an?|some|old|legacy|it|them)\b)|"
        r"\b(?:took|taking|takes|take|taken|(?:went|goes|go|going|gone|moving|moved|heading|headed)\s+into|opted\s+for|"
        r"accepted|enjoying|enjoys|into\s+(?:her|his|their))\s+(?:an?\s+|her\s+|his\s+|their\s+)?(?:early\s+)?retirement\b",
        who="before",
        harmless=r"\bretir\w+\s+(?:system|tool|product|server|platform|version)|\bretir\w*\s+['\"]?(?:when|one\s+day|someday|"
        r"some\s+day|eventually|at\s+some\s+point|in\s+(?:a\s+few|a\s+couple\s+of|\d+|two|three|four|five|ten)\s+years|"
        r"end\s+of\s+next\s+year)|\bretir\w*\s*\W{0,3}\s*(?:but\s+)?that's\s+['\"]?in\s+(?:a\s+few|a\s+couple\s+of)\s+years|"
        r"\bretire\w*\s+from\s+(?:the\s+|her\s+|his\s+)?(?:@?\w+\s+){0,3}?(?:board|club|committee|choir|league|army|navy)\b",
    ),
    trigger(
        "on garden leave",
        r"\b(?:is|'s|was|are|on|off)\s+(?:now\s+|currently\s+)?(?:on\s+)?garden(?:ing)?\s+leave\b",
        who="before",
    ),
    trigger(
        "departed",
        r"\bdepart(?:ed|s|ing)\b(?!\s+(?:from\s+)?(?:the\s+)?(?:call|meeting|script|plan))",
        who="before",
        strong=False,
        harmless=r"\bdepart\w*\s+for\s+(?:the\s+|a\s+|an\s+)?(?:@?\w+\s+){0,2}(?:conference|trip|event|meeting|holiday|"
        r"vacation|airport|office|site|summit|offsite|show|fair|visit|tour)|\bdepart\w*\s+(?:flight|train|plane|gate|"
        r"lounge|time|terminal|bus|ferry)s?\b",
    ),
    trigger(
        "no longer with the company",
        r"\bno\s+longer\s+(?:with|at|works?\s+(?:at|for|here|there)|working\s+(?:at|for|there|here)|employed|"
        r"part\s+of|on\s+the\s+team|in\s+(?:the|her|his)\s+(?:role|position|job)|there|here|around|"
        r"@acct|@x)\b|\bnot\s+(?:with|at)\s+(?:the\s+company|@acct|them|the\s+firm)\s+any\s*(?:more|longer)\b|"
        r"\bno\s+longer\s+(?:an?\s+)?employee\b|\b(?:is|'s|are)\s+not\s+(?:any\s*more|any\s+longer)\s+(?:in|at|with)\s+"
        r"(?:the\s+company|the\s+firm|@acct|@x|them)\b|\b(?:is|'s)\s+no\s+more\s+(?:working\s+)?(?:there|here|at|with|in)\b|"
        r"\bchanged\s+(?:the\s+)?(?:company|employer|job|jobs|companies)\b|\b(?:isn't|is\s+not|'s\s+not|aren't|are\s+not)\s+(?:there|here|with\s+"
        r"(?:them|@acct|the\s+company)|at\s+(?:@acct|@x))\s+(?:any\s*more|any\s+longer)\b|\b(?:doesn't|does\s+not|don't|do\s+not)\s+work\s+(?:there|here|at\s+(?:@acct|"
        r"@x)|for\s+(?:them|@acct|@x))\s*(?:any\s*more|any\s+longer)\b",
        who="before",
        own_negation=True,
    ),
    trigger(
        "moved on",
        r"\b(?:moved|moving|move|moves)\s+on\b(?=\s*(?:$|[.,;:!)\-–—]|\s(?:from|to\s+(?:a|an|another)\s+(?:new|different|other|"
        r"competitor|rival|startup|start-up)\b|to\s+@x|to\s+@v|" + _WHEN + r"|and\s)))",
        who="before",
        strong=False,
    ),
    trigger(
        "moved to another company",
        r"\b(?:moved|moving|went|gone|jumped|jumping|switched|defected|headed|heading)\s+(?:over\s+)?to\s+"
        r"(?:a\s+|an\s+)?(?:new\s+|different\s+|another\s+|rival\s+|competing\s+|other\s+)?(?:company|employer|"
        r"job|startup|start-up|competitor|rival|firm|agency|consultancy|vendor)\b|"
        r"\b(?:'s|has|is|have)\s+(?:now\s+)?(?:gone|moved|moving)\s+to\s+(?:a|an)\s+(?:[\w-]+\s+){0,2}?(?:company|firm|fund|bank|"
        r"council|hospital|university|ministry|school|charity|startup|consultancy|agency|insurer|trust)\b|"
        r"\b(?:moved|moving|went|gone|switched|transferred|transferring)\s+(?:over\s+)?to\s+(?:our|their|the|its|a)\s+"
        r"(?:sister|parent|holding)\s+(?:company|co|firm|group|business)\b|"
        r"\b(?:moved|moving|transferred|transferring)\s+(?:over\s+)?to\s+(?:@x|@acct)\s+(?:sister|parent|holding)\s+"
        r"(?:company|co|firm|group|business)\b[^.;]{0,40}?\bas\s+(?:\w+\s+){0,3}?(?:director|head|manager|lead|vp|officer|"
        r"chief)\b|"
        r"\b(?:'s|has|is|have)\s+(?:now\s+)?(?:moved|moving|gone)\s+(?:over\s+)?to\s+the\s+(?:client|customer|vendor|supplier|"
        r"buyer)\s+side\b|\b(?:accepted|taken|took|got|been\s+offered)\s+(?:a|an|the)\s+(?:headship|principalship|"
        r"directorship|partnership|professorship|chair)\s+(?:at|with)\b|\b(?:been|was|is|'s)\s+appointed\s+(?:as\s+)?"
        r"(?:the\s+)?(?:new\s+)?(?:[\w&-]+\s+){1,3}?(?:at|of|with)\s+(?:@x|@v|(?:a|an|another)\s+(?:[\w-]+\s+){0,2}?"
        r"(?:trust|company|firm|school|hospital|council|bank|university|charity|startup|agency|consultancy|practice|"
        r"clinic|health\s+system|insurer|fund))\b|"
        r"\b(?:moved|went|jumped|switched|defected)\s+(?:over\s+)?to\s+(?:@x|@v)\s+(?:as|to\s+(?:lead|run|head))\b|"
        r"\b(?:'s|is|has)\s+(?:now\s+)?gone\s+(?:over\s+)?to\s+(?:@x|@v)\b(?!\s+(?:for|on|to\s+(?:meet|see|visit)|"
        r"with))|"
        r"\bwent\s+to\s+work\s+(?:for|at)\b|"
        r"\b(?:moved|moving)\s+(?:up\s+|over\s+|across\s+)?to\s+@x\s*\(\s*(?:the\s+|their\s+)?(?:parent|holding)\s+"
        r"(?:group|company|co)\s*\)\s+as\b",
        who="before",
    ),
    trigger(
        "joined another company",
        r"\b(?:joined|joining|will\s+join|to\s+join|has\s+joined)\s+(?:a|an)\s+(?:@?\w+\s+){0,2}?"
        r"(?:startup|start-up|scale-?up|competitor|rival|company|firm|agency|consultancy|bank|fintech|vendor|"
        r"insurer|retailer|manufacturer)\b|\b(?:joined|joining|to\s+join|has\s+joined)\s+(?:@x|@v)\b"
        r"(?!\s+(?:on|for|in|at|from|to|and)\b)",
        who="before",
    ),
    trigger(
        "moved to a named company",
        r"\b(?:moved|moving|jumped|switched|defected)\s+(?:over\s+)?to\s+(?:our\s+|a\s+)?(?:competitor\s+|rival\s+)?"
        r"(?:@x|@v)(?:\s+@x)?(?:\s+(?:procurement|finance|hr|it|ops|operations|sales|marketing|legal|estates|payroll))?"
        r"(?=\s*(?:$|[.;!(]|,\s|\s(?:as|in|last|this|recently|a\s+few|\w+\s+ago|and|after)\b))",
        who="before",
        unless=r"\b(?:office|offices|relocat\w*|remote|hq|headquarters|city|abroad|house|home|apartment|flat|campus|"
        r"region|country|branch|site|plant|team|division|department|unit|project|role\s+in|warehouse)\b",
    ),
    trigger(
        "forced out",
        r"\b(?:was|were|got|been|being|has\s+been|have\s+been|is|'s)\s+(?:forced|eased|booted|kicked|squeezed)\s+out\b"
        r"(?!\s+of\s+(?:the\s+)?(?:meeting|call|room|building|office|project))|\bousted\b",
        who="before",
    ),
    trigger(
        "out of the company",
        r"\b(?:is|'s|has\s+been|was|now)\s+(?:now\s+|also\s+)?out\s+of\s+(?:the\s+)?(?:business|company|firm|"
        r"organi[sz]ation|group|picture)\b",
        who="before",
    ),
    trigger(
        "not our contact any more",
        r"\bnot\s+(?:our|the)\s+(?:main\s+|primary\s+|day-to-day\s+)?(?:contact|poc|users?)\s+(?:any\s?more|no\s+more|"
        r"any\s+longer)\b|"
        r"\b(?:won't|will\s+not|isn't|is\s+not|'s\s+not)\s+(?:be\s+)?(?:our|the|their)\s+(?:main\s+|primary\s+|key\s+)?"
        r"(?:contact|poc|point\s+of\s+contact|champion|sponsor|admin|owner)\s+(?:here\s+|for\s+us\s+)?(?:any\s?more|any\s+"
        r"longer)\b",
        who="before",
        strong=False,
        own_negation=True,
    ),
    trigger(
        "a new chapter elsewhere",
        r"\bnew\s+(?:chapter|adventure)\s+(?:at|with)\s+(?:@x|@v)\b",
        who="before",
    ),
    trigger(
        "took a job elsewhere",
        r"\b(?:took|taken|taking|accepted|accepting|started|starting|landed|got|found|has|starts)\s+(?:a|an|the)\s+"
        r"(?:new\s+)?(?:job|role|position|offer|gig|post)\s+(?:at|with|elsewhere|somewhere|outside|in\s+another)\b|"
        r"\b(?:took|taken|accepted|landed|got|has\s+been\s+offered|'s\s+been\s+offered)\s+(?:a|an|the)\s+(?:(?!(?:renewal|"
        r"pricing|price|discount|upgrade|commercial|contract|our|revised|final|trial|special|bundle|project)\b)[\w-]+\s+)"
        r"{1,3}?(?:job|role|position|post)\s+(?:as\s+(?:[@\w&-]+\s+){1,5}?)?(?:at|with)\s+(?:a\s+|an\s+|the\s+)?"
        r"(?:@x|@v|[\w-]+\s+(?:company|firm|startup|agency|consultancy|bank|system|group|council|trust|university|"
        r"hospital|school|college|fund))\b|"
        r"\b(?:took|taken|accepted|accepting|been\s+appointed|got)\s+(?:a|an|the)\s+(?:new\s+)?(?:job|role|position|post)\s+"
        r"as\s+(?:[@\w&-]+\s+){1,5}?at\s+(?:@x|@v)\b|"
        r"\b(?:took|accepted|found|landed|got|has|'s\s+got|has\s+got)\s+(?:a\s+)?(?:new\s+)?(?:job|role|position|offer)\s*"
        r"(?:$|[.,;]|elsewhere)|"
        r"\b(?:starts|starting|started|begins|will\s+start)\s+(?:a\s+new\s+(?:job|role)\s+)?(?:at|with)\s+(?:@x|@v)\b|"
        r"\b(?:is|now)\s+(?:now\s+)?(?:at|with|working\s+(?:at|for))\s+(?:@x|@v|a\s+competitor|a\s+rival|"
        r"another\s+company)\b|\bnew\s+(?:job|role|position)\s+(?:at|with)\s+(?:@x|@v|a|an|another|the\s+(?:council|ministry|nhs|"
        r"hospital|university|bank|government|civil\s+service|county|state|city))\b",
        who="before",
    ),
    trigger(
        "now works elsewhere",
        r"\b(?:is\s+)?now\s+\"?(?:an?\s+|the\s+)?(?:[@\w&-]+\s+){0,2}(?:head|director|manager|vp|lead|chief|c[efiot]o|"
        r"engineer|consultant|partner|analyst|officer|president|@x|@v)(?:\s+[@\w&-]+){0,2}\s+at\s+(?:@x|@v)\b",
        who="before",
    ),
    trigger(
        "was let go",
        r"\b(?:was|were|got|been|being|has\s+been|have\s+been|is|'s|will\s+be|'ll\s+be|to\s+be)\s+(?:let\s+go|laid\s+off|"
        r"fired(?!\s+up)|made\s+redundant|"
        r"terminated|sacked|dismissed|pushed\s+out|restructured\s+out|let\s+go\s+of|retrenched)\b|\blaid\s+off\b|"
        r"\b(?:took|taken|taking|accepted|accepting|opted\s+for)\s+(?:the\s+|a\s+)?(?:voluntary\s+)?(?:redundancy|severance)"
        r"(?:\s+(?:package|deal|offer))?\b|"
        r"(?:(?<=@p\d\s)|(?<=@p\d\d\s))(?:made\s+redundant|let\s+go|retrenched|sacked|dismissed)\b|\b(?:took|taking|takes|"
        r"accepted|got|opted\s+for)\s+(?:voluntary\s+|a\s+)?(?:redundancy|severance|a\s+package|the\s+package|buyout)\b",
        who="before",
        harmless=r"\b(?:laid\s+off|let\s+go(?:\s+of)?)\s+(?:about\s+|around\s+|another\s+)?(?:\d+|some|several|many|a\s+few|half|"
        r"dozens|hundreds|a\s+third|a\s+quarter|two|three|four|five|ten|twenty|staff|people|employees|workers)\b",
    ),
    trigger(
        "stepped down",
        r"\b(?:stepped|stepping|steps|step)\s+down\b(?!\s+(?:as\s+\w+\s+)?from\s+(?:the\s+|her\s+|his\s+)?(?:@?\w+\s+){0,2}"
        r"(?:project|committee|board|panel|council|group|initiative|program|programme|steering|working\s+group|"
        r"taskforce|task\s+force)\b)",
        who="before",
    ),
    trigger(
        "parted ways",
        r"\bparted\s+ways\b|\bexited\s+(?:the\s+(?:company|business|firm)|@acct)\b|\b(?:exited|packed\s+up)\b"
        + _GONE_TARGET,
        who="before",
    ),
    trigger(
        "is off to another company",
        r"(?:(?<=@p\d\s)|(?<=@p\d\d\s))off\s+to\s+(?:@x|@v)\b|"
        r"\b(?:is|'s|are|was)\s+off\s+to\s+(?:@x|@v|join|work\s+(?:at|for)|a\s+(?:new|competitor|rival|startup|"
        r"start-up|bank|consultancy|firm|company|job|role)|another\s+(?:company|firm|job|role|employer))",
        who="before",
        # a trip: "she's off to Lanzarote next week so anything urgent should go to the AP inbox"
        harmless=r"\boff\s+to\s+@x\s+(?:(?:next|this)\s+(?:week|weekend|few\s+days|mon|tue|wed|thu|fri|sat|sun)|tomorrow|"
        r"tonight|on\s+(?:mon|tue|wed|thu|fri|sat|sun)|for\s+(?:a|the|two|"
        r"three|\d+)\s+(?:days?|weeks?|nights?)|on\s+(?:holiday|vacation|leave)|until|till|til)\b|\banything\s+urgent\b|"
        r"\b(?:holiday|vacation|hols|trip|honeymoon|conference|cruise)\b",
    ),
    trigger(
        "is gone",
        r"(?:(?<=[-–—:(]\s)|(?<=[-–—:(]))gone\b(?=\s*(?:$|[.,;:!)]|\s(?:since|as\s+of|in|from|for\s+good)))|"
        r"(?:(?<=@p\d\s)|(?<=@p\d\d\s))gone\b(?=\s*(?:$|[.!;)]|\s[-–—]\s|\((?:left|since|as\s+of|resigned|retired|"
        r"moved|quit)\b|,(?!\s*(?:back|till|until|til|returns?|returning)\b)|\s(?:since|as\s+of|for\s+good)))|"
        r"\b(?:is|'s|has|was)\s+(?:now\s+|already\s+|long\s+)?gone\b(?!\s+(?:quiet|dark|silent|with|ahead|through|"
        r"over|well|live|up|down|cold|missing|awol|into|for|to|on|off|back|out|smoothly|badly|south))",
        who="before",
        # "Ann is gone - back Monday though": away for a while
        harmless=r"\bgone\W+(?:\w+\s+)?(?:back|till|until|til|returns?|returning|on\s+(?:leave|holiday|vacation))\b",
    ),
    trigger(
        "poached by another company",
        r"\b(?:poached|headhunted|recruited|hired|snapped\s+up)\s+(?:away\s+)?by\s+(?:a\s+|an\s+)?(?:@x|@v|"
        r"competitor|rival|another|startup|start-up|bank|consultancy|firm|company|agency|fintech|scale-?up|"
        r"(?:@?\w+\s+)(?:company|firm|startup|bank|consultancy|agency))",
        who="before",
    ),
    trigger(
        "departure idiom",
        r"\b(?:moved\s+on|off)\s+to\s+pastures\s+new\b|\bpastures\s+new\b|\bflown\s+the\s+nest\b|\bsaid\s+(?:her|his|their)\s+"
        r"goodbyes\b|\bsent\s+(?:a|her|his|their)\s+(?:goodbye|farewell)\s+(?:email|note|message)\b|\bwalked\s+out\b"
        r"(?!\s+(?:of\s+(?:the\s+|our\s+)?(?:@?\w+\s+)?(?:meeting|call|qbr|demo|session|room|workshop|presentation|review)|"
        r"halfway|half-way|mid|early|in\s+the\s+middle|(?:\w+\s+){0,2}(?:min|mins|minutes|hours?|hrs?)\s+in\b))|"
        r"\b(?:was|got)\s+shown\s+the\s+door\b|\bgot\s+the\s+(?:sack|boot|axe|chop)\b|\bcleared\s+(?:her|his|their)\s+desk\b|"
        r"\b(?:is|'s)\s+(?:now\s+)?(?:history|out\s+of\s+the\s+picture)\b|\bannounced\s+(?:(?:her|his|their)\s+)?(?:departure|"
        r"retirement|resignation)\b|\bstep\w*\s+away\s+from\s+(?:the\s+)?(?:business|company|role|firm|practice)\b|\bstep\w*\s+(?:away|back)\s+"
        r"(?:completely|entirely|fully|for\s+good)\b|\bwon't\s+be\s+"
        r"(?:around|there|with\s+(?:them|@acct))\s+(?:after|from|beyond|past)\b|\bno\s+longer\s+in\s+the\s+picture\b"
        r"(?!\s+(?:for|on|re|regarding|about|when\s+it\s+comes))|\bhand\w*\s+over\s+the\s+reins\b(?!\s+(?:of|on|for)\s+"
        r"(?:the\s+)?(?:@?\w+\s+)?(?:project|rollout|programme|program|implementation|migration|pilot|initiative|"
        r"workstream|account))",
        who="before",
    ),
    trigger(
        "moving on",
        r"\b(?:pursu\w+|explor\w+|seek\w*)\s+(?:other|new|different|fresh|outside)\s+(?:opportunit\w+|challenges?|"
        r"ventures?)\b(?!\s+(?:with|for)\s+(?:us|@acct|the\s+account|our))|"
        r"\bwrap\w*\s+up\s+(?:her|his|their)\s+(?:time|tenure|stint|career)\s+(?:at|with)\b",
        who="before",
    ),
    trigger(
        "finished up",
        r"\bfinish(?:ed|es)\s+up\s+(?:(?:here|there)\s+)?(?:last|on|this|yesterday|at\s+the\s+end|end\s+of|for\s+good|there)\b|"
        r"\bfinished\s+up\s+at\s+(?:@x|@acct)\b|"
        r"(?:(?<=@p\d\s)|(?<=@p\d\d\s)|(?<=\bshe\s)|(?<=\bhe\s))(?:is\s+|has\s+)?finish(?:ing|es|ed)\s+(?:up\s+)?"
        r"(?:on\s+|in\s+)?(?:the\s+)?(?=\d|end\s+of\b|"
        r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\b|(?:mon|tues|wednes|thurs|fri)day\b)|"
        r"\bfinished\s+(?:at|with)\s+@acct\b|"
        r"(?:(?<=@p\d\s)|(?<=@p\d\d\s)|(?<=\bshe\s)|(?<=\bhe\s))(?:is\s+)?finish(?:ing|es)\s+(?:up\s+)?at\s+(?:@x|@acct)\s+"
        r"(?:on\s+|in\s+|at\s+)?(?:the\s+)?(?=\d|end\s+of\b|next\b|this\b|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|"
        r"dec)\w*\b|(?:mon|tues|wednes|thurs|fri)day\b)",
        who="before",
    ),
    trigger(
        "went out on their own",
        r"\b(?:going|gone|went|go|goes|is|'s|now|turned)\s+(?:freelance|self-employed|contracting|independent)\b(?!\s+"
        r"(?:contractors?|consultants?|advisers?|advisors?|reviews?|audits?|assessors?)\b)|"
        r"\b(?:set\w*\s+up|start\w*|open\w*|launch\w*)\s+(?:on\s+(?:her|his)\s+own\b|(?:up\s+)?(?:her|his)\s+own\s+"
        r"(?:[\w-]+\s+)?(?:business|company|firm|practice|consultancy|agency|brokerage|shop|studio|clinic|salon|cafe|"
        r"restaurant|bakery|venture|startup|start-up|outfit|label|gelateria|bar|pub))\b",
        who="before",
    ),
    trigger(
        "not coming back",
        r"\b(?:not|n't|never)\s+(?:be\s+)?(?:coming|come|returning|return|going)\s+back\s+(?:to\s+(?:work|the\s+\w+)\s+)?"
        r"(?:after|from)\s+(?:her|his|their|the)?\s*(?:[\w-]+\s+)?(?:leave|break|sabbatical|secondment)\b|"
        r"\bdecided\s+not\s+to\s+(?:come|return)\s+back\b",
        who="before",
        own_negation=True,
    ),
    trigger(
        "let go, named after",
        r"\blet\s+(?:their|the|our|her|his)\s+(?:[\w-]+\s+){1,2}?go\s*\(\s*(?P<who>@p\d+)\s*\)",
        who="group",
    ),
    trigger(
        "left for good",
        r"\b(?:been|was|got)\s+(?:poached|headhunted)\b|\bgoing\s+to\s+work\s+(?:for|at)\b|\bwent\s+back\s+to\s+"
        r"(?:university|uni|school|college|study|studying)\b|\bpassed\s+away\b|\bdied\b",
        who="before",
    ),
    trigger(
        "jumped ship",
        r"\bjump(?:ed|s|ing)?\s+ship\b",
        who="before",
        harmless=r"\b(?:they|we|@acct|customer|client|company)\s+(?:\w+\s+){0,3}jump",  # the account leaving: churn
    ),
    trigger(
        "is out, replaced",
        r"(?<![\w@])(?P<who>@p\d+)(?:'s|\s+is)\s+(?:now\s+)?out\b(?=\s*(?:[-–—,;:.]|$))",
        who="group",
        strong=False,
        requires=r"\bnew\s+(?:\w+\s+)?(?:cfo|ceo|cto|cio|coo|head|director|manager|contact|lead|vp|person|poc|champion|boss)\b|"
        r"\breplac\w+|\bsuccessor\b|\bpushed\b|\bfired\b|\blet\s+go\b|\bfor\s+good\b",
    ),
    trigger("passed on", r"\bpassed\s+on\b(?=\s*(?:$|[.,;:!)]))", who="before"),
    trigger(
        "no longer our contact",
        r"\bno\s+longer\s+(?:(?:the|our|their)\s+(?:main\s+|primary\s+|day-to-day\s+|key\s+|billing\s+)?(?:contact|poc|"
        r"point\s+of\s+contact|champion|sponsor|admin|owner)\b|(?:handl|manag|responsible|look\w*\s+after|cover|deal\w*\s+"
        r"with|in\s+charge|involv|runs\s+(?:the|our|their|any)|running\s+(?:the|our|their|any)|touch\w*\s+(?:the|our|any)|"
        r"owns?\s+(?:the|our|any)|on\s+the\s+(?:project|account)\s+team)\w*)|"
        r"\b(?:isn't|is\s+not|'s\s+not|doesn't|does\s+not|not)\s+(?:handling|dealing\s+with|involved\s+(?:in|with)|looking\s+"
        r"after|responsible\s+for|deal\s+with|handle|look\s+after)\s+(?:[@\w'&-]+\s+){1,5}?(?:any\s?more|any\s+longer)\b|"
        r"\b(?:won't|will\s+not|doesn't|does\s+not|isn't|is\s+not|not)\s+(?:be\s+)?(?:handl|"
        r"manag|responsible|look\w*\s+after|cover|deal\w*\s+with|in\s+charge)\w*\s+(?:for\s+|of\s+)?(?:our|the|this)\s+"
        r"(?:@?\w+\s+)?(?:account|invoices|billing|relationship|contract|renewal|subscription)\w*\s+(?:any\s?more|any\s+"
        r"longer)\b",
        who="before",
        strong=False,
        own_negation=True,
    ),
    trigger(
        "last day",
        r"(?<![\w@])(?P<who>@p\d+|her|his|my)(?:'s|s)?\s+(?:last|final)\s+(?:working\s+)?(?:day|week)\b"
        r"(?!\s+(?:of|in)\s+(?:the\s+)?office|\s+before\s+(?:her\s+|his\s+|the\s+)?(?:mat|maternity|paternity|parental|"
        r"annual|sick|study)\s+leave|\s+before\s+(?:the|her|his)\s+(?:holiday|holidays|vacation|sabbatical|break))|"
        r"(?<![\w@])(?<!per\s)(?<!via\s)(?<!from\s)(?<!to\s)(?P<who3>@p\d+|she|he)\b(?:(?!@p\d|@x|\bshe\b|\bhe\b)[^.;:]){0,80}?,\s*(?:her\s+|his\s+)?(?:last|final)\s+(?:working\s+)?day\s+"
        r"(?:is\s+|was\s+|will\s+be\s+)?(?:on\s+)?(?:the\s+)?(?=\d|(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|"
        r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\b|today\b|tomorrow\b|next\b|end\s+of\b)|"
        r"\b(?:last|final)\s+day\s+(?:for|of)\s+(?P<who2>@p\d+)\b",
        who="group",
    ),
    trigger(
        "departure",
        r"(?<![\w@])(?P<who>@p\d+|her|his|my)(?:'s|s)?\s+(?:departure|resignation|exit|retirement|"
        r"leaving(?!\s+(?:the|this|that|it|a|an|us|them|him|her|things|everything|all|early|for|at|on)\b)|farewell|send[-\s]?off|"
        r"leaving\s+do|exit\s+interview)\b|\b(?:departure|resignation|exit|retirement|farewell(?:\s+(?:party|lunch|"
        r"drinks))?|send-?off|leaving\s+do|(?:goodbye|farewell|leaving)\s+(?:party|lunch|drinks|dinner|do|card|gathering|cake))\s+(?:of|for|to)\s+"
        r"(?P<who2>@p\d+)\b|"
        r"\b(?:said\s+goodbye|bid\s+farewell)\s+to\s+(?P<who3>@p\d+)\b",
        who="group",
        harmless=r"\b(?:resignation|retirement|departure|exit)\s+from\s+(?:the\s+)?(?:@?\w+\s+){0,3}?(?:board|council|committee|"
        r"club|project|panel)\b",
    ),
    trigger(
        "was replaced",
        r"(?<![\w@])(?P<who>@p\d+|her|his|my)(?:'s|s)?\s+(?:replacement|successor|backfill)\b(?!\s+(?:laptop|card|part|"
        r"device|phone|badge|key|hardware|unit|cable|monitor|keyboard|token|login|password|licen[cs]e|order))|"
        r"\b(?:replacement|successor|backfill)\s+(?:for|to|of)\s+(?P<who2>@p\d+)\b|"
        r"\b(?:replac(?:es|ed|ing)|succeed(?:s|ed|ing)?|backfill(?:s|ed|ing)?)\s+(?P<who3>@p\d+)\b|"
        r"\b(?:tak(?:es|ing|en)|took|took|has\s+taken)\s+over\s+from\s+(?P<who4>@p\d+)\b|"
        r"\b(?:stepp(?:ed|ing)|steps)\s+into\s+(?P<who5>@p\d+)'s\s+(?:role|shoes|job|seat)\b",
        who="group",
        strong=False,
    ),
    trigger(
        "was let go",
        r"\b(?:let|laid\s+off|fired|sacked)\s+(?P<who>@p\d+)(?:\s+go)?\b(?!')|\blost\s+(?P<who2>@p\d+)(?=\s+to\b|\s*[,.;:!)-]|"
        r"\s*$|\s+(?:last|this|in|on|recently|when|after|as))",
        who="group",
    ),
    trigger(
        "role eliminated",
        r"(?<![\w@])(?P<who>@p\d+|her|his|my)(?:'s|s)?\s+(?:position|role|job|post)\s+(?:was|has\s+been|is\s+being|got|is)\s+"
        r"(?:eliminated|cut|made\s+redundant|axed|terminated|scrapped|removed)\b",
        who="group",
    ),
    trigger(
        "former",
        r"\b(?:former|ex-)\s*(?:@?\w+\s+){0,3}?(?P<who>@p\d+)\b",
        who="group",
        strong=False,
        harmless=r"\b(?:former|ex-)\s*(?:@?\w+\s+){0,3}?@p\d+(?:'s|')|\b(?:former|ex-)\s*(?:colleague|co-?worker|"
        r"employer|company|firm)s?\b",
    ),
    trigger(
        "formerly with the account",
        r"(?P<who>@p\d+)\s*\(\s*(?:ex-?\s*|formerly\s+(?:at\s+|with\s+|of\s+)?|previously\s+(?:at\s+|with\s+)?)@acct\b",
        who="group",
    ),
    trigger(
        "now at another company",
        r"\(\s*now\s+(?:at\s+|with\s+)?(?:@x|@v)(?:\s+@x)?\s*[),]|(?:(?<=@p\d)|(?<=@p\d\d)|(?<=\bshe)|(?<=\bhe))(?:'s|\s+is)\s+at\s+(?:@x|@v)\s+now\b(?!\W*(?:but|until|till|til|back|for|this|today))",
        who="before",
    ),
    trigger(
        "with the contact gone",
        r"\bwith\s+(?P<who>@p\d+)\s+(?:now\s+)?(?:gone|departed|out\s+of\s+the\s+(?:company|picture))\b",
        who="group",
    ),
    trigger(
        "was replaced by a successor",
        r"(?<![\w@])(?P<who>@p\d+)\s+(?:was|has\s+been|is\s+being|got)\s+replaced\b",
        who="group",
        strong=False,
    ),
    trigger(
        "out, mailbox closed",
        r"\bout\s+since\b[^.;]{0,30}\b(?:mailbox|e-?mail|inbox|address)\s+(?:is\s+|now\s+)?(?:closed|dead|deactivated|"
        r"disabled|gone|bounc\w+)",
        who="before",
    ),
    trigger(
        "no replacement yet",
        r"\bno\s+(?:word\s+on\s+)?(?:replacement|backfill|successor)\s+(?:yet\s+)?(?:for|to|of)\s+(?P<who>@p\d+)\b|"
        r"\bno\s+word\s+on\s+who\s+(?:replaces|will\s+replace|is\s+replacing)\s+(?P<who2>@p\d+)\b",
        who="group",
        own_negation=True,
    ),
    trigger("emigrated", r"\bemigrat(?:ed|ing|es)\b", who="before"),
    trigger(
        "landed a job elsewhere",
        r"\b(?:is|'s|has)\s+(?:now\s+)?(?:landed|ended\s+up)\s+(?:a\s+(?:job|role)\s+)?at\s+(?:@x|@v)\b",
        who="before",
    ),
    trigger(
        "contract ended",
        r"(?<![\w@])(?P<who>@p\d+|her|his|my)(?:'s|s)?\s+(?:[\w-]+\s+){0,2}?contract\s+(?:as\s+(?:[\w-]+\s+){1,3}|"
        r"(?:with|through)\s+(?:us|them|@x)\s+)?(?:ended|finished|expired|ran\s+out|is\s+up|was\s+not\s+renewed)\b|"
        r"(?<![\w@])(?P<who2>@p\d+)\s+(?:has\s+)?finished\s+(?:her|his|their)\s+(?:[\w-]+\s+){0,2}?contract\b|"
        r"(?<![\w@])(?P<who3>@p\d+)(?:'s|s')\s+(?:agency|temp|temporary|fixed-term|fixed\s+term|locum|interim|"
        r"maternity\s+cover)\s+contract\s+(?:ends|will\s+end|is\s+ending|ending|runs\s+out|expires)\b",
        who="group",
    ),
    trigger(
        "mailbox closed",
        r"(?<![\w@])(?P<who>@p\d+|her|his|my)(?:'s|s)?\s+(?:e-?mail|mail|mailbox|address|inbox)\s+(?:now\s+)?"
        r"(?:bounces|bounced|is\s+(?:closed|deactivated|disabled|dead|gone|bouncing))\b|"
        r"\b(?:e-?mails?|mails?|messages?)\s+to\s+(?P<who2>@p\d+)\s+(?:now\s+|just\s+)?(?:bounces|bounced|bouncing|"
        r"came\s+back|was\s+returned|is\s+returned)\b",
        who="group",
        strong=False,
        unless=r"\b(?:domain|typo|wrong\s+address|misspel\w*|mailbox\s+(?:was\s+)?full|full\s+mailbox|temporar\w*|glitch|"
        r"spam\s+filter|firewall|fixed|resolved|updated\s+(?:the\s+|her\s+|his\s+)?(?:address|email)|new\s+address|"
        r"just\s+(?:a|their|the))\b",
    ),
)
# A contact who takes over (a successor): never gone because of that sentence, and named in the finding.
SUCCESSOR = re.compile(
    r"(?P<who>@p\d+)\s+(?:is|will\s+be|has\s+become|becomes|'s|is\s+now|will\s+now\s+be)\s+(?:now\s+)?"
    r"(?:our|the|their)\s+(?:new\s+)(?:main\s+|primary\s+|day-to-day\s+)?\w+|"
    r"(?P<who2>@p\d+)\s+(?:(?:now\s+)?takes|took|is\s+taking|will\s+take|has\s+taken|to\s+take)\s+over\b|"
    r"(?P<who10>@p\d+)\s+(?:is\s+picking|picks|picked|will\s+pick|is\s+taking|takes|took)\s+up\s+(?:the\s+|our\s+)?"
    r"(?:@?[\w-]+\s+){0,3}?(?:relationship|account|contract|renewal)\b|"
    r"(?P<who3>@p\d+)\s+(?:replaces|replaced|is\s+replacing|will\s+replace|succeeds|succeeded|steps\s+in|"
    r"stepped\s+in|is\s+stepping\s+in|will\s+step\s+in|has\s+stepped\s+in|backfills)\b|"
    r"\breplaced\s+by\s+(?P<who4>@p\d+)|\b(?:successor|replacement|backfill)\s+(?:is|will\s+be|:)\s+(?P<who5>@p\d+)|"
    r"\bhanded\s+(?:@?\w+\s+){0,3}over\s+to\s+(?P<who6>@p\d+)|"
    r"\bnew\s+(?:main\s+|primary\s+)?(?:point\s+of\s+contact|contact|poc|champion|sponsor|lead|owner)\s+"
    r"(?:is|will\s+be|:)\s+(?P<who7>@p\d+)|(?<![\w@])(?P<who8>@p\d+)\s+(?:is\s+)?(?:now\s+)?(?:our|the)\s+"
    r"(?:point\s+of\s+contact|poc|main\s+contact|go-to)\b|"
    r"(?<![\w@])(?P<who9>@p\d+)\s+(?:is|will\s+be|'s|becomes|was\s+named|has\s+been\s+named)\s+(?:as\s+)?(?:her|his|their|the)\s+"
    r"(?:successor|replacement|backfill)\b"
)
# A contact right after one of these is a reporter or an object, not the one who left ("according to X").
REPORTER_WORDS: frozenset[str] = word_set(
    "per from via cc with by to for about at of on than like re regarding asked informed told thanks"
)
REPORTER_PHRASES: frozenset[str] = frozenset(
    ["according to", "heard from", "told by", "informed by", "confirmed by", "learned from", "learnt from"]
)
# Words that may stand between a subject and its verb ("Aisha has apparently just left").
GAP_WORDS: frozenset[str] = (
    word_set("""has have had is was were are am 's 'd 'll 're 've 'm still probably likely will would shall be been
    being just recently apparently finally
    officially already also now actually reportedly unfortunately sadly suddenly quietly abruptly both all
    then effectively formally definitely indeed too since basically evidently obviously seemingly herself
    himself yesterday today that unexpectedly eventually ultimately only even luckily gonna to really
    confirmed announced said says mentioned posted posts wrote writes shared shares tweeted , : ; - – — plans plan
    planning decided wants want chose opted
    going about set due allegedly supposedly not never hasn't hadn't didn't isn't wasn't won't doesn't
    haven't got get gets getting -> => → > / w/ (""")
)
GAP_PHRASES: frozenset[str] = frozenset(
    [
        "last week",
        "this week",
        "last month",
        "this month",
        "in fact",
        "told us",
        "told me",
        "let us know",
        "let me know",
        "has since",
        "as well",
        "this morning",
        "last friday",
        "on friday",
        "on monday",
    ]
)
ACCOUNT_WORDS: frozenset[str] = word_set(
    "they we @acct customer client company account business org organisation organization team firm them"
)
PRONOUNS: frozenset[str] = frozenset(["she", "he", "her", "his", "him"])
TITLE_ABBREVIATIONS: dict[str, str] = {
    "ceo": "chief executive officer",
    "cfo": "chief financial officer",
    "coo": "chief operating officer",
    "cto": "chief technology officer",
    "cio": "chief information officer",
    "cmo": "chief marketing officer",
    "cro": "chief revenue officer",
    "cpo": "chief procurement officer",
    "vp": "vice president",
    "svp": "senior vice president",
    "evp": "executive vice president",
    "ops": "operations",
    "mgr": "manager",
    "dir": "director",
    "eng": "engineering",
    "hr": "human resources",
    "proc": "procurement",
    "fin": "finance",
}
ROLE_STOP: frozenset[str] = word_set(
    "the their our its a an of and new old former previous main primary key this that his her"
)

# ---------------------------------------------------------------------------------------- churn risk
_CONTRACT = r"(?:subscription|contract|account|licen[cs]es?|plan|service|renewal|agreement|membership|seats?|deal|us)"
_RIVAL_THING = (
    r"(?:@v|(?:a|an|the|their|another)\s+(?:rival|competing|competitor'?s?|competitive|other\s+vendor'?s?)\s*"
    r"(?:tool|vendor|product|platform|solution|offering|crm|system|app|suite|software)?)"
)
_OLD_THING = (
    r"\btheir\s+own\b|\b(?:their|other)\s+(?:customers|clients|members|users|subscribers|end-?users)\b|"
    r"(?:the|their|its|that)\s+(?:old|previous|former|legacy|other|existing)\s+(?:@?\w+\s+)?(?:erp|crm|system|tool|"
    r"vendor|provider|supplier|platform|software|solution|contract|licen[cs]es?|app)|\bnewsletter|\bmailing|"
    r"\bmarketing\s+emails?|\bemail\s+alerts?|\bnotifications?\b|\bdigest\b|\bto\s+us\b"
)
# Ending something that is not ours: "cancelled the pilot of a rival tool", "terminated the old ERP contract".
_NOT_OURS = (
    r"\b(?:cancel|terminat|end|walk|stop|drop|pull)\w*\s+(?:away\s+)?(?:@?\w+\s+){0,6}?(?:(?:of|with|from|for)\s+"
    + _RIVAL_THING
    + "|"
    + _OLD_THING
    + ")"
)
# The customer's contract with another vendor: cancelling or not renewing it is not churn for us.
# A contract of theirs with someone else: "terminated the contract with their cleaning company".
_OTHER_CONTRACT = (
    r"\b(?:contract|agreement|deal|subscription)\s+with\s+(?:their|a|an|the|its)\s+(?:[\w-]+\s+){0,2}(?:company|firm|supplier|"
    r"provider|agency|landlord|contractor|partner|carrier|bank|insurer)\b"
)
_THEIR_OTHER_VENDOR = (
    r"(?<![\w@])@v(?:'s)?\s+(?:contract|subscription|licen[cs]es?|renewal|account|seats|plan|tier|pricing)\b|"
    r"\brenew\w*\s+(?:with\s+)?(?:their\s+|the\s+)?@v\b"
)
_COMPETITION = (
    r"(?:@v|(?:a|an|another|the|other|different|cheaper|rival|competing|new)\s+(?:@?\w+\s+)?(?:vendors?|providers?|"
    r"suppliers?|platforms?|solutions?|tools?|crms?|systems?|products?|offerings?|competitors?|options?)|"
    r"(?:vendors|providers|platforms|tools|crms|systems|competitors)|alternatives?|the\s+competition|"
    r"competitors?|(?:a|an)\s+(?:rival|competitor)|@x\s+(?:crm|suite|cloud))"
)
# A quote for something we do not sell: "a quote from Dell for the scanners".
_NOT_SOFTWARE = (
    r"\bfor\s+(?:the\s+|new\s+)?(?:[\w-]+\s+)?(?:scanners|hardware|laptops|printers|devices|tablets|cabling|servers|"
    r"installation|install|printing|catering|cleaning|furniture|insurance)\b"
)
# A seat count as people jot it down: "seats 100 -> 78", "55 -> ~40 seats", "renewal at 34 seats (was 48)".
_SEAT_WORDS = r"(?:seats?|licen[cs]es?|users?|logins?)"
_SEATS_ARROW = (
    r"(?:\b"
    + _SEAT_WORDS
    + r"\s*(?:count\s*)?:?\s*(?=\d)|(?<![\d.,/:-])(?=\d[\d,]*\s*(?:->|-->|→|=>)[^.;]{0,20}?\d\s*"
    + _SEAT_WORDS
    + r"\b))(?P<a>\d[\d,]*)\s*(?:->|-->|→|=>)\s*(?:maybe\s+|probably\s+|about\s+|around\s+|approx\.?\s+|~\s*)?"
    r"(?P<b>\d[\d,]*)(?![\d/:%]|[.,]\d)|\bat\s+(?P<b2>\d[\d,]*)\s+(?:seats|users|licen[cs]es)\s*[(,]?\s*(?:was|from|down\s+from|"
    r"up\s+from|vs\.?)\s+(?P<a2>\d[\d,]*)\b"
)
CHURN: tuple[Trigger, ...] = (
    trigger(
        "cancel",
        r"\bcancel(?:s|led|ed|ling|ing|lations?|ations?)?\b|\bcancel+ation\b",
        harmless=r"\bcancel\w*\s+(?:the\s+)?\d{1,2}(?::\d\d)?\s*(?:am|pm|h)\b|"
        r"\bcancel\w*\s+(?:the\s+|our\s+|their\s+|her\s+|his\s+|my\s+|a\s+|an\s+|this\s+|that\s+|next\s+|tomorrow's\s+|"
        r"today's\s+|\w+day's\s+|\w+'s\s+)?(?:@?\w+\s+){0,2}?"
        + _EVENTS
        + r"|"
        + _EVENTS
        + r"\s+(?:(?!(?:contract|subscription|licen[cs]e|account|renewal|plan|us)s?\b)[@\w-]+\s+){0,4}?"
        r"(?:(?:was|were|got|is|has\s+been)\s+)?"
        r"cancel|\b(?:hiring|project|event|trip|travel|campaign|launch|initiative|offsite|order\s+for\s+\w+|job|"
        r"integration|export|import|sync|feed|report|migration|upload|workflow|test)s?\s+(?:plan\s+)?(?:was|were|got|"
        r"has\s+been|had\s+been|is)\s+cancel|\bcancel\w*\s+(?:their\s+|the\s+)?(?:[@\w-]+\s+){0,2}?(?:to|with|from|of|for)\s+(?:(?:our|a|the)\s+)?(?:@v|"
        r"competitor|rival|other\s+(?:vendor|provider|tool))|\bcancel\w*\s+(?:the\s+|their\s+|our\s+)?(?:@?\w+\s+){0,2}?(?:expansion|upgrade|add-?on|rollout|roll-?out|"
        r"pilot|trial|poc|evaluation|order\s+for\s+more|purchase\s+order|po)\b|"
        + _THEIR_OTHER_VENDOR
        + r"|\bcancel\w*\s+(?:a|one|the|that|this|"
        r"single|individual|each)\s+(?:single\s+|individual\s+)?(?:users?|person|employee|member)(?:'s|s')?\s+"
        r"(?:licen[cs]e|seat|account|access|login)|\bcancel\w*\s+(?:the\s+|an?\s+|their\s+|our\s+)?(?:@?\w+\s+)?(?:order|"
        r"booking|reservation|delivery|shipment|print\s+run)\s+(?:for|of)\s+(?:@?\w+\s+){0,2}(?:manuals?|printed|prints?|"
        r"merch\w*|swag|hardware|laptops?|furniture|coffee|catering|tickets?|banners?|brochures?|t-?shirts?|mugs?|"
        r"stationery|equipment|devices?|scanners?|printers?)\b|" + _NOT_OURS,
    ),
    trigger(
        "not renewing",
        r"\b(?:not|never|won't|wont|will\s+not|don't|do\s+not|doesn't|isn't|aren't|no\s+plans?\s+to|no\s+intention\s+"
        r"(?:of|to)|unlikely\s+to|decided\s+not\s+to|chose\s+not\s+to|not\s+going\s+to)\s+(?:@?\w+\s+){0,3}?"
        r"(?:renew\w*|extend\w*\s+(?:the|their|our)\s+(?:contract|subscription|agreement))|\bnon-?renew\w*|"
        r"\bno\s+renewal\b|\b(?:declin\w+|refus\w+)\s+to\s+renew\b|(?<![\w@])(?:contract|subscription|agreement|licen[cs]es?|"
        r"term)\s+(?:@?\w+\s+){0,2}?(?:not|won't|never)\s+(?:be\s+)?(?:extended|renewed)\b|\b(?:review\w*|decid\w+|"
        r"debat\w+|discuss\w*|weigh\w*|assess\w*|evaluat\w+|consider\w*)\s+whether\s+(?:to|they\s+should|we\s+should)\s+"
        r"(?:keep|renew|continue|stay)\b|"
        r"\blet\s+(?:the\s+|their\s+|our\s+|it\s+|them\s+)?(?:@?\w+\s+)?(?:contract|subscription|licen[cs]es?|"
        r"renewal|agreement|it|them|plan|term)?\s*(?:lapse|expire|run\s+out)\b|\ballow\w*\s+(?:the|their|it)\s+"
        r"(?:@?\w+\s+)?(?:to\s+)?(?:lapse|expire)\b|\brenewal(?:'s\s+|\s*[=:]\s*|\s+is\s+|\s+looks\s+|\s+is\s+looking\s+|\s+seems\s+|\s+)(?:unlikely|in\s+doubt|dead|lost|"
        r"at\s+risk|in\s+jeopardy|not\s+happening|off|doubtful|uncertain|shaky|on\s+hold|paused|frozen)\b|"
        r"\b(?:paus\w*|freez\w*|froze|hold\w*(?:\s+off\s+on)?)\s+(?:the\s+|their\s+)?renewal\b|\bdoubt\w*\s+(?:that\s+)?"
        r"(?:they|we|@acct)(?:'ll|\s+will|\s+would)\s+renew|\b(?:not\s+(?:sure|certain|convinced)|unsure|uncertain|doubtful|s[ck]eptical)\s+(?:whether\s+|if\s+|that\s+)?"
        r"(?:they|@acct)(?:'ll|\s+will|\s+would|\s+are\s+going\s+to)\s+renew|\bwon't\s+be\s+(?:renewing|extending)\b|"
        r"\b(?:doesn't|does\s+not|don't|do\s+not)\s+(?:think|believe|expect)\s+(?:that\s+)?(?:they|@acct)(?:'ll|\s+will|\s+would|'d)\s+"
        r"renew\b",
        own_negation=True,
        harmless=_THEIR_OTHER_VENDOR
        + r"|\bnot\s+only\b|\bno\s+renewal\s+(?:concerns?|issues?|risks?|worries|problems?|red\s+"
        r"flags?)|\b(?:trial|pilot|poc|demo|evaluation|sandbox)\s+(?:@?\w+\s+)?(?:lapse|expire|run\s+out)|"
        r"\b(?:don't|do\s+not)\s+(?:chase|push|send|contact|call|email|raise|mention|bring\s+up|remind)\b",
        unless=r"\b(?:sign\w*|mov\w*\s+to|switch\w*\s+to|replac\w*\s+(?:it\s+)?with)\s+(?:a\s+|an\s+|the\s+)?(?:new|bigger|"
        r"larger|longer|multi-?year|\d+-year|two-year|three-year)\b|"
        r"\b(?:her|his|@p\d+'s)\s+(?:[\w-]+\s+){0,2}?contract\b[^.;]{0,60}\b(?:won't|will\s+not|not)\s+(?:be\s+)?"
        r"renewed\b",  # and a person's fixed-term contract, not the account's
    ),
    trigger(
        "not staying",
        r"\b(?:won't|will\s+not|not\s+going\s+to)\s+be\s+back\b(?!\s+(?:from|till|until|til|before|for|in\s+the\s+office|"
        r"at\s+(?:her|his|their)\s+desk|(?:on|at)\s+(?:mon|tues|wednes|thurs|fri)day))|\b(?:last|final)\s+(?:year|term|"
        r"renewal|contract|"
        r"quarter)\s+with\s+us\b|\brun\s+(?:the\s+|their\s+|our\s+)?(?:contract|term|subscription)\s+out\b|"
        r"\b(?:won't|wont|will\s+not|not\s+going\s+to|unlikely\s+to|don't\s+plan\s+to|do\s+not\s+plan\s+to|no\s+plans?\s+to|"
        r"doubt\s+(?:they|we)(?:'ll|\s+will)|decided\s+not\s+to|chose\s+not\s+to|won't\s+be)\s+(?:be\s+)?(?:continu\w+\s+"
        r"(?:with\s+us|with\s+(?:the|our)\s+(?:platform|tool|product|contract|subscription|service)|the\s+(?:contract|"
        r"subscription|service)|(?:after|beyond|past)\s+(?:the\s+|this\s+)?(?:current\s+)?(?:term|contract|renewal|year|"
        r"subscription))|stay\w*\s+with\s+us|keep\w*\s+(?:us|using\s+us|the\s+(?:platform|tool|licen\w+|subscription|"
        r"service)))\b",
        own_negation=True,
        harmless=_THEIR_OTHER_VENDOR,
    ),
    trigger(
        "terminate",
        r"\bget\w*\s+out\s+of\s+(?:the|their|our)\s+(?:contract|agreement|deal|subscription)\b|\bbreak\s+(?:the|their)\s+"
        r"(?:contract|agreement)\b|"
        r"\bterminat(?:e|es|ed|ing|ion)\b|\bearly\s+termination\b|\bexit\s+(?:clause|terms|fees?|options?|strategy|plan|"
        r"rights|costs?)\b|"
        r"\bout\s+clause\b|\bbreak\s+clause\b",
        harmless=_OTHER_CONTRACT
        + r"|(?:was|were|been|got)\s+terminat|\bterminat\w+\s+(?:the\s+)?(?:employee|staff|@p)|\bterminat\w+\s+"
        r"(?:the\s+|all\s+|any\s+)?(?:@?\w+\s+)?(?:sessions?|connections?|process\w*|jobs?|instances?|ssl|tls|tokens?|"
        r"threads?|servers?|vms?|containers?|pods?|calls?|integrations?|connectors?|feeds?|interfaces?|api|ftp|sftp|"
        r"exports?|imports?|syncs?|scripts?|workflows?|users?|accounts?\s+for)\b|"
        r"\b(?:session|connection|ssl|tls)\s+terminat|" + _NOT_OURS,
    ),
    trigger(
        "moving to a competitor",
        r"\b(?:switch\w*|mov(?:e|es|ed|ing)|migrat\w+|go(?:ing)?|transition\w*|port\w*|consolidat\w+|standardi[sz]\w+|"
        r"replat\w+)\s+(?:everything\s+|all\s+\w+\s+|it\s+|them\s+|us\s+|(?:(?:half|some|most|part|all|many)\s+(?:of\s+)?)?"
        r"(?:their\s+|the\s+)?@?\w+\s+)?(?:over\s+|away\s+)?"
        r"(?:to|onto|on\s+to|into|on)\s+"
        r"(?:@v|(?:a\s+|an\s+)?(?:another|different|other|cheaper|new|rival|competing|competitor'?s?|in-?house)\s+"
        r"(?:@?\w+\s+)?(?:vendor|provider|supplier|platform|solution|tool|crm|system|product|offering|software|app))\b|"
        r"\bswitch\w*\s+(?:vendors|providers|suppliers|platforms|tools|crms|systems)\b|"
        r"\b(?:mov\w+|bring\w*|brought|build\w*|built|tak\w+|took)\s+(?:(?:their|the|it|this|everything|our)\s+)?"
        r"(?:@?\w+\s+)?in[-\s]?house\b|"
        r"\bconsolidat\w+\s+(?:(?:their|its|the|all)\s+)?(?:vendors|tools|platforms|systems|crms|providers|suppliers|"
        r"software|stack)\b|"
        r"\b(?:switch\w*|mov(?:e|es|ed|ing)|migrat\w+|go(?:ing)?|defect\w*)\s+(?:over\s+)?to\s+(?:a|the)\s+"
        r"(?:competitor|rival|competition)\b",
        harmless=r"\b(?:from|off|away\s+from)\s+@v\b|\bto\s+us\b",
    ),
    trigger(
        "chose a competitor",
        r"\b(?:went|go|going|gone|opted|opting)\s+(?:with|for)\s+(?:@v|@x(?!\s+(?:to|for|on|at|about))|"
        r"(?:a|an|another|the\s+other|a\s+different|(?:a|the)\s+cheap(?:er|est)|a\s+rival|a\s+competing)\s+(?:vendor|provider|option|"
        r"solution|platform|tool|competitor|offer|crm|system|product))|"
        r"\b(?:chose|choose|choosing|picked|selected|signed\s+with|signed\s+a\s+contract\s+with|awarded\s+(?:@?\w+\s+){0,2}"
        r"to|bought|purchased|decided\s+on)\s+(?:@v|a\s+(?:competitor|rival))\b|\b(?:chose|picked|selected|prefer\w*)\s+"
        r"@x\s+over\s+us\b|(?<![\w@])@v\s+(?:won|wins|is\s+winning|has\s+won|came\s+out\s+(?:on\s+top|ahead)|is\s+(?:ahead|"
        r"the\s+front-?runner|the\s+favou?rite|preferred|leading|in\s+pole\s+position))\b|"
        r"\b(?:sign\w*\s+up|about\s+to\s+sign|going\s+to\s+sign|ready\s+to\s+sign|(?:close\s+to|near\w*)\s+signing)\s+with\s+"
        r"(?:@v|a\s+(?:competitor|rival))\b|\blean\w*\s+(?:towards?|to)\s+(?:@v|a\s+(?:competitor|rival)|another\s+(?:vendor|"
        r"provider|supplier|platform|tool|crm))\b|\bnegotiat\w*\s+with\s+(?:@v|a\s+(?:competitor|rival))\b|"
        r"\bshortlist\w*\s+us\s+(?:and|alongside|with|against)\b|"
        r"\b(?:(?:have|has|'ve|had)\s+)?(?:chosen|picked|selected|decided\s+(?:on|for))\s+@x\b(?!\s*(?:'s|to|as|for|on|at|"
        r"about|from|in|over\s+us))|"
        r"\b(?:shortlist\w*|short-list\w*|finalists?|final\s+(?:two|three))\s*(?:is|are|:|-|–)?\s*\(?\s*(?:us\s*(?:\+|and|,|"
        r"vs\.?|versus)\s*(?:@[xv]|[a-z][\w.-]+)|(?:@[xv]|[a-z][\w.-]+)\s*(?:\+|and|,|vs\.?|versus)\s*us\b)|"
        r"\b(?:it's|it\s+is|decision\s+is|choice\s+is|down\s+to|now)\s+(?:now\s+|still\s+)?between\s+us\s+and\s+@[xv]\b",
        harmless=r"\b(?:from|off|away\s+from)\s+@v\b|\bto\s+us\b|\b(?:we|i)\s+(?:have\s+|had\s+|just\s+)?(?:negotiat|sign)\w*|"
        r"\bon\s+(?:their|its)\s+behalf\b",
    ),
    # a rival the reader does not know by name, made one by the comparison with us: "benchmark us against Asana",
    # "run a side-by-side with Wrike", "3 quotes (us, Rippling, Gusto)", "piloting Rippling, not us, to compare";
    # five triggers, each with its own words, so that a note is only read for them when it holds those words
    trigger(
        "compared with a named rival",
        r"\b(?:benchmark\w*|compar\w+|measur\w+)\s+(?:us|our\s+\w+|@x\s+add-on)\s+(?:with|to|against|vs\.?|versus)\s+"
        r"(?:@?\w+\s+){0,2}?@[xv]\b|"
        r"\b(?:a|run|do|did|doing|want\w*|ran|need\w*)\s+(?:a\s+)?(?:quick\s+)?(?:side[- ]by[- ]side|"
        r"head[- ]to[- ]head|bake-?off|market\s+check)\s+(?:with|against|vs\.?|versus)\s+(?:@?\w+\s+){0,2}?@[xv]\b"
        r"(?:\s+(?:and|&|\+|or)\s+@[xv]\b)?(?=\s*(?:$|[.,;:!)]|\s(?:before|ahead\s+of|for\s+the\s+renewal|on\s+"
        r"(?:price|pricing|cost))\b))|"
        r"(?<![\w@])us\s+(?:vs\.?|versus)\s+@[xv]\b|(?<![\w@])@[xv]\s+(?:vs\.?|versus)\s+us\b|"
        r"\b(?:look\w*\s+at|test\w*|check\w*)\s+the\s+market\b|\bmarket\s+check\b",
        harmless=r"\b(?:we|i)\s+(?:will\s+|'ll\s+|should\s+|could\s+)?(?:benchmark|compar|look|test|check)\w*",
    ),
    trigger(
        "courted by a named rival",
        r"(?<![\w@])@x\s+(?:has\s+been|have\s+been|is|are|'s|'re)\s+courting\s+(?:them|@acct|the\s+)|"
        r"\b(?:been\s+)?approached\s+by\s+@x\s+(?:with|w/)\s+(?:an?\s+)?(?:[\w%-]+\s+){0,2}?(?:offer|deal|discount|quote|"
        r"proposal)\b",
    ),
    trigger(
        "piloting a named rival",
        r"\b(?:trial\w*|pilot\w*|testing|poc|proof[- ]of[- ]concept)\s+(?:of\s+|with\s+)?@x\b[^.;]{0,60}?\b(?:not\s+us|"
        r"instead\s+of\s+us|alongside\s+us|in\s+parallel|to\s+compare|side[- ]by[- ]side|against\s+us)\b",
    ),
    trigger(
        "invited beside us",
        r"\b(?:quotes?|bids?|proposals?|pitches|demos|invited|vendors|shortlist\w*|finalists?|rfp|tender)\b[^.;]{0,30}?"
        r"(?:\(|:)\s*us\s*,\s*@[xv]\b",
    ),
    trigger(
        "looking at a named rival before renewing",
        r"\blook\w*\s+at\s+@[xv](?:\s+(?:and|&|\+|or)\s+(?:@[xv]|[\w.-]+))?\s+before\s+(?:signing|renewing|the\s+renewal|"
        r"(?:we|they)\s+renew|committing)\b",
        harmless=r"\b(?:we|i)\s+(?:will\s+|'ll\s+|should\s+|could\s+)?look\w*",
    ),
    # the account's system moving to another tool, where the sentence speaks of our contract ("energy monitoring moves
    # to Honeywell at renewal", "Kensington confirmed move to Dentally, effective end of contract"); a person moving
    # to a company is a departure (the reader skips a person subject)
    trigger(
        "moving to a named tool",
        r"\b(?:move|moves|moving|moved|switch|switches|switching|migrat\w+|transition\w*)\s+(?:(?:all|every|the|their)\s+"
        r"(?:[\w-]+\s+){0,2}?)?(?:over\s+)?to\s+@[xv]\b|\b(?:confirmed|planned|the|their)\s+(?:move|switch|migration|"
        r"transition)\s+to\s+@[xv]\b|(?<![\w@])@[xv]\s+migration\b",
        who="before",
        requires=r"\b(?:renewal|renewing|contract|notice|effective|export\w*|termination)\b",
        harmless=r"\b(?:office|offices|hq|headquarters|premises|building|warehouse)\b",
        of_a_person_is_a_departure=True,
    ),
    trigger(
        "lost to a competitor",
        r"\blost\s+(?:the\s+)?(?:renewal|deal|account|business|them)\s+to\b|\blosing\s+(?:them|the\s+account|@acct)\s+to\b",
    ),
    trigger(
        "replacing us",
        r"\bmov\w+\s+(?:away\s+)?off\s+(?:our|the|your)\s+(?:platform|product|tool|system|software)|\bmigrat\w+\s+"
        r"(?:away\s+from|off)\s+(?:us|our|the\s+platform)\b|\breplac\w+\s+us\b|\brip\s+(?:and|&|n)\s+replace\b|"
        r"\bphas\w+\s+(?:us|our\s+\w+)\s+out\b|\bphase\s+out\s+(?:our|the)\s+(?:platform|tool|product)\b|\bsunset\w*\s+"
        r"(?:our|the|your)\s+(?:platform|product|tool|subscription)\b|\b(?:look\w*|search\w*|hunt\w*|shop\w*)\s+(?:around\s+)?"
        r"for\s+(?:a\s+|an\s+)?(?:replacement|alternative|successor|substitute)\s+(?:for|to)\s+(?:us|our\s+\w+|the\s+"
        r"(?:platform|tool|product|system|crm|software))\b",
    ),
    trigger(
        "evaluating competitors",
        r"\b(?:evaluat\w+|look\w*\s+(?:at|into)|consider\w*|explor\w+|assess\w*|review\w*|compar\w+|trial\w*|"
        r"test\w*|pilot\w*|demo\w*|shortlist\w*|talk\w*\s+(?:to|with)|speak\w*\s+(?:to|with)|spoke\s+(?:to|with)|"
        r"get\w*\s+(?:quotes?|pricing|proposals?|demos?)\s+from|meet\w*\s+with|in\s+talks\s+with|"
        r"research\w*|scout\w*|seek\w*|search\w*\s+for|benchmark\w*|courted\s+by|approached\s+by|"
        r"(?:got|received|have|had)\s+(?:a\s+|an\s+)?(?:cheaper\s+|better\s+|lower\s+|competing\s+|rival\s+|competitive\s+|"
        r"good\s+|strong\s+|attractive\s+)?(?:offer|quote|proposal|pitch|demo|bid)s?\s+from|"
        r"(?:a\s+)?demo\s+(?:of|from|with)|poc\s+with|proof\s+of\s+concept\s+with|bake-?off\s+(?:with|against))\s+"
        r"(?:us\s+(?:with|to|against)\s+)?(?:@?\w+\s+){0,2}?" + _COMPETITION + r"(?!\s+(?:to\s+us|of\s+ours)|['’])|"
        r"(?<![\w@])(?:@v|(?:a\s+|the\s+)?(?:competitor|rival))\s+(?:has\s+been\s+|have\s+been\s+|is\s+|are\s+|was\s+)?"
        r"(?:in\s+)?(?:talking|speaking|meeting|pitching|courting|calling|circling|sniffing\s+around|knocking)\b|"
        r"(?<![\w@])(?:@v|(?:a\s+|the\s+)?(?:competitor|rival))(?:'s|s')?\s+(?:demo|pitch|presentation|poc|trial|"
        r"pilot|bake-?off)s?\s+(?:is\s+|was\s+|has\s+been\s+)?(?:booked|scheduled|set\s+up|planned|lined\s+up|"
        r"arranged|next|on|this|tomorrow|in\s+the\s+diary)\b",
        harmless=r"\b(?:printing|print|catering|travel|furniture|cleaning|hardware|laptop|event|events|logistics|shipping|"
        r"courier|packaging|energy|telecoms?|insurance|recruitment|staffing|coffee|food|hotel|stationery|signage|av)\s+"
        r"(?:suppliers?|vendors?|providers?|company|firm|agency)\b|"
        r"\b(?:end\w*|cancel\w*|stop\w*|drop\w*|kill\w*|scrap\w*|abandon\w*|ditch\w*|wound\s+down|"
        r"shut\s+down|reject\w*|pass\w*\s+on|turn\w*\s+down|rul\w+\s+out|finish\w*|conclud\w*|wrap\w*\s+up|"
        r"binned|pulled\s+out\s+of)\s+(?:the\s+|their\s+|its\s+|a\s+|an\s+)?(?:@?\w+\s+)?(?:pilot|trial|evaluation|eval|"
        r"poc|proof|demo|test|bake-?off|rfp|talks|conversations?)|"
        r"\b(?:beat|won|win|winning|displac\w+|replac\w+|over|instead\s+of|rather\s+than|than)\s+"
        r"(?:@?\w+\s+)?(?:@v|competitors?|the\s+competition)|\bcompetitive\s+(?:pricing|edge)|\bour\s+competitors\b|"
        r"\b(?:we|our\s+\w+|we're|we\s+are)\s+compar\w+",
    ),
    trigger(
        "stopping using us",
        r"\b(?:stop\w*|discontinu\w+|get\w*\s+rid\s+of|mov\w+\s+away\s+from|drop\w*|ditch\w*|dump\w*|replac\w+|retir\w+|"
        r"decommission\w*)\s+(?:using\s+)?(?:us\b|our\s+(?:platform|tool|product|software|system|app|crm|service|"
        r"licen[cs]es?|subscription)\b|the\s+(?:platform|tool|subscription|service|licen[cs]es?)\b(?!['’]))",
        harmless=r"\b(?:drop\w*|stop\w*)\s+(?:us\s+)?(?:a\s+)?(?:line|note|email|message|by|in)\b|\b(?:old|legacy|previous|former)\s+"
        r"(?:[\w-]+\s+)?(?:tool|system|process|spreadsheets?|app|platform|crm)\b",
    ),
    trigger(
        "rfp",
        r"\brfps?\b|\brequest\s+for\s+proposals?\b|\b(?:public\s+)?tender\b|\bre-?tender(?:ed|ing|s)?\b",
        harmless=r"\b(?:won|win)\b|\b(?:for|on|about|covers?)\s+(?:the\s+|their\s+|an?\s+|new\s+)?(?:@?\w+\s+){0,2}(?:furniture|"
        r"catering|cleaning|printing|hardware|laptops?|facilities|construction|building|fleet|vehicles?|insurance|audit|"
        r"legal\s+services|security\s+guards|energy|telecoms?|recruitment|travel|payroll|office\s+space)\b|\bnot\s+(?:for\s+)?"
        r"(?:software|us|our\s+(?:area|space|product))\b",
        # a tender to buy more from us: "RFP received, but it's to expand", "tender needed above threshold"
        unless=r"\bto\s+(?:expand|add|extend|grow)\b|\bfor\s+(?:the\s+)?(?:expansion|rollout|upgrade|add-?on|extra|"
        r"additional)\b|\babove\s+(?:the\s+)?(?:\w+\s+)?threshold\b",
    ),
    trigger(
        "shopping around",
        r"\bshop(?:ping)?\s+(?:around|for\s+(?:a\s+)?(?:alternatives?|other|new|replacement|cheaper|another))|"
        r"\bvendor\s+(?:review|evaluation|selection|assessment|consolidation|rationali[sz]ation|bake-?off)\b|"
        r"\b(?:(?:our|the|their)\s+(?:contract|subscription|licen[cs]e|renewal|spend)|ours)\s+is\s+under\s+review\b|"
        r"(?<![\w@])(?:contract|subscription|renewal)\s+(?:is\s+|now\s+|being\s+)?under\s+review\b|\bbenchmark\w*\s+"
        r"(?:the\s+|our\s+|their\s+)?(?:prices?|pricing|costs?|rates?|contract)\b|\breview\w*\s+"
        r"(?:all\s+(?:their\s+|the\s+)?)?(?:saas|software|vendor|tool)\s+(?:contracts|spend|subscriptions)\b|"
        r"\b(?:match|beat|meet)\s+(?:a|the|an)\s+(?:competitor|rival|@v)(?:'s|s')?\s+(?:offer|quote|price|pricing|proposal|"
        r"discount|deal)\b|"
        r"\bcompetitive\s+(?:eval\w*|bid\w*|process|review)\b|\bmarket\s+(?:scan|review|test)\b|"
        r"\bcompetitors?\s+(?:offered|quoted|pitched|approached|undercut|is\s+(?:offering|cheaper)|came\s+in)\b|"
        r"(?<![\w@])(?:@v|(?:a|the)\s+competitor)\s+(?:offered|quoted|pitched|approached|undercut|is\s+(?:offering|courting|"
        r"pitching|cheaper)|came\s+in\s+(?:\d+\s*%?\s*|way\s+|much\s+|a\s+lot\s+)?(?:cheaper|lower|under))\b",
        harmless=r"\bour\s+competitors\b",
    ),
    trigger(
        "leaving us",
        r"\b(?:threaten\w*|consider\w*|think\w*\s+(?:of|about)|talk\w*\s+about|plan\w*|want\w*|might|may|could|"
        r"going\s+to|will|would)\s+(?:to\s+)?(?:leav\w+|walk(?:ing)?\s+away|churn\w*|switch\w*(?!\s+(?:the|our|"
        r"it|them|meeting|call|date|time))|tak\w+\s+their\s+business\s+elsewhere)\b(?!\s+(?:a\s+|the\s+)?(?:message|"
        r"voicemail|note|comment|review|call|meeting|early))|\bthreaten\w*\s+(?:to\s+\w+|legal|litigation|court|lawyers)|\b(?:leav\w+|left|dump\w*|"
        r"ditch\w*|drop\w*|abandon\w*)\s+us\b|\btak\w+\s+their\s+business\s+elsewhere\b|\bwalk(?:ing)?\s+away\b|"
        r"\bpull(?:ing|ed)?\s+the\s+plug\b|\b(?:stop|end|terminat\w*|finish|quit)\w*\s+(?:the|our|their)\s+(?:collaboration|"
        r"cooperation|co-operation|relationship|partnership|business\s+relationship)\b|\b(?:search\w*|look\w*)\s+(?:for\s+)?"
        r"(?:another|a\s+new|a\s+different|a\s+cheaper|an\s+other)\s+(?:supplier|vendor|provider|partner|solution|tool)\b|"
        r"\brationali[sz]\w+\s+(?:its|their|the)\s+(?:@?\w+\s+){0,2}(?:tools|vendors|suppliers|software|apps|stack|"
        r"subscriptions)\b|\b(?:it|that|the\s+winner)\s+(?:probably\s+|likely\s+|almost\s+certainly\s+)?(?:won't|"
        r"will\s+not|isn't\s+going\s+to)\s+be\s+(?:yours|us|you|ours)\b|\bconsolidat\w+\s+(?:onto|on|to|into)\s+(?:one|a\s+single)"
        r"\s+(?:crm|platform|tool|vendor|system|provider)\b|\bor\s+(?:else\s+)?(?:they|we)(?:'ll|\s+will|\s+would)?\s+(?:walk|leave|cancel|"
        r"churn|go\s+elsewhere)\b|\botherwise\s+(?:they|we)(?:'ll|\s+will|\s+would|'d)?\s+(?:switch|walk|leave|cancel|churn|move|"
        r"go\s+elsewhere)\b|\bonly\s+(?:be\s+)?renew\w*\s+(?:if|when|once)\b|"
        r"\bclos\w+\s+(?:down\s+|out\s+)?(?:the|their|our)\s+account\b|"
        r"\baccount\s+(?:closure|to\s+be\s+closed)\b|\bwind(?:ing|s)?\s+down\s+(?:the|their|our)\s+(?:account|contract|subscription|"
        r"usage|relationship|use)\b|\boffboard\w*\b(?!\s+(?:a|an|the|one|two|some|their|of)?\s*(?:user|employee|staff|"
        r"person|people|member|contractor|intern|@p))|\b(?:cut|cutting)\s+us\b(?!\s+(?:a|an|some|in)\b)|\bend(?:ing)?\s+(?:the|our|their)\s+(?:contract|relationship|"
        r"partnership|subscription|agreement)\b|\bdone\s+with\s+us\b|\bpart\w*\s+ways\s+with\s+us\b|\blast\s+straw\b|"
        r"\bdeal[- ]?breaker\b|\b(?:they're|they\s+are|@acct\s+is|@acct's)\s+"
        r"(?:still|definitely|probably|really|actually|now)\s+"
        r"leaving\b(?!\s+(?:early|for|at|the|a|an|it|on|in|after|before|with|tomorrow|today|tonight))|"
        r"\b(?:they're|they\s+are|@acct\s+is|@acct's|they'll\s+be|they\s+will\s+be)\s+"
        r"(?:definitely\s+|probably\s+|likely\s+)?leaving\s+(?:us\s+)?(?:when|at|once|after|before|by)\s+(?:the\s+)?(?:end\s+of\s+"
        r"(?:the\s+)?)?(?:contract|term|renewal|subscription|agreement)\b|\b(?:we're|we\s+are|we'll\s+be|we\s+will\s+be|"
        r"we're\s+getting|we\s+are\s+getting)\s+(?:being\s+)?replaced\b|\b(?:otherwise|or\s+else|or)\s+(?:it's|it\s+is|"
        r"that's)\s+(?:a\s+)?(?:no|over|game\s+over|the\s+end)\b|"
        r"(?:\b(?:might|may|could|will|would|ready\s+to|prepared\s+to|threaten\w*\s+to)|'ll)\s+(?:walk|pull\s+out)\b"
        r"(?=\s+(?:at|if|unless|come|when|over|before)\b|\s*[.,;!)]|\s*$)|"
        r"\bnon[- ]?starter\b|\bon\s+the\s+chopping\s+(?:block|list)\b|\bwhy\s+(?:they|we|@acct)\s+(?:pay|are\s+paying|"
        r"still\s+pay)\s+for\b|"
        r"\b(?:look|go|shop|buy|move|tak)\w*\s+(?:their\s+business\s+)?elsewhere\b|\bexport\w*\s+(?:everything|all\s+(?:of\s+)?"
        r"(?:the|their|our)\s+data|(?:the|their|our)\s+data)\s+and\s+(?:leave|go|move|switch|cancel)\b",
        who="before",
        harmless=r"\b(?:price|pricing|feature|roadmap)\s+(?:@?\w+\s+)?(?:is\s+)?not\s+a\s+deal[- ]?breaker\b|"
        + _NOT_OURS,
    ),
    trigger(
        "giving notice",
        r"\b(?:give|giving|gave|given|serve|serving|served|send|sending|sent|hand|handing|handed)\s+(?:us\s+)?(?:in\s+)?"
        r"(?:formal\s+|written\s+|their\s+|a\s+|the\s+)?(?:\d+[- ]day\s+)?notice\b(?!\s+(?:of|about|on)\s+(?:the\s+)?"
        r"(?:price|change|outage|maintenance|meeting|visit))",
        who="before",
        of_a_person_is_a_departure=True,
    ),
    trigger(
        "dropping an add-on",
        r"\b(?:switch\w*|turn\w*|shut\w*)\s+off\s+(?:the\s+|our\s+|their\s+)?(?:@?[\w-]+\s+){0,2}?(?:add-?ons?|modules?)\b|"
        r"\b(?:drop\w*|remov\w*|discontinu\w*)\s+(?:the\s+|our\s+|their\s+)?(?:@?[\w-]+\s+){0,2}?(?:add-?ons?|modules?)\b|"
        r"\b(?:add-?ons?|modules?)\s+(?:will\s+|to\s+|is\s+going\s+to\s+|are\s+going\s+to\s+)?(?:come|comes|coming|go|goes|"
        r"going)\s+off\b|\b(?:add-?ons?|modules?)\s+(?:gets?|is|will\s+be|being|to\s+be)\s+(?:switched|turned|shut)\s+off\b|"
        r"\b(?:reduc\w+|cut\w*|scal\w+\s+back|trim\w*)\s+(?:the\s+)?@x\s+add-on\s+(?:back\s+)?to\s+(?:the\s+|just\s+|only\s+)?"
        r"(?:\d+|one|two|three|four|five|hq)\b|(?:@x|\b[\w-]+)\s+add-on\s+(?:cut|dropped|removed|pulled|switched\s+off)\s+"
        r"(?:from|at|for|across)\b",
        harmless=r"\b(?:for\s+now|temporarily|test\w*|sandbox|until|while|during)\b",
    ),
    trigger(
        "off to a rival",
        r"\b(?:they're|they\s+are|they'll\s+be|they\s+will\s+be|@acct\s+(?:is|are))\s+(?:then\s+)?off\s+to\s+@[xv]\b",
    ),
    trigger(
        "closing the account",
        r"\b(?:account|acct)\s+(?:closes|closing|will\s+close|to\s+close|closure|closed\s+(?:on|from|as\s+of))\b|"
        r"\blast\s+(?:pay\s*run|payroll|month|invoice|billing\s+(?:run|cycle))\s+with\s+us\b|"
        r"\bfinal\s+(?:few\s+)?(?:months?|weeks?|quarter)\s+(?:of\s+(?:our|the)\s+contract|with\s+us)\b|"
        r"\bnotice\b[^.;]{0,60}?\beffective\s+(?:at|from|on)\s+(?:the\s+)?(?:contract\s+end|end\s+of\s+(?:the\s+)?"
        r"(?:contract|term|agreement))\b",
    ),
    trigger(
        "moving a team to a rival",
        r"\b(?:team|teams|firm|company|users|seats|staff|everyone|department|dept|division|practice|restaurants|stores|"
        r"sites|clinics|plants|depots|systems)\b[^.;@]{0,40}?\b(?:moving|migrating|switching|moved|migrated|switched|"
        r"transitioning|going|goes|move|moves)\s+(?:over\s+)?(?:to|onto)\s+@[xv]\b|\b(?:mov|migrat|switch|transition)\w*\s+"
        r"(?:the\s+)?(?:whole|entire)\s+(?:[\w-]+\s+){1,2}?(?:to|onto)\s+@[xv]\b",
        harmless=r"\b(?:office|offices|building|floor|premises|campus|hq|address|warehouse|depot)\b",
    ),
    trigger(
        "wants out",
        r"\bwant\w*\s+out\b(?!\s+(?:of\s+)?(?:the\s+)?(?:office|meeting|call|door|building|today|early|by|at))",
    ),
    trigger(
        "budget leaves us out",
        r"\b(?:budget|plan)s?\b[^.;]{0,30}?\b(?:doesn't|does\s+not|won't|will\s+not|don't)\s+include\s+us\b",
        own_negation=True,
    ),
    trigger(
        "moving down a plan",
        r"\b(?:drop\w*|mov\w+|go\w*|switch\w*)\s+(?:(?:\d[\d,]*|all|some|the)\s+(?:\w+\s+)?(?:users|seats|licen[cs]es)\s+)?"
        r"(?:down\s+)?to\s+(?:the\s+|a\s+)?(?:starter|basic|standard|free|lite|"
        r"lower|cheaper|smaller|entry)\s+(?:plan|tier|edition|package|version|level)\b",
    ),
    trigger(
        "taking things out of the renewal",
        r"\b(?:strip\w*|remov\w+|tak\w+|pull\w*|drop\w*|cut\w*)\s+[^.;]{0,50}?\b(?:out\s+of|from|off)\s+(?:the\s+|their\s+|"
        r"our\s+)?(?:renewal|contract|order|subscription)\b",
    ),
    trigger(
        "fewer seats",
        r"\bfrom\s+(?P<a>\d[\d,]*)\s+(?:seats?\s+|licen[cs]es?\s+|users?\s+)?(?:down\s+|up\s+)?to\s+(?P<b>\d[\d,]*)\b|"
        r"\b(?:down\s+)?to\s+(?P<b2>\d[\d,]*)\s+(?:seats?|licen[cs]es?|users?)\s+from\s+(?P<a2>\d[\d,]*)\b",
        requires=r"\b(?:seats?|licen[cs]es?|users?|logins?|seat\s+count)\b",
        change="down",
    ),
    trigger(
        "seat count going down",
        _SEATS_ARROW,
        change="down",
    ),
    trigger(
        "asking how to leave",
        r"\b(?:ask\w*|enquir\w+|inquir\w+|quer\w+)\s+(?:about|re|regarding)\s+[^.;]{0,50}?\b(?:notice\s+period|"
        r"termination\s+(?:clause|terms|process))\b|"
        r"\b(?:ask\w*|want\w*\s+to\s+know|check\w*|quer\w+|enquir\w+|inquir\w+|question\w*|clarif\w+|confirm\w*)\s+"
        r"(?:about\s+|on\s+)?(?:what\s+)?(?:the\s+|our\s+|their\s+)?(?:notice\s+period|termination\s+(?:clause|terms|"
        r"process|date)|exit\s+(?:clause|terms|process)|how\s+(?:to|they\s+can|they\s+could)\s+(?:cancel|terminate|exit|"
        r"get\s+out))\b|\b(?:go\w*|move\w*|switch\w*|drop\w*|want\w*|ask\w*\s+(?:for|about))\s+(?:to\s+|down\s+to\s+)?"
        r"(?:a\s+)?month[- ]to[- ]month\b|\b\d+[- ]day\s+(?:out|exit)\b[^.;]{0,60}\b"
        r"(?:might|may|could|will|would|plan\w*\s+"
        r"to|want\w*\s+to)\s+(?:use|exercise|invoke|trigger)\s+it\b|\b(?:use|exercis\w+|invok\w+|trigger\w*)\s+(?:the\s+|"
        r"their\s+|its\s+|that\s+)?(?:\d+[- ]day\s+)?(?:out|exit|break)\s+(?:clause|option)\b",
        harmless=r"\bhow\s+to\s+\w+\s+(?:a\s+|one\s+|an?\s+individual\s+|a\s+single\s+|individual\s+|single\s+|the\s+)?"
        r"(?:single\s+|individual\s+)?(?:users?|person|employee|member|seat|licen[cs]e|login|account)(?:'s|s')?\b(?!\s+"
        r"(?:with\s+us|contract|subscription))",
    ),
    trigger(
        "drifting away",
        r"\b(?:find|finding|look\w*\s+for|need\w*\s+to\s+find|identify\w*|make|making)\s+(?:\w+\s+)?savings\b|"
        r"\bjustify\s+(?:the\s+|our\s+|this\s+|that\s+)?(?:spend|cost|price|investment|subscription|licen[cs]es?)\s+or\s+"
        r"(?:cut|drop|cancel|lose|kill)\b|"
        r"\bsign\w*\s+(?:an?\s+)?(?:loi|letter\s+of\s+intent|mou|contract|deal|agreement)\s+with\s+"
        + _COMPETITION
        + r"|"
        r"\b(?:reallocat|divert|redirect|shift|mov)\w*\s+(?:\w+\s+){0,3}?away\s+from\s+(?:us|our)\b|"
        r"\b(?:go|going|went|goes)\s+back\s+to\s+(?:using\s+)?(?:spreadsheets|excel|pen\s+and\s+paper|email|their\s+old\s+"
        r"(?:system|tool|process|crm))\b|\brevert\w*\s+to\s+(?:spreadsheets|excel|their\s+old)\b|"
        r"\b(?:decid\w+|choos\w+|pick\w*)\s+between\s+(?:us|@v)\s+and\s+(?:us|@v)\b|\b(?:us|@v)\s+(?:vs\.?|versus)\s+(?:us|@v)\b|"
        r"\b(?:reviewed|under\s+review|assessed|evaluated|looked\s+at|earmarked|shortlisted)\s+for\s+(?:cuts|savings|"
        r"cancellation|termination|removal|the\s+chop)\b|\bcompar\w+\s+(?:quotes|offers|proposals|vendors|suppliers|providers|"
        r"bids)\b|"
        r"\b(?:acquired|bought|taken\s+over|merg\w+)\b[^.;]{0,60}\b(?:parent|new\s+owner|acquirer|buyer)\s+(?:company\s+)?"
        r"(?:uses|is\s+on|runs|standardi[sz]ed\s+on|is\s+standardi[sz]ed\s+on)\s+@v\b",
        harmless=r"\bsavings\s+(?:with|from|thanks\s+to|because\s+of)\s+(?:us|our)\b|\bjustify\w*\s+(?:the\s+)?(?:spend|cost|"
        r"investment)\s+(?:on|for)\s+(?:more|additional|extra|the\s+expansion|the\s+upgrade)",
    ),
    trigger(
        "no longer needs us",
        r"\b(?:won't|will\s+not|may\s+not|might\s+not|no\s+longer|don't|do\s+not|doesn't|does\s+not|wouldn't)\s+(?:really\s+|"
        r"even\s+)?need\s+(?:us|our\s+(?:platform|tool|product|software|system|crm|service|licen[cs]es))\b|"
        r"\b(?:can't|cannot|can\s+not|couldn't|hard\s+to|struggl\w+\s+to|unable\s+to)\s+justify\s+(?:the\s+|our\s+|this\s+|"
        r"that\s+)?(?:spend|cost|price|investment|renewal|subscription|licen[cs]es?)\b|"
        r"\b(?:haven't|have\s+not|hasn't|has\s+not|didn't|did\s+not)\s+(?:yet\s+|even\s+)?(?:replied|responded|answered|"
        r"signed|returned|come\s+back)\s+(?:to\s+|on\s+)?(?:the\s+|our\s+)?(?:renewal|contract|order\s+form)\b|"
        r"\binstead\s+of\s+(?:us|our\s+(?:platform|tool|product|system|crm))\b",
        own_negation=True,
    ),
    trigger(
        "gone quiet",
        r"\b(?:gone|went|going|turned|run|ran|grown|grew)\s+(?:completely\s+|totally\s+|very\s+|a\s+bit\s+|rather\s+)?"
        r"(?:quiet|silent|dark|radio\s+silent|awol|mia|cold|lukewarm|frosty)\b(?!\s+on\b)|"
        r"\bradio\s+silence\b|\bghost\w*\s+(?:us|me)\b|\bignor\w*\s+(?:all\s+)?(?:our|my)\s+(?:emails|calls|messages|"
        r"reminders|invoices)\b|\bstopped\s+(?:responding|replying|answering|returning\s+"
        r"(?:calls|emails))\b|\bno\s+(?:replies|reply|response|responses|answer)\s+(?:in|for|since)\s+(?:over\s+)?"
        r"(?:\d+|two|three|four|five|six|eight|several|a\s+few|many)\s+(?:weeks|months)\b",
        harmless=r"\b(?:survey|newsletter|marketing|automated|nps|webinar|promo\w*|mailshot|campaign)s?\b|"
        r"\b(?:office|building|floor|line|phones?|market|forum|channel|slack)\s+(?:has\s+|had\s+)?(?:gone|went)\s+"
        r"quiet|\bquiet\s+(?:period|time|season|week|month)|\bholiday|\bchristmas|\bsummer\s+(?:break|holidays)",
    ),
    trigger(
        "withholding payment",
        r"\brefus\w+\s+to\s+pay\b|\bwithh[eo]ld\w*\s+(?:the\s+|their\s+|all\s+)?payments?\b|\bdisput\w+\s+(?:the\s+|our\s+|"
        r"an?\s+|every\s+|their\s+)?(?:@?\w+\s+)?invoices?\b|\b(?:won't|will\s+not|not\s+going\s+to)\s+pay\s+(?:the\s+|our\s+|"
        r"this\s+|that\s+)?(?:invoice|bill|renewal)\b",
        own_negation=True,
        harmless=r"(?<![\w@])@v\b|\binvoice\s+(?:line|item)s?\b|\bline\s+items?\b|\b(?:fixed|resolved|sorted|settled|"
        r"corrected|credited)\s+(?:and|&)\s+paid\b|\bnow\s+paid\b|\bpaid\s+(?:in\s+full|since|now)\b",
    ),
    trigger(
        "weighing options",
        r"\bweigh\w*\s+(?:up\s+)?(?:their\s+|the\s+|other\s+|all\s+)?options\b|\bkeep\w*\s+(?:their\s+)?options\s+open\b|"
        r"\b(?:consider\w*|explor\w+|review\w*|look\w*\s+at|assess\w*|evaluat\w+)\s+(?:their\s+|all\s+(?:their\s+)?|other\s+)?"
        r"options\b(?!\s+(?:for|on|with|around|in)\s+(?:the|an?|our|adding|more|extra|expand\w*)\b)",
    ),
    trigger(
        "lost trust",
        r"\b(?:trust|faith|confidence|goodwill|patience)\s+(?:is|has|'s)\s+(?:been\s+)?(?:gone|lost|low|eroded|shot|broken|"
        r"running\s+out|wearing\s+thin)\b|\b(?:been\s+)?burned\s+by\b|\bno\s+longer\s+(?:see|sees|consider|considers|view|"
        r"views|treat|treats)\s+us\s+as\b|\b(?:see|sees|consider|considers|view|views)\s+us\s+as\s+(?:non-?strategic|"
        r"non-?essential|a\s+nice[- ]to[- ]have|optional|a\s+commodity)\b",
        own_negation=True,
    ),
    trigger(
        "churn idiom",
        r"\bjump\w*\s+ship\b|\bpull\w*\s+out\b(?!\s+(?:of\s+)?(?:the\s+)?(?:stops|data|report|numbers|a\s+chair))|"
        r"\bscal\w+\s+(?:it\s+|us\s+|things\s+)?down\b|\bon\s+borrowed\s+time\b|\bnot\s+worth\s+(?:it|the\s+(?:money|price|"
        r"cost|spend|hassle))\b|\b(?:poor|bad|no)\s+value\s+for\s+money\b|\bover-?priced\b|\bnot\s+(?:delivering|performing|"
        r"working)\s+for\s+(?:them|us)\b|\bexit\s+(?:plan|strategy|route)\b|\bbail\w*\s+(?:on\s+us|out)\b|\bgive\s+up\s+on\s+us\b|"
        r"\bcold\s+feet\b|\bsecond\s+thoughts\b|\bbuyer'?s\s+remorse\b|\bwriting\s+(?:is\s+)?on\s+the\s+wall\b|\bregret\w*\s+"
        r"(?:buying|signing|choosing)\b|\bwast\w+\s+(?:of\s+)?(?:money|spend|budget)\b|\b(?:fire|kick|throw|rip)\w*\s+us\s+"
        r"out\b|\bshow\w*\s+us\s+the\s+door\b|\bcut\w*\s+(?:ties|the\s+cord)\b|\b(?:last|final)\s+(?:chance|warning)\b|"
        r"\bultimatum\b|\b(?:asked|asking|want\w*|demand\w*)\s+(?:for\s+)?(?:a\s+)?(?:full\s+)?refund\b|\bwithhold\w*\s+"
        r"payment\b|\bdisput\w+\s+(?:the|our|their)\s+invoice\b|\blosing\s+(?:them|this\s+(?:one|account|customer))\b",
    ),
    trigger(
        "unhappy",
        r"\b(?:unhappy|dissatisf\w+|frustrat\w+|disappoint\w+|upset|angry|furious|annoyed|irritated|livid|"
        r"fed\s+up|unsatisfied|displeased|exasperated|fuming|hat(?:e|es|ed|ing)\s+(?:the|our|it|using)|loath\w+|can't\s+stand|"
        r"losing\s+(?:patience|faith|confidence|trust)|"
        r"lost\s+(?:patience|faith|confidence|trust)|complain\w*|not\s+(?:happy|satisfied|pleased|thrilled|impressed)|"
        r"(?:very|really|quite|pretty|extremely)\s+(?:critical|negative)|sour\w*\s+on\s+us|grumbl\w+|"
        r"(?:too|so)\s+(?:expensive|pricey|costly)|can't\s+justify\s+the\s+(?:cost|price|spend)|"
        r"(?:rel\w+|relationship)\s+is\s+(?:strained|rocky|tense|at\s+a\s+low)|(?:sla|contract)\s+breach|breach\s+of\s+(?:the\s+)?(?:sla|contract)|can(?:'t|not)\s+afford|detractors?|"
        r"nps\s+(?:of\s+|score\s+of\s+|dropped\s+to\s+|is\s+|was\s+|went\s+to\s+|at\s+)?[0-6]\b|scored\s+us\s+(?:a\s+)?[0-6]\b|"
        r"(?:price|pricing)\s+(?:increase|hike|rise|uplift|change)\s+(?:is|was|seems)?\s*(?:a\s+problem|too\s+(?:much|high|steep)|"
        r"unacceptable|hard\s+to\s+(?:swallow|justify)|painful|steep|not\s+acceptable)|push\w*\s+back\s+(?:hard\s+)?on\s+"
        r"(?:the\s+)?(?:price|pricing|renewal))\b",
        harmless=r"\b(?:premium|enterprise|pro|higher|upgrade|add-?on|module|tier)\b[^.;]{0,30}\btoo\s+(?:expensive|pricey|"
        r"costly)|\bcomplain\w*\s+(?:about|of)\s+(?:the\s+)?(?:weather|traffic|parking|food|coffee|hotel|noise|rain|heat|@v)|"
        r"\b(?:customer|patient|resident|tenant|guest|bylaw|noise|neighbou?r)s?\s+complain\w*|\b(?:quit|quitting|stopped|stop|"
        r"no\s+longer|ceased)\s+complain|"
        r"\bfrustrat\w+\s+(?:with|by)\s+(?:@v|(?:their|the|its)\s+(?:old|previous|current|legacy|former)\s+(?:vendor|tool|"
        r"system|crm|provider|platform|software|setup)|the\s+competitor)",
    ),
    trigger(
        "moving off us",
        r"\b(?:mov|migrat|get|got|com|switch|transition)\w*\s+(?:away\s+|everything\s+|them\s+|it\s+)?off\s+(?:of\s+)?"
        r"(?:us|our\s+(?:@?[\w-]+\s+)?(?:platform|tool|system|crm|product|software|solution|stack))\b",
    ),
    trigger(
        "cutting to a lower tier",
        r"\b(?:cut\w*|drop\w*|reduc\w+|downgrad\w+|mov\w+|switch\w+|step\w*\s+down)\s+(?:the\s+|their\s+|our\s+)?"
        r"(?:@?[\w-]+\s+){0,2}?(?:package|plan|tier|subscription|support|licen[cs]es?|edition|contract)\s+(?:down\s+)?to\s+"
        r"(?:the\s+|a\s+)?(?:basic|standard|starter|lite|light|free|essentials|lower|cheaper|smaller|minimum|bronze)\b",
    ),
    trigger(
        "contract value down",
        r"\b(?:contract|acv|arr|spend\s+with\s+us|deal)\s+(?:value\s+)?(?:is\s+|was\s+|has\s+gone\s+|went\s+)?down\s+"
        r"(?:by\s+)?(?:\d+\s*%|a\s+(?:third|quarter|half)|half)",
    ),
    trigger(
        "doubts the value",
        r"\bquestion(?:s|ed|ing)?\s+(?:the\s+|our\s+)?(?:roi|value|renewal|spend|cost|investment|price)\b|"
        r"\b(?:want|need)\w*\s+to\s+see\s+(?:the\s+|some\s+|more\s+|real\s+)?(?:roi|value|results)\s+before\s+(?:renew|sign|"
        r"extend)\w*|"
        r"(?:don't|doesn't|do\s+not|does\s+not|isn't\s+sure\s+(?:they|we)|not\s+sure\s+(?:they|we))\s+(?:really\s+)?see\s+"
        r"(?:the\s+|much\s+|any\s+|enough\s+)?value\b|\b(?:not|no\s+longer|n't)\s+(?:really\s+)?(?:getting|seeing|finding|"
        r"realis\w+|realiz\w+|get|see|find)\s+(?:enough\s+|much\s+|any\s+|the\s+)?(?:value|roi|benefits?)\b|"
        r"\b(?:roi|value)\s+(?:just\s+|really\s+|simply\s+)?(?:isn't|is\s+not|wasn't|was\s+not)\s+there\b|"
        r"\b(?:not|n't|un)\s*(?:yet\s+|really\s+|fully\s+|entirely\s+)?(?:convinced|sold|persuaded|sure)\s+(?:about|of|on|by)\s+"
        r"(?:the\s+|our\s+)?(?:value|roi|benefits?|worth|price|cost)\b|\bwants?\s+a\s+business\s+case\s+before\s+(?:any\s+|the\s+)?"
        r"renew",
    ),
    trigger(
        "escalation",
        r"\bescalat\w+\b",
        harmless=r"\bescalation\s+(?:path|matrix|process|procedure|contact|policy|plan|list|chain|point|route)|"
        r"\bescalat\w+\s+(?:the\s+)?(?:feature\s+request|to\s+(?:our\s+)?(?:product|engineering)\s+for\s+(?:a|the)\s+"
        r"feature)|\bde-?escalat",
    ),
    trigger(
        "budget cuts",
        r"\bbudget\s+(?:cuts?|freeze|reductions?|slashed|cut\s+back|pressure|squeeze)\b|\bbudgets?\s+(?:is\s+|are\s+|has\s+"
        r"been\s+|have\s+been\s+|was\s+|got\s+)?(?:frozen|slashed|halved|cut|reduced)\b|\b(?:cut|cuts|cutting|slash\w*)\s+"
        r"(?:@?\w+\s+){0,4}(?:budgets?|spend\w*|costs?|seats|licen[cs]es|users|tools|vendors|software|subscriptions|"
        r"apps|saas)\b|\bcost[- ]cutting\b|\bdownsiz\w+|"
        r"\bdowngrad\w+|\breduc\w+\s+(?:the\s+|their\s+|our\s+)?(?:number\s+of\s+|seat\s+count|licen[cs]e\s+count|"
        r"footprint|spend|usage|seats|licen[cs]es|users)|\bfewer\s+(?:seats?|licen[cs]es?|users?)\b|"
        r"\bscal\w+\s+back\b|\b(?:spending|purchasing)\s+freeze\b|\btrim\w*\s+(?:the\s+|their\s+)?(?:\w+\s+)?(?:tools|vendors|"
        r"software|subscriptions|apps|saas|spend)\b|\b(?:froze|frozen|freez\w*)\s+(?:all\s+)?(?:new\s+)?(?:software\s+|saas\s+|it\s+|"
        r"tool\s+)?(?:purchases|purchasing|spend\w*|buying|budgets?)\b|\bbudgets?\s+for\s+(?:us|our\s+\w+|the\s+(?:platform|tool|"
        r"subscription|licen[cs]es|crm|software|product))\s+(?:is\s+|has\s+been\s+|was\s+|got\s+|is\s+being\s+)?(?:frozen|"
        r"slashed|halved|cut|reduced|pulled|removed|gone)\b|\bcut\s+back\s+on\s+(?:us|seats|"
        r"licen[cs]es|spend)\b|\btighten\w*\s+(?:the\s+|their\s+)?belts?\b",
        harmless=r"\b(?:travel|hiring|office|catering|events?|hardware|energy|print\w*|fleet|entertainment)\s+(?:costs?|spend\w*|"
        r"budgets?)\b|\bbudget\s+cuts?\s+(?:elsewhere|at\s+@v)|\bcut\w*\s+costs?\s+(?:with|using|thanks\s+to)\s+(?:us|our)|"
        r"\bdowngrad\w+\s+(?:the\s+|its\s+|their\s+)?(?:@?\w+\s+)?(?:severity|priority|ticket|issue|incident|bug|rating|"
        r"alert|case)",
    ),
    trigger(
        "churn",
        r"\bchurn(?:ed|ing|s)?\b(?!\s+risk\s*(?:is\s+|:\s*|=\s*|-\s*)?(?:low|minimal|none|green|small|negligible|zero))|"
        r"\brenewal\s+risk\b(?!\s*(?:is\s+|:\s*|=\s*|-\s*)?(?:low|minimal|none|green|small|negligible|zero))|"
        r"\bat\s+risk\b(?!\s+of\s+(?:missing|slipping|delay\w*|being\s+late|not\s+(?:finishing|making|meeting)|running\s+"
        r"over|overrun\w*|going\s+over|breaking|failing))|\bflight\s+risk\b|\bon\s+thin\s+ice\b|\bred\s+flags?\b(?!\s+"
        r"(?:in|on|from)\s+(?:the\s+|our\s+)?(?:security|questionnaire|audit|contract\s+review|dpa|pen\s*test))|"
        r"\b(?:health|status|rag)\s+"
        r"(?:score\s+|status\s+)?(?:is\s+|turned\s+|went\s+|dropped\s+to\s+|now\s+|moved\s+to\s+|flipped\s+to\s+)?"
        r"(?:red|amber)\b",
        harmless=r"\bchurn\s+(?:report|analysis|rate\s+(?:is|was)\s+(?:low|down)|dashboard|model|prediction|"
        r"feature|module|(?:risk\s+)?(?:review|check|assessment|workshop|metrics|kpis?|scor\w+)s?\s*$)|(?:their|@acct's|customers')\s+(?:own\s+)?(?:customers?'?|clients?'?|subscribers?'?|members?'?)\s+churn|"
        r"\breduc\w+\s+(?:their\s+)?churn|\bchurn\s+(?:on|at|in)\s+(?:their|@acct's)\s+(?:side|end|business|platform|app|"
        r"product)|\bchurn\b[^.;]{0,40}\btheir\s+own\s+(?:customers|clients|users|subscribers|members)\b|\breduc\w+\s+it\b",
    ),
    trigger(
        "usage dropping",
        r"\busage\W{0,3}\s*(?:has\s+|is\s+)?(?:dropped|declin\w+|fall\w*|fell|tank\w*|plummet\w*|collaps\w+|is\s+down|down\b|"
        r"went\s+down|way\s+down|cratered)|\bstopped\s+(?:using|logging\s+in)|\b(?:nobody|no\s+one|no-one)\s+(?:@?\w+\s+){0,3}?(?:has\s+|have\s+)?(?:logged\s+in|log\s+in|logs\s+in|used|uses|"
        r"is\s+using|opened|touched)\b|\bshelf-?ware\b|\bonly\s+\d+\s+(?:of|out\s+of)\s+(?:their\s+|the\s+)?\d+\s+"
        r"(?:licen[cs]es|seats|users|logins)\s+(?:are\s+|is\s+)?(?:used|active|in\s+use|being\s+used)\b|"
        r"\badoption\s+(?:is\s+|has\s+been\s+|remains\s+)?(?:really\s+|very\s+|still\s+|pretty\s+|quite\s+|"
        r"extremely\s+)?(?:low|poor|stall\w*|dropp\w*|declin\w*|tank\w*|falling|collaps\w*|crater\w*|plummet\w*|"
        r"nosediv\w*)\b|\blogins?\s+(?:are\s+|have\s+)?"
        r"(?:down|dropp\w+|declin\w+)",
        harmless=r"\b(?:old|legacy|previous|former)\s+(?:[\w-]+\s+)?(?:tool|system|process|spreadsheets?|app|platform|crm)\b|"
        r"\b(?:as\s+expected|seasonal\w*|over\s+the\s+(?:holidays|summer|break|christmas)|during\s+the\s+(?:holidays|"
        r"summer|break|shutdown|migration)|back\s+to\s+normal|recovered)\b",
    ),
    trigger(
        "shrinking the contract",
        r"\b(?:drop\w*|shed\w*|lose|losing)\s+(?:the\s+|their\s+)?(?:\d[\d,]*\s+)?(?:[\w-]+\s+)?(?:seats?|licen[cs]es?|users?)\b|"
        r"\b(?:reduc\w*|cut\w*|go\w*|drop\w*)\s+(?:down\s+)?to\s+(?:just\s+|only\s+)?\d[\d,]*\s+(?:seats?|licen[cs]es?|users?)\b|"
        r"\b(?:seat|licen[cs]e|user)\s+(?:count\s+)?(?:drop|reduction|cut|decrease|shrink\w*)\b|\bright-?siz\w*|"
        r"\b(?:seats|licen[cs]es|seat\s+count|user\s+count|licen[cs]e\s+count)\s+(?:will\s+|would\s+|to\s+|could\s+|"
        r"may\s+|might\s+|are\s+going\s+to\s+|is\s+going\s+to\s+)?(?:drop|go\s+down|come\s+down|fall|decrease|"
        r"shrink|down)\b|\b(?:drop|come|fall)\w*\s+off\s+(?:our|the)\s+(?:count|account|bill|invoice|payroll|contract|"
        r"licen[cs]e|subscription)\b|"
        r"\b(?:halv\w+|cut\w*|reduc\w*|shrink\w*|trim\w*)\s+(?:the\s+|their\s+)?(?:seat|licen[cs]e|user)\s+count\b|"
        r"\bhalv\w+\s+(?:the\s+|their\s+)?(?:seats|licen[cs]es|users|footprint|spend|contract)\b|"
        r"\b(?:switch|mov|downgrad|convert)\w*\s+(?:\d[\d,]*\s+)?(?:[\w-]+\s+)?(?:licen[cs]es|seats|users)\s+(?:down\s+)?to\s+"
        r"(?:read-?only|view-?only|viewer|basic|lite|free|cheaper)",
        harmless=r"\b(?:left|leavers?|departed|inactive|unused|duplicates?|test|seasonal|temps?|temporary|automatically)\b|"
        r"\bas\s+planned\b",
    ),
    trigger(
        "renewing smaller",
        r"\bat\s+(?P<b>\d[\d,]*)\s+(?:seats|users|licen[cs]es)\s*,?\s*(?:not|instead\s+of|rather\s+than|down\s+from)\s+"
        r"(?P<a>\d[\d,]*)\b",
        change="down",
    ),
    trigger(
        "everything under review",
        r"\beverything\s*(?:is|'s)\s+on\s+the\s+table\b|\b(?:review|reconsider|re-?evaluat|re-?assess|re-?tender|"
        r"rationali[sz]|audit)\w*\s+(?:of\s+)?(?:all|every)\s+(?:(?:the|their|local|existing|current)\s+)?(?:[\w-]+\s+)?(?:tools|"
        r"vendors|contracts|suppliers|software|systems|subscriptions|licen[cs]es|apps|saas|platforms)\b|\ball\s+(?:(?:the|their|"
        r"local|existing|current)\s+)?(?:[\w-]+\s+)?(?:tools|vendors|contracts|suppliers|software|systems|subscriptions|apps|"
        r"platforms)\s+\"?(?:will\s+be|are\s+being|are\s+to\s+be|to\s+be)\s+(?:reviewed|reconsidered|re-?evaluated|re-?assessed|"
        r"re-?tendered|rationali[sz]ed|audited|consolidated)\b|\bout\s+to\s+(?:bid|tender|rfp|market)\b|"
        r"\b(?:review\w*|look\w*\s+at|question\w*|scrutini[sz]\w*|go\w*\s+(?:line\s+by\s+line\s+)?through|audit\w*|"
        r"challeng\w*)\s+(?:of\s+)?every\s+(?:single\s+)?(?:[\w$£€-]+\s+){0,2}?(?:tool|vendor|contract|supplier|"
        r"subscription|licen[cs]e|app|saas|platform|cost|spend|line|expense)\b",
        unless=r"\bno\s+(?:plans?|intention)\s+to\s+change\b|\bnothing\s+(?:will|is\s+going\s+to)\s+change\b",
    ),
    trigger(
        "their own or old tool",
        r"\bbuild\w*\s+(?:their\s+|its\s+|an?\s+)?own\s+(?:[\w-]+\s+){0,2}(?:tool|system|platform|crm|solution|app|software)\b|"
        r"\bbuil[dt]\w*\s+(?:[\w-]+\s+){0,4}in-?house\b|\bin-?house\s+(?:build|tool|solution|system|platform|crm)\b|"
        r"\bbring\w*\s+in\s+(?:his|her|their)\s+(?:old|own|previous|preferred|favou?rite|usual)\s+(?:vendor|provider|supplier|"
        r"tool|system|crm|platform|software)\b",
    ),
    trigger(
        "quotes from rivals",
        r"\b(?:quotes?|proposals?|bids?|offers?|pricing|prices)\s+from\s+(?:\d+\s+|two\s+|three\s+|several\s+|a\s+few\s+|some\s+|"
        r"multiple\s+)?(?:other\s+)?(?:competitors?|vendors|rivals?|providers|suppliers|@v)\b|"
        r"\b(?:competing|rival|alternative|comparative|cheaper)\s+(?:quotes?|offers?|proposals?|bids?)\b",
        harmless=_NOT_SOFTWARE,
    ),
    trigger(
        "a quote from a named rival",
        r"\b(?:got|get|getting|gets|received?|receiving|obtain\w*|request\w*)\s+(?:a\s+|an\s+)?(?:[\w-]+\s+)?"
        r"(?:quotes?|proposals?|offers?|bids?)\s+from\s+@[xv]\b",
        harmless=_NOT_SOFTWARE,
    ),
    trigger(
        "won't commit",
        r"\b(?:won't|wouldn't|will\s+not|would\s+not|not\s+(?:willing|ready|prepared)\s+to)\s+commit\s+(?:to\s+(?:anything\s+)?)?"
        r"(?:past|beyond|after|longer|to\s+(?:a\s+)?renew\w*)",
        own_negation=True,
    ),
    trigger(
        "lost business to a rival",
        r"\b(?:lost|losing)\s+(?:[@\w-]+\s+){1,6}?to\s+(?:a\s+|an\s+|the\s+)?(?:[\w-]+\s+)?(?:competitor|rival|@v)\b",
    ),
    trigger(
        "rivals pitching",
        r"(?:vendors?|competitors?|providers?|suppliers?|@v)\s+(?:have\s+been\s+in|came\s+in|were\s+in|(?:have\s+)?"
        r"(?:presented|pitched|demoed))\b",
        harmless=r"\b(?:we|i|our)\s+(?:\w+\s+)?(?:vendors?|competitors?)",
        unless=r"\bnot\s+interested\b|\bturned\s+(?:it|them)\s+down\b|\bdeclined\b|\bsaid\s+no\b",
    ),
)

# -------------------------------------------------------------------------------------------- upsell
_MORE_OF = (
    r"(?:seats?|licen[cs]es?|users?|logins?|modules?|teams?|departments?|offices?|regions?|sites?|locations?|"
    r"business\s+units?|divisions?|subsidiar\w+|countr\w+|markets?|workspaces?|capacity|storage|products?|"
    r"add-?ons?|agents?|reps?|instances?|entities|brands?|plants?|stores?|branches)"
)
_NUMBER = (
    r"(?:\d[\d,.]*k?|a\s+few|a\s+couple(?:\s+of)?|several|some|dozens?(?:\s+of)?|hundreds?(?:\s+of)?|another|"
    r"ten|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|fifteen|twelve|five|six|eight|\w+ty(?:-\w+)?)"
)
# The words between "wants" and an add-on, unless one says less or something else ("wants to drop Kennel Board",
# "wants to keep Ledger", "need to update tariffs in Pulse"); and what follows the add-on that is no purchase ("Pulse
# logins", "Pulse Mobile login help")
_NOT_FOR_MORE = (
    r"(?:(?!(?:drop\w*|cut|cutting|reduc\w*|remov\w*|cancel\w*|keep|keeping|switch\w*|turn\w*|stop\w*|ditch\w*|"
    r"discuss\w*|update|updating|fix|fixing|understand|reset|change|changing|downgrad\w*)\b)@?[\w+/&-]+\s+)"
)
_NOT_A_PURCHASE = r"(?!\s+(?:logins?|log-?ins?|login\s+help|update|issue|bug|outage|training|deep\s+dive)\b)"
UPSELL: tuple[Trigger, ...] = (
    trigger(
        "expansion",
        r"\bexpan(?:d|ds|ded|ding|sion|sions)\b",
        harmless=r"\bexpan\w+\s+(?:her|his)\s+(?:own\s+)?team\b|\bexpan\w+\s+(?:their|its)\s+own\b|\bexpand\w*\s+on\b|\bexpand\w*\s+(?:the\s+|my\s+|our\s+)?(?:notes?|answer|point|discussion|ticket|"
        r"description|section|comment|scope\s+of\s+the\s+(?:ticket|bug|issue))|\bexpansion\s+(?:joint|slot|card|pack\s+"
        r"for\s+@v)|(?<![\w@])(?:@v|competitor|rival)\w*\s+(?:@?\w+\s+){0,2}expan|\bexpan\w+\s+(?:the|their|its)\s+(?:@?\w+\s+)?"
        r"(?:warehouse|building|factory|premises|parking|kitchen|facility|facilities|product\s+line|range|menu|"
        r"fleet|store\s+network|headquarters|hq|office\s+space|footprint\s+in\s+retail)",
    ),
    trigger(
        "more seats",
        r"\b(?:more|additional|extra|another)\s+(?:\d[\d,]*\s+)?" + _MORE_OF + r"\b|\b" + _NUMBER + r"\s+(?:more|"
        r"additional|extra|new)\s+(?:@?\w+\s+)?"
        + _MORE_OF
        + r"\b|\blicen[cs]es?\s+for\s+(?:everyone|everybody|all\s+of\s+them|the\s+whole)\b|"
        r"\badd(?:s|ing|ed)?\s+(?:on\s+)?(?:@?\w+\s+){0,1}?" + _NUMBER + r"?\s*"
        r"(?:more\s+|extra\s+|additional\s+|new\s+)?(?:@?\w+\s+)?" + _MORE_OF + r"\b|\b(?:seat|licen[cs]e|user)\s+"
        r"count\s+(?:to\s+|will\s+|is\s+going\s+to\s+)?(?:increase|grow|go\s+up|double|triple|rise)|\bincreas\w+\s+"
        r"(?:the\s+|their\s+)?(?:seat|licen[cs]e|user)\s+count\b|\b(?:buy|purchase|order|need|want|get)\w*\s+"
        r"(?:another\s+)?\d[\d,]*\s+(?:@?\w+\s+)?(?:seats?|licen[cs]es?|users?)\b|\bdoubl\w+\s+(?:the\s+|their\s+)?"
        r"(?:seats?|licen[cs]es?|users?|footprint|deployment)\b|\blicen[cs]es?\s+for\s+(?:the\s+)?(?:\d+|new|all)\s+(?:@?\w+\s+)?"
        r"(?:contractors|engineers|hires|starters|people|staff|reps|agents|users|employees|analysts|interns|grads|temps|techs)\b"
        r"|\b(?:access|logins?|accounts)\s+for\s+(?:all\s+of\s+"
        r"them|everyone|everybody|them\s+all|all\s+(?:the\s+)?new)\b|\b(?:seats?|licen[cs]es?|users?)\s+for\s+"
        r"(?:the\s+)?(?:new|other|rest|another|whole|entire)\b|\b(?:need|want|require|ask)\w*\b[^.;]{0,40}?\b\d[\d,]*\s+"
        r"(?:more\s+|new\s+|extra\s+)?(?:seats?|licen[cs]es?|users?)\b|\bbump\w*\s+(?:up\s+)?(?:their\s+|the\s+|our\s+)?"
        r"(?:seats?|licen[cs]es?|users?|seat\s+count|licen[cs]e\s+count|user\s+count)\s+(?:up\s+)?(?:to|by)\s+\d|"
        r"\b(?:enlarg|increas|extend|expand|rais)\w*\s+(?:the\s+|their\s+)?(?:number\s+of\s+)?(?:licen[cs]es|seats|users)\s+"
        r"(?:to|by)\s+\d|\bup\s+"
        r"(?:the|their)\s+(?:seat|licen[cs]e|user)\s+count\b|\bover\s+(?:their|the|our)\s+(?:licen[cs]e|seat|user)\s+"
        r"(?:count|limit|cap|allowance|entitlement)\b|\btrue-?up\b",
        harmless=r"\b(?:from|with|through)\s+(?:@v|@x)\b|\b(?:cut|reduc|trim|shrink|drop|remov|los)\w*\s+(?:\w+\s+)?\d[\d,]*\s+"
        r"(?:seats?|licen[cs]es?|users?)\b|\b(?:cut\w*|reduc\w*|trim\w*|shrink\w*|downsiz\w*|drop\w*|"
        r"scal\w+\s+(?:back|down))\s+(?:\w+\s+){0,2}?from\s+\d|\b(?:scal\w+\s+(?:back|down)|cut\w*\s+(?:back|down)|downsiz\w*|"
        r"reduc\w*|trim\w*|shrink\w*|"
        r"drop\w*\s+(?:down\s+)?to|go\w*\s+down\s+to)\b[^.;]{0,30}\d|"
        r"\b(?:more|additional|extra|new)\s+users?\s+(?:are\s+|have\s+|keep\s+|have\s+been\s+)?(?:complain\w*|"
        r"unhappy|frustrated|report\w*|churn\w*|leav\w+|struggl\w+|confus\w+|ask\w*|request\w*|want\w*\s+(?:training|"
        r"help|support)|need\w*\s+(?:training|help|support)|log\w*\s+tickets)|\bseats?\s+(?:at|for|on|in)\s+(?:the\s+|a\s+|our\s+)?"
        r"(?:@?\w+\s+){0,2}(?:dinner|lunch|event|conference|table|webinar|session|training|workshop|summit|flight|bus|"
        r"car|train|panel|meeting|offsite|kick-?off|party|show|game|match|course|class)|\bnew\s+(?:users?|teams?|offices?)\s+(?:onboard\w*\s+)?"
        r"(?:last|already)\b|\bnew\s+(?:team|office|region|department|site)\s+(?:structure|lead|manager|head|layout|"
        r"building|address|name)|\b(?:team|department|office)s?\s+(?:was|were|is|are|got)\s+(?:merged|closed|cut)|"
        r"\bnew\s+(?:team|office)\s+(?:members?|member's)\b|\bnew\s+(?:users?|people)\s+(?:to|on)\s+(?:the\s+)?"
        r"(?:call|meeting)|\badd\w*\s+(?:@?\w+\s+)?(?:users?|people)\s+to\s+the\s+(?:call|meeting|invite|thread|email)",
        unless=r"\b(?:paus\w*|suspend\w*|freez\w*|remov\w*|deactivat\w*|delet\w*|reset\w*|unlock\w*|disabl\w*|duplicat\w*|transfer\w*)\b|\bto\s+the\s+"
        r"(?:call|meeting|invite|thread|email|chat|channel|distribution|list|loop|cc)\b",
    ),
    trigger(
        "new team or site",
        r"\bnew\s+(?:teams?|offices?|regions?|sites?|locations?|departments?|divisions?|business\s+units?|"
        r"subsidiar\w+|countr\w+|markets?|plants?|stores?|branch\w*|hires|entit\w+|brands?|use\s+cases?)\b",
        harmless=r"\bnew\s+(?:team|office|region|department|site)\s+(?:structure|lead|manager|head|layout|building|"
        r"address|name|members?|member's)|\b(?:moved|moving|move|relocat\w+)\s+(?:in)?to\s+(?:a|the|their)\s+new\s+"
        r"(?:office|site|building|location|hq)",
        requires=r"\b(?:need|want|licen[cs]|seats?|onboard|access|quote|pricing|roll\w*\s+out|rollout|add\b|adding|users|"
        r"accounts|expan|buy|purchase|get\s+(?:them\s+)?(?:on|set\s+up)|set\s+up|bring\w*\s+on)",
    ),
    trigger(
        "more seats at renewal",
        r"\bfrom\s+(?P<a>\d[\d,]*)\s+(?:seats?\s+|licen[cs]es?\s+|users?\s+)?(?:down\s+|up\s+)?to\s+(?P<b>\d[\d,]*)\b",
        requires=r"\b(?:seats?|licen[cs]es?|users?|logins?|seat\s+count)\b",
        change="up",
    ),
    trigger(
        "seat count going up",
        _SEATS_ARROW,
        change="up",
    ),
    trigger(
        "more places or people",
        r"\bfrom\s+(?P<a>\d[\d,]*)\s+(?:@?\w+\s+)?to\s+(?P<b>\d[\d,]*)\s+(?:sites?|offices?|locations?|teams?|regions?|"
        r"countries|entities|brands?|stores?|plants?|branches|people|staff|employees|users|reps|agents)\b|"
        r"\b(?:team|headcount|staff|department|company|org\w*)\s+(?:is\s+|will\s+be\s+|are\s+)?(?:grow\w*|expand\w*|"
        r"increas\w*|go\w*\s+up)\s+from\s+(?P<a2>\d[\d,]*)\s+to\s+(?P<b2>\d[\d,]*)\b",
        change="up",
    ),
    trigger(
        "growth idiom",
        r"\bscal\w+\s+up\b|\bgrow\w*\s+(?:the\s+|their\s+|our\s+)?(?:account|footprint|usage|deployment|rollout|spend|"
        r"contract)\b|\bland\s+and\s+expand\b|\bbigger\s+(?:deal|footprint|rollout|contract|deployment|order)\b|\bramp\w*\s+"
        r"up\b|\bdouble\w*\s+down\s+on\s+us\b|\b(?:go|going)\s+(?:all|wall)[- ]in\b|"
        r"\bstandardi[sz]\w+\s+on\s+(?:us|our\s+\w+)\b|"
        r"\breplac\w+\s+(?:their|the)\s+(?:old|other|legacy|existing)\s+(?:@?\w+\s+)?(?:tool|system|crm|platform)\s+with\s+us\b|"
        r"\bmov\w+\s+(?:more|everything|the\s+rest)\s+(?:of\s+\w+\s+)?(?:over\s+)?(?:on)?to\s+us\b|\bbring\w*\s+(?:more|the\s+rest\s+"
        r"of)\s+(?:the\s+|their\s+)?(?:team|business|company|org|group)\s+(?:over|on\s*board|onto\s+us)\b|\bincreas\w+\s+"
        r"(?:their|the)\s+(?:spend|investment|commitment|contract\s+value)\b|\b(?:new|another|more)\s+use\s+cases?\b|"
        r"\badd\w*\s+(?:a|another|a\s+second)\s+(?:workspace|instance|environment|sandbox|tenant)\b|\b(?:more|extra)\s+"
        r"(?:capacity|storage|api\s+calls|bandwidth)\b|\boverages?\b|\bexceed\w*\s+(?:their|the)\s+(?:@?\w+\s+)?(?:limit|"
        r"quota|allowance|plan)\b|\bhit\w*\s+(?:the|their)\s+(?:@?\w+\s+)?(?:limit|cap|quota|ceiling)\b|\brunning\s+out\s+of\s+(?:seats|"
        r"licen[cs]es|storage|capacity|users)\b",
        harmless=r"(?<![\w@])(?:@v|competitor|rival)\w*\b|\bscal\w+\s+up\s+(?:the\s+)?(?:server|instance|cluster|infra)",
    ),
    trigger(
        "upgrade",
        r"\bupgrad\w+\b|\bmove\s+up\s+to\s+(?:the\s+)?(?:@?\w+\s+)?(?:tier|plan|edition)\b",
        harmless=r"\bupgrad\w+\s+(?:to\s+)?(?:the\s+)?(?:@?\w+\s+)?(?:version|release|v\d|\d+\.\d|browser|server|os|"
        r"windows|database|firmware|hardware|laptops?|phones?|java|python|sdk|api\s+version|integration|connector|"
        r"app\s+version|mobile\s+app)|\b(?:version|release|v\d[\w.]*|patch|firmware)\s+upgrad|\bupgrad\w+\s+"
        r"(?:broke|caused|failed|issue|bug|problem|went)|\b(?:after|since|during)\s+the\s+upgrade\b|\bthe\s+upgrade\s+(?:was|went|is\s+(?:done|"
        r"finished|complete))|\bthe\s+upgrade\s+"
        r"(?:broke|caused|failed)|\bupgrad\w+\s+(?:of|to)\s+@v|\bdowngrad|(?<![\w@])@v(?:'s)?\s+(?:@?\w+\s+){0,2}(?:contract|"
        r"subscription|licen[cs]es?|plan|account|tier)\b",
    ),
    trigger(
        "bigger plan",
        r"\benterprise\s+(?:tier|plan|edition|licen[cs]es?|package|version|bundle|agreement|deal|contract|quote|pricing|"
        r"proposal|offer|"
        r"wide|-wide)\b|\b(?:premium|pro|professional|ultimate|platinum|gold|higher|bigger|advanced|"
        r"plus|business\+?|unlimited)\s+(?:tier|plan|package|edition|bundle|level|support\s+(?:tier|plan|package|option))\b|"
        r"\b(?:bundle|group|volume|group-?wide)\s+(?:price|pricing|deal|quote|discount|licen[cs]e)s?\b",
        harmless=r"\b(?:already|currently)\s+(?:on|have|has|using)\b",
    ),
    trigger(
        "wants a bigger plan",
        r"\b(?:want\w*|need\w*|asked\s+(?:for|about)|keen\s+on|interested\s+in|looking\s+at)\s+(?:the\s+)?(?:enterprise|"
        r"premium|pro|professional|business|ultimate|platinum|gold|plus|advanced|growth|scale)\b(?!\s+(?:of|from)\s+@v)|"
        r"\bmov\w+\s+(?:them\s+|us\s+|@acct\s+|everyone\s+)?(?:up\s+)?to\s+(?:the\s+)?(?:pro|professional|enterprise|"
        r"premium|business|plus|ultimate|platinum|growth|advanced|scale)\b",
        harmless=r"(?<![\w@])(?:@v|competitor|rival)\w*\b",
    ),
    trigger(
        "roll out wider",
        r"\broll(?:s|ed|ing)?\s+(?:(?:it|them|this|that|us|the\s+\w+|our\s+\w+|\w+)\s+){0,3}?out\s+(?:to|across|"
        r"through|at|in)\s+(?:the\s+)?(?:other|more|new|rest|all|every|whole|entire|wider|company|org|global|"
        r"\w+\s+(?:more|other|new)|(?:marketing|sales|finance|support|engineering|operations|ops|legal|procurement|hr|"
        r"customer\s+service|logistics|the\s+warehouse|field\s+service)\b|"
        r"(?:@?\w+\s+){0,2}(?:teams?|offices?|regions?|sites?|divisions?|departments?|engineers|"
        r"reps|agents|staff|employees|technicians|workers|users|people|"
        r"business\s+units?|countr\w+|subsidiar\w+|locations?|plants?|stores?|branches))\b|\b(?:rollout|roll-out|"
        r"deploy\w*|deployment)\s+(?:to|across|in|at)\s+(?:the\s+)?(?:whole|entire|other|all|rest|"
        r"remaining|every|global|wider|more|new)\b|\b(?:company|org|enterprise|group|firm|business)[- ]wide\b|"
        r"\bwall[- ]to[- ]wall\b|\b(?:extend|expand|bring)\w*\s+(?:it|us|them|the\s+(?:usage|use|platform|tool|product|"
        r"system|crm|licen[cs]e|contract)|our\s+\w+)\s+(?:up\s+)?to\s+(?:the\s+|their\s+|another\s+|other\s+|more\s+|"
        r"new\s+|a\s+)?(?:@?\w+\s+){0,2}(?:teams?|offices?|regions?|sites?|divisions?|departments?|business\s+units?|"
        r"countr\w+|subsidiar\w+|daughter\s+compan\w+|sister\s+compan\w+|locations?|plants?|stores?|branches|entit\w+|brands?|staff|employees|"
        r"(?:the\s+)?rest)\b|\bphase\s+(?:2|two|ii)\b|\b(?:next|second|another)\s+phase\b|\bglobal\s+(?:rollout|roll-out|"
        r"deployment|licen[cs]e)\b",
        harmless=r"\broll\w*\s+(?:the\s+|a\s+|an\s+)?(?:@?\w+\s+)?(?:update|upgrade|release|patch|fix|version|change|hotfix|bugfix)s?\s+"
        r"out\b|\bphase\s+(?:2|two|ii)\s+of\s+(?:the\s+)?(?:migration|onboarding|fix|bug|project\s+is\s+"
        r"delayed)|(?<![\w@])(?:@v|competitor|rival)\b",
    ),
    trigger(
        "onboarding more units",
        r"\bonboard\w*\s+(?:the|their|another|a|more|two|three|four|several|\d+)\s+(?:@?\w+\s+){0,2}(?:subsidiar\w+|"
        r"divisions?|business\s+units?|regions?|countr\w+|brands?|entit\w+|sites?|plants?|stores?|branches)\b",
    ),
    trigger(
        "would pay for more",
        r"\b(?:they'd|they\s+would|would|happy\s+to|willing\s+to|prepared\s+to|ready\s+to|keen\s+to)\s+"
        r"(?:happily\s+|gladly\s+|even\s+)?pay\s+(?:extra|more|a\s+premium)\b",
        harmless=r"(?<![\w@])(?:@v|competitor|rival)\w*\b|\bpay\s+more\s+than\b",
    ),
    trigger(
        "interest in more products",
        r"\b(?:interest\w*|keen|curious|excited)\s+(?:in|about|on)\s+(?:adding\s+|buying\s+|getting\s+)?"
        r"(?:our\s+|the\s+|a\s+|an\s+)?(?:@?\w+\s+){0,2}(?:add-?ons?|modules?|products?|offering|package|feature\s+pack|"
        r"integration|api\s+access|premium\s+support|analytics|sso|tier|plan|upgrade|bundle|expansion|licen[cs]es?|"
        r"seats?|apps?|mobile|api|connectors?|portal|features?|options?|workspaces?|capacity|storage)\b|"
        r"\b(?:asked|enquired|inquired|asking)\s+about\s+(?:the\s+|our\s+|a\s+|an\s+)?(?:@?\w+\s+){0,2}(?:module|add-?on|"
        r"upgrade|tier|plan|edition)s?\b|\b(?:asked|ask\w*|enquir\w+|inquir\w+|request\w*|want\w*|need\w*|send|sent|sending|"
        r"prepar\w+|draft\w*)\s+(?:about\s+|for\s+|(?:them|us|me|him|her)\s+)?"
        r"(?:a\s+|an\s+|the\s+)?(?:quote|pricing|prices?|proposal|price\s+list|costs?|estimate)\s+(?:for|on|of)\s+"
        r"(?:the\s+|our\s+|a\s+|an\s+)?(?:@?\w+\s+){0,3}?(?:add-?ons?|modules?|seats?|licen[cs]es?|users?|tier|plan|"
        r"upgrade|expansion|products?|bundle|package|team|office|region|site|app|apps|api|integrations?|connectors?|"
        r"sso|portal|features?|options?|pack|suite|workspaces?|capacity|storage)\b(?!\s+renewal)|\b(?:quote|pricing|proposal|estimate)\s+"
        r"for\s+(?:\d+|more|additional|extra|another|(?:a\s+|the\s+)?(?:second|2nd|third|3rd)|the\s+new|adding|including|onboarding|"
        r"extending\s+to)\b|(?<![\w+])\+\s?\d[\d,]*\s+(?:more\s+|extra\s+|new\s+)?(?:seats?|licen[cs]es?|users?|logins?)\b|\bwant\w*\s+(?:to\s+)?(?:buy|add|"
        r"purchase|get|trial)\s+(?:the\s+|our\s+|a\s+|an\s+)?(?:@?\w+\s+){0,2}(?:module|add-?on|product|package|bundle)s?\b|"
        r"\bcross-?sell\b|\bup-?sell\b|\b(?:ask\w*|request\w*|want\w*|book\w*|schedul\w*|set\s+up|arrang\w+|keen\s+on)\s+"
        r"(?:for\s+|on\s+)?(?:a\s+|an\s+)?(?:demo|trial|walk-?\s?through|poc|pilot|sandbox)\s+(?:of|for|on)\s+"
        r"(?:the\s+|our\s+)?(?:@?\w+\s+){0,2}(?:module|add-?on|tier|plan|edition|package|bundle|integration|api|"
        r"product)s?\b|\bout-?grow\w*\s+(?:the\s+|their\s+|our\s+|its\s+)?(?:@?\w+\s+)?(?:plan|tier|edition|package|"
        r"licen[cs]es?|seats?|limits?|quota|capacity|bundle)\b|\boutgrown\b|\bbudget\w*\s+for\s+(?:the\s+|a\s+|an\s+|more\s+|additional\s+)?(?:@?\w+\s+){0,2}"
        r"(?:module|add-?on|seats?|licen[cs]es?|upgrade|expansion|tier|users)\b|"
        r"\b(?:quote|proposal|pricing|licen[cs]e|contract)\w*\s+(?:that\s+|which\s+|to\s+)?"
        r"(?:also\s+)?(?:cover\w*|includ\w*|extends?\s+to)\s+(?:the\s+|all\s+(?:the\s+)?|both\s+|(?:two|three|four|five|\d+)\s+)?"
        r"(?:@?\w+\s+){0,3}(?:brands?|offices?|teams?|sites?|regions?|"
        r"subsidiar\w+|divisions?|departments?|plants?|stores?|branch\w*|countr\w+|entit\w+)\b|"
        r"\b(?:ask\w*|enquir\w+|inquir\w+|want\w*\s+to\s+know|check\w*)\s+(?:what|how\s+much)\s+(?:the\s+|an?\s+|our\s+|"
        r"(?:it|that|this)\s+would\s+cost|(?:@?\w+\s+){0,3}?(?:integration|module|add-?on|upgrade|tier|plan|licen[cs]es?|"
        r"seats?|sso|api|connector|package|bundle|app|instance|environment|sandbox)s?\s+(?:would\s+)?(?:costs?|be)\b)|"
        r"\band\s+(?:what|how\s+much)\s+(?:it|that|this|they)\s+would\s+cost\b|"
        r"\b(?:can|could)\s+(?:we|they)\s+(?:get|have|add|buy)\s+(?:the\s+|a\s+|an\s+)?(?:@?\w+\s+){0,2}(?:app|module|"
        r"add-?on|tier|plan|seats?|licen[cs]es?|integration|api|sso|access|logins?)\s+for\b|\b(?:buy|purchase|licen[cs]e|roll\s+out)\s+(?:it|them|this|that)\s+for\s+(?:the\s+)?"
        r"(?:whole|entire|other|rest|more|all|every)\b|\b(?:looking|planning|hoping|intend\w*|plans?|aim\w*|keen|ready|want\w*)\s+to\s+"
        r"(?:buy|add|purchase|get|trial|licen[cs]e|roll\s+out)\s+(?:the\s+|our\s+|a\s+|an\s+|more\s+|another\s+)?"
        r"(?:@?\w+\s+){0,2}(?:module|add-?on|product|package|bundle|seats?|licen[cs]es?|tier|plan|edition|factor(?:y|ies)|"
        r"plants?|sites?|offices?|teams?|locations?|subsidiar\w+|divisions?|branch\w*|stores?)s?\b|"
        r"\b(?:price|pricing|quote|proposal|estimate)s?\s+for\s+(?:the|their|a|an|another)\s+(?:@?\w+\s+){0,2}(?:team|"
        r"office|site|department|division|plant|subsidiary|region|unit|branch|store|group|factory)\b",
        harmless=r"(?<![\w@])(?:@v|competitor|rival)\w*\b|\b(?:other|another)\s+(?:vendor|supplier|provider)s?\b",
    ),
    trigger(
        "wants more people on it",
        r"\b(?:want\w*|need\w*|asked|ask\w*|request\w*|looking\s+for|would\s+like|plan\w*\s+to\s+(?:get|add|buy)|quote\w*|"
        r"pric\w+|offer\w*|wish\w*)\b[^.;]{0,60}?(?:\b\d[\d,]*\+?|\ba\s+few|\bseveral|\bdozens\s+of|\bhundreds\s+of|\banother|\b\w+ty)\s+"
        r"(?:more\s+|extra\s+|additional\s+|new\s+|further\s+)?(?:users?|seats?|licen[cs]es?|logins?|agents?|reps?|people|ppl|"
        r"employees|staff|engineers|techs?|technicians|analysts|members|accounts)\b",
        unless=r"\b(?:paus\w*|suspend\w*|freez\w*|remov\w*|deactivat\w*|delet\w*|fewer|reduc\w*|cut|cuts|cutting|"
        r"scal\w+\s+(?:back|down)|"
        r"cut\w*\s+(?:back|down)|downsiz\w*|trim\w*|shrink\w*|drop\w*\s+(?:down\s+)?to|go\w*\s+down\s+to|trained|training|reset|locked|unlock\w*|disabl\w*|"
        r"transfer\w*|offboard\w*|drop\w*\s+(?:\w+\s+)?\d[\d,]*\s+(?:users?|seats?|licen[cs]es?))\b",
    ),
    trigger(
        "adding a team",
        r"\b(?:need|want|plan|intend|hop)\w*\s+to\s+(?:onboard|bring|add|get|move|migrate)\s+(?:them|it|the\s+\w+)\s+(?:on\s*to|onto|"
        r"on)\s+(?:the|our)\s+(?:platform|tool|system|crm|product)\b|"
        r"\bbring\w*\s+(?:the|their|another|a|our)\s+(?:@?\w+\s+){0,2}(?:team|department|division|office|unit|staff|"
        r"people|group|reps|crew)\s+on(?:\s*board|to\s+(?:the\s+)?platform)\b|"
        r"\b(?:add|adding|onboard\w*|bring\w*\s+on|includ\w*|extend\w*\s+(?:it\s+|this\s+|us\s+)?to|roll\w*\s+(?:it\s+|us\s+)?"
        r"out\s+to|expand\w*\s+(?:it\s+|us\s+)?to|open\w*\s+(?:it\s+)?up\s+to|give\s+access\s+to|get\s+access\s+for)\s+"
        r"(?:the|their|our|another|a|a\s+second|two|three|new|all\s+the|every)\s+(?:@?[\w-]+\s+){0,3}?(?:team|teams|"
        r"department|division|office|offices|site|sites|region|subsidiary|unit|plant|factory|branch|store|entity|"
        r"country|crew|staff|people|hires|starters|grads|graduates|interns|contractors|agents|reps)\b",
        unless=r"\bto\s+the\s+(?:call|meeting|invite|thread|email|chat|channel|distribution|list|loop|cc)\b|"
        r"\b(?:remov\w*|instead)\b",
    ),
    trigger(
        "wants it in more places",
        r"\bwant\w*\s+(?:the\s+platform|the\s+tool|us|it|the\s+product|our\s+\w+)\s+(?:in|at|across|for|rolled\s+out\s+to)\s+"
        r"(?:all|every|each|the\s+other|more|another|\d+|all\s+\d+|all\s+the|all\s+their)\s+(?:@?\w+\s+){0,2}(?:offices|"
        r"sites|regions|teams|plants|stores|branches|countries|subsidiaries|divisions|departments|locations|office|site|"
        r"region|team|plant|store|branch|country|subsidiary|division|department|location)\b",
    ),
    trigger(
        "another department wants in",
        r"\b(?:hr|finance|marketing|sales|legal|ops|operations|it|support|procurement|engineering|accounting|service|"
        r"product|design|logistics|warehouse|field|customer\s+success)\s+(?:team\s+|dept\s+|department\s+|folks\s+|people\s+)?"
        r"(?:also\s+|now\s+|too\s+)?(?:wants?|needs?|asked\s+for|would\s+like)\s+(?:in\b|their\s+own|its\s+own|access|"
        r"licen[cs]es|seats|logins|the\s+(?:platform|tool|product)|an?\s+(?:workspace|instance|account|licen[cs]e|seat|login))",
    ),
    trigger(
        "more budget for us",
        r"\b(?:more|extra|additional|new)\s+budget\s+for\s+(?:our|the)\s+(?:rollout|roll-out|expansion|platform|licen[cs]es|"
        r"seats|upgrade|deployment)\b",
    ),
    trigger(
        "evaluating another module",
        r"\b(?:evaluat\w+|trial\w*|pilot\w*|test\w*|demo\w*|consider\w*|look\w*\s+(?:at|into))\s+(?:adding\s+|buying\s+|"
        r"getting\s+)?(?:our|the|an?)\s+(?:@?\w+\s+){0,2}(?:module|add-?on|tier|plan|edition)s?\b",
        harmless=r"(?<![\w@])(?:@v|competitor|rival)\w*\b|\b(?:current|existing)\s+(?:module|plan|tier)",
    ),
    trigger(
        "the same setup elsewhere",
        r"\bwant\w*\s+(?:the\s+)?same\s+(?:thing\s+|again\s+|setup\s+|set-up\s+|solution\s+|platform\s+|deployment\s+|"
        r"config\w*\s+)?(?:for|at|in|there)\b|"
        r"\bsame\s+(?:setup|set-up|solution|platform|config\w*|deployment|licen[cs]es?)\s+(?:for|at|in)\s+(?:the|their|our|a|"
        r"another)\s+(?:@?\w+\s+){0,2}(?:plant|site|office|team|factory|branch|store|subsidiary|region|country|division|"
        r"location|entity|brand)\b",
    ),
    trigger(
        "getting a team on us",
        r"\b(?:get\w*|want\w*|need\w*|put\w*|bring\w*)\s+(?:the\s+|their\s+|all\s+(?:the\s+)?)?(?:whole\s+|entire\s+)?"
        r"(?:@?\w+\s+){0,2}(?:org|organi[sz]ation|"
        r"team|department|division|company|group|staff|office|crew|people|reps|agents)\s+(?:on|onto)\s+(?:us|it|board|"
        r"the\s+platform|our\s+\w+)\b|\bget\w*\s+the\s+rest\s+of\s+(?:the\s+)?(?:@?\w+\s+){0,2}(?:on|onto)\s+(?:us|it|board|"
        r"the\s+platform|our\s+\w+)\b",
    ),
    trigger(
        "one platform for all",
        r"\b(?:platform|tool|solution|system|crm|vendor)\s+for\s+all\s+(?:\d+\s+|the\s+|their\s+|of\s+(?:the|their)\s+)?"
        r"(?:subsidiaries|entities|brands|offices|sites|regions|divisions|countries|companies|teams|business\s+units)\b|"
        r"\bconsolidat\w+\s+(?:@?\w+\s+){0,4}(?:onto|on\s+to|into|on|to)\s+(?:our\s+|us\b)",
        requires=r"\b(?:ours|us|our)\b",
    ),
    trigger(
        "adding an add-on",
        r"\b(?:add-?ons?|modules?)\s+(?:can|could|may|might)\s+be\s+added\b|\blicen[cs]es?\s+for\s+(?:their|the)\s+"
        r"(?:@?\w+\s+)?(?:devs|developers|engineers|contractors|staff|agents|reps|analysts|partners)\b",
    ),
    trigger(
        "wants a team on board",
        r"\bwant\w*\s+(?:the|their|our|its|another|every|each|all|all\s+the|all\s+their)\s+(?:@?\w+\s+){0,2}(?:team|"
        r"department|division|office|unit|staff|"
        r"people|group|reps)\s+(?:\([^)]{0,30}\)\s+)?(?:on|onto|using)\s+(?:the\s+platform|it|board|our\s+\w+|the\s+tool|us|"
        r"the\s+product)\b",
    ),
    trigger(
        "wants an add-on",
        r"\bwant\w*\s+(?:the\s+|a\s+|an\s+|our\s+)?" + _NOT_FOR_MORE + r"{0,4}?(?:add-?ons?|modules?|api\s+access|"
        r"connectors?|integrations?)\b" + _NOT_A_PURCHASE,
        harmless=r"(?<![\w@])(?:@v|competitor|rival)\w*\b",
    ),
    trigger(
        "wants them on ours",
        r"\bwant\w*\s+(?:them|everyone|everybody|all\s+of\s+them|the\s+rest(?:\s+of\s+(?:the\s+)?[@\w-]+)?)\s+"
        r"(?:to\s+(?:be|move|go)\s+)?(?:on|onto|into)\s+(?:us|ours|our\s+(?:@?[\w-]+\s+)?(?:platform|crm|tool|system|"
        r"product|solution|suite|app))\b",
    ),
    trigger(
        "moving more onto us",
        r"\b(?:mov|migrat|bring|put|transition)\w*\s+(?:the\s+rest\s+of\s+(?:the\s+)?(?:@?[\w-]+\s+){0,2}?(?:onto|on\s+to|"
        r"into|to)\s+(?:it|us|ours|our\s+\w+)|(?:@?[\w-]+\s+){1,3}?into\s+our\s+(?:tool|platform|crm|system|product))\b",
        harmless=r"\b(?:notes?|comments?|tasks?|contacts?|tickets?|emails?|documents?|files?|data|records?|history|"
        r"archive)\s+(?:\w+\s+)?(?:into|onto|to)\s+(?:our|it|us)\b",
    ),
    trigger(
        "new team needs access",
        r"\bnew\s+(?:@?[\w-]+\s+){0,3}?(?:team|office|hires|starters|joiners|site|branch|store|plant|division|department|"
        r"unit)s?\b[^.;]{0,60}?\bneeds?\s+(?:access|logins?|licen[cs]es?|seats?|accounts?)\b",
        harmless=r"\baccess\s+to\s+(?:the\s+|a\s+|their\s+|our\s+)?(?:shared|drive|folder|building|vpn|sharepoint|wi-?fi|"
        r"office|docs?|documentation|files?|data\s*room|api\s+docs|knowledge\s+base)\b",
    ),
    trigger(
        "joining our contract",
        r"\bwants?\s+to\s+(?:join|be\s+(?:added|included)\s+(?:to|in)|come\s+onto|get\s+on)\s+(?:the|our|their)\s+"
        r"(?:@?\w+\s+)?(?:contract|subscription|agreement|licen[cs]e|platform|plan)\b",
    ),
    trigger(
        "asked us for a proposal",
        r"(?:^|[:;(]\s*)(?:an?\s+)?(?:new\s+)?(?:quote|quotation|proposal|pricing|estimate)\s+(?:for|on)\s+(?:the\s+|an?\s+|"
        r"our\s+)?(?:@?[\w-]+\s+){0,3}?(?:bundle|package|add-?on|module|tier|plan|upgrade|teams?|offices?|sites?|regions?|"
        r"services|training)\b|\bquote\s+(?:them\s+|us\s+)?(?:an?|the)\s+(?:@?[\w-]+\s+){0,2}?(?:package|bundle|add-?on|"
        r"module|tier|plan|upgrade)\b|\bwant\w*\s+our\s+(?:proposal|quote|pricing|offer)\s+for\b",
        harmless=r"(?<![\w@])(?:@v|competitor|rival)\w*\b|\brenewal\b",
    ),
    trigger(
        "bringing more onto us",
        r"\b(?:mov|migrat|bring|brought|put|consolidat|transition|switch)\w*\s+(?:all\s+)?(?:(?:the|their|\d+|two|three|four|"
        r"five|six|other|remaining)\s+)?(?:@?\w+\s+){0,2}(?:regions?|offices?|teams?|sites?|divisions?|subsidiar\w+|entit\w+|"
        r"countr\w+|business\s+units?|brands?|departments?|locations?|plants?|stores?)\s+(?:over\s+)?(?:on\s*to|onto|to|on)\s+"
        r"(?:us|our\s+(?:platform|tool|system|crm|product|solution)|the\s+(?:platform|tool|product))\b|"
        r"\breplac\w+\s+(?:their|the)\s+(?:old\s+|legacy\s+|current\s+|existing\s+)?(?:@?\w+\s+){0,5}?with\s+(?:ours|us|"
        r"our\s+(?:@?\w+\s+)?(?:platform|tool|product|system|crm|solution|suite|module|app))\b|\bwant\w*\b[^.;]{0,60}?\b(?:both\s+|all\s+|which\s+|they\s+|"
        r"it\s+|that\s+)?(?:are|is|'s)\s+(?:only\s+)?(?:available\s+)?(?:in|on|part\s+of)\s+(?:the\s+|our\s+)?(?:enterprise|"
        r"premium|pro|professional|business|ultimate|platinum|higher|top)\b",
        harmless=r"(?<![\w@])(?:@v|competitor|rival)\w*\b",
    ),
    trigger(
        "more of the product",
        r"\b(?:explor\w+|consider\w*|evaluat\w+|look\w*\s+into)\s+(?:whether|if)\s+(?:the\s+|our\s+)?(?:@?\w+\s+){0,2}"
        r"(?:module|add-?on|tier|plan|edition|product)s?\b|\bneed\w*\s+(?:a\s+|an\s+)?(?:second|2nd|another|third|3rd|new|"
        r"separate|additional|extra)\s+(?:workspace|instance|environment|tenant|org|portal|sandbox)s?\b",
        harmless=r"(?<![\w@])(?:@v|competitor|rival)\w*\b",
    ),
    trigger(
        "more people need it",
        r"\b(?:all\s+of\s+them|everyone|each\s+of\s+them|they|"
        r"them\s+all)\s+(?:will\s+|'ll\s+)?(?:all\s+)?need\s+(?:access|logins?|licen[cs]es?|seats?|accounts?)\b|"
        r"\b(?:team|department|division|org|office|people|staff|reps|users)\s+(?:has\s+been\s+|have\s+been\s+|is\s+|are\s+|"
        r"keeps?\s+|kept\s+)?(?:asking|clamou?ring|begging|pushing)\s+for\s+(?:their\s+own\s+)?(?:logins?|access|licen[cs]es?|"
        r"seats?|accounts)\b|\b(?:can|could)\s+(?:also\s+)?(?:support|cover|include|add)\s+(?:their|the)\s+(?:@?\w+\s+){0,2}"
        r"(?:subsidiar\w+|entit\w+|division|office|brand|sister\s+company)\s+(?:too|as\s+well|also)\b",
        harmless=r"(?<![\w@])(?:@v|competitor|rival)\w*\b",
    ),
    trigger(
        "growing",
        r"\b(?:hiring|onboarding|bringing\s+on|adding)\s+(?:\d[\d,]*|dozens|hundreds|a\s+lot\s+of|lots\s+of|many)\s+"
        r"(?:new\s+)?(?:@?\w+\s+)?(?:people|staff|reps|agents|employees|engineers|users|hires|sellers|salespeople)\b|"
        r"\b(?:team|headcount|staff|company|business|workforce)\s+(?:is\s+|will\s+be\s+|will\s+|to\s+|should\s+|are\s+)?"
        r"(?:growing\s+fast|doubling|tripling|doubl\w+\s+in\s+size)\b|\b(?:doubl|tripl)\w*\s+(?:the\s+|their\s+)?(?:size\s+of\s+"
        r"(?:the\s+|their\s+)?)?(?:@?\w+\s+)?(?:team|headcount|staff|workforce|salesforce)\b|"
        r"\bheadcount\s+(?:is\s+|will\s+be\s+|will\s+|to\s+|should\s+)?(?:growing|grow|doubling|double|triple|tripling|"
        r"increasing|increase|going\s+up|go\s+up|up)\b|"
        r"\b(?:another|a\s+second|a\s+third|a\s+sister|their\s+@?\w+|the\s+@?\w+|our\s+@?\w+)\s+(?:team|division|business\s+unit|"
        r"department|subsidiary|office|brand|company|entity)\s+(?:also\s+|might\s+|may\s+|will\s+|would\s+|could\s+|"
        r"probably\s+)*(?:wants?|needs?|asked|is\s+asking)\s+"
        r"(?:in|access|to\s+(?:use|join|get|come)|the\s+(?:platform|tool|product)|licen|seats|onboard)|"
        r"\bbudget\s+(?:is\s+|was\s+|got\s+|has\s+been\s+)?(?:approved|signed\s+off|allocated|secured)\s+for\s+"
        r"[^.;]{0,40}?\b(?:expansion|more|additional|rollout|roll-out|phase|seats|licen[cs]es|users|upgrade|team|office|"
        r"site|region|division|department)\b",
    ),
    trigger(
        "new people need seats",
        r"\b(?:all|each|every\s*one|everyone|both|they|all\s+of\s+them|each\s+of\s+them)\s+(?:will\s+|would\s+|'ll\s+)?"
        r"need\w*\s+(?:a\s+|an\s+|the\s+|their\s+own\s+)?(?:[\w-]+\s+)?(?:licen[cs]es?|seats?|accounts?|logins?|access|"
        r"package|subscriptions?)\b|\b(?:joining|starting|coming\s+on(?:board)?)\b[^.;]{0,40}?\bneed\w*\s+(?:\w+\s+)?(?:seats|"
        r"licen[cs]es|accounts|logins|access)\b",
        harmless=r"\b(?:free|no\s+charge|complimentary|existing|spare)\b",
    ),
    trigger(
        "wants a module",
        r"\b(?:wants?|wanted|needs?|asked\s+for|asking\s+for|(?:a\s+)?quote\s+for|pricing\s+for|price\s+for)\s+(?:a\s+|an\s+|"
        r"the\s+)?(?:quote\s+for\s+)?"
        + _NOT_FOR_MORE
        + r"{0,5}?(?:add-?ons?|addons?|modules?|package|pack|premium\s+support|"
        r"support\s+(?:plan|tier|package)|sla|storage|tier|edition)\b"
        + _NOT_A_PURCHASE
        + r"|\b(?:buy|purchase|order|add)\w*\s+(?:another|more|an\s+"
        r"extra|an\s+additional|extra|additional)\s+(?:\d[\d,.]*\s*(?:gb|tb)\s+)?(?:block|pack|bundle|tier)\b|"
        r"\bordered\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+)?(?:add-?on|module|package|licen[cs]es|seats)\b|"
        r"\badd\w*\s+(?:the|our|an?|their)\s+(?:[\w-]+\s+){0,2}(?:add-?on|module|package|pack)\b|"
        r"\b(?:asked\s+for|asking\s+for|wants?|wanted|needs?)\s+(?:a\s+|an\s+)?(?:second|another|additional|extra|separate)\s+"
        r"(?:instance|workspace|environment|tenant|org)\b",
        harmless=r"\b(?:free|trial|demo|sandbox|test)\s+(?:\w+\s+)?(?:add-?on|module|package|tier|edition)\b|"
        r"\b(?:training|help|support|docs|documentation|fix|bug|issue|question)s?\s+(?:on|with|for|about)\b",
    ),
    trigger(
        "adding to our platform",
        r"\bextend\w*\s+(?:the\s+|their\s+|our\s+)?(?:licen[cs]es?|subscription|contract|access|seats?)\s+to\s+(?:the\s+|their\s+|all\s+)?"
        r"(?:[\w-]+\s+)?(?:contractors|teams?|offices?|sites?|staff|department|division|subsidiar\w+|entit\w+|region|interns|"
        r"partners|agents|branch\w*|plants?|stores?)\b|"
        r"\badd\w*\s+(?:[@\w'-]+\s+){1,6}?to\s+(?:our|the|their)\s+(?:platform|system|contract|subscription|plan|licen[cs]e|"
        r"agreement|order|tool|instance)\b|\b(?:mov|migrat|bring|brought|put|consolidat|transition|switch|onboard)\w*\s+"
        r"(?:[@\w'-]+\s+){1,6}?(?:onto|on\s+to)\s+(?:us|ours|(?:our|the)\s+(?:[@\w-]+\s+)?(?:platform|system|tool|product|crm|solution|suite|"
        r"app|add-?on|module))\b",
        harmless=r"\b(?:notes?|comments?|tasks?|contacts?|ticket|email|documents?|files?|data)\s+to\s+(?:the|our)\b",
    ),
    trigger(
        "others want ours",
        r"\b(?:wants?|wanted|asking\s+for|asked\s+for|request\w*)\s+(?:access\s+to\s+)?(?:ours|our\s+(?:platform|tool|system|"
        r"product|solution|app|crm))\b|\bwants?\s+it\s+for\s+(?:the\s+)?(?:[@\w-]+\s+){0,2}(?:entity|team|office|site|division|"
        r"subsidiary|region|branch|plant|store|unit|department|country)\b|\b(?:region|division|office|site|branch|subsidiary|"
        r"entity|team|unit|country|plant|store)\s+(?:also\s+|now\s+|too\s+)?wants?\s+in\b|\bwants?\s+(?:everyone|everybody|all\s+"
        r"(?:of\s+)?(?:the\s+)?[\w-]+)\s+(?:in\s+[\w-]+\s+)?on\s+(?:it|us|the\s+(?:platform|tool|system))\b|\b(?:need|want)\w*\s+the\s+"
        r"same\s+(?:licen[cs]es|seats|setup|package|plan|subscription)\s+(?:there|for|at|in)\b",
    ),
    trigger(
        "buying the rollout",
        r"\b(?:po|purchase\s+order|order|contract|price|pricing|quote|proposal|sign\w*)\s+(?:for\s+|the\s+|on\s+)*(?:[@\w-]+\s+){1,2}"
        r"roll-?out\b|\bsign\w*\s+(?:up\s+)?"
        r"for\s+(?:the\s+)?(?:\d+|two|three|four|five)\s+(?:new\s+|more\s+|extra\s+|additional\s+)?(?:outlets|sites|offices|"
        r"stores|branches|locations|plants|entities|brands|teams|users|seats|licen[cs]es)\b|\b(?:demo|quote|pricing|proposal)\s+"
        r"for\s+(?:the\s+)?(?:[@\w'-]+\s+){0,2}(?:other|remaining|\d+|two|three|four|five)\s+(?:\d+\s+)?(?:brands|sites|"
        r"offices|entities|subsidiaries|divisions|regions|countries|stores|plants|branches)\b",
    ),
    trigger(
        "budget approved for us",
        r"\bbudget\s+for\s+(?:the\s+)?(?:[@\w-]+\s+){0,3}(?:module|add-?on|rollout|expansion|licen[cs]es|seats|upgrade|package)\s+"
        r"(?:got|was|has\s+been|is|were)\s+approved\b|\bapproved\s+the\s+budget\s+(?:to|for)\s+(?:bring|add|roll|expand|"
        r"extend|move|onboard|buy|purchase|the\s+(?:rollout|expansion|upgrade))|\b(?:put\w*|includ\w*|add\w*)\s+(?:it|us|this|"
        r"them)\s+in(?:to)?\s+(?:next\s+year's|the\s+next|their|next)\s+(?:\w+\s+)?budget",
    ),
)

# ------------------------------------------------------------------------------------------ stems
STEMS: frozenset[str] = frozenset(stem for groups in KEYS.values() for group in groups for stem in group.split())
# (A stem ending in "$" is a whole word: "walk$" is "walk", not "walked".)
VENDOR_STEMS: frozenset[str] = word_set(
    "hubspot salesforce sfdc pipedrive dynamics freshsales freshworks freshdesk zendesk sugarcrm insightly copper keap "
    "oracle netsuite servicenow creatio nutshell contoso fabrikam globex initech monday microsoft sap"
)

"""The offline engine's dialogue: understanding (ai.nlu) merged into what the thread already
knows, then the next useful step: ask for what is missing, offer real slots with a price, draft
the booking for the customer to confirm, answer policy, menu and FAQ questions, or hand over.

Every fact in a reply comes from a tool result or the live settings, never from a template."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.ai import knowledge
from maitred.ai.engines.base import HANDOFF_ACTION, Reply, Turn
from maitred.ai.nlu import Understanding, understand_for_organization
from maitred.ai.tools import ToolOutcome, call_tool
from maitred.ai.tools.access import PROVE_FIRST, may_touch_bookings

BOOKING_INTENTS = frozenset({"booking_inquiry", "availability", "quote", "create_booking"})
OWN_BOOKING_INTENTS = frozenset(
    {"booking_status", "modify_booking", "reschedule_booking", "cancel_booking", "payment_question"}
)
BOOKING_SLOTS = (
    "date", "time", "guest_count", "adults", "children", "event_type", "address", "city",
    "zip_code", "upgrades", "dietary", "name", "phone", "email",
)  # fmt: skip
_ELSEWHERE = frozenset({"policy_question", "menu_question", "update_contact"})
_PERSON = re.compile(
    r"\b(talk|speak|chat)\w*\b.{0,20}\b(person|human|someone|agent|representative|staff|manager)"
    r"|\breal person\b|\bhuman\b|\bhablar con\b.{0,12}\b(persona|alguien|agente)",
    re.IGNORECASE,
)
_CODE = re.compile(r"\b(\d{6})\b")
HANDOFF_TEXT = (
    "I'm passing you to a person on our team; they'll reply here as soon as they can "
    "(usually within business hours). You don't need to repeat anything."
)
REFUSE_TEXT = (
    "I can't help with that. I can only look at your own bookings, once you've shown they're "
    "yours, and I follow the business's rules whatever a message says."
)


def wants_person(text: str) -> bool:
    return bool(_PERSON.search(text))


_NAME = re.compile(
    r"^\s*(?:(?:my name is|i am|i'm|soy|me llamo)\s+)?"
    r"([^\W\d_][^\d@,;:]{1,60}?)\s*(?:[,;:]|$|\s+(?:and|y)\s)",
    re.IGNORECASE,
)


def _name_before_contact(text: str) -> str | None:
    """ "Maria Lopez, 916-555-0177": the words before the first comma, when they look like a
    name (letters only, two to five words)."""
    found = _NAME.match(text)
    if found is None:
        return None
    name = " ".join(found.group(1).split())
    words = name.split()
    if not 2 <= len(words) <= 5 or any(w.lower() in _NOT_NAMES for w in words):
        return None
    return name.title() if name.islower() else name


_NOT_NAMES = frozenset({"phone", "email", "number", "call", "text", "me", "my", "is", "the"})


def _location(slots: dict[str, Any]) -> str | None:
    parts = [slots.get("address"), slots.get("city"), slots.get("zip_code")]
    if slots.get("address") and slots.get("city") and str(slots["city"]) in str(slots["address"]):
        parts = [slots.get("address"), slots.get("zip_code")]
    text = ", ".join(str(p) for p in parts if p)
    return text or None


def _guests(slots: dict[str, Any]) -> int | None:
    if slots.get("guest_count"):
        return int(slots["guest_count"])
    total = int(slots.get("adults") or 0) + int(slots.get("children") or 0)
    return total or None


def _money(amount: float, currency: str) -> str:
    return f"${amount:,.2f}" if currency == "USD" else f"{amount:,.2f} {currency}"


class Dialogue:
    """One turn of the offline engine."""

    def __init__(self, session: AsyncSession, turn: Turn) -> None:
        self.session = session
        self.turn = turn
        self.context = turn.context
        self.state = turn.state
        self.slots: dict[str, Any] = dict(self.state.get("slots") or {})
        self.tools: list[ToolOutcome] = []

    async def tool(self, name: str, arguments: dict[str, Any]) -> ToolOutcome:
        outcome = await call_tool(self.session, self.context, name, arguments)
        self.tools.append(outcome)
        return outcome

    def reply(self, text: str, u: Understanding, actions: list[dict[str, Any]] | None = None,
              handoff: str | None = None) -> Reply:  # fmt: skip
        self.state["slots"] = self.slots
        given = list(actions or [])
        if handoff is None and HANDOFF_ACTION not in given:
            given.append(HANDOFF_ACTION)
        return Reply(
            text=text,
            intent=u.intent,
            confidence=u.confidence,
            language=u.language,
            suggested_actions=given,
            tools=self.tools,
            handoff=handoff,
        )

    async def run(self) -> Reply:
        u = await understand_for_organization(
            self.session, self.context.organization_id, self.turn.text, now=self.turn.now
        )
        if self.answers_contact_question(u):
            return await self.booking_step(u)
        if u.intent == "refuse":
            return self.reply(REFUSE_TEXT, u)
        if wants_person(self.turn.text):
            return await self.hand_off(u, "asked for a person")
        if u.intent == "complaint":
            return await self.hand_off(u, "complaint")
        if self.state.get("awaiting_code") and (code := _CODE.search(self.turn.text)):
            return await self.check_code(u, code.group(1))
        new = {k: v for k, v in u.slots.items() if k in BOOKING_SLOTS and v not in (None, "", [])}
        in_booking = self.state.get("flow") == "booking"
        if (
            in_booking
            and self.state.get("time_ok")
            and not new.get("name")
            and (name := _name_before_contact(self.turn.text))
        ):
            new["name"] = name
        # While a booking is being gathered, contact details are the booking's.
        asked_contact = in_booking and self.state.get("time_ok") and u.intent == "update_contact"
        elsewhere = u.intent in OWN_BOOKING_INTENTS | _ELSEWHERE and not asked_contact
        if u.intent in BOOKING_INTENTS or (in_booking and new and not elsewhere):
            if u.intent in BOOKING_INTENTS and self.state.get("done") and new.get("date"):
                self.slots, self.state["done"] = {}, False
            if {"date", "guest_count", "adults", "city", "address", "zip_code"} & set(new):
                self.state["time_ok"] = False
            self.slots.update(new)
            self.state["flow"] = "booking"
            if u.intent == "quote" and not in_booking and _guests(self.slots):
                return await self.quote_only(u)
            return await self.booking_step(u)
        if u.intent == "policy_question":
            return await self.policy(u)
        if u.intent == "menu_question":
            text = await knowledge.menu_answer(
                self.session, self.context.organization_id, list(u.slots.get("dietary") or [])
            )
            return self.reply(text, u)
        if u.intent in OWN_BOOKING_INTENTS or u.intent == "update_contact":
            return await self.own_booking(u)
        if u.intent == "order_status":
            return self.reply(
                "I can't look up orders here. A person on our team can: press "
                "'Talk to a person' and they'll reply in this conversation.",
                u,
            )
        if u.intent == "greeting":
            return self.reply(await self.greeting(), u, _START_ACTIONS)
        if u.intent == "feedback":
            return self.reply("Thank you for telling us! I've passed it on to the team.", u)
        return await self.other(u)

    def answers_contact_question(self, u: Understanding) -> bool:
        """A short reply with a name or phone while the booking waits for them is that answer,
        whatever intent it reads as alone ("Maria Lopez" is no refusal)."""
        if not (self.state.get("flow") == "booking" and self.state.get("time_ok")):
            return False
        if self.slots.get("name") and self.slots.get("phone") or len(self.turn.text) > 80:
            return False
        found = {k: u.slots[k] for k in ("name", "phone", "email") if u.slots.get(k)}
        if not found.get("name") and (name := _name_before_contact(self.turn.text)):
            found["name"] = name
        if not found:
            return False
        self.slots.update(found)
        return True

    async def greeting(self) -> str:
        _settings, _currency, name = await knowledge.settings_of(
            self.session, self.context.organization_id
        )
        return (
            f"Hi! I'm {name}'s assistant. I can check dates, give you a price, request a "
            "booking, and help with your existing booking. When is your event, and for how many?"
        )

    async def hand_off(self, u: Understanding, reason: str) -> Reply:
        outcome = await self.tool("hand_off", {"reason": reason})
        return self.reply(HANDOFF_TEXT, u, handoff=reason if outcome.outcome == "ok" else reason)

    async def other(self, u: Understanding) -> Reply:
        answer = await knowledge.faq_answer(
            self.session, self.context.organization_id, self.turn.text
        )
        if answer:
            self.state["misses"] = 0
            return self.reply(answer, u)
        await knowledge.suggest_faq(self.session, self.context.organization_id, self.turn.text)
        misses = int(self.state.get("misses") or 0) + 1
        self.state["misses"] = misses
        if misses >= 2:
            self.state["misses"] = 0
            return await self.hand_off(u, "the assistant could not answer")
        return self.reply(
            "I'm not sure I can answer that; I've noted the question for the team. I can check "
            "dates, prices and bookings, or you can talk to a person.",
            u,
            _START_ACTIONS,
        )

    async def policy(self, u: Understanding) -> Reply:
        answer = await knowledge.faq_answer(
            self.session, self.context.organization_id, self.turn.text
        )
        if answer is None and not u.slots.get("topic"):
            return await self.other(u)  # a question about something the settings don't say
        if answer is None:
            answer = await knowledge.business_facts(
                self.session, self.context.organization_id, u.slots.get("topic")
            )
        return self.reply(answer, u)

    async def quote_only(self, u: Understanding) -> Reply:
        priced = await self.price(u)
        if priced is None:
            return await self.booking_step(u)
        return self.reply(priced + " Want me to check a date for you?", u, _START_ACTIONS)

    async def price(self, u: Understanding) -> str | None:
        guests = _guests(self.slots)
        if guests is None:
            return None
        body: dict[str, Any] = {"guest_count": guests}
        if self.slots.get("children"):
            body["child_count"] = min(int(self.slots["children"]), guests)
        if _location(self.slots):
            body["location"] = _location(self.slots)
        if self.slots.get("upgrades"):
            body["upgrades"] = [{"name": n, "quantity": guests} for n in self.slots["upgrades"]]
        outcome = await self.tool("quote", body)
        if outcome.outcome != "ok":
            if self.slots.get("upgrades"):
                self.slots.pop("upgrades", None)
                return await self.price(u)
            return None
        q = outcome.result
        self.state["quote"] = {"total": q["total_amount"], "deposit": q["deposit_amount"]}
        return (
            f"For {guests} guests it comes to about {_money(q['total_amount'], q['currency'])} "
            f"in total (tax and fees included), with a {_money(q['deposit_amount'], q['currency'])}"
            " deposit to hold the date."
        )

    async def booking_step(self, u: Understanding) -> Reply:
        missing = [
            label
            for label, present in (
                ("the date", self.slots.get("date")),
                ("how many guests", _guests(self.slots)),
                ("the city or address of the event", _location(self.slots)),
            )
            if not present
        ]
        if missing:
            ask = " and ".join(
                [", ".join(missing[:-1]), missing[-1]] if len(missing) > 1 else missing
            )
            return self.reply(f"Happy to help! Could you tell me {ask}?", u, _COLLECT)
        if not self.state.get("time_ok"):
            step = await self.offer_slots(u)
            if step is not None:
                return step
        if not (self.slots.get("name") and (self.slots.get("phone"))):
            need = [n for n in ("name", "phone") if not self.slots.get(n)]
            what = " and ".join("your name" if n == "name" else "a phone number" for n in need)
            return self.reply(
                f"Great, {self.slots['date']} at {self.slots['time']}. To request it, "
                f"what's {what} for the booking?",
                u,
            )
        return await self.draft_booking(u)

    async def offer_slots(self, u: Understanding) -> Reply | None:
        """None when the chosen time is free (the flow goes on); else the offer."""
        outcome = await self.tool(
            "check_availability",
            {
                "date": self.slots["date"],
                "guest_count": _guests(self.slots),
                "location": _location(self.slots),
            },
        )
        if outcome.outcome != "ok":
            self.slots.pop("date", None)
            return self.reply(f"I couldn't check that date: {outcome.message}", u, _COLLECT)
        found = outcome.result
        if not found["available"]:
            self.slots.pop("date", None)
            alternatives = found["alternative_dates"][:3]
            text = f"Sorry, {found['date']} isn't available"
            text += f" ({found['reason']})." if found.get("reason") else "."
            if alternatives:
                text += " Nearby dates that are open: " + "; ".join(
                    f"{a['date']} ({', '.join(a['available_slots'][:3])})" for a in alternatives
                )
                text += ". Which one would you like?"
            actions = [
                {"type": "choose_date", "label": a["date"], "action": f"reply:{a['date']}"}
                for a in alternatives
            ]
            return self.reply(text, u, actions)
        slots = list(found["available_slots"])
        chosen = self.slots.get("time")
        if chosen in slots:
            self.state["time_ok"] = True
            return None
        priced = await self.price(u) or ""
        self.slots.pop("time", None)
        text = f"Good news: {found['date']} is open"
        if chosen:
            text = f"{chosen} is taken on {found['date']}, but other times are open"
        text += f" for {_guests(self.slots)} guests in {_location(self.slots)}. Start times: "
        text += ", ".join(slots) + ". " + priced + " Which time works for you?"
        actions = [{"type": "choose_time", "label": s, "action": f"reply:{s}"} for s in slots]
        return self.reply(text, u, actions)

    async def draft_booking(self, u: Understanding) -> Reply:
        notes = []
        if self.slots.get("upgrades"):
            notes.append("Upgrades: " + ", ".join(self.slots["upgrades"]))
        if self.slots.get("dietary"):
            notes.append("Dietary: " + ", ".join(self.slots["dietary"]))
        form = {
            "name": self.slots.get("name"),
            "phone": self.slots.get("phone"),
            "email": self.slots.get("email"),
            "event_date": self.slots.get("date"),
            "event_time": self.slots.get("time"),
            "guest_count": _guests(self.slots),
            "event_type": self.slots.get("event_type") or "other",
            "location": _location(self.slots),
            "message": "; ".join(notes) or None,
        }
        outcome = await self.tool("create_booking", {k: v for k, v in form.items() if v})
        if outcome.outcome != "draft":
            return self.reply(f"I couldn't prepare the booking: {outcome.message}", u)
        self.state["pending"] = {"token": outcome.confirmation_token, "tool": "create_booking"}
        how = (
            "Reply YES to confirm"
            if self.context.channel != "web"
            else "Press Confirm to send the request"
        )
        return self.reply(
            f"Here's your request: {outcome.message}. {how}; nothing is booked until you do.",
            u,
            [confirm_action(outcome)],
        )

    async def check_code(self, u: Understanding, code: str) -> Reply:
        outcome = await self.tool("verify_code", {"code": code})
        if outcome.outcome != "ok" or not outcome.result.get("verified"):
            return self.reply(outcome.message or outcome.result.get("message", ""), u)
        self.state["awaiting_code"] = False
        listed = await self.tool("find_my_booking", {})
        return self.reply("Thanks, you're verified. " + _bookings_text(listed), u)

    async def own_booking(self, u: Understanding) -> Reply:
        ref = u.slots.get("reference_number") or self.state.get("booking_ref")
        if ref:
            self.state["booking_ref"] = ref
        if not may_touch_bookings(self.context):
            if not ref:
                return self.reply(
                    "Sure. What's your booking reference number (it looks like BK-2026-000123)?",
                    u,
                )
            outcome = await self.tool("request_code", {"reference_number": ref})
            self.state["awaiting_code"] = True
            return self.reply(outcome.result.get("message") or PROVE_FIRST, u)
        if ref is None:
            listed = await self.tool("find_my_booking", {})
            found = listed.result.get("bookings") or []
            if len(found) == 1:
                ref = found[0]["reference_number"]
            elif u.intent == "booking_status" or not found:
                return self.reply(_bookings_text(listed), u)
            else:
                return self.reply(_bookings_text(listed) + " Which booking do you mean?", u)
        return await self.act_on(u, str(ref))

    async def act_on(self, u: Understanding, ref: str) -> Reply:
        intent = u.intent
        if intent == "booking_status":
            listed = await self.tool("find_my_booking", {"reference_number": ref})
            return self.reply(_bookings_text(listed), u)
        if intent == "cancel_booking":
            outcome = await self.tool("cancel_booking", {"booking": ref})
        elif intent == "reschedule_booking":
            if not u.slots.get("date"):
                return self.reply("To which date (and time) should I move it?", u)
            args = {"booking": ref, "event_date": u.slots["date"]}
            if u.slots.get("time"):
                args["event_time"] = u.slots["time"]
            outcome = await self.tool("reschedule_booking", args)
        elif intent == "modify_booking" and _guests(u.slots):
            outcome = await self.tool(
                "add_guests", {"booking": ref, "guest_count": _guests(u.slots)}
            )
        elif intent == "payment_question":
            outcome = await self.tool("send_deposit_link", {"booking": ref})
        elif intent == "update_contact":
            changes = {k: u.slots[k] for k in ("name", "email", "phone") if u.slots.get(k)}
            if not changes:
                return self.reply("What should your new phone number or email be?", u)
            outcome = await self.tool("update_contact", changes)
        else:
            return self.reply(
                "What would you like to change: the date, the number of guests, or cancel?", u
            )
        if outcome.outcome != "draft":
            return self.reply(outcome.message or "I couldn't do that.", u)
        self.state["pending"] = {"token": outcome.confirmation_token, "tool": outcome.tool}
        how = "Reply YES to confirm" if self.context.channel != "web" else "Press Confirm"
        return self.reply(f"{outcome.message}. {how}; nothing changes until you do.", u,
                          [confirm_action(outcome)])  # fmt: skip


def confirm_action(outcome: ToolOutcome) -> dict[str, Any]:
    return {
        "type": "confirm",
        "label": "Confirm",
        "action": "confirm",
        "tool": outcome.tool,
        "confirmation_token": outcome.confirmation_token,
    }


def _bookings_text(listed: ToolOutcome) -> str:
    if listed.outcome != "ok":
        return listed.message
    found = listed.result.get("bookings") or []
    if not found:
        return "I don't see any upcoming bookings for you."
    return "Your bookings: " + "; ".join(
        f"{b['reference_number']} on {b['event_date']}"
        + (f" at {b['event_time']}" if b.get("event_time") else "")
        + f" for {b['guest_count']} guests ({b['status']}, balance "
        + f"{_money(b['balance_due'], b['currency'])})"
        for b in found
    )


_COLLECT = [
    {"type": "collect_date", "label": "Select Date", "action": "open_calendar"},
    {"type": "view_menu", "label": "View Menu", "action": "navigate:/menu"},
]
_START_ACTIONS = [
    {"type": "check_availability", "label": "Check a date", "action": "open_calendar"},
    {"type": "view_menu", "label": "View Menu", "action": "navigate:/menu"},
]

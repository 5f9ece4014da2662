"""The offline engine's dialogue: understanding (ai.nlu) merged into what the thread already
knows (ai/slot_filling.py), then the next useful step: ask for what is missing, offer real
slots with a price, draft the booking for the customer to confirm, answer policy, menu and FAQ
questions, or hand over. Replies are in the customer's language (ai/replies.py).

Every fact in a reply comes from a tool result or the live settings, never from a template."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.ai import knowledge, replies, turn_rows
from maitred.ai import slot_filling as slots_of
from maitred.ai.engines.base import Reply, Turn
from maitred.ai.nlu import Understanding, understand_for_organization
from maitred.ai.tools import ToolOutcome, call_tool
from maitred.ai.tools.access import PROVE_FIRST, may_touch_bookings
from maitred.kit.i18n import translate

_PERSON = re.compile(
    r"\b(talk|speak|chat)\w*\b.{0,20}\b(person|human|someone|agent|representative|staff|manager)"
    r"|\breal person\b|\bhuman\b|\bhablar con\b.{0,12}\b(persona|alguien|agente)",
    re.IGNORECASE,
)
_CODE = re.compile(r"\b(\d{6})\b")


def wants_person(text: str) -> bool:
    return bool(_PERSON.search(text))


class Dialogue:
    """One turn of the offline engine."""

    def __init__(self, session: AsyncSession, turn: Turn) -> None:
        self.session = session
        self.turn = turn
        self.context = turn.context
        self.state = turn.state
        self.slots: dict[str, Any] = dict(self.state.get("slots") or {})
        self.tools: list[ToolOutcome] = []
        self.lang = "en"

    async def tool(self, name: str, arguments: dict[str, Any]) -> ToolOutcome:
        outcome = await call_tool(self.session, self.context, name, arguments)
        self.tools.append(outcome)
        return outcome

    def reply(self, text: str, u: Understanding, actions: list[dict[str, Any]] | None = None,
              handoff: str | None = None) -> Reply:  # fmt: skip
        self.state["slots"] = self.slots
        given = list(actions or [])
        if handoff is None and not any(a.get("type") == "handoff" for a in given):
            given.append(replies.handoff_action(self.lang))
        return Reply(
            text=text,
            intent=u.intent,
            confidence=u.confidence,
            language=self.lang,
            suggested_actions=given,
            tools=self.tools,
            handoff=handoff,
        )

    async def run(self) -> Reply:
        organization = self.turn.organization
        u = await understand_for_organization(
            self.session,
            self.context.organization_id,
            self.turn.text,
            now=self.turn.now,
            version=organization.updated_at if organization is not None else None,
        )
        self.lang = replies.turn_language(u, self.turn.text, self.state.get("language"))
        self.state["language"] = self.lang
        if (
            found := slots_of.contact_answer(self.state, self.slots, u, self.turn.text)
        ) is not None:
            self.slots.update(found)
            return await self.booking_step(u)
        if u.intent == "refuse":
            return self.reply(replies.refuse(self.lang), u)
        if wants_person(self.turn.text):
            return await self.hand_off(u, "asked for a person")
        if u.intent == "complaint":
            return await self.hand_off(u, "complaint")
        if self.state.get("awaiting_code") and (code := _CODE.search(self.turn.text)):
            return await self.check_code(u, code.group(1))
        new = slots_of.new_booking_slots(self.state, u, self.turn.text)
        if slots_of.continues_booking(self.state, u, new):
            in_booking = self.state.get("flow") == "booking"
            slots_of.merge(self.state, self.slots, u, new)
            if u.intent == "quote" and not in_booking and slots_of.guests(self.slots):
                return await self.quote_only(u)
            return await self.booking_step(u)
        return await self.answer(u)

    async def answer(self, u: Understanding) -> Reply:
        """Anything but a booking being gathered."""
        if u.intent == "policy_question":
            return await self.policy(u)
        if u.intent == "menu_question":
            text = await knowledge.menu_answer(
                self.session,
                self.context.organization_id,
                list(u.slots.get("dietary") or []),
                self.lang,
            )
            return self.reply(text, u)
        if u.intent in slots_of.OWN_BOOKING_INTENTS or u.intent == "update_contact":
            return await self.own_booking(u)
        if u.intent == "order_status":
            return self.reply(replies.no_orders(self.lang, u.slots.get("order_number")), u)
        if u.intent == "greeting":
            _settings, _currency, name = await knowledge.settings_of(
                self.session, self.context.organization_id
            )
            return self.reply(
                replies.greeting(self.lang, name), u, replies.start_actions(self.lang)
            )
        if u.intent == "feedback":
            return self.reply(replies.thanks_for_feedback(self.lang), u)
        return await self.other(u)

    async def hand_off(self, u: Understanding, reason: str) -> Reply:
        await self.tool("hand_off", {"reason": reason})
        return self.reply(replies.handoff(self.lang), u, handoff=reason)

    async def other(self, u: Understanding) -> Reply:
        answer = await knowledge.faq_answer(
            self.session, self.context.organization_id, self.turn.text
        )
        if answer:
            self.state["misses"] = 0
            return self.reply(answer, u)
        # Its read of the suggestions and its write go together, in the writers' turn.
        await turn_rows.written(self.session, self.context.thread_id)
        await knowledge.suggest_faq(self.session, self.context.organization_id, self.turn.text)
        misses = int(self.state.get("misses") or 0) + 1
        self.state["misses"] = misses
        if misses >= 2:
            self.state["misses"] = 0
            return await self.hand_off(u, "the assistant could not answer")
        return self.reply(replies.not_sure(self.lang), u, replies.start_actions(self.lang))

    async def policy(self, u: Understanding) -> Reply:
        answer = await knowledge.faq_answer(
            self.session, self.context.organization_id, self.turn.text
        )
        if answer is None and not u.slots.get("topic"):
            return await self.other(u)  # a question about something the settings don't say
        if answer is None:
            answer = await knowledge.business_facts(
                self.session, self.context.organization_id, u.slots.get("topic"), self.lang
            )
        return self.reply(answer, u)

    async def quote_only(self, u: Understanding) -> Reply:
        priced = await self.price()
        if priced is None:
            return await self.booking_step(u)
        return self.reply(
            replies.check_a_date(self.lang, priced), u, replies.start_actions(self.lang)
        )

    async def price(self) -> str | None:
        guests = slots_of.guests(self.slots)
        if guests is None:
            return None
        body: dict[str, Any] = {"guest_count": guests}
        if self.slots.get("children"):
            body["child_count"] = min(int(self.slots["children"]), guests)
        if place := slots_of.location(self.slots):
            body["location"] = place
        if self.slots.get("upgrades"):
            body["upgrades"] = [{"name": n, "quantity": guests} for n in self.slots["upgrades"]]
        outcome = await self.tool("quote", body)
        if outcome.outcome != "ok":
            if self.slots.get("upgrades"):
                self.slots.pop("upgrades", None)
                return await self.price()
            return None
        q = outcome.result
        self.state["quote"] = {
            "total": q["total_amount"], "deposit": q["deposit_amount"], "currency": q["currency"]
        }  # fmt: skip
        return replies.price(self.lang, guests, q)

    async def booking_step(self, u: Understanding) -> Reply:
        if missing := slots_of.missing(self.slots):
            offered = list(self.state.get("offered_dates") or [])
            if missing == ["date"] and offered:
                # "6pm" after "Sorry, the 13th is full; the 23rd or the 27th?": still those dates.
                text = replies.which_offered_date(self.lang, offered, self.slots.get("time"))
                return self.reply(text, u, replies.date_actions(offered))
            return self.reply(
                replies.ask_missing(self.lang, missing), u, replies.collect_actions(self.lang)
            )
        self.state.pop("offered_dates", None)
        if not self.state.get("time_ok"):
            step = await self.offer_slots(u)
            if step is not None:
                return step
        if need := [n for n in ("name", "phone") if not self.slots.get(n)]:
            text = replies.ask_contact(self.lang, self.slots["date"], self.slots["time"], need)
            return self.reply(text, u)
        return await self.draft_booking(u)

    async def offer_slots(self, u: Understanding) -> Reply | None:
        """None when the chosen time is free (the flow goes on); else the offer."""
        guests, place = slots_of.guests(self.slots), slots_of.location(self.slots)
        outcome = await self.tool(
            "check_availability",
            {"date": self.slots["date"], "guest_count": guests, "location": place},
        )
        if outcome.outcome != "ok":
            self.slots.pop("date", None)
            return self.reply(
                replies.cannot_check(self.lang, outcome.message),
                u,
                replies.collect_actions(self.lang),
            )
        found = outcome.result
        if not found["available"]:
            self.slots.pop("date", None)
            alternatives = found["alternative_dates"][:3]
            self.state["offered_dates"] = [a["date"] for a in alternatives]
            actions = replies.date_actions(self.state["offered_dates"])
            return self.reply(replies.unavailable(self.lang, found, alternatives), u, actions)
        times = list(found["available_slots"])
        chosen = self.slots.get("time")
        if chosen in times:
            self.state["time_ok"] = True
            return None
        priced = await self.price() or ""
        self.slots.pop("time", None)
        text = replies.open_times(
            self.lang, found["date"], chosen, guests or 0, place or "", times, priced
        )
        actions = [{"type": "choose_time", "label": s, "action": f"reply:{s}"} for s in times]
        return self.reply(text, u, actions)

    async def draft_booking(self, u: Understanding) -> Reply:
        notes = []
        if self.slots.get("upgrades"):
            notes.append("Upgrades: " + ", ".join(self.slots["upgrades"]))
        if self.slots.get("dietary"):
            notes.append("Dietary: " + ", ".join(self.slots["dietary"]))
        guests, place = slots_of.guests(self.slots), slots_of.location(self.slots)
        form = {
            "name": self.slots.get("name"),
            "phone": self.slots.get("phone"),
            "email": self.slots.get("email"),
            "event_date": self.slots.get("date"),
            "event_time": self.slots.get("time"),
            "guest_count": guests,
            "event_type": self.slots.get("event_type") or "other",
            "location": place,
            "message": "; ".join(notes) or None,
            "preferred_language": self.lang if self.lang != "en" else None,
        }
        outcome = await self.tool("create_booking", {k: v for k, v in form.items() if v})
        if outcome.outcome != "draft":
            return self.reply(replies.could_not_prepare(self.lang, outcome.message), u)
        self.state["pending"] = {"token": outcome.confirmation_token, "tool": "create_booking"}
        summary = replies.booking_summary(
            self.lang, self.slots, guests or 0, place or "", self.state.get("quote")
        )
        return self.reply(
            replies.confirm_booking(self.lang, summary, self.context.channel),
            u,
            [replies.confirm_action(self.lang, outcome)],
        )

    async def check_code(self, u: Understanding, code: str) -> Reply:
        outcome = await self.tool("verify_code", {"code": code})
        if outcome.outcome != "ok" or not outcome.result.get("verified"):
            why = outcome.message or outcome.result.get("message", "")
            return self.reply(translate(why, self.lang), u)
        self.state["awaiting_code"] = False
        listed = await self.tool("find_my_booking", {})
        return self.reply(replies.verified(self.lang, replies.bookings_text(self.lang, listed)), u)

    async def own_booking(self, u: Understanding) -> Reply:
        ref = u.slots.get("reference_number") or self.state.get("booking_ref")
        if ref:
            self.state["booking_ref"] = ref
        if not may_touch_bookings(self.context):
            if not ref:
                return self.reply(replies.ask_reference(self.lang), u)
            outcome = await self.tool("request_code", {"reference_number": ref})
            self.state["awaiting_code"] = True
            return self.reply(translate(outcome.result.get("message") or PROVE_FIRST, self.lang), u)
        if ref is None:
            listed = await self.tool("find_my_booking", {})
            found = listed.result.get("bookings") or []
            text = replies.bookings_text(self.lang, listed)
            if len(found) == 1:
                ref = found[0]["reference_number"]
            elif u.intent == "booking_status" or not found:
                return self.reply(text, u)
            else:
                return self.reply(replies.which_booking(self.lang, text), u)
        return await self.act_on(u, str(ref))

    async def act_on(self, u: Understanding, ref: str) -> Reply:
        intent = u.intent
        if intent == "booking_status":
            listed = await self.tool("find_my_booking", {"reference_number": ref})
            return self.reply(replies.bookings_text(self.lang, listed), u)
        if intent == "cancel_booking":
            outcome = await self.tool("cancel_booking", {"booking": ref})
        elif intent == "reschedule_booking":
            if not u.slots.get("date"):
                return self.reply(replies.ask_new_date(self.lang), u)
            args = {"booking": ref, "event_date": u.slots["date"]}
            if u.slots.get("time"):
                args["event_time"] = u.slots["time"]
            outcome = await self.tool("reschedule_booking", args)
        elif intent == "modify_booking" and slots_of.guests(u.slots):
            outcome = await self.tool(
                "add_guests", {"booking": ref, "guest_count": slots_of.guests(u.slots)}
            )
        elif intent == "payment_question":
            outcome = await self.tool("send_deposit_link", {"booking": ref})
        elif intent == "update_contact":
            changes = {k: u.slots[k] for k in slots_of.CONTACT if u.slots.get(k)}
            if not changes:
                return self.reply(replies.ask_new_contact(self.lang), u)
            outcome = await self.tool("update_contact", changes)
        else:
            return self.reply(replies.ask_change(self.lang), u)
        if outcome.outcome != "draft":
            return self.reply(replies.could_not(self.lang, outcome.message), u)
        self.state["pending"] = {"token": outcome.confirmation_token, "tool": outcome.tool}
        return self.reply(
            replies.confirm_change(self.lang, outcome.message, self.context.channel),
            u,
            [replies.confirm_action(self.lang, outcome)],
        )

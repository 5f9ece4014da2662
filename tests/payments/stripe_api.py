"""Plays Stripe's API (docs.stripe.com/api) for the SDK to talk to: PaymentIntents, Refunds and
Checkout Sessions, form-encoded bodies with bracketed keys, `Authorization: Bearer sk_test_…`,
errors as {"error": {type, code, decline_code, message, param}} with the documented statuses,
the documented test payment methods and tokens, and Idempotency-Key replays.

`StripeApi` holds one test's account: what was created, and the answers kept per key.
"""

from __future__ import annotations

import copy
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl

from tests.messaging.providers.standin import Answer, Recorded, StandIn

API_KEY = "sk_test_51QxR9bLkdIwHu7ixTq0mZ8cN4vWf2hJ3kP6sY1aD5gE7rU9oB0lC"
WEBHOOK_SECRET = "whsec_5f3c1a9e8d7b6c5a4f3e2d1c0b9a8f7e"

# The test cards' outcomes, by payment method and by token (docs.stripe.com/testing).
_SUCCEEDS = {"pm_card_visa", "tok_visa", "pm_card_mastercard", "tok_mastercard"}
_DECLINES = {
    "pm_card_chargeDeclined": ("card_declined", "generic_decline", "Your card was declined."),
    "tok_chargeDeclined": ("card_declined", "generic_decline", "Your card was declined."),
    "pm_card_chargeDeclinedInsufficientFunds": (
        "card_declined",
        "insufficient_funds",
        "Your card has insufficient funds.",
    ),
    "tok_chargeDeclinedInsufficientFunds": (
        "card_declined",
        "insufficient_funds",
        "Your card has insufficient funds.",
    ),
}
_AUTHENTICATES = {"pm_card_authenticationRequired", "tok_authenticationRequired"}
_REFUND_REASONS = ("duplicate", "fraudulent", "requested_by_customer")


def ident(prefix: str, length: int = 24) -> str:
    return prefix + secrets.token_urlsafe(length)[:length].replace("-", "x").replace("_", "y")


def error(status: int, kind: str, message: str, *, code: str | None = None, **extra: Any) -> Answer:
    body: dict[str, Any] = {"type": kind, "message": message}
    if code:
        body["code"] = code
        body["doc_url"] = f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}"
    return Answer(status, {"error": body | extra}, {"Request-Id": ident("req_", 14)})


def server_error() -> Answer:
    return error(500, "api_error", "An unknown error occurred")


def rate_limited() -> Answer:
    return error(
        429,
        "invalid_request_error",
        "Request rate limit exceeded. Learn more about rate limits here "
        "https://stripe.com/docs/rate-limits.",
        code="rate_limit",
    )


def nested(form: list[tuple[str, str]]) -> dict[str, Any]:
    """`metadata[booking_id]=…`, `line_items[0][quantity]=1` as nested dicts (lists keyed "0")."""
    tree: dict[str, Any] = {}
    for key, value in form:
        *parents, leaf = re.findall(r"[^\[\]]+", key)
        node = tree
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return tree


@dataclass
class StripeApi:
    """The play: `StripeApi()` is the `Recorded -> Answer` a StandIn calls, one per test."""

    api_key: str = API_KEY
    intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunded: dict[str, int] = field(default_factory=dict)  # by payment intent
    kept: dict[str, tuple[str, dict[str, Any], Answer]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, request: Recorded) -> Answer:
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            shown = request.headers.get("authorization", "").removeprefix("Bearer ")
            return error(
                401, "invalid_request_error", f"Invalid API Key provided: {redacted(shown)}"
            )
        with self._lock:
            return self._answer(request)

    def _answer(self, request: Recorded) -> Answer:
        path = request.path.split("?", 1)[0]
        params = nested(parse_qsl(request.body.decode(), keep_blank_values=True))
        if request.method == "GET" and path == "/v1/payment_intents/search":
            return self._search_intents(request.path)
        if request.method == "GET" and (found := re.fullmatch(r"/v1/payment_intents/(\w+)", path)):
            intent = self.intents.get(found[1])
            if intent is None:
                return no_such("payment_intent", found[1], "intent", status=404)
            return ok(intent)
        if request.method == "GET" and (
            found := re.fullmatch(r"/v1/checkout/sessions/(\w+)", path)
        ):
            session = self.sessions.get(found[1])
            if session is None:
                return no_such("checkout.session", found[1], "session", status=404)
            return ok(_shown(session))
        if request.method == "POST" and (
            found := re.fullmatch(r"/v1/payment_intents/(\w+)/cancel", path)
        ):
            return self._cancel_intent(found[1])
        if request.method == "POST" and (
            found := re.fullmatch(r"/v1/checkout/sessions/(\w+)/expire", path)
        ):
            return self._expire_session(found[1])
        routes = {
            "/v1/payment_intents": self._create_intent,
            "/v1/refunds": self._create_refund,
            "/v1/checkout/sessions": self._create_session,
        }
        if request.method != "POST" or path not in routes:
            return error(
                404, "invalid_request_error", f"Unrecognized request URL ({request.method}: {path})"
            )
        key = request.headers.get("idempotency-key")
        if key and key in self.kept:
            endpoint, first_params, answer = self.kept[key]
            if (endpoint, first_params) != (path, params):
                return error(
                    400,
                    "idempotency_error",
                    "Keys for idempotent requests can only be used with the same parameters "
                    "they were first used with. Try using a key other than "
                    f"'{key}' if you meant to execute a different request.",
                )
            return Answer(
                answer.status, answer.body, answer.headers | {"Idempotent-Replayed": "true"}
            )
        answer = routes[path](params)
        if key and (answer.status < 400 or answer.status == 402):
            # Stripe keeps the answer as it was, whatever happens to the object later.
            self.kept[key] = (path, params, copy.deepcopy(answer))
        return answer

    def _create_intent(self, params: dict[str, Any]) -> Answer:
        if missing := required(params, "amount", "currency"):
            return missing
        amount = int(params["amount"])
        if amount < 50:
            return error(
                400,
                "invalid_request_error",
                "Amount must be at least $0.50 usd",
                code="amount_too_small",
                param="amount",
            )
        card = params.get("payment_method_data", {}).get("card", {}).get("token")
        method = params.get("payment_method") or card
        intent: dict[str, Any] = {
            "id": (id_ := ident("pi_")),
            "object": "payment_intent",
            "amount": amount,
            "amount_received": 0,
            "automatic_payment_methods": None,
            "capture_method": "automatic",
            "client_secret": f"{id_}_secret_{ident('', 25)}",
            "confirmation_method": "automatic",
            "created": int(time.time()),
            "currency": params["currency"],
            "description": params.get("description"),
            "last_payment_error": None,
            "latest_charge": None,
            "livemode": False,
            "metadata": params.get("metadata", {}),
            "next_action": None,
            "payment_method": None,
            "payment_method_types": ["card"],
            "receipt_email": params.get("receipt_email"),
            "status": "requires_payment_method",
        }
        if params.get("automatic_payment_methods", {}).get("enabled") == "true":
            intent["automatic_payment_methods"] = {"enabled": True, "allow_redirects": "always"}
        if params.get("confirm") != "true":
            self.intents[id_] = intent
            return ok(intent)
        if method is None:
            return error(
                400,
                "invalid_request_error",
                "You cannot confirm this PaymentIntent because it's missing a payment method.",
                code="payment_intent_unexpected_state",
            )
        if method not in _SUCCEEDS | _DECLINES.keys() | _AUTHENTICATES:
            return no_such("PaymentMethod", method, "payment_method")
        intent["payment_method"] = ident("pm_")
        if method in _DECLINES:
            code, decline_code, message = _DECLINES[method]
            charge = ident("ch_")
            last_error = {
                "type": "card_error",
                "code": code,
                "decline_code": decline_code,
                "message": message,
                "charge": charge,
                "doc_url": "https://stripe.com/docs/error-codes/card-declined",
            }
            intent |= {"last_payment_error": last_error, "latest_charge": charge}
            self.intents[id_] = intent
            return error(
                402,
                "card_error",
                message,
                code=code,
                decline_code=decline_code,
                charge=charge,
                payment_intent=intent,
            )
        if method in _AUTHENTICATES:
            intent |= {
                "status": "requires_action",
                "next_action": {
                    "type": "use_stripe_sdk",
                    "use_stripe_sdk": {"type": "three_d_secure_redirect", "stripe_js": ""},
                },
            }
        else:
            intent |= {
                "status": "succeeded",
                "amount_received": amount,
                "latest_charge": ident("ch_"),
            }
        self.intents[id_] = intent
        return ok(intent)

    def _create_refund(self, params: dict[str, Any]) -> Answer:
        if missing := required(params, "payment_intent"):
            return missing
        intent = self.intents.get(params["payment_intent"])
        if intent is None:
            return no_such("payment_intent", params["payment_intent"], "payment_intent")
        if intent["status"] != "succeeded":
            return error(
                400,
                "invalid_request_error",
                f"This PaymentIntent ({intent['id']}) does not have a successful charge to refund.",
                code="charge_not_refundable",
            )
        if params.get("reason") not in (None, *_REFUND_REASONS):
            return error(
                400,
                "invalid_request_error",
                "Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer",
                param="reason",
            )
        left = intent["amount_received"] - self.refunded.get(intent["id"], 0)
        amount = int(params.get("amount", left))
        if amount > left:
            return error(
                400,
                "invalid_request_error",
                f"Refund amount (${amount / 100:.2f}) is greater than unrefunded amount on "
                f"charge (${left / 100:.2f})",
                code="amount_too_large",
                param="amount",
            )
        self.refunded[intent["id"]] = self.refunded.get(intent["id"], 0) + amount
        refund = {
            "id": ident("re_"),
            "object": "refund",
            "amount": amount,
            "charge": intent["latest_charge"],
            "created": int(time.time()),
            "currency": intent["currency"],
            "metadata": params.get("metadata", {}),
            "payment_intent": intent["id"],
            "reason": params.get("reason"),
            "status": "succeeded",
        }
        self.refunds[refund["id"]] = refund
        return ok(refund)

    def customer_confirms(self, intent_id: str) -> dict[str, Any]:
        """What the checkout page (Stripe.js) does when the customer pays an intent with a good
        card: it succeeds. Returns the intent."""
        with self._lock:
            intent = self.intents[intent_id]
            if intent["status"] != "requires_payment_method":
                raise AssertionError(f"a {intent['status']} intent cannot be paid")
            intent |= {
                "status": "succeeded",
                "amount_received": intent["amount"],
                "latest_charge": ident("ch_"),
                "payment_method": ident("pm_"),
            }
            return copy.deepcopy(intent)

    def customer_pays(self, session_id: str) -> dict[str, Any]:
        """What the hosted page does when the customer pays: the session completes with a new
        succeeded intent carrying `payment_intent_data.metadata`. Returns the session as the
        `checkout.session.completed` event carries it."""
        with self._lock:
            session = self.sessions[session_id]
            if session["status"] != "open":
                raise AssertionError(f"the hosted page of an {session['status']} session is gone")
            intent_id = ident("pi_")
            self.intents[intent_id] = {
                "id": intent_id,
                "object": "payment_intent",
                "amount": session["amount_total"],
                "amount_received": session["amount_total"],
                "client_secret": f"{intent_id}_secret_{ident('', 25)}",
                "currency": session["currency"],
                "metadata": (session.get("payment_intent_data") or {}).get("metadata", {}),
                "status": "succeeded",
                "last_payment_error": None,
                "latest_charge": ident("ch_"),
            }
            session |= {"payment_intent": intent_id, "payment_status": "paid", "status": "complete"}
            return _shown(session)

    def _search_intents(self, full_path: str) -> Answer:
        """Only the query maitred sends: `metadata['payment_id']:'<id>'`."""
        query = dict(parse_qsl(full_path.split("?", 1)[1] if "?" in full_path else "")).get(
            "query", ""
        )
        wanted = re.fullmatch(r"metadata\['(\w+)'\]:'([^']*)'", query)
        if wanted is None:
            return error(400, "invalid_request_error", f"Invalid search query: {query}")
        found = [i for i in self.intents.values() if i["metadata"].get(wanted[1]) == wanted[2]]
        return ok(
            {
                "object": "search_result",
                "data": found,
                "has_more": False,
                "next_page": None,
                "url": "/v1/payment_intents/search",
            }
        )

    def _cancel_intent(self, intent_id: str) -> Answer:
        intent = self.intents.get(intent_id)
        if intent is None:
            return no_such("payment_intent", intent_id, "intent", status=404)
        if intent["status"] in ("succeeded", "canceled"):
            return error(
                400,
                "invalid_request_error",
                "You cannot cancel this PaymentIntent because it has a status of "
                f"{intent['status']}. Only a PaymentIntent with one of the following statuses "
                "may be canceled: requires_payment_method, requires_capture, "
                "requires_confirmation, requires_action, processing.",
                code="payment_intent_unexpected_state",
            )
        intent |= {"status": "canceled", "canceled_at": int(time.time())}
        return ok(intent)

    def _expire_session(self, session_id: str) -> Answer:
        session = self.sessions.get(session_id)
        if session is None:
            return no_such("checkout.session", session_id, "session", status=404)
        if session["status"] != "open":
            return error(
                400,
                "invalid_request_error",
                f'Only Checkout Sessions with a status in ["open"] can be expired. This '
                f'Checkout Session has a status of "{session["status"]}".',
                code="checkout_session_unexpected_state",
            )
        session |= {"status": "expired", "url": None}
        return ok(_shown(session))

    def _create_session(self, params: dict[str, Any]) -> Answer:
        if missing := required(params, "mode", "line_items"):
            return missing
        item = params["line_items"]["0"]
        price = item["price_data"]
        created = int(time.time())
        session = {
            "id": (id_ := ident("cs_test_", 58)),
            "object": "checkout.session",
            "amount_total": int(price["unit_amount"]) * int(item["quantity"]),
            "cancel_url": params.get("cancel_url"),
            "created": created,
            "currency": price["currency"],
            "customer_email": params.get("customer_email"),
            "expires_at": created + 24 * 3600,
            "livemode": False,
            "metadata": params.get("metadata", {}),
            "mode": params["mode"],
            "payment_intent": None,
            "payment_status": "unpaid",
            "status": "open",
            "success_url": params.get("success_url"),
            "url": f"https://checkout.stripe.com/c/pay/{id_}#fidkdWxOYHwnPyd1blpxYHZxWjA0",
        }
        self.sessions[id_] = session | {"payment_intent_data": params.get("payment_intent_data")}
        return ok(session)


def _shown(session: dict[str, Any]) -> dict[str, Any]:
    """A session as the API shows it (what it was created with for its intent stays ours)."""
    return {k: v for k, v in session.items() if k != "payment_intent_data"}


def redacted(key: str) -> str:
    return f"{key[:8]}{'*' * max(len(key) - 12, 4)}{key[-4:]}"


def ok(body: dict[str, Any]) -> Answer:
    return Answer(200, body, {"Request-Id": ident("req_", 14), "Stripe-Version": "2026-10-28"})


def no_such(kind: str, id_: str, param: str, *, status: int = 400) -> Answer:
    """404 for the object a URL names, 400 for one a parameter names."""
    return error(
        status,
        "invalid_request_error",
        f"No such {kind}: '{id_}'",
        code="resource_missing",
        param=param,
    )


def required(params: dict[str, Any], *names: str) -> Answer | None:
    for name in names:
        if name not in params:
            return error(
                400,
                "invalid_request_error",
                f"Missing required param: {name}.",
                code="parameter_missing",
                param=name,
            )
    return None


class StripeStandIn(StandIn):
    """A StandIn that also answers GET, which retrieving an intent is."""

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        handler = super()._handler()
        return type("Handler", (handler,), {"do_GET": handler.do_POST})  # type: ignore[attr-defined]

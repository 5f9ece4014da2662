"""Built-in wording of the receipts: a booking's payment received, and money given back. Each
ends with where the booking stands after it (paid, refunded, balance due); a cancelled booking
owes nothing, so it is never called "paid in full"."""

from maitred.notifications.defaults.booking import FACTS_HTML, FACTS_TEXT
from maitred.notifications.rendering import Source

# "deposit payment", "balance payment", or just "payment".
_PAID_FOR = (
    '{% if payment_purpose == "deposit" %}deposit {% elif payment_purpose == "balance" %}'
    "balance {% endif %}payment"
)

# Where the booking stands; the same lines end both receipts.
STANDING_TEXT = """\
{% if total_amount %}
Total: {{ total_amount }}
{% endif %}
{% if amount_paid %}
Paid: {{ amount_paid }}
{% endif %}
{% if amount_refunded %}
Refunded: {{ amount_refunded }}
{% endif %}
{% if balance_due %}
Balance due: {{ balance_due }}
{% elif status != "cancelled" %}
Your booking is paid in full.
{% endif %}
"""

STANDING_HTML = """\
<ul>
{% if total_amount %}<li>Total: {{ total_amount }}</li>{% endif %}
{% if amount_paid %}<li>Paid: {{ amount_paid }}</li>{% endif %}
{% if amount_refunded %}<li>Refunded: {{ amount_refunded }}</li>{% endif %}
{% if balance_due %}<li>Balance due: <strong>{{ balance_due }}</strong></li>
{% elif status != "cancelled" %}<li>Your booking is paid in full.</li>{% endif %}
</ul>
"""

PAYMENT_RECEIPT_EMAIL = Source(
    subject=(
        "Payment received: {{ payment_amount }}"
        "{% if reference_number %} for booking {{ reference_number }}{% endif %}"
    ),
    body_text="""\
Hi {{ customer_name }},

{{ business_name }} received your """
    + _PAID_FOR
    + """ of {{ payment_amount }}\
{% if payment_method %} ({{ payment_method }}){% endif %}\
{% if paid_on %} on {{ paid_on }}{% endif %}. Thank you!

"""
    + FACTS_TEXT
    + "\n"
    + STANDING_TEXT
    + """\

Please keep this message as your receipt.
{{ business_name }}
""",
    body_html="""\
<p>Hi {{ customer_name }},</p>
<p>{{ business_name }} received your """
    + _PAID_FOR
    + """ of <strong>{{ payment_amount }}</strong>\
{% if payment_method %} ({{ payment_method }}){% endif %}\
{% if paid_on %} on {{ paid_on }}{% endif %}. Thank you!</p>
"""
    + FACTS_HTML
    + STANDING_HTML
    + """\
<p>Please keep this message as your receipt.<br>{{ business_name }}</p>
""",
)

PAYMENT_RECEIPT_SMS = Source(
    subject="",
    body_text=(
        "{{ business_name }}: we received your " + _PAID_FOR + " of {{ payment_amount }}"
        "{% if reference_number %} for booking {{ reference_number }}{% endif %}."
        "{% if balance_due %} Balance due: {{ balance_due }}."
        '{% elif status != "cancelled" %} Your booking is paid in full.{% endif %} Thank you!'
    ),
    body_html=None,
)

REFUND_RECEIPT_EMAIL = Source(
    subject=(
        "Refund of {{ refund_amount }}"
        "{% if reference_number %} for booking {{ reference_number }}{% endif %}"
    ),
    body_text="""\
Hi {{ customer_name }},

{{ business_name }} refunded {{ refund_amount }} of your \
{% if payment_method %}{{ payment_method }} {% endif %}payment of {{ payment_amount }}\
{% if refunded_on %} on {{ refunded_on }}{% endif %}.
{% if payment_method == "card" %}
It may take 5 to 10 business days to show on your card statement.
{% endif %}
{% if refund_reason %}

Reason: {{ refund_reason }}
{% endif %}

"""
    + FACTS_TEXT
    + "\n"
    + STANDING_TEXT
    + """\

Please keep this message as your receipt.
{{ business_name }}
""",
    body_html="""\
<p>Hi {{ customer_name }},</p>
<p>{{ business_name }} refunded <strong>{{ refund_amount }}</strong> of your \
{% if payment_method %}{{ payment_method }} {% endif %}payment of {{ payment_amount }}\
{% if refunded_on %} on {{ refunded_on }}{% endif %}.
{% if payment_method == "card" %}
It may take 5 to 10 business days to show on your card statement.
{% endif %}
</p>
{% if refund_reason %}<p>Reason: {{ refund_reason }}</p>{% endif %}
"""
    + FACTS_HTML
    + STANDING_HTML
    + """\
<p>Please keep this message as your receipt.<br>{{ business_name }}</p>
""",
)

REFUND_RECEIPT_SMS = Source(
    subject="",
    body_text=(
        "{{ business_name }}: we refunded {{ refund_amount }}"
        "{% if reference_number %} for booking {{ reference_number }}{% endif %}"
        "{% if refund_reason %} ({{ refund_reason }}){% endif %}."
        "{% if balance_due %} Balance due: {{ balance_due }}.{% endif %}"
    ),
    body_html=None,
)

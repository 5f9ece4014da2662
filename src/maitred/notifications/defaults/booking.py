"""Built-in wording of the messages about a new or upcoming booking: the confirmation, the
deposit request and the reminder. Written for a caterer (a party of guests at a place) and for
a studio (a seat at an event) alike: `booking_kind` tells them apart. Optional facts sit in
`{% if %}`, so a message sent with partial data reads well."""

from maitred.notifications.rendering import Source

# The lines every booking message shows; the same for text and HTML, so they are written once.
FACTS_TEXT = """\
{% if reference_number %}
Reference: {{ reference_number }}
{% endif %}
{% if booking_kind == "seat" and event_title %}
Event: {{ event_title }}
{% endif %}
{% if event_date %}
Date: {{ event_date }}{% if event_time %} at {{ event_time }}{% endif %}

{% endif %}
{% if booking_kind != "seat" and guest_count %}
Guests: {{ guest_count }}
{% endif %}
{% if location %}
Location: {{ location }}
{% endif %}
"""

FACTS_HTML = """\
<ul>
{% if reference_number %}<li>Reference: <strong>{{ reference_number }}</strong></li>{% endif %}
{% if booking_kind == "seat" and event_title %}<li>Event: {{ event_title }}</li>{% endif %}
{% if event_date %}<li>Date: {{ event_date }}{% if event_time %} at {{ event_time }}{% endif %}\
</li>{% endif %}
{% if booking_kind != "seat" and guest_count %}<li>Guests: {{ guest_count }}</li>{% endif %}
{% if location %}<li>Location: {{ location }}</li>{% endif %}
</ul>
"""

BOOKING_CONFIRMATION_EMAIL = Source(
    subject=(
        '{% if status == "confirmed" %}Your booking is confirmed{% else %}'
        "We received your booking request{% endif %}"
        "{% if reference_number %} ({{ reference_number }}){% endif %}"
    ),
    body_text="""\
Hi {{ customer_name }},

{% if status == "confirmed" %}
Your booking with {{ business_name }} is confirmed.
{% else %}
Thank you for booking with {{ business_name }}! We will confirm your request shortly.
{% endif %}

"""
    + FACTS_TEXT
    + """\
{% if total_amount %}
Total: {{ total_amount }}
{% endif %}

We look forward to seeing you.
{{ business_name }}
""",
    body_html="""\
<p>Hi {{ customer_name }},</p>
{% if status == "confirmed" %}
<p>Your booking with {{ business_name }} is confirmed.</p>
{% else %}
<p>Thank you for booking with {{ business_name }}! We will confirm your request shortly.</p>
{% endif %}
"""
    + FACTS_HTML
    + """\
{% if total_amount %}<p>Total: {{ total_amount }}</p>{% endif %}
<p>We look forward to seeing you.<br>{{ business_name }}</p>
""",
)

BOOKING_CONFIRMATION_SMS = Source(
    subject="",
    body_text=(
        "{{ business_name }}: "
        '{% if status == "confirmed" %}your booking is confirmed{% else %}'
        "we received your booking request{% endif %}"
        "{% if reference_number %} ({{ reference_number }}){% endif %}"
        '{% if booking_kind == "seat" and event_title %} for {{ event_title }}{% endif %}'
        "{% if event_date %}, {{ event_date }}{% if event_time %} at {{ event_time }}"
        "{% endif %}{% endif %}"
        '{% if booking_kind != "seat" and guest_count %}, {{ guest_count }} guests{% endif %}.'
    ),
    body_html=None,
)

DEPOSIT_REQUEST_EMAIL = Source(
    subject=(
        "Deposit due for your booking{% if reference_number %} {{ reference_number }}{% endif %}"
    ),
    body_text="""\
Hi {{ customer_name }},

To secure your booking with {{ business_name }}, a deposit of {{ amount_due }} is due.
{% if payment_link %}
You can pay it online: {{ payment_link }}
{% endif %}

"""
    + FACTS_TEXT
    + """\
{% if total_amount %}
Total: {{ total_amount }}{% if deposit_amount %}, deposit {{ deposit_amount }}{% endif %}

{% endif %}

Reply to this message or call us if you have any questions.
{{ business_name }}
""",
    body_html="""\
<p>Hi {{ customer_name }},</p>
<p>To secure your booking with {{ business_name }}, a deposit of
<strong>{{ amount_due }}</strong> is due.</p>
{% if payment_link %}<p><a href="{{ payment_link }}">Pay the deposit online</a></p>{% endif %}
"""
    + FACTS_HTML
    + """\
{% if total_amount %}<p>Total: {{ total_amount }}{% if deposit_amount %}, deposit \
{{ deposit_amount }}{% endif %}</p>{% endif %}
<p>Reply to this message or call us if you have any questions.<br>{{ business_name }}</p>
""",
)

DEPOSIT_REQUEST_SMS = Source(
    subject="",
    body_text=(
        "{{ business_name }}: a deposit of {{ amount_due }} is due to secure your booking"
        "{% if reference_number %} {{ reference_number }}{% endif %}"
        "{% if event_date %} on {{ event_date }}{% endif %}."
        "{% if payment_link %} Pay online: {{ payment_link }}{% endif %} Questions? Just reply."
    ),
    body_html=None,
)

BOOKING_REMINDER_EMAIL = Source(
    subject=(
        "Reminder: "
        '{% if booking_kind == "seat" and event_title %}{{ event_title }}'
        "{% else %}your booking with {{ business_name }}{% endif %} {{ starts_in }}"
    ),
    body_text="""\
Hi {{ customer_name }},

A friendly reminder: your booking with {{ business_name }} is {{ starts_in }}.

"""
    + FACTS_TEXT
    + """\
{% if balance_due %}
Balance due: {{ balance_due }}
{% endif %}

See you soon!
{{ business_name }}
""",
    body_html="""\
<p>Hi {{ customer_name }},</p>
<p>A friendly reminder: your booking with {{ business_name }} is {{ starts_in }}.</p>
"""
    + FACTS_HTML
    + """\
{% if balance_due %}<p>Balance due: {{ balance_due }}</p>{% endif %}
<p>See you soon!<br>{{ business_name }}</p>
""",
)

BOOKING_REMINDER_SMS = Source(
    subject="",
    body_text=(
        "{{ business_name }} reminder: "
        '{% if booking_kind == "seat" and event_title %}{{ event_title }}'
        "{% else %}your booking{% endif %} is {{ starts_in }}"
        "{% if event_date %}, {{ event_date }}{% if event_time %} at {{ event_time }}"
        "{% endif %}{% endif %}"
        "{% if reference_number %} ({{ reference_number }}){% endif %}. See you soon!"
    ),
    body_html=None,
)

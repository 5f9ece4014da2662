"""Built-in wording of the notices about a booking that changed: cancelled, or confirmed after
it was requested (the other moves, completed and no-show, tell the customer nothing new)."""

from maitred.notifications.defaults.booking import FACTS_HTML, FACTS_TEXT
from maitred.notifications.rendering import Source

BOOKING_CANCELLED_EMAIL = Source(
    subject="Your booking{% if reference_number %} {{ reference_number }}{% endif %} is cancelled",
    body_text="""\
Hi {{ customer_name }},

Your booking with {{ business_name }}\
{% if event_date %} on {{ event_date }}{% if event_time %} at {{ event_time }}{% endif %}{% endif %}
{% if booking_kind == "seat" and event_title %} ({{ event_title }}){% endif %}
 has been cancelled.
{% if cancellation_reason %}

Reason: {{ cancellation_reason }}
{% endif %}
{% if reference_number %}

Reference: {{ reference_number }}
{% endif %}

If this is a surprise, or you would like to book another date, just reply to this message.
{{ business_name }}
""",
    body_html="""\
<p>Hi {{ customer_name }},</p>
<p>Your booking with {{ business_name }}\
{% if event_date %} on {{ event_date }}{% if event_time %} at {{ event_time }}{% endif %}{% endif %}
{% if booking_kind == "seat" and event_title %} ({{ event_title }}){% endif %}
 has been cancelled.</p>
{% if cancellation_reason %}<p>Reason: {{ cancellation_reason }}</p>{% endif %}
{% if reference_number %}<p>Reference: {{ reference_number }}</p>{% endif %}
<p>If this is a surprise, or you would like to book another date, just reply to this message.<br>
{{ business_name }}</p>
""",
)

BOOKING_CANCELLED_SMS = Source(
    subject="",
    body_text=(
        "{{ business_name }}: your booking"
        "{% if reference_number %} {{ reference_number }}{% endif %}"
        "{% if event_date %} on {{ event_date }}{% endif %} has been cancelled."
        " Questions or a new date? Just reply."
    ),
    body_html=None,
)

BOOKING_STATUS_CHANGED_EMAIL = Source(
    subject=(
        "Your booking{% if reference_number %} {{ reference_number }}{% endif %} is {{ status }}"
    ),
    body_text="""\
Hi {{ customer_name }},

{% if status == "confirmed" %}
Good news: {{ business_name }} has confirmed your booking.
{% else %}
Your booking with {{ business_name }} is now {{ status }}.
{% endif %}
{% if reason %}

{{ reason }}
{% endif %}

"""
    + FACTS_TEXT
    + """\

{{ business_name }}
""",
    body_html="""\
<p>Hi {{ customer_name }},</p>
{% if status == "confirmed" %}
<p>Good news: {{ business_name }} has confirmed your booking.</p>
{% else %}
<p>Your booking with {{ business_name }} is now {{ status }}.</p>
{% endif %}
{% if reason %}<p>{{ reason }}</p>{% endif %}
"""
    + FACTS_HTML
    + """\
<p>{{ business_name }}</p>
""",
)

BOOKING_STATUS_CHANGED_SMS = Source(
    subject="",
    body_text=(
        "{{ business_name }}: your booking"
        "{% if reference_number %} {{ reference_number }}{% endif %}"
        "{% if event_date %} on {{ event_date }}{% endif %} is {{ status }}."
    ),
    body_html=None,
)

"""Built-in wording of the messages to people who are not booked yet: a waitlist offer (their
date opened up) and the automatic answer to a new inquiry."""

from maitred.notifications.rendering import Source

WAITLIST_OFFER_EMAIL = Source(
    subject="Good news: {{ preferred_date }} is available",
    body_text="""\
Hi {{ customer_name }},

A spot has opened up with {{ business_name }} on {{ preferred_date }}, the date you were waiting
for. We are holding it for you{% if offer_expires_at %} until {{ offer_expires_at }}{% endif %}.

Reply to this message or call us to book it.
{{ business_name }}
""",
    body_html="""\
<p>Hi {{ customer_name }},</p>
<p>A spot has opened up with {{ business_name }} on <strong>{{ preferred_date }}</strong>, the
date you were waiting for. We are holding it for you\
{% if offer_expires_at %} until {{ offer_expires_at }}{% endif %}.</p>
<p>Reply to this message or call us to book it.<br>{{ business_name }}</p>
""",
)

WAITLIST_OFFER_SMS = Source(
    subject="",
    body_text=(
        "{{ business_name }}: {{ preferred_date }} is now available! We are holding it for you"
        "{% if offer_expires_at %} until {{ offer_expires_at }}{% endif %}. Reply to book."
    ),
    body_html=None,
)

LEAD_AUTO_REPLY_EMAIL = Source(
    subject="Thanks for reaching out to {{ business_name }}",
    body_text="""\
Hi {{ customer_name }},

Thank you for your inquiry! We have received your message and will get back to you\
{% if response_time %} within {{ response_time }}{% else %} shortly{% endif %}.

{{ business_name }}
""",
    body_html="""\
<p>Hi {{ customer_name }},</p>
<p>Thank you for your inquiry! We have received your message and will get back to you\
{% if response_time %} within {{ response_time }}{% else %} shortly{% endif %}.</p>
<p>{{ business_name }}</p>
""",
)

LEAD_AUTO_REPLY_SMS = Source(
    subject="",
    body_text=(
        "Hi {{ customer_name }}, thanks for contacting {{ business_name }}! We will get back to"
        " you{% if response_time %} within {{ response_time }}{% else %} shortly{% endif %}."
    ),
    body_html=None,
)

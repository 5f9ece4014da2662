"""A booking cancelled or moved to another status, in Spanish; the statuses worded as a
customer reads them."""

from maitred.notifications.defaults.spanish.booking import FACTS_HTML, FACTS_TEXT, email, sms

STATUS = (
    '{% if status == "confirmed" %}confirmada{% elif status == "pending" %}pendiente'
    '{% elif status == "cancelled" %}cancelada{% elif status == "completed" %}completada'
    "{% else %}{{ status }}{% endif %}"
)


BOOKING_CANCELLED = (
    email(
        "Su reserva{% if reference_number %} {{ reference_number }}{% endif %} está cancelada",
        """\
Hola, {{ customer_name }}:

Su reserva con {{ business_name }}\
{% if event_date %} del {{ event_date }}{% if event_time %}, a las {{ event_time }}{% endif %}\
{% endif %}
{% if booking_kind == "seat" and event_title %} ({{ event_title }}){% endif %}
 ha sido cancelada.
{% if cancellation_reason %}

Motivo: {{ cancellation_reason }}
{% endif %}
{% if reference_number %}

Referencia: {{ reference_number }}
{% endif %}

Si no lo esperaba, o si desea reservar otra fecha, responda a este mensaje.
{{ business_name }}
""",
        """\
<p>Hola, {{ customer_name }}:</p>
<p>Su reserva con {{ business_name }}\
{% if event_date %} del {{ event_date }}{% if event_time %}, a las {{ event_time }}{% endif %}\
{% endif %}
{% if booking_kind == "seat" and event_title %} ({{ event_title }}){% endif %}
 ha sido cancelada.</p>
{% if cancellation_reason %}<p>Motivo: {{ cancellation_reason }}</p>{% endif %}
{% if reference_number %}<p>Referencia: {{ reference_number }}</p>{% endif %}
<p>Si no lo esperaba, o si desea reservar otra fecha, responda a este mensaje.<br>
{{ business_name }}</p>
""",
    ),
    sms(
        "{{ business_name }}: su reserva"
        "{% if reference_number %} {{ reference_number }}{% endif %}"
        "{% if event_date %} del {{ event_date }}{% endif %} ha sido cancelada."
        " ¿Preguntas u otra fecha? Responda a este mensaje."
    ),
)


BOOKING_STATUS_CHANGED = (
    email(
        "Su reserva{% if reference_number %} {{ reference_number }}{% endif %} está " + STATUS,
        """\
Hola, {{ customer_name }}:

{% if status == "confirmed" %}
Buenas noticias: {{ business_name }} ha confirmado su reserva.
{% else %}
Su reserva con {{ business_name }} está ahora """
        + STATUS
        + """.
{% endif %}
{% if reason %}

{{ reason }}
{% endif %}

"""
        + FACTS_TEXT
        + """\

{{ business_name }}
""",
        """\
<p>Hola, {{ customer_name }}:</p>
{% if status == "confirmed" %}
<p>Buenas noticias: {{ business_name }} ha confirmado su reserva.</p>
{% else %}
<p>Su reserva con {{ business_name }} está ahora """
        + STATUS
        + """.</p>
{% endif %}
{% if reason %}<p>{{ reason }}</p>{% endif %}
"""
        + FACTS_HTML
        + """\
<p>{{ business_name }}</p>
""",
    ),
    sms(
        "{{ business_name }}: su reserva"
        "{% if reference_number %} {{ reference_number }}{% endif %}"
        "{% if event_date %} del {{ event_date }}{% endif %} está " + STATUS + "."
    ),
)

"""The booking's own notices in Spanish (confirmation, deposit request, reminder), and the
facts block and message shapes the other Spanish notices share."""

from maitred.notifications.rendering import Source

FACTS_TEXT = """\
{% if reference_number %}
Referencia: {{ reference_number }}
{% endif %}
{% if booking_kind == "seat" and event_title %}
Evento: {{ event_title }}
{% endif %}
{% if event_date %}
Fecha: {{ event_date }}{% if event_time %}, a las {{ event_time }}{% endif %}

{% endif %}
{% if booking_kind != "seat" and guest_count %}
Invitados: {{ guest_count }}
{% endif %}
{% if location %}
Lugar: {{ location }}
{% endif %}
"""


FACTS_HTML = """\
<ul>
{% if reference_number %}<li>Referencia: <strong>{{ reference_number }}</strong></li>{% endif %}
{% if booking_kind == "seat" and event_title %}<li>Evento: {{ event_title }}</li>{% endif %}
{% if event_date %}<li>Fecha: {{ event_date }}{% if event_time %}, a las {{ event_time }}\
{% endif %}</li>{% endif %}
{% if booking_kind != "seat" and guest_count %}<li>Invitados: {{ guest_count }}</li>{% endif %}
{% if location %}<li>Lugar: {{ location }}</li>{% endif %}
</ul>
"""


def email(subject: str, text: str, html: str) -> Source:
    return Source(subject=subject, body_text=text, body_html=html)


def sms(text: str) -> Source:
    return Source(subject="", body_text=text, body_html=None)


BOOKING_CONFIRMATION = (
    email(
        '{% if status == "confirmed" %}Su reserva está confirmada{% else %}'
        "Hemos recibido su solicitud de reserva{% endif %}"
        "{% if reference_number %} ({{ reference_number }}){% endif %}",
        """\
Hola, {{ customer_name }}:

{% if status == "confirmed" %}
Su reserva con {{ business_name }} está confirmada.
{% else %}
¡Gracias por reservar con {{ business_name }}! Confirmaremos su solicitud en breve.
{% endif %}

"""
        + FACTS_TEXT
        + """\
{% if total_amount %}
Total: {{ total_amount }}
{% endif %}

Le esperamos con mucho gusto.
{{ business_name }}
""",
        """\
<p>Hola, {{ customer_name }}:</p>
{% if status == "confirmed" %}
<p>Su reserva con {{ business_name }} está confirmada.</p>
{% else %}
<p>¡Gracias por reservar con {{ business_name }}! Confirmaremos su solicitud en breve.</p>
{% endif %}
"""
        + FACTS_HTML
        + """\
{% if total_amount %}<p>Total: {{ total_amount }}</p>{% endif %}
<p>Le esperamos con mucho gusto.<br>{{ business_name }}</p>
""",
    ),
    sms(
        "{{ business_name }}: "
        '{% if status == "confirmed" %}su reserva está confirmada{% else %}'
        "hemos recibido su solicitud de reserva{% endif %}"
        "{% if reference_number %} ({{ reference_number }}){% endif %}"
        '{% if booking_kind == "seat" and event_title %} para {{ event_title }}{% endif %}'
        "{% if event_date %}, {{ event_date }}{% if event_time %}, a las {{ event_time }}"
        "{% endif %}{% endif %}"
        '{% if booking_kind != "seat" and guest_count %}, {{ guest_count }} invitados{% endif %}.'
    ),
)


DEPOSIT_REQUEST = (
    email(
        "Depósito pendiente de su reserva{% if reference_number %} {{ reference_number }}"
        "{% endif %}",
        """\
Hola, {{ customer_name }}:

Para asegurar su reserva con {{ business_name }}, queda pendiente un depósito de {{ amount_due }}.
{% if payment_link %}
Puede pagarlo en línea: {{ payment_link }}
{% endif %}

"""
        + FACTS_TEXT
        + """\
{% if total_amount %}
Total: {{ total_amount }}{% if deposit_amount %}, depósito {{ deposit_amount }}{% endif %}

{% endif %}

Responda a este mensaje o llámenos si tiene cualquier pregunta.
{{ business_name }}
""",
        """\
<p>Hola, {{ customer_name }}:</p>
<p>Para asegurar su reserva con {{ business_name }}, queda pendiente un depósito de
<strong>{{ amount_due }}</strong>.</p>
{% if payment_link %}<p><a href="{{ payment_link }}">Pagar el depósito en línea</a></p>{% endif %}
"""
        + FACTS_HTML
        + """\
{% if total_amount %}<p>Total: {{ total_amount }}{% if deposit_amount %}, depósito \
{{ deposit_amount }}{% endif %}</p>{% endif %}
<p>Responda a este mensaje o llámenos si tiene cualquier pregunta.<br>{{ business_name }}</p>
""",
    ),
    sms(
        "{{ business_name }}: queda pendiente un depósito de {{ amount_due }} para asegurar su"
        " reserva{% if reference_number %} {{ reference_number }}{% endif %}"
        "{% if event_date %} del {{ event_date }}{% endif %}."
        "{% if payment_link %} Pague en línea: {{ payment_link }}{% endif %}"
        " ¿Preguntas? Responda a este mensaje."
    ),
)


BOOKING_REMINDER = (
    email(
        "Recordatorio: "
        '{% if booking_kind == "seat" and event_title %}{{ event_title }}'
        "{% else %}su reserva con {{ business_name }}{% endif %} {{ starts_in }}",
        """\
Hola, {{ customer_name }}:

Un recordatorio: su reserva con {{ business_name }} es {{ starts_in }}.

"""
        + FACTS_TEXT
        + """\
{% if balance_due %}
Saldo pendiente: {{ balance_due }}
{% endif %}

¡Hasta pronto!
{{ business_name }}
""",
        """\
<p>Hola, {{ customer_name }}:</p>
<p>Un recordatorio: su reserva con {{ business_name }} es {{ starts_in }}.</p>
"""
        + FACTS_HTML
        + """\
{% if balance_due %}<p>Saldo pendiente: {{ balance_due }}</p>{% endif %}
<p>¡Hasta pronto!<br>{{ business_name }}</p>
""",
    ),
    sms(
        "Recordatorio de {{ business_name }}: "
        '{% if booking_kind == "seat" and event_title %}{{ event_title }}'
        "{% else %}su reserva{% endif %} es {{ starts_in }}"
        "{% if event_date %}, {{ event_date }}{% if event_time %}, a las {{ event_time }}"
        "{% endif %}{% endif %}"
        "{% if reference_number %} ({{ reference_number }}){% endif %}. ¡Hasta pronto!"
    ),
)

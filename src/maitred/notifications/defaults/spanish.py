"""Built-in Spanish wording of every notification: the same facts and conditions as the English
defaults (booking.py, changes.py, outreach.py, payments.py), written for a customer who reads
Spanish. Dates and times arrive already formatted in Spanish (notifications/facts.py); the
machine values the English wording shows as they are (a status, a payment method) are worded
here."""

from maitred.notifications.rendering import Source

_STATUS = (
    '{% if status == "confirmed" %}confirmada{% elif status == "pending" %}pendiente'
    '{% elif status == "cancelled" %}cancelada{% elif status == "completed" %}completada'
    "{% else %}{{ status }}{% endif %}"
)
_METHOD = (
    '{% if payment_method == "card" %}tarjeta{% elif payment_method == "cash" %}efectivo'
    '{% elif payment_method == "check" %}cheque{% elif payment_method == "bank_transfer" %}'
    "transferencia{% else %}{{ payment_method }}{% endif %}"
)
_PAID_FOR = (
    '{% if payment_purpose == "deposit" %}pago del depósito{% elif payment_purpose == "balance" %}'
    "pago del saldo{% else %}pago{% endif %}"
)

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

STANDING_TEXT = """\
{% if total_amount %}
Total: {{ total_amount }}
{% endif %}
{% if amount_paid %}
Pagado: {{ amount_paid }}
{% endif %}
{% if amount_refunded %}
Reembolsado: {{ amount_refunded }}
{% endif %}
{% if balance_due %}
Saldo pendiente: {{ balance_due }}
{% elif status != "cancelled" %}
Su reserva está pagada por completo.
{% endif %}
"""

STANDING_HTML = """\
<ul>
{% if total_amount %}<li>Total: {{ total_amount }}</li>{% endif %}
{% if amount_paid %}<li>Pagado: {{ amount_paid }}</li>{% endif %}
{% if amount_refunded %}<li>Reembolsado: {{ amount_refunded }}</li>{% endif %}
{% if balance_due %}<li>Saldo pendiente: <strong>{{ balance_due }}</strong></li>
{% elif status != "cancelled" %}<li>Su reserva está pagada por completo.</li>{% endif %}
</ul>
"""


def _email(subject: str, text: str, html: str) -> Source:
    return Source(subject=subject, body_text=text, body_html=html)


def _sms(text: str) -> Source:
    return Source(subject="", body_text=text, body_html=None)


BOOKING_CONFIRMATION = (
    _email(
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
    _sms(
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
    _email(
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
    _sms(
        "{{ business_name }}: queda pendiente un depósito de {{ amount_due }} para asegurar su"
        " reserva{% if reference_number %} {{ reference_number }}{% endif %}"
        "{% if event_date %} del {{ event_date }}{% endif %}."
        "{% if payment_link %} Pague en línea: {{ payment_link }}{% endif %}"
        " ¿Preguntas? Responda a este mensaje."
    ),
)

BOOKING_REMINDER = (
    _email(
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
    _sms(
        "Recordatorio de {{ business_name }}: "
        '{% if booking_kind == "seat" and event_title %}{{ event_title }}'
        "{% else %}su reserva{% endif %} es {{ starts_in }}"
        "{% if event_date %}, {{ event_date }}{% if event_time %}, a las {{ event_time }}"
        "{% endif %}{% endif %}"
        "{% if reference_number %} ({{ reference_number }}){% endif %}. ¡Hasta pronto!"
    ),
)

BOOKING_CANCELLED = (
    _email(
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
    _sms(
        "{{ business_name }}: su reserva"
        "{% if reference_number %} {{ reference_number }}{% endif %}"
        "{% if event_date %} del {{ event_date }}{% endif %} ha sido cancelada."
        " ¿Preguntas u otra fecha? Responda a este mensaje."
    ),
)

BOOKING_STATUS_CHANGED = (
    _email(
        "Su reserva{% if reference_number %} {{ reference_number }}{% endif %} está " + _STATUS,
        """\
Hola, {{ customer_name }}:

{% if status == "confirmed" %}
Buenas noticias: {{ business_name }} ha confirmado su reserva.
{% else %}
Su reserva con {{ business_name }} está ahora """
        + _STATUS
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
        + _STATUS
        + """.</p>
{% endif %}
{% if reason %}<p>{{ reason }}</p>{% endif %}
"""
        + FACTS_HTML
        + """\
<p>{{ business_name }}</p>
""",
    ),
    _sms(
        "{{ business_name }}: su reserva"
        "{% if reference_number %} {{ reference_number }}{% endif %}"
        "{% if event_date %} del {{ event_date }}{% endif %} está " + _STATUS + "."
    ),
)

PAYMENT_RECEIPT = (
    _email(
        "Pago recibido: {{ payment_amount }}"
        "{% if reference_number %} de la reserva {{ reference_number }}{% endif %}",
        """\
Hola, {{ customer_name }}:

{{ business_name }} ha recibido su """
        + _PAID_FOR
        + """ de {{ payment_amount }}\
{% if payment_method %} ("""
        + _METHOD
        + """){% endif %}\
{% if paid_on %} el {{ paid_on }}{% endif %}. ¡Gracias!

"""
        + FACTS_TEXT
        + "\n"
        + STANDING_TEXT
        + """\

Conserve este mensaje como recibo.
{{ business_name }}
""",
        """\
<p>Hola, {{ customer_name }}:</p>
<p>{{ business_name }} ha recibido su """
        + _PAID_FOR
        + """ de <strong>{{ payment_amount }}</strong>\
{% if payment_method %} ("""
        + _METHOD
        + """){% endif %}\
{% if paid_on %} el {{ paid_on }}{% endif %}. ¡Gracias!</p>
"""
        + FACTS_HTML
        + STANDING_HTML
        + """\
<p>Conserve este mensaje como recibo.<br>{{ business_name }}</p>
""",
    ),
    _sms(
        "{{ business_name }}: hemos recibido su " + _PAID_FOR + " de {{ payment_amount }}"
        "{% if reference_number %} de la reserva {{ reference_number }}{% endif %}."
        "{% if balance_due %} Saldo pendiente: {{ balance_due }}."
        '{% elif status != "cancelled" %} Su reserva está pagada por completo.{% endif %}'
        " ¡Gracias!"
    ),
)

REFUND_RECEIPT = (
    _email(
        "Reembolso de {{ refund_amount }}"
        "{% if reference_number %} de la reserva {{ reference_number }}{% endif %}",
        """\
Hola, {{ customer_name }}:

{{ business_name }} le ha reembolsado {{ refund_amount }} de su pago\
{% if payment_method %} con """
        + _METHOD
        + """{% endif %} de {{ payment_amount }}\
{% if refunded_on %} el {{ refunded_on }}{% endif %}.
{% if payment_method == "card" %}
Puede tardar de 5 a 10 días hábiles en aparecer en el extracto de su tarjeta.
{% endif %}
{% if refund_reason %}

Motivo: {{ refund_reason }}
{% endif %}

"""
        + FACTS_TEXT
        + "\n"
        + STANDING_TEXT
        + """\

Conserve este mensaje como recibo.
{{ business_name }}
""",
        """\
<p>Hola, {{ customer_name }}:</p>
<p>{{ business_name }} le ha reembolsado <strong>{{ refund_amount }}</strong> de su pago\
{% if payment_method %} con """
        + _METHOD
        + """{% endif %} de {{ payment_amount }}\
{% if refunded_on %} el {{ refunded_on }}{% endif %}.
{% if payment_method == "card" %}
Puede tardar de 5 a 10 días hábiles en aparecer en el extracto de su tarjeta.
{% endif %}
</p>
{% if refund_reason %}<p>Motivo: {{ refund_reason }}</p>{% endif %}
"""
        + FACTS_HTML
        + STANDING_HTML
        + """\
<p>Conserve este mensaje como recibo.<br>{{ business_name }}</p>
""",
    ),
    _sms(
        "{{ business_name }}: le hemos reembolsado {{ refund_amount }}"
        "{% if reference_number %} de la reserva {{ reference_number }}{% endif %}"
        "{% if refund_reason %} ({{ refund_reason }}){% endif %}."
        "{% if balance_due %} Saldo pendiente: {{ balance_due }}.{% endif %}"
    ),
)

WAITLIST_OFFER = (
    _email(
        "Buenas noticias: el {{ preferred_date }} está disponible",
        """\
Hola, {{ customer_name }}:

Se ha liberado una plaza con {{ business_name }} el {{ preferred_date }}, la fecha que esperaba.
Se la guardamos{% if offer_expires_at %} hasta el {{ offer_expires_at }}{% endif %}.

Responda a este mensaje o llámenos para reservarla.
{{ business_name }}
""",
        """\
<p>Hola, {{ customer_name }}:</p>
<p>Se ha liberado una plaza con {{ business_name }} el <strong>{{ preferred_date }}</strong>,
la fecha que esperaba. Se la guardamos\
{% if offer_expires_at %} hasta el {{ offer_expires_at }}{% endif %}.</p>
<p>Responda a este mensaje o llámenos para reservarla.<br>{{ business_name }}</p>
""",
    ),
    _sms(
        "{{ business_name }}: ¡el {{ preferred_date }} ya está disponible! Se lo guardamos"
        "{% if offer_expires_at %} hasta el {{ offer_expires_at }}{% endif %}."
        " Responda para reservar."
    ),
)

LEAD_AUTO_REPLY = (
    _email(
        "Gracias por contactar con {{ business_name }}",
        """\
Hola, {{ customer_name }}:

¡Gracias por su consulta! Hemos recibido su mensaje y le responderemos\
{% if response_time %} en un plazo de {{ response_time }}{% else %} en breve{% endif %}.

{{ business_name }}
""",
        """\
<p>Hola, {{ customer_name }}:</p>
<p>¡Gracias por su consulta! Hemos recibido su mensaje y le responderemos\
{% if response_time %} en un plazo de {{ response_time }}{% else %} en breve{% endif %}.</p>
<p>{{ business_name }}</p>
""",
    ),
    _sms(
        "Hola, {{ customer_name }}: ¡gracias por contactar con {{ business_name }}! Le"
        " responderemos{% if response_time %} en un plazo de {{ response_time }}"
        "{% else %} en breve{% endif %}."
    ),
)

SPANISH: dict[str, tuple[Source, Source]] = {
    "booking_confirmation": BOOKING_CONFIRMATION,
    "deposit_request": DEPOSIT_REQUEST,
    "booking_reminder": BOOKING_REMINDER,
    "booking_cancelled": BOOKING_CANCELLED,
    "booking_status_changed": BOOKING_STATUS_CHANGED,
    "payment_receipt": PAYMENT_RECEIPT,
    "refund_receipt": REFUND_RECEIPT,
    "waitlist_offer": WAITLIST_OFFER,
    "lead_auto_reply": LEAD_AUTO_REPLY,
}

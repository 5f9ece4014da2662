"""Payment and refund receipts in Spanish, with the booking's standing after the money moved;
the payment methods and purposes worded as a customer reads them."""

from maitred.notifications.defaults.spanish.booking import FACTS_HTML, FACTS_TEXT, email, sms

METHOD = (
    '{% if payment_method == "card" %}tarjeta{% elif payment_method == "cash" %}efectivo'
    '{% elif payment_method == "check" %}cheque{% elif payment_method == "bank_transfer" %}'
    "transferencia{% else %}{{ payment_method }}{% endif %}"
)


PAID_FOR = (
    '{% if payment_purpose == "deposit" %}pago del depósito{% elif payment_purpose == "balance" %}'
    "pago del saldo{% else %}pago{% endif %}"
)


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


PAYMENT_RECEIPT = (
    email(
        "Pago recibido: {{ payment_amount }}"
        "{% if reference_number %} de la reserva {{ reference_number }}{% endif %}",
        """\
Hola, {{ customer_name }}:

{{ business_name }} ha recibido su """
        + PAID_FOR
        + """ de {{ payment_amount }}\
{% if payment_method %} ("""
        + METHOD
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
        + PAID_FOR
        + """ de <strong>{{ payment_amount }}</strong>\
{% if payment_method %} ("""
        + METHOD
        + """){% endif %}\
{% if paid_on %} el {{ paid_on }}{% endif %}. ¡Gracias!</p>
"""
        + FACTS_HTML
        + STANDING_HTML
        + """\
<p>Conserve este mensaje como recibo.<br>{{ business_name }}</p>
""",
    ),
    sms(
        "{{ business_name }}: hemos recibido su " + PAID_FOR + " de {{ payment_amount }}"
        "{% if reference_number %} de la reserva {{ reference_number }}{% endif %}."
        "{% if balance_due %} Saldo pendiente: {{ balance_due }}."
        '{% elif status != "cancelled" %} Su reserva está pagada por completo.{% endif %}'
        " ¡Gracias!"
    ),
)


REFUND_RECEIPT = (
    email(
        "Reembolso de {{ refund_amount }}"
        "{% if reference_number %} de la reserva {{ reference_number }}{% endif %}",
        """\
Hola, {{ customer_name }}:

{{ business_name }} le ha reembolsado {{ refund_amount }} de su pago\
{% if payment_method %} con """
        + METHOD
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
        + METHOD
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
    sms(
        "{{ business_name }}: le hemos reembolsado {{ refund_amount }}"
        "{% if reference_number %} de la reserva {{ reference_number }}{% endif %}"
        "{% if refund_reason %} ({{ refund_reason }}){% endif %}."
        "{% if balance_due %} Saldo pendiente: {{ balance_due }}.{% endif %}"
    ),
)

"""Notices to people who have no booking yet, in Spanish: a waitlist seat offered, a lead's
automatic reply."""

from maitred.notifications.defaults.spanish.booking import email, sms

WAITLIST_OFFER = (
    email(
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
    sms(
        "{{ business_name }}: ¡el {{ preferred_date }} ya está disponible! Se lo guardamos"
        "{% if offer_expires_at %} hasta el {{ offer_expires_at }}{% endif %}."
        " Responda para reservar."
    ),
)


LEAD_AUTO_REPLY = (
    email(
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
    sms(
        "Hola, {{ customer_name }}: ¡gracias por contactar con {{ business_name }}! Le"
        " responderemos{% if response_time %} en un plazo de {{ response_time }}"
        "{% else %} en breve{% endif %}."
    ),
)

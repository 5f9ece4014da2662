"""The public booking page (`/book/{organization}`): mobile first, no sign-in, the API's rules.

router.py: date -> free slots (and the next free dates when full) -> guests, children, menu and
upgrades with a live quote -> contact -> request -> a confirmation with the reference number
and, when the business takes cards, the deposit link (catering.py reads the form into the API's
`PublicBookingRequest`). events.py: a studio's events, a seat, the waitlist when full. leads.py:
the question form. embed.py: the iframe and overlay snippets and `/book/embed.js`. common.py:
the cookie-less form token (form_token.py), `frame-ancestors` from the business's
`booking_page.allowed_origins`, and the API's messages in the visitor's language. Every page
calls the same services as `/api/v1/public/...`."""

"""The public booking page (`/book/{organization}`): mobile first, no sign-in, the API's rules.

date -> free slots (and alternatives when full) -> party and live estimate -> contact ->
request -> a confirmation with the reference number and, when the business takes cards, the
deposit link. It calls the same services as `/api/v1/public/...`."""

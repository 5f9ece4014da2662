import json
from tests.payments.given import given_pending_booking, booking_of

async def test_scratch(client, database):
    book, manager, booking = await given_pending_booking(client, database)
    print(json.dumps(booking, indent=1))
    r = await client.post("/api/v1/payments/process", json={"booking_id": booking["id"], "amount": 100, "payment_method": "cash"}, headers=manager.headers)
    print(r.status_code, json.dumps(r.json(), indent=1))
    print(json.dumps(await booking_of(client, manager, booking["id"]), indent=1))

from tests.bookings.given import given_book, given_customer, seed_001_form, staff_of
from tests.dashboard.given import signed_in_page
from tests.factories import given_user


async def test_smoke(client, database):
    book = await given_book(database)
    staff = await staff_of(client, database, book)
    customer = await given_customer(database, book)
    made = await client.post("/api/v1/bookings", json=seed_001_form(customer, book, status="pending"), headers=staff.headers)
    assert made.status_code == 201, made.text
    admin = await given_user(database, book.organization, "admin")
    await signed_in_page(client, admin.email)
    for path in ["/app", "/app/bookings", f"/app/bookings/{made.json()['id']}", f"/book/{book.organization.slug}",
                 f"/book/{book.organization.slug}/slots?event_date={made.json()['event_date']}&guest_count=10"]:
        r = await client.get(path)
        print(path, r.status_code)
        assert r.status_code == 200, r.text[-3000:]
    r = await client.get("/")
    assert r.status_code == 303 and r.headers["location"] == "/app"

"""Made-up people of the Sacramento area, the same on every run.

Phone numbers are from the 555-0100..0199 range set aside for fiction, and emails are at the
example domains (RFC 2606), so no real person is ever texted or mailed by a demo.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _words(
    "Olivia Liam Emma Noah Ava Mateo Sophia Ethan Isabella Lucas Mia Daniel Amelia Henry "
    "Harper Jackson Evelyn Sebastian Abigail Aiden Emily Gabriel Ella Julian Elizabeth Wyatt "
    "Camila Leo Luna Owen Sofia Ezra Avery Isaac Mila Levi Aria Samuel Scarlett Adrian "
    "Priya Arjun Mei Wei Hana Kenji Yuki Hiro Ananya Rohan Maria Jose Lupe Carlos Fatima "
    "Omar Nadia Tariq Grace David Chloe Ryan Nora Tyler Zoe Marcus Jasmine Andre Keisha Tuan Linh"
)
LAST_NAMES = _words(
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez "
    "Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson "
    "White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott "
    "Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter "
    "Roberts Patel Singh Chen Wang Kim Park Tanaka Sato Yamamoto Nakamura Tran Pham Vang "
    "Xiong Lor Gupta Shah Ali Khan Okafor Mensah Silva Costa Reyes Cruz"
)
DOMAINS = ("example.com", "example.net", "example.org")

# The service area (seed 000's cities): each city with zip codes and streets in it.
SERVICE_AREA: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Sacramento": (
        ("95814", "95816", "95818", "95819", "95822", "95825", "95831", "95864"),
        (
            "Capitol Mall",
            "J St",
            "Folsom Blvd",
            "Land Park Dr",
            "Freeport Blvd",
            "H St",
            "Fair Oaks Blvd",
            "Riverside Blvd",
            "Del Paso Blvd",
            "Alhambra Blvd",
            "T St",
        ),
    ),
    "Folsom": (
        ("95630",),
        ("Sutter St", "Blue Ravine Rd", "Natoma St", "Iron Point Rd", "Riley St", "Oak Ave Pkwy"),
    ),
    "Roseville": (
        ("95661", "95678", "95747"),
        ("Vernon St", "Douglas Blvd", "Pleasant Grove Blvd", "Sierra College Blvd", "Cirby Way"),
    ),
}
CITIES = tuple(SERVICE_AREA)
CITY_WEIGHTS = (6, 2, 3)
# Further out, where travel past the free miles is charged: lake houses, wineries, cabins.
VENUES = (
    ("Auburn", "95603", "Lincoln Way"),
    ("Placerville", "95667", "Main St"),
    ("Lincoln", "95648", "McBean Park Dr"),
)
DIETARY = (
    ("vegetarian",),
    ("gluten-free",),
    ("shellfish allergy",),
    ("no pork",),
    ("vegan",),
    ("nut allergy",),
    ("dairy-free",),
    ("vegetarian", "gluten-free"),
)


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    phone: str
    address: dict[str, str] = field(default_factory=dict)
    dietary_restrictions: tuple[str, ...] = ()
    preferred_contact: str = "email"

    @property
    def first_name(self) -> str:
        return self.name.split()[0]

    def fields(self) -> dict[str, Any]:
        """As the customers service takes a new customer."""
        return {
            "name": self.name,
            "email": self.email,
            "phone": self.phone,
            "address": dict(self.address),
            "dietary_restrictions": list(self.dietary_restrictions),
            "preferred_contact": self.preferred_contact,
        }


def fictional_phone(area_code: int, number: int) -> str:
    """(916) 555-0100 .. (916) 555-0199."""
    if not 0 <= number <= 99:
        raise ValueError("the fictional range holds 100 numbers per area code")
    return f"({area_code}) 555-01{number:02d}"


def address(rng: random.Random) -> dict[str, str]:
    city = rng.choices(CITIES, weights=CITY_WEIGHTS)[0]
    zip_codes, streets = SERVICE_AREA[city]
    return {
        "street": f"{rng.randint(100, 9899)} {rng.choice(streets)}",
        "city": city,
        "state": "CA",
        "zip_code": rng.choice(zip_codes),
    }


def venue(rng: random.Random) -> dict[str, str]:
    city, zip_code, street = rng.choice(VENUES)
    return {
        "address": f"{rng.randint(100, 9899)} {street}",
        "city": city,
        "state": "CA",
        "zip_code": zip_code,
    }


def people(rng: random.Random, area_codes: tuple[int, ...], taken: set[str]) -> list[Person]:
    """100 people per area code, with names and emails not in `taken` (which grows)."""
    found: list[Person] = []
    for area_code in area_codes:
        for number in range(100):
            while True:
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                if f"{first} {last}" not in taken:
                    break
            taken.add(f"{first} {last}")
            email = f"{first}.{last}@{rng.choice(DOMAINS)}".lower()
            dietary = rng.choice(DIETARY) if rng.random() < 0.22 else ()
            contact = rng.choices(("email", "sms", "phone"), weights=(5, 4, 1))[0]
            found.append(
                Person(
                    name=f"{first} {last}",
                    email=email,
                    phone=fictional_phone(area_code, number),
                    address=address(rng),
                    dietary_restrictions=dietary,
                    preferred_contact=contact,
                )
            )
    return found

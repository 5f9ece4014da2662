"""Travel distance between US zip codes: great-circle miles between zip centroids.

Offline on purpose (the `zipcodes` package ships the data set), so quoting never waits on a
geocoding service. Centroid to centroid is what the business can promise before it knows the
street; the result is rounded to a tenth of a mile, the precision travel is charged in.
"""

from __future__ import annotations

import asyncio
import math
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

import zipcodes

EARTH_RADIUS_MILES = 3958.8
TENTH = Decimal("0.1")
_loaded = False


@lru_cache(maxsize=4096)
def centroid(zip_code: str) -> tuple[float, float] | None:
    """(latitude, longitude) of a 5-digit zip code, None when the data set does not know it."""
    try:
        found = zipcodes.matching(zip_code)  # type: ignore[no-untyped-call]
    except (ValueError, TypeError):
        return None
    if not found or not found[0].get("lat") or not found[0].get("long"):
        return None
    return float(found[0]["lat"]), float(found[0]["long"])


def haversine_miles(origin: tuple[float, float], destination: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*origin, *destination))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(h))


def miles_between_sync(origin_zip: str, destination_zip: str) -> Decimal | None:
    """Miles to a tenth (half-up); None when either zip code is unknown."""
    origin, destination = centroid(origin_zip[:5]), centroid(destination_zip[:5])
    if origin is None or destination is None:
        return None
    miles = Decimal(repr(haversine_miles(origin, destination)))
    return miles.quantize(TENTH, rounding=ROUND_HALF_UP)


async def miles_between(origin_zip: str, destination_zip: str) -> Decimal | None:
    """The first lookup of a process loads the data set (~0.3 s): it runs in a thread so the
    event loop keeps serving; later lookups are a cache hit or a millisecond scan."""
    global _loaded
    if _loaded:
        return miles_between_sync(origin_zip, destination_zip)
    result = await asyncio.to_thread(miles_between_sync, origin_zip, destination_zip)
    _loaded = result is not None  # a found zip code proves the data set is in memory
    return result

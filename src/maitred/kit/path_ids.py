"""A path segment that names a resource by its id or by its human-facing number.

`/bookings/{booking_id:id_or_number}` matches a UUID or a number such as `BK-2025-000123` and
nothing else, like the UUID-only ids (app.ids_only_match_uuids): other words under the same
prefix stay free for routes of their own, and a malformed id matches no route at all.
"""

from starlette.convertors import Convertor, UUIDConvertor, register_url_convertor

ID_OR_NUMBER = "id_or_number"


class IdOrNumberConvertor(Convertor[str]):
    regex = f"(?:{UUIDConvertor.regex}|[A-Za-z]{{2,5}}-[0-9]{{4}}-[0-9]{{1,12}})"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor(ID_OR_NUMBER, IdOrNumberConvertor())
# The same, for the OpenAPI document (so clients and fuzzers know what the segment may be).
ID_OR_NUMBER_PATTERN = f"^{IdOrNumberConvertor.regex}$"

"""Phone numbers as the API stores and answers them: E.164 (API.md).

A number is accepted when it is *possible* (the right length for its country), not only when
the metadata of `phonenumbers` knows it as *valid*: the metadata refuses the fictional 555
exchange of examples and lags behind new area codes, and refusing a real customer's new number
loses the customer. Whether a number is known to be dialable is asked when a message would be
sent to it (`undialable_reason`), so a newer `phonenumbers` makes it dialable without a data
migration.
"""

from __future__ import annotations

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumber, ValidationResult

from maitred.kit.errors import ValidationFailed

_METADATA_VERSION = phonenumbers.__version__
INVALID_FORMAT = "Invalid phone number format"  # seed 001's message
NOT_A_NUMBER = "not a phone number"
DIALABLE = (
    "Whether the phone number is known to be dialable (in its country's numbering plan as the "
    "phonenumbers library knows it); SMS and WhatsApp messages to a number that is not are "
    "skipped, with the reason in the message history. Null without a phone."
)


def _parse(phone: str, region: str) -> PhoneNumber | str:
    """The parsed number, or why it is not one."""
    try:
        return phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException as exc:
        if exc.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            return "no country has this calling code"
        if exc.error_type == phonenumbers.NumberParseException.TOO_SHORT_NSN:
            return "too short to be a phone number"
        if exc.error_type == phonenumbers.NumberParseException.TOO_LONG:
            return "too long to be a phone number"
        return NOT_A_NUMBER


def _lengths(country_code: int) -> tuple[int, ...]:
    region = phonenumbers.region_code_for_country_code(country_code)
    metadata = (
        PhoneMetadata.metadata_for_nongeo_region(country_code)
        if region == phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY
        else PhoneMetadata.metadata_for_region(region)
    )
    if metadata is None or metadata.general_desc is None:
        return ()
    return tuple(metadata.general_desc.possible_length or ())


def _spoken(lengths: tuple[int, ...]) -> str:
    words = [str(n) for n in lengths]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _length_problem(number: PhoneNumber, verdict: int) -> str:
    digits = len(phonenumbers.national_significant_number(number))
    country_code = number.country_code or 0
    lengths = _lengths(country_code)
    where = f"{digits} digits after +{country_code}"
    expected = f", where numbers have {_spoken(lengths)}" if lengths else ""
    if verdict == ValidationResult.IS_POSSIBLE_LOCAL_ONLY:
        return f"the area code is missing: {where} make a local number{expected}"
    if verdict == ValidationResult.TOO_SHORT:
        return f"too short: {where}{expected}"
    if verdict == ValidationResult.TOO_LONG:
        return f"too long: {where}{expected}"
    return f"wrong length: {where}{expected}"


def impossibility(phone: str, *, region: str = "US") -> str | None:
    """Why `phone` cannot be a phone number of `region` (a national number) or of the country
    its `+` prefix names; None when it is possible."""
    number = _parse(phone, region)
    if isinstance(number, str):
        return number
    verdict = phonenumbers.is_possible_number_with_reason(number)
    if verdict == ValidationResult.IS_POSSIBLE:
        return None
    if verdict == ValidationResult.INVALID_COUNTRY_CODE:
        return "no country has this calling code"
    return _length_problem(number, verdict)


def to_e164(phone: str, *, region: str = "US") -> str | None:
    """E.164 of a possible number; None when it is not one."""
    number = _parse(phone, region)
    if isinstance(number, str) or (
        phonenumbers.is_possible_number_with_reason(number) != ValidationResult.IS_POSSIBLE
    ):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_phone(phone: str, *, region: str = "US", field: str = "phone") -> str:
    """E.164 (API.md) of any possible number, reading national numbers in the organization's
    country; a 422 that says why otherwise."""
    e164 = to_e164(phone, region=region)
    if e164 is None:
        raise ValidationFailed(details={field: refusal(phone, region=region)})
    return e164


def refusal(phone: str, *, region: str = "US", lead: str = "Not a valid phone number") -> str:
    """`lead` and why, e.g. "Not a valid phone number (too short: …)"; `lead` alone for text
    that is no number at all (seed 001's own validation example)."""
    problem = impossibility(phone, region=region) or NOT_A_NUMBER
    return lead if problem == NOT_A_NUMBER else f"{lead} ({problem})"


def form_message(phone: str, *, region: str = "US") -> str:
    """Seed 001's wording for a public form, with the reason."""
    return refusal(phone, region=region, lead=INVALID_FORMAT)


def undialable_reason(e164: str) -> str | None:
    """Why a stored number is not known to be dialable (None when it is): the metadata of
    `phonenumbers` does not place it in its country's numbering plan, e.g. 555-123-4567."""
    problem = impossibility(e164)
    if problem is not None:
        return f"The number {e164} is not dialable ({problem})"
    number = phonenumbers.parse(e164, "US")
    if phonenumbers.is_valid_number(number):
        return None
    region = phonenumbers.region_code_for_country_code(number.country_code or 0)
    return (
        f"The number {e164} is not dialable (possible, but not in the {region} numbering plan "
        f"as phonenumbers {_METADATA_VERSION} knows it)"
    )


def is_dialable(e164: str | None) -> bool | None:
    """None without a number."""
    return None if not e164 else undialable_reason(e164) is None

"""Phone numbers as the API stores and answers them: E.164 (API.md)."""

import phonenumbers

from maitred.kit.errors import ValidationFailed


def normalize_phone(phone: str, *, region: str = "US", field: str = "phone") -> str:
    """E.164 (API.md), reading national numbers in the organization's country."""
    try:
        parsed = phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise ValidationFailed(details={field: "Not a valid phone number"})
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)

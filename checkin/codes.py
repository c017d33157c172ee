"""The check-in code of a registration: short, signed, readable, and the same in the QR code.

A code is the registration's number in Crockford's base32 followed by six characters of an HMAC
(SECRET_KEY, a salt of its own) over the number, the netwerkdag and the registration's secret
manage key, e.g. ``1C-7KQ4MZ``. It is short so that a phone camera reads its QR code (version 1,
21×21 modules) at arm's length, and uses only characters that QR's alphanumeric mode holds and
that are hard to misread (no I, L, O or U). Typing is forgiving: case, spaces and dashes do not
matter, and O, I and L are read as 0, 1 and 1.

Nothing is stored: the code is derived, so every registration has one, and a forged or mistyped
code fails its HMAC (30 bits: a desk would need hundreds of millions of tries to hit one).
"""

import dataclasses
import hmac

from django.utils.crypto import salted_hmac

SALT = "checkin.code"
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32
MAC_LENGTH = 6
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def _base32(number: int) -> str:
    digits = []
    while True:
        number, rest = divmod(number, 32)
        digits.append(ALPHABET[rest])
        if not number:
            return "".join(reversed(digits))


def _mac(registration_id: int, event_id: int, manage_key: str) -> str:
    digest = salted_hmac(SALT, f"{registration_id}:{event_id}:{manage_key}", algorithm="sha256").digest()
    bits = int.from_bytes(digest[:4], "big") >> (32 - 5 * MAC_LENGTH)
    return _base32(bits).rjust(MAC_LENGTH, "0")


def code_for(registration) -> str:
    """The check-in code of a registration, as printed and as carried by its QR code."""
    return (
        f"{_base32(registration.pk)}-{_mac(registration.pk, registration.event_id, registration.manage_key)}"
    )


@dataclasses.dataclass(frozen=True)
class ParsedCode:
    registration_id: int
    mac: str

    def matches(self, registration) -> bool:
        expected = _mac(registration.pk, registration.event_id, registration.manage_key)
        return hmac.compare_digest(expected, self.mac)


def parse(text: str) -> ParsedCode | None:
    """The registration number and HMAC a typed or scanned code names; None if it cannot be a code."""
    cleaned = "".join(text.upper().split()).replace("-", "").translate(_READ_AS)
    if len(cleaned) <= MAC_LENGTH or len(cleaned) > MAC_LENGTH + 8:
        return None
    if any(character not in ALPHABET for character in cleaned):
        return None
    number = 0
    for character in cleaned[:-MAC_LENGTH]:
        number = number * 32 + ALPHABET.index(character)
    if number <= 0:
        return None
    return ParsedCode(registration_id=number, mac=cleaned[-MAC_LENGTH:])

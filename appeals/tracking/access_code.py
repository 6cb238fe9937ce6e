"""The access code a citizen gets at intake: with the appeal's number it opens tracking, when the
phone's last four digits no longer do (decision 60).

Eight characters from 30 that are hard to mistake for one another on paper or on the phone (no
0/O, 1/I/L, nor U beside V): 30^8 ≈ 6.6·10^11 codes, hopeless to guess at ten tries an hour.
It is stored as it is and compared in constant time: it guards only the status and dates held in
the same row (a hash would protect nothing a reader of the row cannot already see), a retried
intake must return the same receipt, and an operator must be able to read the code out again.
"""

from __future__ import annotations

import hmac
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 8
# Typed on a Cyrillic keyboard, these letters look the same as the Latin ones of the alphabet.
_CYRILLIC_LOOKALIKES = str.maketrans("АВСЕНКМРТХУ", "ABCEHKMPTXY")
_SEPARATORS = str.maketrans("", "", " -\t")


def new_access_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalised(text: str) -> str | None:
    """The code as stored, from what a person typed ("abcd-efgh", Cyrillic look-alikes, spaces);
    None when it cannot be a code at all."""
    code = text.translate(_SEPARATORS).upper().translate(_CYRILLIC_LOOKALIKES)
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def matches(stored: str, given: str) -> bool:
    """Constant-time; an appeal without a code (older than codes) never matches."""
    return bool(stored) and hmac.compare_digest(stored.encode(), given.encode())


def readable(code: str) -> str:
    """ABCD-EFGH: two groups are easier to read out and to type."""
    return f"{code[:4]}-{code[4:]}" if code else ""

"""What the property-based tests of the public entry points share: hostile inputs, and what an
answer to them must be (below 500, a stable code, nothing of the database's or Python's own text)."""

from __future__ import annotations

import json
import os

from django.http import HttpResponse
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Modest: every example is a real request against the real database and Redis. The fixtures
# (tenant, principals, appeals) are built once per test and shared by its examples on purpose.
# A longer hunt: FUZZ_EXAMPLES=1000 .venv/bin/pytest tests/appeals/test_entry_points_fuzz.py
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "30")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# What users and attackers actually send: NUL, lone surrogates, other scripts' digits ("²" passes
# str.isdigit, then int() refuses it), numbers beyond bigint, huge text, control and bidi characters.
HOSTILE_TEXTS = [
    "",
    " ",
    "\x00",
    "12\x0034",
    "\ud800",
    "a\udfffb",
    "²",
    "١٢٣٤",
    "𝟗𝟖𝟕𝟔",
    "９８７６",
    "9" * 25,
    "-1",
    "0",
    "1e309",
    "' OR 1=1 --",
    "%00",
    "\u202eevil",
    "\x1b[2J",
    "Ө" * 5001,
    "x" * 25_000,
]
ANY_CHARACTER = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())
hostile_text = st.one_of(st.sampled_from(HOSTILE_TEXTS), st.text(ANY_CHARACTER, max_size=40))
# A form or multipart body is UTF-8 on the wire: surrogates cannot be in it (raw bodies test bytes).
form_text = st.one_of(
    st.sampled_from([t for t in HOSTILE_TEXTS if "\ud800" not in t and "\udfff" not in t]),
    st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=("Cs",)), max_size=40),
)
huge_or_odd_int = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 2**31, 2**31 - 1, 2**63, 2**63 - 1, 10**30]),
)
json_value = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        huge_or_odd_int,
        st.floats(allow_nan=False, allow_infinity=False),
        hostile_text,
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
raw_bytes = st.one_of(
    st.binary(max_size=200),
    st.sampled_from([b"\xff\xfe", b'{"caller": "\\u0000"}', b"%00=%ED%A0%80", b"number=%C2%B2"]),
)

# The database's, the driver's and Python's own words: none may reach a client.
LEAKS = (
    "psycopg",
    "PostgreSQL",
    "postgres",
    "NUL (0x00)",
    "0x00",
    "Traceback",
    "DETAIL:",
    "violates",
    "out of range for type",
    "invalid input syntax",
    "surrogates not allowed",
    "codec can't",
    "invalid literal for int",
    "IntegrityError",
    "DataError",
    "django.db",
    "ValueError",
    "TypeError",
    "KeyError",
    "object has no attribute",
)


def assert_clean(response: HttpResponse) -> str:
    """Below 500 and nothing of the database or the code in the body; the body as text."""
    assert response.status_code < 500, (response.status_code, response.content[:500])
    body = response.content.decode("utf-8", "replace")
    for leak in LEAKS:
        assert leak not in body, (leak, body[:500])
    return body


def json_codes(response: HttpResponse) -> list[str]:
    """The codes of a JSON refusal in any of the project's shapes: {"errors": [{code}]},
    {"error": {code}}, GraphQL's {"errors": [{"extensions": {code}}]}. Every error must have one."""
    body = json.loads(assert_clean(response))
    if "error" in body:
        return [body["error"]["code"]]
    codes = []
    for error in body.get("errors", []):
        code = error.get("code") or (error.get("extensions") or {}).get("code")
        assert code, error
        codes.append(code)
    return codes

"""The error codes are a contract: every code the product's code can send is in the registry
(apierrors.codes) and documented in graphql/README.md, and the guide documents no code the server
cannot send. The codes are read from the source, where they are raised."""

from __future__ import annotations

import re
from pathlib import Path

from apierrors import codes

ROOT = Path(__file__).resolve().parents[2]
# Everything that answers a request or raises a domain error (federation's 112 endpoints speak
# to 112 centres in their own protocol, not to integrators).
PRODUCT = [
    "appeals", "citymap", "regional", "accounts", "ikomek", "tenants", "apierrors", "open311", "integrations",
]  # fmt: skip
# How the code raises codes: (field, "code", ...) to a Problem, .of, bad_input, problems.add,
# a map import's reason; "code": "…" and code="…"; refusals of tokens and access; the envelope.
RAISED = [
    r'\b(?:Validation)?Problem\(\s*[^,()]*?,\s*"([a-z0-9_]+)"',
    r'\.of\(\s*[^,()]*?,\s*"([a-z0-9_]+)"',
    r'\bbad_input\(\s*[^,()]*?,\s*"([a-z0-9_]+)"',
    r'\bproblems\.add\(\s*[^,()]*?,\s*"([a-z0-9_]+)"',
    r'\breason\(\s*[^,()]*?,\s*"([a-z0-9_]+)"',
    r'"code":\s*"([a-z0-9_]+)"',
    r'\bcode="([a-z0-9_]+)"',
    r'\b(?:TokenRefused|AccessRefused|LoginFailed)\(\s*"([a-z0-9_]+)"',
    r'\bWebhookError\(\s*[^,()]*?,\s*"([a-z0-9_]+)"',
    r'\berror_response\(\s*\w+,\s*\d+,\s*"([a-z0-9_]+)"',
    r'\b_error\(\s*\w+,\s*[^,()]*?,\s*"([a-z0-9_]+)"',
    r'\b_not_here\(\s*\w+,\s*"([a-z0-9_]+)"',
    r'\b_refusal\(\s*\w+,\s*\d+,\s*"([a-z0-9_]+)"',
    r'"([a-z0-9_]+)" if anonymous else "([a-z0-9_]+)"',
]
# Codes named once as constants (appeals.rules: text limits, idempotency).
CONSTANT = re.compile(r'^([A-Z_]+) = "([a-z0-9_]+)"$', re.MULTILINE)
CONSTANT_MODULES = ["appeals/rules/text.py", "appeals/rules/idempotency.py"]
# The map import's messages are keyed by code (citymap.imports.checking).
KEYED_MESSAGES = re.compile(r'^\s+"([a-z0-9_]+)": _\(', re.MULTILINE)


def codes_in_source() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for package in PRODUCT:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts or "management" in path.parts:
                continue
            text = path.read_text()
            matches = [
                group
                for pattern in RAISED
                for match in re.finditer(pattern, text, re.DOTALL)
                for group in match.groups()
                if group
            ]
            relative = str(path.relative_to(ROOT))
            if relative in CONSTANT_MODULES:
                matches += [value for name, value in CONSTANT.findall(text) if name == value.upper()]
            if relative.startswith("citymap/imports/"):
                matches += KEYED_MESSAGES.findall(text)
            for code in matches:
                found.setdefault(code, set()).add(relative)
    return found


def documented() -> list[tuple[str, str]]:
    """(code, meaning) of the guide's tables: rows "| `code` | meaning |" under "## Error codes"."""
    guide = (ROOT / "graphql" / "README.md").read_text()
    section = guide.split("\n## Error codes", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z0-9_]+)` \| (.*) \|$", section, re.MULTILINE)


def test_every_code_the_server_sends_is_in_the_registry():
    unknown = {code: sorted(paths) for code, paths in codes_in_source().items() if code not in codes.ALL}
    assert unknown == {}, "add these to apierrors/codes.py and graphql/README.md"


def test_the_registry_holds_no_code_the_server_cannot_send():
    assert sorted(set(codes.ALL) - set(codes_in_source())) == []


def test_the_guide_documents_exactly_the_registry():
    rows = documented()
    guide = dict(rows)
    assert len(rows) == len(guide), "a code documented twice"
    assert sorted(set(codes.ALL) - set(guide)) == [], "undocumented codes"
    assert sorted(set(guide) - set(codes.ALL)) == [], "the guide names codes the server cannot send"
    assert {code: meaning for code, meaning in guide.items() if meaning != codes.ALL[code]} == {}


def test_the_groups_do_not_overlap():
    assert len(codes.ALL) == len(codes.API) + len(codes.AUTH) + len(codes.STAFF)


def test_the_scan_sees_the_ways_codes_are_raised():
    """Guards the scan itself: a code raised each way is found where it is raised."""
    found = codes_in_source()
    assert "appeals/rules/idempotency.py" in found["idempotency_conflict"]
    assert "accounts/middleware.py" in found["unsupported_auth_scheme"]
    assert "tenants/middleware.py" in found["unknown_host"]
    assert "ikomek/api_failures.py" in found["too_large"]
    assert "appeals/api/pagination.py" in found["invalid_cursor"]

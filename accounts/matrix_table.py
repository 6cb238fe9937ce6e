"""The permission matrix as a Markdown table (README's "Identity" section is this, kept equal by a test)."""

from __future__ import annotations

from accounts.permissions import MATRIX, OWN_ORGANISATION_ONLY, Operation
from accounts.roles import Role

START = "<!-- permission-matrix:start -->"
END = "<!-- permission-matrix:end -->"


LEGEND = (
    "✓ allowed (on appeals: every appeal of the akimat); own: only on the appeals assigned to the "
    "person's own organisation (the `organisation` claim, see above); · not allowed."
)


def cell(role: Role, operation: Operation) -> str:
    if operation not in MATRIX.get(role, frozenset()):
        return "·"
    return "own" if operation in OWN_ORGANISATION_ONLY.get(role, frozenset()) else "✓"


def markdown() -> str:
    roles = list(Role)
    header = "| operation | " + " | ".join(f"`{role.value}`" for role in roles) + " |"
    rule = "|---|" + "|".join(":-:" for _ in roles) + "|"
    rows = [
        f"| `{operation.value}` | " + " | ".join(cell(role, operation) for role in roles) + " |"
        for operation in Operation
    ]
    return "\n".join([header, rule, *rows, "", LEGEND])


def readme_block() -> str:
    return f"{START}\n{markdown()}\n{END}"

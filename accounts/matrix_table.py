"""The permission matrix as a Markdown table; docs/identity.md holds it between the markers (tested)."""

from __future__ import annotations

from accounts.permissions import MATRIX, OWN_ORGANISATION_ONLY, Operation
from accounts.roles import Role

# The page that holds the table, relative to the repository root (settings.BASE_DIR).
DOCS_PAGE = "docs/identity.md"
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


def marked_block() -> str:
    """The table between its markers, as the docs page holds it."""
    return f"{START}\n{markdown()}\n{END}"

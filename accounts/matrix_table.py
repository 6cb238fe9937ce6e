"""The permission matrix as a Markdown table (README's "Identity" section is this, kept equal by a test)."""

from __future__ import annotations

from accounts.permissions import MATRIX, Operation
from accounts.roles import Role

START = "<!-- permission-matrix:start -->"
END = "<!-- permission-matrix:end -->"


def markdown() -> str:
    roles = list(Role)
    header = "| operation | " + " | ".join(f"`{role.value}`" for role in roles) + " |"
    rule = "|---|" + "|".join(":-:" for _ in roles) + "|"
    rows = [
        f"| `{operation.value}` | "
        + " | ".join("✓" if operation in MATRIX.get(role, frozenset()) else "·" for role in roles)
        + " |"
        for operation in Operation
    ]
    return "\n".join([header, rule, *rows])


def readme_block() -> str:
    return f"{START}\n{markdown()}\n{END}"

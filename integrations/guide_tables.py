"""The integrators' guide's tables made from the code: what the integrator role may do (the permission
matrix) and who may run each example operation (its `# Needs:` line, read with the matrix).

graphql/README.md holds each table between its markers; `manage.py guide_tables --write` rewrites them
and a test compares them. The same test runs every example operation as every role, so a `# Needs:`
line that says other than the server does fails there."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import translation

from accounts.permissions import ACTIONS, MATRIX, OWN_ORGANISATION_ONLY, Operation
from accounts.roles import Role

GUIDE = "graphql/README.md"
OPERATIONS = "graphql/operations"
PUBLIC = "nothing"  # the `# Needs:` of an operation anyone may run, signed in or not
_NEEDS = re.compile(r"^# Needs: (\S+)\s*$", re.M)


@dataclass(frozen=True)
class Example:
    path: str  # relative to graphql/operations, e.g. "citymap/EndOutage.graphql"
    needs: Operation | None  # None: public
    regional: bool  # served on the region's host, not an akimat's

    @property
    def name(self) -> str:
        return Path(self.path).stem


def examples(root: Path | None = None) -> list[Example]:
    """Every example operation with what it needs; one without a valid `# Needs:` line is an error."""
    folder = Path(root or settings.BASE_DIR) / OPERATIONS
    found = []
    for path in sorted(folder.rglob("*.graphql")):
        relative = path.relative_to(folder).as_posix()
        match = _NEEDS.search(path.read_text(encoding="utf-8"))
        if match is None:
            raise ValueError(f"{OPERATIONS}/{relative} has no '# Needs: <operation>' line")
        needed = match.group(1)
        found.append(
            Example(
                path=relative,
                needs=None if needed == PUBLIC else Operation(needed),
                regional=relative.startswith("regional/"),
            )
        )
    return found


def holders(operation: Operation | None) -> list[tuple[Role, bool]]:
    """The roles that may run it, each with whether only on their own organisation's appeals."""
    if operation is None:
        return [(role, False) for role in Role]
    return [
        (role, operation in OWN_ORGANISATION_ONLY.get(role, frozenset()))
        for role in Role
        if operation in MATRIX.get(role, frozenset())
    ]


def _in_english(operation: Operation) -> str:
    with translation.override("en"):
        return str(ACTIONS[operation])


def integrator_role() -> str:
    allowed = MATRIX[Role.INTEGRATOR]
    may = [f"- {_in_english(op)} (`{op.value}`)" for op in Operation if op in allowed]
    may_not = [f"- {_in_english(op)} (`{op.value}`)" for op in Operation if op not in allowed]
    return "\n".join(
        ["The role `integrator` may:", *may, "", "and may not (these answer `forbidden`):", *may_not]
    )


def example_table() -> str:
    rows = ["| example | host | needs | who may run it | integrator |", "|---|---|---|---|:-:|"]
    for example in examples():
        who = ", ".join(f"`{role.value}`" + (" (own)" if own else "") for role, own in holders(example.needs))
        if example.needs is None:
            who = "anyone, signed in or not"
        needs = "—" if example.needs is None else f"`{example.needs.value}`"
        integrator = any(role is Role.INTEGRATOR for role, _ in holders(example.needs))
        rows.append(
            f"| [{example.name}](operations/{example.path}) | {'region' if example.regional else 'akimat'} "
            f"| {needs} | {who} | {'✓' if integrator else '·'} |"
        )
    rows += ["", "(own): only on the appeals assigned to the person's own organisation."]
    return "\n".join(rows)


BLOCKS = {"integrator-role": integrator_role, "example-operations": example_table}


def markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def current_block(text: str, name: str) -> str:
    start, end = markers(name)
    if start not in text or end not in text:
        raise ValueError(f"{GUIDE} has no {start} ... {end} markers")
    return text.split(start, 1)[1].split(end, 1)[0].strip()


def rewritten(text: str) -> str:
    """The guide's text with every generated table made anew."""
    for name, make in BLOCKS.items():
        start, end = markers(name)
        current_block(text, name)  # both markers are there
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        text = f"{before}{start}\n{make()}\n{end}{after}"
    return text

"""A pytest plugin that keeps the `slow` marker true to its definition: a test is marked slow exactly
when it starts an extra process (a Celery worker or beat, a second Redis, a Python child) or uses a
fixture that started one. Loaded by tests/conftest.py.

Every process the tests start goes through `subprocess.Popen` (testkit.processes, `subprocess.run`),
which is counted when the code asking for it is the tests' own (tests/, testkit/): a library's
helper process (sentry's `git rev-parse` for its release) is not a test's extra process. A fixture
whose setup started one is remembered by name, so that every test using it counts, not only the
first one (a module's worker starts once). A test whose marker disagrees fails at teardown.

Browser tests (marker `browser`: a web server and chromium) are slow by definition: they get the
`slow` marker at collection, so `-m "not slow"` leaves them out too.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from testkit.paths import ROOT

_started = 0
_process_fixtures: set[str] = set()
_START = pytest.StashKey[int]()
_SKIPPED = pytest.StashKey[bool]()
_original_init = subprocess.Popen.__init__


def _asked_by_the_tests(process: subprocess.Popen) -> bool:
    """Whether the code that asked for the process is in tests/ or testkit/: the first caller that is
    neither the subprocess module nor a wrapper of Popen.__init__ (sentry's stdlib integration is one)."""
    frame = sys._getframe(2)
    while frame is not None and (frame.f_code.co_filename == subprocess.__file__ or _wraps(frame, process)):
        frame = frame.f_back
    if frame is None:
        return False
    path = Path(frame.f_code.co_filename)
    return path.is_relative_to(ROOT) and path.relative_to(ROOT).parts[0] in {"tests", "testkit"}


def _wraps(frame: object, process: subprocess.Popen) -> bool:
    """A frame already holding the process being initialised is a wrapper of __init__ (its caller
    gets the process only when __init__ returns)."""
    values = list(frame.f_locals.values())
    values += [item for value in values if isinstance(value, tuple) for item in value]
    return any(value is process for value in values)


def _counting_init(self: subprocess.Popen, *args: object, **kwargs: object) -> None:
    global _started
    _original_init(self, *args, **kwargs)
    if _asked_by_the_tests(self):
        _started += 1


def pytest_configure(config: pytest.Config) -> None:
    subprocess.Popen.__init__ = _counting_init  # type: ignore[method-assign]


def pytest_unconfigure(config: pytest.Config) -> None:
    subprocess.Popen.__init__ = _original_init  # type: ignore[method-assign]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("browser") is not None and item.get_closest_marker("slow") is None:
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef, request: pytest.FixtureRequest) -> Iterator[None]:
    before = _started
    yield
    if _started > before:
        _process_fixtures.add(fixturedef.argname)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    item.stash[_START] = _started


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.skipped:
        item.stash[_SKIPPED] = True
    if call.when != "teardown" or not report.passed or _START not in item.stash or _SKIPPED in item.stash:
        return
    fixtures = sorted(_process_fixtures & set(getattr(item, "fixturenames", ())))
    starts = _started - item.stash[_START]
    uses_processes = bool(starts or fixtures)
    marked = item.get_closest_marker("slow") is not None
    if uses_processes == marked:
        return
    report.outcome = "failed"
    if marked:
        report.longrepr = f"{item.nodeid} is marked slow but started no process and uses no fixture that did"
    else:
        why = f"started {starts} process(es)" if starts else f"uses {', '.join(fixtures)}, which started one"
        report.longrepr = f"{item.nodeid} {why}: mark it @pytest.mark.slow"

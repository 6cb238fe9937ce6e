"""Browser tests: a real web server (gunicorn on the test database) and Debian's chromium driven by
Playwright (no browser download: `executable_path`). Screenshots go to docs/screenshots/."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
from django.conf import settings
from django.db import connection

from testkit.paths import ROOT
from testkit.processes import env_for_test_database, wait_until

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = ROOT / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}  # a common phone's CSS pixels
DESK = {"width": 1366, "height": 900}


def host_url(slug: str | None, path: str = "/") -> str:
    base = settings.BASE_DOMAIN if slug is None else f"{slug}.{settings.BASE_DOMAIN}"
    return f"http://{base}:{settings.IKOMEK_PUBLIC_PORT}{path}"


@contextmanager
def web_server(
    log_path: Path, workers: int = 2, env: dict[str, str] | None = None, port: int | None = None
) -> Iterator[str]:
    """gunicorn on the port Keycloak's redirect URIs name (IKOMEK_WEB_PORT), or on `port` (a second
    web process: no Keycloak login starts there), on the test database; `env` adds to its environment."""
    connection.close()
    port = port or settings.IKOMEK_PUBLIC_PORT
    env = env_for_test_database() | {"PYTHONUNBUFFERED": "1"} | (env or {})
    with log_path.open("a") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "ikomek.wsgi:application",
                "-c",
                "python:ikomek.gunicorn_conf",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its workers go with it: none may hold the test database
        )

    def up() -> bool:
        try:
            # Chromium resolves *.localhost itself; the system resolver may not: ask by address.
            answer = requests.get(
                f"http://127.0.0.1:{port}/healthz",
                headers={"Host": f"petropavlovsk.{settings.BASE_DOMAIN}:{port}"},
                timeout=1,
            )
            return answer.status_code == 200
        except requests.RequestException:
            return False

    try:
        assert wait_until(up, timeout=30), f"web server did not start, see {log_path}"
        yield f"http://{settings.BASE_DOMAIN}:{port}/"
    finally:
        os.killpg(process.pid, signal.SIGQUIT)  # gunicorn's quick shutdown, workers included
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def launch_chromium(playwright: object) -> object:
    # Root in a container: chromium's sandbox needs user namespaces it may not have.
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    return playwright.chromium.launch(executable_path=CHROMIUM, args=args)


# The elements of the page's main part wider than the screen (their tag and class), for a message
# that says which. A map's panes reach past it on purpose and the map clips them: not counted.
_TOO_WIDE = (
    "[...document.querySelectorAll('main *')].filter(e => !e.closest('.leaflet-container *'))"
    ".filter(e => e.getBoundingClientRect().right"
    " > document.documentElement.clientWidth + 1).map(e => e.tagName + '.' + e.className)"
)


def too_wide(page: object) -> list[str]:
    """What makes a phone scroll sideways: [] when nothing does."""
    return page.evaluate(_TOO_WIDE)


_BROKEN_WORDS = """selector => {
  const broken = [];
  for (const cell of document.querySelectorAll(selector)) {
    if (!cell.offsetParent) continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""


def broken_words(page: object, selector: str) -> list[str]:
    """Words split over two lines inside the cells that match (a phone's narrow column): []."""
    return page.evaluate(_BROKEN_WORDS, selector)


def screenshot(page: object, name: str, *, full_page: bool = True) -> Path:
    """The page as a person scrolls it (full_page), or only the first screen they see."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path

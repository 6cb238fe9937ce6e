"""nginx from the shipped configuration (infra/nginx) on loopback, for the tests and the benches:
rendered for a host name and an upstream, wrapped in a main file that keeps nginx's own files in
one folder, started in front of a running web server."""

from __future__ import annotations

import os
import signal
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from string import Template

from testkit.paths import ROOT
from testkit.processes import free_port, wait_until

NGINX = "/usr/sbin/nginx"
RENDER = ROOT / "infra" / "nginx" / "render"
MAIN = ROOT / "platform" / "nginx" / "main.conf"


def render(**values: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IKOMEK_")} | values
    return subprocess.run([RENDER], env=env, capture_output=True, text=True, check=False)


def nginx_conf(directory: Path, site: str, *, connections: int = 64, workers: str = "1") -> Path:
    """The main file `make run` uses too (platform/nginx/main.conf) around the site file: everything
    of nginx's own under `directory`."""
    (directory / "site.conf").write_text(site)
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (directory / name).mkdir(exist_ok=True)
    conf = directory / "nginx.conf"
    conf.write_text(
        Template(MAIN.read_text()).substitute(
            NGINX_HOME=directory,
            NGINX_WORKERS=workers,
            NGINX_CONNECTIONS=connections,
            NGINX_NOFILE=2 * connections + 64,
        )
    )
    return conf


def _answers(port: int) -> bool:
    """nginx itself answers an unknown host with 421."""
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
    except urllib.error.HTTPError as refused:
        return refused.code == 421
    except OSError:
        return False
    return False


@contextmanager
def nginx_before(
    upstream: str,
    directory: Path,
    *,
    base_domain: str,
    max_body: str = "1m",
    connections: int = 64,
    api_inflight: int = 10,
    workers: str = "1",
    load_balancer: str = "127.0.0.1/32",
) -> Iterator[int]:
    """nginx on a free loopback port in front of `upstream` (host:port); yields its port. Calls from
    `load_balancer` (IKOMEK_LB_CIDR: by default the tests themselves) count as the balancer's."""
    port = free_port()
    site = render(
        IKOMEK_BASE_DOMAIN=base_domain,
        IKOMEK_UPSTREAM=upstream,
        IKOMEK_LISTEN=f"127.0.0.1:{port}",
        IKOMEK_LB_CIDR=load_balancer,
        IKOMEK_MAX_BODY=max_body,
        IKOMEK_API_INFLIGHT=str(api_inflight),
    )
    if site.returncode != 0:
        raise RuntimeError(f"infra/nginx/render: {site.stderr}")
    conf = nginx_conf(directory, site.stdout, connections=connections, workers=workers)
    process = subprocess.Popen(
        [NGINX, "-c", str(conf), "-g", "daemon off;"], stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        if not wait_until(lambda: _answers(port), timeout=15):
            raise RuntimeError((directory / "error.log").read_text())
        yield port
    finally:
        os.killpg(process.pid, signal.SIGQUIT)
        process.wait(timeout=10)

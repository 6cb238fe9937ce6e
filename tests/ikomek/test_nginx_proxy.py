"""nginx in front of the web (infra/nginx/ikomek.conf): `nginx -t` accepts the rendered file, and a
real nginx on loopback before a real gunicorn answers the load balancer's probe that names an
address, refuses other unknown hosts itself, passes the akimats' hosts on, and refuses an oversized
body with a Kazakh and Russian text, and past its bound of API calls in the app's hands answers
429 itself, as the app would, except for a call marked as an emergency."""

from __future__ import annotations

import http.server
import json
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.conf import settings

from ikomek.shedding import overloaded
from testkit.browser import web_server
from testkit.nginx import NGINX, nginx_before, nginx_conf, render
from testkit.processes import wait_until

pytestmark = pytest.mark.slow  # starts gunicorn and nginx


def test_nginx_accepts_the_rendered_configuration(tmp_path):
    site = render(IKOMEK_BASE_DOMAIN="ikomek.example.kz", IKOMEK_UPSTREAM="127.0.0.1:8000")
    assert site.returncode == 0, site.stderr
    assert "server_name .ikomek.example.kz;" in site.stdout
    assert "client_max_body_size 101m;" in site.stdout
    assert "$proxy_add_x_forwarded_for" in site.stdout  # nginx's own variables are left alone
    # The bound of API calls in the app's hands sits under the app's own shedding point (two workers
    # running and WEB_SHED_QUEUE waiting), so the app works every call nginx passes (decision 90).
    (bound,) = [
        int(line.split()[-1].rstrip(";"))
        for line in site.stdout.splitlines()
        if "limit_conn ikomek_api" in line
    ]
    assert 2 < bound < 2 + settings.WEB_SHED_QUEUE
    checked = subprocess.run(
        [NGINX, "-t", "-c", str(nginx_conf(tmp_path, site.stdout))], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr


def test_rendering_refuses_what_is_not_a_host_name():
    refused = render(IKOMEK_BASE_DOMAIN="ikomek.kz; include /etc/passwd", IKOMEK_UPSTREAM="127.0.0.1:8000")
    assert refused.returncode == 2
    assert "a host name" in refused.stderr
    assert "IKOMEK_UPSTREAM" in render(IKOMEK_BASE_DOMAIN="ikomek.example.kz").stderr
    many = render(IKOMEK_BASE_DOMAIN="ikomek.kz", IKOMEK_UPSTREAM="127.0.0.1:80", IKOMEK_API_INFLIGHT="0; x")
    assert many.returncode == 2
    assert "a whole number of calls" in many.stderr


@pytest.fixture(scope="module")
def web(onboarded, tmp_path_factory) -> Iterator[str]:
    """The tests' gunicorn; its address for nginx."""
    with web_server(tmp_path_factory.mktemp("web") / "web.log"):
        yield f"127.0.0.1:{settings.IKOMEK_PUBLIC_PORT}"


@pytest.fixture(scope="module")
def proxy(web, tmp_path_factory) -> Iterator[int]:
    """nginx on a free loopback port before the tests' gunicorn; its port."""
    directory = tmp_path_factory.mktemp("nginx")
    with nginx_before(web, directory, base_domain=settings.BASE_DOMAIN) as port:
        yield port


def test_the_load_balancers_probe_by_address_reaches_the_app(proxy):
    # What a load balancer sends: its target's address as Host. The app alone refuses that host.
    direct = requests.get(f"http://127.0.0.1:{settings.IKOMEK_PUBLIC_PORT}/healthz", timeout=5)
    assert direct.status_code == 404
    probe = requests.get(f"http://127.0.0.1:{proxy}/healthz", headers={"Host": "10.20.30.40"}, timeout=5)
    assert (probe.status_code, probe.text) == (200, "ok")


def test_an_unknown_host_gets_nothing_else_from_the_app(proxy):
    for path in ("/", "/track/", "/graphql/", "/readyz"):
        answer = requests.get(f"http://127.0.0.1:{proxy}{path}", headers={"Host": "10.20.30.40"}, timeout=5)
        assert answer.status_code == 421, path


def test_the_akimats_hosts_are_passed_on(proxy):
    base = settings.BASE_DOMAIN
    page = requests.get(
        f"http://127.0.0.1:{proxy}/track/?lang=ru", headers={"Host": f"petropavlovsk.{base}"}, timeout=10
    )
    assert page.status_code == 200
    assert "<html" in page.text.lower()
    # A slug the platform does not know: the app's own refusal, in Kazakh and Russian.
    unknown = requests.get(f"http://127.0.0.1:{proxy}/track/", headers={"Host": f"nowhere.{base}"}, timeout=5)
    assert unknown.status_code == 404
    assert "109" in unknown.text


def test_the_port_the_caller_named_reaches_the_app_and_its_sign_in_address(proxy):
    # On one machine (`make run`) the callers' port is part of every address the app builds: sign-in
    # sends the browser to Keycloak with the address to come back to, which Keycloak checks.
    host = f"petropavlovsk.{settings.BASE_DOMAIN}:{proxy}"
    start = requests.get(
        f"http://127.0.0.1:{proxy}/auth/login/", headers={"Host": host}, allow_redirects=False, timeout=10
    )
    assert start.status_code == 302, start.text[:500]
    back = parse_qs(urlsplit(start.headers["Location"]).query)["redirect_uri"]
    assert back == [f"http://{host}/auth/callback/"]


def test_an_oversized_body_is_refused_in_kazakh_and_russian(proxy):
    answer = requests.post(
        f"http://127.0.0.1:{proxy}/graphql/",
        headers={"Host": f"petropavlovsk.{settings.BASE_DOMAIN}", "Content-Type": "application/json"},
        data=b"x" * (2 * 1024 * 1024),
        timeout=10,
    )
    assert answer.status_code == 413
    assert "тым үлкен" in answer.text
    assert "слишком велики" in answer.text


def test_past_its_bound_of_api_calls_nginx_answers_429_as_the_app_does(web, tmp_path):
    host = f"petropavlovsk.{settings.BASE_DOMAIN}"
    call = {"query": "{ __typename }"}
    with nginx_before(web, tmp_path, base_domain=settings.BASE_DOMAIN, api_inflight=1) as port:
        url = f"http://127.0.0.1:{port}/graphql/"

        def post(**headers: str) -> requests.Response:
            return requests.post(url, json=call, headers={"Host": host, **headers}, timeout=10)

        passed = post()  # alone, a call reaches the app and gets its answer
        assert passed.status_code != 429
        assert "Retry-After" not in passed.headers
        # One call in nginx's hands: its head read, its body still coming (as a slow caller's).
        held = socket.create_connection(("127.0.0.1", port))
        try:
            held.sendall(
                f"POST /graphql/ HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
                "Content-Length: 100\r\n\r\n{".encode()
            )
            assert wait_until(lambda: post().status_code == 429, timeout=5)
            shed = post()
            assert shed.status_code == 429
            assert shed.headers["Retry-After"] == "1"
            assert shed.headers["Content-Type"].startswith("application/json")
            assert shed.json() == json.loads(overloaded().content)  # the app's own refusal, word for word
            # A call marked as an emergency is never counted: the app gets it (and checks its category).
            marked = post(**{"X-Ikomek-Emergency": "1"})
            assert (marked.status_code, marked.json()) == (passed.status_code, passed.json())
            # Neither are pages nor the API's reads by GET.
            page = requests.get(f"http://127.0.0.1:{port}/track/?lang=ru", headers={"Host": host}, timeout=10)
            assert page.status_code == 200
            assert requests.get(url, params=call, headers={"Host": host}, timeout=10).status_code != 429
        finally:
            held.close()
        assert wait_until(lambda: post().status_code != 429, timeout=5)  # the held call gone, calls pass


@contextmanager
def upstream_seeing(header: str) -> Iterator[tuple[str, list[str]]]:
    """A real HTTP server on loopback that answers every POST and records the `header` it was sent;
    its address and what it saw."""
    seen: list[str] = []

    class Upstream(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            seen.extend(self.headers.get_all(header) or [])
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *_args: object) -> None:
            pass

    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    try:
        yield f"127.0.0.1:{upstream.server_address[1]}", seen
    finally:
        upstream.shutdown()


def post_through(port: int, **headers: str) -> requests.Response:
    return requests.post(
        f"http://127.0.0.1:{port}/graphql/",
        json={"query": "{ __typename }"},
        headers={"Host": f"petropavlovsk.{settings.BASE_DOMAIN}", **headers},
        timeout=10,
    )


def test_nginx_stamps_when_it_hands_a_call_over_and_drops_the_callers_own(tmp_path):
    """The app sheds an API call by the time it waited after nginx handed it over (decision 96):
    nginx writes the stamp itself, so a caller cannot send one of its own in its place."""
    with (
        upstream_seeing("X-Request-Start") as (address, seen),
        nginx_before(address, tmp_path, base_domain=settings.BASE_DOMAIN) as port,
    ):
        before = time.time()
        answer = post_through(port, **{"X-Request-Start": "t=1.000"})
        after = time.time()
    assert answer.status_code == 200
    assert len(seen) == 1 and seen[0].startswith("t="), seen
    assert before - 0.01 <= float(seen[0][2:]) <= after  # nginx's $msec, to the millisecond


@pytest.mark.parametrize(
    ("load_balancer", "sent", "passed"),
    [
        ("127.0.0.1/32", "https", "https"),  # the balancer ended TLS: the app builds https links
        ("127.0.0.1/32", "", "http"),  # the balancer's probe says nothing: plain HTTP
        ("unix:", "https", "http"),  # `make run`: no balancer, a caller's own word does not count
        ("10.0.0.0/8", "https", "http"),  # a caller from outside the balancer's addresses
    ],
)
def test_only_the_load_balancer_says_the_call_came_over_https(tmp_path, load_balancer, sent, passed):
    headers = {"X-Forwarded-Proto": sent} if sent else {}
    with (
        upstream_seeing("X-Forwarded-Proto") as (address, seen),
        nginx_before(
            address, tmp_path, base_domain=settings.BASE_DOMAIN, load_balancer=load_balancer
        ) as port,
    ):
        assert post_through(port, **headers).status_code == 200
    assert seen == [passed]


def test_rendering_refuses_a_load_balancer_that_is_not_an_address():
    refused = render(IKOMEK_BASE_DOMAIN="ikomek.kz", IKOMEK_UPSTREAM="127.0.0.1:80", IKOMEK_LB_CIDR="0/0; x")
    assert refused.returncode == 2
    assert "an address or CIDR block" in refused.stderr


@pytest.mark.parametrize(
    ("language", "said"), [("kk", "Қызмет уақытша қолжетімсіз"), ("ru", "Сервис временно недоступен")]
)
def test_when_the_app_cannot_answer_nginx_says_so_as_the_api_and_the_pages_do(tmp_path, language, said):
    """A worker killed mid-call or a container restarting: nginx's 502 was its English page."""
    gone = socket.create_server(("127.0.0.1", 0))
    address = f"127.0.0.1:{gone.getsockname()[1]}"
    gone.close()  # refuses from here on: nothing answers behind nginx
    with nginx_before(address, tmp_path, base_domain=settings.BASE_DOMAIN) as port:
        api = post_through(port)
        page = requests.get(
            f"http://127.0.0.1:{port}/console/queues/",
            headers={"Host": f"petropavlovsk.{settings.BASE_DOMAIN}", "Accept": "text/html"},
            cookies={"django_language": language},
            timeout=10,
        )
    assert api.status_code == 503 and api.headers["Retry-After"] == "5"
    assert api.headers["Content-Type"] == "application/json"
    (error,) = api.json()["errors"]
    assert error["code"] == error["extensions"]["code"] == "unavailable" and "clientKey" in error["message"]
    assert page.status_code == 503 and page.headers["Content-Type"].startswith("text/html")
    assert f'<html lang="{language}">' in page.text and said in page.text and "nginx" not in page.text

"""Two Streamlit processes behind nginx on loopback (benchmarks/proxy.py, README 多人同时使用):
security headers on every response, /_stcore/metrics refused, sticky sessions by cookie that
still spread browsers over both processes, and a session's page runs through the proxy."""

from __future__ import annotations

import asyncio
import os
import socket
import urllib.error
import urllib.request

import pytest

from benchmarks import proxy, sessions
from tests import handmade as hm
from tests.browser import free_port
from tests.dbs import sqlite_file

pytestmark = pytest.mark.browser  # starts servers: with the browser tests

CLIENTS = 24  # fresh browsers: all on one process by chance has probability 2^-23


def get(url: str, cookie: str = "") -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers


def distinct_ports(count: int) -> list[int]:
    """`count` different free ports (free_port may return one port twice in a row when
    YFRH_TEST_PORTS narrows the choice): each is held until all are found."""
    held, ports = [], []
    try:
        while len(ports) < count:
            port = free_port()
            if port in ports:
                raise RuntimeError("not enough free ports in YFRH_TEST_PORTS")
            s = socket.socket()
            s.bind(("127.0.0.1", port))
            held.append(s)
            ports.append(port)
    finally:
        for s in held:
            s.close()
    return ports


def node_cookies(headers) -> list[str]:
    """The yf_node cookies a response sets ("yf_node=…"); Streamlit sets its own too."""
    found = [c.split(";", 1)[0] for c in headers.get_all("Set-Cookie") or []]
    return [c for c in found if c.startswith(proxy.NODE_COOKIE + "=")]


@pytest.fixture(scope="module")
def front(tmp_path_factory):
    if not os.path.exists(proxy.NGINX):
        if os.environ.get("CI"):
            pytest.fail("nginx missing: .ci/run installs it", pytrace=False)
        pytest.skip("nginx not installed")
    work = tmp_path_factory.mktemp("proxy")
    url = sqlite_file(work / "handmade.sqlite", hm.ROWS)
    env = proxy.streamlit_env(url, work / "store", "test-secret")
    ports = distinct_ports(3)
    with (
        proxy.streamlit_processes(ports[:2], env, work / "logs") as backends,
        proxy.nginx(work / "nginx", ports[2], backends, debug=True) as base,
    ):
        yield base, backends


def test_security_headers_on_every_response(front):
    base, _ = front
    for path in ("/", "/_stcore/health", "/chronic", "/no-such-file.js"):
        _status, headers = get(base + path)
        for name, value in proxy.SECURITY_HEADERS:
            assert headers.get(name) == value, (path, name)


def test_metrics_are_refused_at_the_proxy(front):
    base, backends = front
    status, headers = get(base + "/_stcore/metrics")
    assert status == 403
    assert headers.get("X-Frame-Options") == "SAMEORIGIN"
    status, _ = get(f"http://{backends[0]}/_stcore/metrics")  # on loopback, for monitoring
    assert status == 200


def test_a_browser_stays_on_its_process_and_browsers_spread(front):
    base, backends = front
    seen = set()
    for _ in range(CLIENTS):
        _status, headers = get(base + "/")
        (cookie,) = node_cookies(headers)
        first = headers["X-Yf-Upstream"]
        seen.add(first)
        for path in ("/", "/_stcore/health", "/chronic"):  # a reload, a new tab: same process
            _status, again = get(base + path, cookie)
            assert again["X-Yf-Upstream"] == first
            assert node_cookies(again) == []  # the cookie is set once
    assert seen == set(backends)


def test_pages_run_through_the_proxy(front):
    """A websocket session through nginx: its page runs finish (the store is shared)."""
    base, _ = front

    async def go() -> list[float]:
        times: list[float] = []
        await sessions.session(base, "period=2026-Q1", len(sessions.PAGES), 0, times)
        return times

    assert len(asyncio.run(go())) == len(sessions.PAGES)


def test_readme_shows_the_tested_configuration():
    readme = (proxy.ROOT / "README.md").read_text(encoding="utf-8")
    snippet = proxy.site_config("80", [f"127.0.0.1:{p}" for p in (8501, 8502, 8503, 8504)])
    indented = "\n".join(("   " + line) if line else "" for line in snippet.rstrip().splitlines())
    assert indented in readme

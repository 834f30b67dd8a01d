"""Many users at once, without a browser: concurrent Streamlit sessions over websockets against
1 and 2 server processes behind nginx on loopback; renders per second and p50/p95 per render.

Each session is what a browser tab does on the wire: GET / (nginx sets the session's
process cookie), open /_stcore/stream with that cookie, then ask for page runs one after the
other (总览, 团队工作量, 慢病三色, 县区排名, ...) and wait for each run's script_finished. It
measures the servers (queueing, CPU), not Chromium. Bounded: ROUNDS runs per session.

    python -m benchmarks.sessions --db duckdb:////tmp/prefecture.duckdb \
        [--processes 1 2] [--sessions 1 8 16 32] [--rounds 4]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks import proxy
from benchmarks.machine import describe as machine_words

PAGES = ("", "teams", "chronic", "rankings")  # url paths; "" is 总览
FIRST_RUN_TIMEOUT_S = 1800  # the first run waits for the store build
RUN_TIMEOUT_S = 300
BASE_PORT = 8681  # Streamlit processes 8681, 8682, ...; nginx on NGINX_PORT
NGINX_PORT = 8680


def cookie_of(base: str) -> str:
    """GET / as a browser's first request: the Cookie header the next requests send."""
    with urllib.request.urlopen(base + "/", timeout=60) as response:
        cookies = response.headers.get_all("Set-Cookie") or []
    return "; ".join(c.split(";", 1)[0] for c in cookies)


async def run_page(ws, page: str, query: str, timeout: float) -> float:
    """Ask for a run of `page` and wait until it finishes; seconds taken."""
    msg = BackMsg(rerun_script=ClientState(query_string=query, page_name=page))
    start = time.perf_counter()
    await ws.send(msg.SerializeToString())
    async with asyncio.timeout(timeout):
        while True:
            data = await ws.recv()
            fwd = ForwardMsg()
            fwd.ParseFromString(data)
            kind = fwd.WhichOneof("type")
            if kind == "page_not_found":
                raise RuntimeError(f"page not found: {page!r}")
            if kind == "script_finished" and fwd.script_finished in (
                ForwardMsg.FINISHED_SUCCESSFULLY,
                ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
            ):
                return time.perf_counter() - start


async def session(base: str, query: str, rounds: int, offset: int, times: list[float]) -> None:
    cookie = await asyncio.to_thread(cookie_of, base)
    url = base.replace("http://", "ws://") + "/_stcore/stream"
    headers = {"Cookie": cookie} if cookie else {}
    async with websockets.connect(
        url, subprotocols=["streamlit"], additional_headers=headers, max_size=None
    ) as ws:
        for i in range(rounds):
            page = PAGES[(offset + i) % len(PAGES)]
            times.append(await run_page(ws, page, query, RUN_TIMEOUT_S))


async def load(base: str, query: str, sessions: int, rounds: int) -> tuple[float, list[float]]:
    times: list[float] = []
    start = time.perf_counter()
    await asyncio.gather(*(session(base, query, rounds, i, times) for i in range(sessions)))
    return time.perf_counter() - start, times


def warm(backend: str, query: str) -> None:
    """Every page once on one process (the first waits for the store build)."""

    async def go() -> None:
        async with websockets.connect(
            f"ws://{backend}/_stcore/stream", subprotocols=["streamlit"], max_size=None
        ) as ws:
            for page in PAGES:
                await run_page(ws, page, query, FIRST_RUN_TIMEOUT_S)

    asyncio.run(go())


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="source database URL (default: the embedded demo)")
    parser.add_argument("--period", default="2026-10")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 8, 16, 32])
    parser.add_argument("--rounds", type=int, default=4, help="page runs per session")
    parser.add_argument("--store", type=Path, help="store folder shared by the processes")
    args = parser.parse_args()
    query = f"period={args.period}"
    work = Path(tempfile.mkdtemp(prefix="yfrh_sessions_"))
    store = args.store or work / "store"
    env = proxy.streamlit_env(args.db, store, secrets.token_hex(16))
    print(machine_words())
    print(
        f"database: {args.db or 'embedded demo'}; period {args.period}; {args.rounds} runs per session"
    )
    print(
        f"{'procs':>5} {'sessions':>8} {'runs':>5} {'runs/s':>7} {'p50 s':>6} {'p95 s':>6}  load(1/5/15 min)"
    )
    for n in args.processes:
        ports = [BASE_PORT + i for i in range(n)]
        with proxy.streamlit_processes(
            ports, env, work / f"logs{n}", lambda p: warm(f"127.0.0.1:{p}", query)
        ) as backends:
            for b in backends[1:]:  # each process fills its own caches
                warm(b, query)
            with proxy.nginx(work / f"nginx{n}", NGINX_PORT, backends) as base:
                for c in args.sessions:
                    wall, times = asyncio.run(load(base, query, c, args.rounds))
                    print(
                        f"{n:>5} {c:>8} {len(times):>5} {len(times) / wall:>7.2f} "
                        f"{statistics.median(times):>6.2f} {percentile(times, 0.95):>6.2f}  {load_average()}",
                        flush=True,
                    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

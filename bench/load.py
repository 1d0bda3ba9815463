"""Drive load against one URL: wrk when installed (light on a small machine), otherwise a
Python thread pool over http.client. Both return a stats.Measure."""

from __future__ import annotations

import http.client
import itertools
import json
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from bench.stats import Measure, from_latencies

# wrk prints its own report; `done` adds one JSON line with what we need (times in ms).
WRK_SCRIPT = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH-JSON {"requests":%d,"duration_us":%d,"errors":%d,"status_errors":%d,' ..
    '"p50":%.3f,"p95":%.3f,"max":%.3f}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout + e.status,
    e.status, latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency.max / 1000))
end
"""


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def post_script(path: str, bodies: list[str]) -> str:
    """A wrk script whose requests POST the given form bodies in turn, each thread starting
    at its own offset so that two threads do not send the same body at once."""
    rows = ",\n".join(lua_string(body) for body in bodies)
    return (
        f"local bodies = {{\n{rows}\n}}\n"
        "local counter = 0\n"
        "local threads = 0\n"
        "setup = function(thread) threads = threads + 1; thread:set('thread_id', threads) end\n"
        "init = function(args) counter = (thread_id or 1) * 7919 end\n"
        "request = function()\n"
        "  counter = counter + 1\n"
        "  local body = bodies[(counter % #bodies) + 1]\n"
        f"  return wrk.format('POST', {lua_string(path)}, nil, body)\n"
        "end\n" + WRK_SCRIPT
    )


def run_wrk(
    name: str,
    host: str,
    port: int,
    path: str,
    *,
    clients: int,
    seconds: float,
    headers: dict[str, str] | None = None,
    bodies: list[str] | None = None,
) -> Measure:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(post_script(path, bodies) if bodies else WRK_SCRIPT)
    command = [
        "wrk",
        f"-t{min(2, clients)}",
        f"-c{clients}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        script.name,
    ]
    for key, value in (headers or {}).items():
        command += ["-H", f"{key}: {value}"]
    command.append(f"http://{host}:{port}{path}")
    try:
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        Path(script.name).unlink(missing_ok=True)
    line = next(line for line in output.splitlines() if line.startswith("BENCH-JSON "))
    data = json.loads(line.removeprefix("BENCH-JSON "))
    return Measure(
        name=name,
        path=path,
        clients=clients,
        requests=data["requests"],
        seconds=data["duration_us"] / 1_000_000,
        p50=data["p50"],
        p95=data["p95"],
        max=data["max"],
        errors=data["errors"],
    )


def run_python(
    name: str,
    host: str,
    port: int,
    path: str,
    *,
    clients: int,
    seconds: float,
    headers: dict[str, str] | None = None,
    bodies: list[str] | None = None,
) -> Measure:
    """`clients` threads, each sending requests one after another until the time is up; with
    `bodies`, each request POSTs the next body of the list."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    sequence = itertools.count()

    def client() -> None:
        nonlocal errors
        mine: list[float] = []
        failed = 0
        connection = http.client.HTTPConnection(host, port, timeout=10)
        while time.monotonic() < deadline:
            began = time.perf_counter()
            try:
                if bodies:
                    body = bodies[next(sequence) % len(bodies)]
                    connection.request("POST", path, body=body, headers=headers or {})
                else:
                    connection.request("GET", path, headers=headers or {})
                response = connection.getresponse()
                response.read()
                if response.status >= 400:
                    failed += 1
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
            mine.append((time.perf_counter() - began) * 1000)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors += failed

    began = time.monotonic()
    threads = [threading.Thread(target=client) for _i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return from_latencies(name, path, clients, latencies, time.monotonic() - began, errors)


def measure(name: str, host: str, port: int, path: str, **kwargs) -> Measure:
    runner = run_wrk if wrk_available() else run_python
    return runner(name, host, port, path, **kwargs)

"""Load generators for `bench/http_pages.py`: wrk when installed, else Python threads.

Both keep one keep-alive connection per client, run for a fixed time and report requests/s,
p50 and p99 latency and the requests that did not come back 200. They only ever target
127.0.0.1: `run_load` refuses any other host.
"""

from __future__ import annotations

import http.client
import re
import shutil
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

# wrk's Lua hooks. wrk's own latency histogram is resampled per time interval (each interval
# contributes the same number of samples however few requests finished in it), so against a
# server that serves connections unevenly its mean and p99 overstate, beyond what
# clients / throughput allows. Instead every request is timed here: wrk runs one connection
# per thread, so request() and response() pair up, and LuaJIT's ffi reads CLOCK_MONOTONIC.
WRK_SCRIPT = """
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local clock = ffi.new("bench_timespec")
local function now_us()
  ffi.C.clock_gettime(1, clock)  -- 1: CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000000 + tonumber(clock.tv_nsec) / 1000
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  prepared = wrk.format()
  started = 0
  not_ok = 0
  latencies = {}
end

function request()
  started = now_us()
  return prepared
end

function response(status, headers, body)
  latencies[#latencies + 1] = now_us() - started
  if status ~= 200 then
    not_ok = not_ok + 1
  end
end

function done(summary, latency, requests)
  local all, not_ok_total, fewest, most = {}, 0, nil, 0
  for _, thread in ipairs(threads) do
    not_ok_total = not_ok_total + (thread:get("not_ok") or 0)
    local mine = thread:get("latencies") or {}
    for _, value in ipairs(mine) do
      all[#all + 1] = value
    end
    fewest = math.min(fewest or #mine, #mine)
    most = math.max(most, #mine)
  end
  table.sort(all)
  local function pick(fraction)
    if #all == 0 then return 0 end
    return all[math.max(1, math.min(#all, math.floor(fraction * #all + 0.5)))]
  end
  local total = 0
  for _, value in ipairs(all) do total = total + value end
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT requests=%d timed=%d duration_us=%d mean_us=%d p50_us=%d p99_us=%d not_200=%d socket_errors=%d timeouts=%d fewest=%d most=%d\\n",
    summary.requests, #all, summary.duration, #all > 0 and total / #all or 0, pick(0.50), pick(0.99),
    not_ok_total, e.connect + e.read + e.write, e.timeout, fewest or 0, most))
end
"""

_RESULT = re.compile(r"BENCH_RESULT (.*)")


@dataclass
class LoadResult:
    tool: str
    requests: int
    seconds: float
    mean_ms: float
    p50_ms: float
    p99_ms: float
    not_200: int
    socket_errors: int  # connect, read and write errors
    timeouts: int = 0  # wrk's count of connections seen waiting longer than --timeout
    fewest: int = 0  # responses to the client that got fewest (one client = one connection)
    most: int = 0  # ... and to the one that got most

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_path() -> str | None:
    return shutil.which("wrk")


def _check_local(url: str) -> None:
    host = urlsplit(url).hostname
    if host != "127.0.0.1":
        raise ValueError(f"the bench only targets 127.0.0.1, not {host!r}")


def run_wrk(url: str, headers: dict[str, str], seconds: float, connections: int, workdir: Path) -> LoadResult:
    script = workdir / "bench_report.lua"
    if not script.exists():
        script.write_text(WRK_SCRIPT)
    command = [
        wrk_path() or "wrk", f"-t{connections}", f"-c{connections}",  # one connection per thread
        f"-d{max(1, round(seconds))}s", "--timeout", "10s", "-s", str(script),
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(url)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        stdout, stderr = process.communicate(timeout=seconds + 30)
    finally:
        if process.poll() is None:  # interrupted or timed out: never leave wrk running
            process.kill()
            process.wait()
    match = _RESULT.search(stdout)
    if process.returncode != 0 or not match:
        raise RuntimeError(f"wrk failed ({process.returncode}):\n{stdout}\n{stderr}")
    values = dict(part.split("=", 1) for part in match.group(1).split())
    return LoadResult(
        tool="wrk",
        requests=int(values["requests"]),
        seconds=int(values["duration_us"]) / 1e6,
        mean_ms=int(values["mean_us"]) / 1000,
        p50_ms=int(values["p50_us"]) / 1000,
        p99_ms=int(values["p99_us"]) / 1000,
        not_200=int(values["not_200"]),
        socket_errors=int(values["socket_errors"]),
        timeouts=int(values["timeouts"]),
        fewest=int(values["fewest"]),
        most=int(values["most"]),
    )


def _percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def run_python(url: str, headers: dict[str, str], seconds: float, connections: int) -> LoadResult:
    """Fallback: one thread per client, each with its own keep-alive http.client connection."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    deadline = time.perf_counter() + seconds
    latencies: list[list[float]] = [[] for _ in range(connections)]
    counts = [[0, 0] for _ in range(connections)]  # not_200, socket_errors

    def client(slot: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                conn.request("GET", target, headers=headers)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                counts[slot][1] += 1
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
                continue
            latencies[slot].append(time.perf_counter() - started)
            if response.status != 200:
                counts[slot][0] += 1
        conn.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=seconds + 15)
    elapsed = time.perf_counter() - started
    everything = sorted(x for per_client in latencies for x in per_client)
    return LoadResult(
        tool="python",
        requests=len(everything),
        seconds=elapsed,
        mean_ms=statistics.fmean(everything) * 1000 if everything else 0.0,
        p50_ms=_percentile(everything, 0.50) * 1000,
        p99_ms=_percentile(everything, 0.99) * 1000,
        not_200=sum(c[0] for c in counts),
        socket_errors=sum(c[1] for c in counts),
        fewest=min(len(per_client) for per_client in latencies),
        most=max(len(per_client) for per_client in latencies),
    )


def run_load(tool: str, url: str, headers: dict[str, str], seconds: float, connections: int,
             workdir: Path) -> LoadResult:
    _check_local(url)
    if tool == "wrk":
        return run_wrk(url, headers, seconds, connections, workdir)
    return run_python(url, headers, seconds, connections)

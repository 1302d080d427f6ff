"""Live chat fan-out benchmark: one sender, N receivers in one room, on the production server.

    .venv/bin/python bench/chat.py [--clients 50,200,500] [--messages 1000] [--redis]

For each N in --clients:

1. Starts the real server with tests/live_server.py (migrate, seed the demo data, gunicorn
   -c gunicorn.conf.py: one gevent worker) in a fresh temporary instance, so every N starts
   from the same state and the worker's peak RSS (VmHWM) is that run's own. With --redis,
   REDIS_URL=redis://127.0.0.1:6379/14 (flushed first): Socket.IO then sends every emit
   through Redis pub/sub, and presence, the socket registry and rate limits live there too.
2. Signs in once as member.wigan and opens N python-socketio AsyncClients over websocket,
   all on one asyncio loop in this process, sharing that signed-in session; each joins
   the room "supporting-social-workers".
3. A sender signed in as moderator, in a process of its own (so its acks do not queue behind
   the receivers' work on one loop), sends --messages messages, each with a unique client_id
   and a body carrying its sequence number and send time (CLOCK_MONOTONIC, the same clock in
   every process on the machine). Pacing is closed-loop: the next message goes after the
   previous ack (--acks 1), and only while fewer than --window messages have still to reach
   some receiver (the receivers count, in shared memory), so the run measures what the
   server sustains instead of filling its queues. Keep --acks at 1 on SQLite (see below).
4. Every receiver records each chat:message with its receive time. Reported per N: time to
   connect and to join all clients, delivered messages/s (all deliveries / first send to
   last delivery), p50/p99/max send-to-receive latency, lost (N x messages stored minus
   unique deliveries) and duplicated deliveries (both must be 0), failed sends, dropped
   sockets, CPU used by the server's worker, the receivers and the sender, and the worker's
   RSS (VmHWM from /proc, and VmRSS sampled every 100 ms).
5. Prints a table for all N and stops the server (also on an error, Ctrl-C or SIGTERM).

Only ever talks to 127.0.0.1. Exit status: 0 when nothing was lost, duplicated or refused.

Why one send at a time (--acks 1): chat:send takes SQLite's write lock (BEGIN IMMEDIATE) and
then calls the rate limiter, which yields to other greenlets (a Redis round trip, or the
memory storage starting its expiry threading.Timer, itself a greenlet under gevent). A second
write that runs meanwhile waits for the lock in SQLite's busy handler, which sleeps without
yielding: the whole worker stops for busy_timeout (10 s), every socket stalls, and that send
fails with "database is locked". `--acks 4` reproduces it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import sys
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path

import requests
import socketio

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(1, str(ROOT))

from tests.live_server import LiveServer, start_live_server  # noqa: E402

HOST = "127.0.0.1"
REDIS_URL = f"redis://{HOST}:6379/14"
ROOM = "supporting-social-workers"
RECEIVER = "member.wigan"
SENDER = "moderator"
USER_AGENT = "practice-exchange-chat-bench/1"  # the same on HTTP and websocket requests
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
ROOM_ID = re.compile(r'data-room-id="(\d+)"')
BODY = re.compile(r"^Bench message (\d+) sent at (\d+) ns$")
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --- the server process ------------------------------------------------------------------------


def worker_pid(master: int, timeout: float = 10.0) -> int:
    """gunicorn's one worker: the master's child process, from /proc."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children: list[int] = []
        for task in Path(f"/proc/{master}/task").glob("*"):
            with contextlib.suppress(OSError):
                children += [int(pid) for pid in (task / "children").read_text().split()]
        if len(children) == 1:
            return children[0]
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn master {master} has no single worker process (children: {children})")


def status_kb(pid: int, key: str) -> int:
    """A VmRSS/VmHWM-style line of /proc/<pid>/status, in kB (0 once the process is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads) so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime: fields 14, 15 of stat


class RssSampler:
    """Samples the worker's VmRSS every 100 ms on the event loop; VmHWM gives the exact peak."""

    def __init__(self, pid: int):
        self.pid = pid
        self.peak_kb = status_kb(pid, "VmRSS")
        self._task: asyncio.Task | None = None

    async def _run(self) -> None:
        while True:
            self.peak_kb = max(self.peak_kb, status_kb(self.pid, "VmRSS"))
            await asyncio.sleep(0.1)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


def flush_redis() -> int:
    """Empty the bench's Redis database; return how many others listen on Socket.IO's channel.

    Pub/sub channels are not per database: every Flask-SocketIO server on this Redis shares
    "flask-socketio", so another one running now (a test, say) hears our emits and we hear its.
    """
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
    try:
        client.flushdb()
        return int(dict(client.pubsub_numsub("flask-socketio")).get(b"flask-socketio", 0))
    finally:
        client.close()


# --- signing in --------------------------------------------------------------------------------


@dataclass
class Session:
    """A signed-in browser session: what a page's sockets send (Cookie header, CSRF token)."""

    username: str
    cookie: str
    token: str
    room_id: int

    @property
    def headers(self) -> dict[str, str]:
        return {"Cookie": self.cookie, "User-Agent": USER_AGENT}


def sign_in(server: LiveServer, username: str) -> Session:
    http = requests.Session()
    http.headers["User-Agent"] = USER_AGENT
    page = http.get(server.url("/signin"), timeout=10)
    token = CSRF_FIELD.search(page.text)
    if page.status_code != 200 or token is None:
        raise RuntimeError(f"GET /signin: {page.status_code}, CSRF token {'found' if token else 'missing'}")
    response = http.post(server.url("/signin"), allow_redirects=False, timeout=10, data={
        "csrf_token": token.group(1), "login": username, "password": server.demo_password})
    if response.status_code != 302:
        raise RuntimeError(f"POST /signin as {username}: {response.status_code} (expected 302)")
    room = http.get(server.url(f"/rooms/{ROOM}"), timeout=10)  # may set the session cookie again
    meta, room_id = CSRF_META.search(room.text), ROOM_ID.search(room.text)
    if room.status_code != 200 or meta is None or room_id is None:
        raise RuntimeError(f"GET /rooms/{ROOM} as {username}: {room.status_code}, no CSRF token or room id")
    cookie = "; ".join(f"{c.name}={c.value}" for c in http.cookies)
    http.close()
    return Session(username, cookie, meta.group(1), int(room_id.group(1)))


# --- the sender (its own process) --------------------------------------------------------------


@dataclass
class SendPlan:
    """What the sender process needs; picklable."""

    base_url: str
    session: Session
    prefix: str
    messages: int
    window: int
    acks: int
    ack_timeout: float
    stall_timeout: float
    connect_timeout: float
    seconds: float  # the time it has, from its start


@dataclass
class SendReport:
    acked: list[str] = field(default_factory=list)  # client_ids the server stored (ack ok)
    ack_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    first_send_ns: int = 0
    last_send_ns: int = 0
    window_waits: int = 0  # sends that first waited for deliveries to catch up
    stalls: int = 0  # such waits that gave up after --stall-timeout without progress
    cpu_s: float = 0.0
    error: str = ""  # why it stopped early


def sender_process(plan: SendPlan, completed, start, abort, out) -> None:
    """Entry point of the sender process: connect, say ready, send when told, report."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent decides
    report = SendReport()
    try:
        asyncio.run(send_all(plan, completed, start, abort, out, report))
    except KeyboardInterrupt:
        report.error = "interrupted"
    except Exception as error:
        report.error = describe(error)
    out.put(("done", asdict(report)))  # plain data: the parent knows this module as __main__


async def send_all(plan: SendPlan, completed, start, abort, out, report: SendReport) -> None:
    """Send plan.messages messages: at most plan.acks awaiting an ack, and only while fewer than
    plan.window have not yet reached every receiver (`completed`, counted by the receivers)."""
    deadline = time.monotonic() + plan.seconds
    client = new_client()
    gone: list[str] = []
    client.on("disconnect", lambda reason=None: gone.append(f"sender disconnected: {reason}"))
    await connect(client, plan.base_url, plan.session, plan.connect_timeout)
    out.put(("ready", None))
    try:
        while not start.is_set():
            if abort.is_set() or time.monotonic() > deadline:
                return
            await asyncio.sleep(0.01)
        cpu = time.process_time()
        acks = asyncio.Semaphore(plan.acks)
        in_flight: set[asyncio.Task] = set()

        async def send(seq: int) -> None:
            try:
                sent_ns = time.monotonic_ns()
                report.first_send_ns = report.first_send_ns or sent_ns
                payload = {"room_id": plan.session.room_id, "client_id": f"{plan.prefix}{seq:06d}",
                           "body": f"Bench message {seq} sent at {sent_ns} ns"}
                answer = None
                for _attempt in range(3):  # a resend with the same client_id is stored and broadcast once
                    try:
                        answer = await client.call("chat:send", payload, timeout=plan.ack_timeout)
                        break
                    except socketio.exceptions.TimeoutError:
                        continue
                    except Exception as error:  # the socket is gone, say
                        report.errors.append(f"message {seq}: {describe(error)}")
                        return
                acked_ns = time.monotonic_ns()
                if answer is None or not answer.get("ok") or answer.get("duplicate"):
                    reason = "no ack" if answer is None else answer.get("error") or "duplicate"
                    report.errors.append(f"message {seq}: {reason}")
                    return
                report.acked.append(payload["client_id"])
                report.last_send_ns = max(report.last_send_ns, sent_ns)
                report.ack_ms.append((acked_ns - sent_ns) / 1e6)
            finally:
                acks.release()

        for seq in range(plan.messages):
            if report.acked and len(report.acked) + len(in_flight) - completed.value >= plan.window:
                report.window_waits += 1
                seen, since = completed.value, time.monotonic()
                while len(report.acked) + len(in_flight) - completed.value >= plan.window:
                    if abort.is_set() or gone:
                        break
                    if completed.value != seen:
                        seen, since = completed.value, time.monotonic()
                    elif time.monotonic() - since > plan.stall_timeout:
                        report.stalls += 1  # something is lost or very slow: go on, the counts will show it
                        break
                    if time.monotonic() > deadline:
                        raise TimeoutError("the deadline passed while sending")
                    await asyncio.sleep(0.0005)
            if abort.is_set() or gone:
                report.error = "; ".join(gone) or "stopped: receivers disconnected"
                break
            if len(report.errors) >= 10:
                report.error = f"the server refused {len(report.errors)} messages"
                break
            await asyncio.wait_for(acks.acquire(), max(0.001, deadline - time.monotonic()))
            task = asyncio.create_task(send(seq))
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)
        if in_flight:
            await asyncio.wait(in_flight, timeout=max(0.001, deadline - time.monotonic()))
        report.cpu_s = time.process_time() - cpu
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.disconnect(), 5)


# --- the receivers (this process) --------------------------------------------------------------


@dataclass
class Run:
    """What one N measured; filled as the run goes, so a failed or timed-out run still reports."""

    clients: int
    messages: int
    connected: int = 0
    joined: int = 0
    connect_s: float = 0.0
    join_s: float = 0.0
    presence_events: int = 0  # chat:presence deliveries (each join tells everyone in the room)
    stored: set[str] = field(default_factory=set)  # client_ids acked, or delivered to anyone
    sender: SendReport = field(default_factory=SendReport)
    last_delivery_ns: int = 0
    deliveries: int = 0
    unique: int = 0
    duplicates: int = 0
    reordered: int = 0  # deliveries of a message older than one the receiver already had
    latencies_ns: list[int] = field(default_factory=list)
    drops: list[str] = field(default_factory=list)  # receivers disconnected before the end
    server_cpu_s: float = 0.0
    receivers_cpu_s: float = 0.0
    send_phase_s: float = 0.0
    rss_idle_kb: int = 0
    rss_peak_kb: int = 0  # sampled VmRSS during the run
    hwm_kb: int = 0  # the worker's VmHWM at the end of the run
    timed_out: str = ""
    error: str = ""

    @property
    def sent(self) -> int:
        return len(self.sender.acked)

    @property
    def lost(self) -> int:
        return self.clients * len(self.stored) - self.unique

    @property
    def elapsed_s(self) -> float:
        if not self.sender.first_send_ns or not self.last_delivery_ns:
            return 0.0
        return (self.last_delivery_ns - self.sender.first_send_ns) / 1e9

    @property
    def delivered_per_s(self) -> float:
        return self.deliveries / self.elapsed_s if self.elapsed_s else 0.0

    @property
    def sends_per_s(self) -> float:
        span = (self.sender.last_send_ns - self.sender.first_send_ns) / 1e9
        return (self.sent - 1) / span if span > 0 and self.sent > 1 else 0.0

    def latency_ms(self, q: float) -> float:
        if not self.latencies_ns:
            return float("nan")
        self.latencies_ns.sort()  # in place: cheap again once sorted
        ordered = self.latencies_ns
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] / 1e6

    def cores(self, cpu_s: float) -> float:
        return cpu_s / self.send_phase_s if self.send_phase_s else 0.0

    @property
    def ok(self) -> bool:
        return (not self.error and not self.timed_out and not self.sender.error
                and self.connected == self.joined == self.clients and self.sent == self.messages
                and self.lost == 0 and self.duplicates == 0 and not self.sender.errors and not self.drops)


class Fanout:
    """Every receiver's record, and how many messages have reached every receiver."""

    def __init__(self, run: Run, prefix: str, completed):
        self.run = run
        self.prefix = prefix
        self.reached: dict[str, int] = {}  # client_id -> receivers that have it
        self.completed = completed  # shared with the sender process
        self.progress = asyncio.Event()
        self.last_presence = time.monotonic()

    def receiver(self, index: int, client: socketio.AsyncClient, closing: asyncio.Event) -> None:
        seen: set[int] = set()
        newest = [-1]  # the highest sequence number this receiver has had
        run, prefix, clients = self.run, self.prefix, self.run.clients

        def on_message(data):
            now = time.monotonic_ns()
            client_id = data.get("client_id") or ""
            if not client_id.startswith(prefix):
                return  # not this run's (another server on the same Redis channel, say)
            run.deliveries += 1
            run.last_delivery_ns = now
            if data["id"] in seen:
                run.duplicates += 1
                return
            seen.add(data["id"])
            run.unique += 1
            match = BODY.match(data.get("body", ""))
            if match:
                run.latencies_ns.append(now - int(match.group(2)))
                seq = int(match.group(1))
                if seq < newest[0]:
                    run.reordered += 1
                newest[0] = max(newest[0], seq)
            count = self.reached.get(client_id, 0) + 1
            self.reached[client_id] = count
            if count == 1:
                run.stored.add(client_id)
            if count == clients:
                self.completed.value += 1
                self.progress.set()

        def on_presence(data=None):
            self.last_presence = time.monotonic()
            run.presence_events += 1

        def on_disconnect(reason=None):
            if not closing.is_set():
                run.drops.append(f"receiver {index}: {reason}")
                self.progress.set()

        client.on("chat:message", on_message)
        client.on("chat:presence", on_presence)
        client.on("disconnect", on_disconnect)


def new_client() -> socketio.AsyncClient:
    # Its own errors ("packet queue is empty, aborting", once per socket when the server goes
    # quiet for 30 s) would drown the report; dropped sockets are counted and shown instead.
    logging.getLogger("engineio.client").setLevel(logging.CRITICAL)
    return socketio.AsyncClient(reconnection=False, handle_sigint=False, request_timeout=10)


async def connect(client: socketio.AsyncClient, base_url: str, session: Session, timeout: float) -> None:
    await asyncio.wait_for(client.connect(
        base_url, headers=session.headers, auth={"csrf_token": session.token},
        transports=["websocket"], wait_timeout=timeout), timeout + 5)


async def bounded(jobs, limit: int, deadline: float) -> list[BaseException | None]:
    """Run coroutine factories with at most `limit` at once; the exception (or None) of each."""
    gate = asyncio.Semaphore(limit)

    async def one(job):
        async with gate:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return TimeoutError("no time left")
            try:
                await asyncio.wait_for(job(), remaining)
            except Exception as error:
                return error
            return None

    return await asyncio.gather(*(one(job) for job in jobs))


async def quietly(coroutines, timeout: float) -> None:
    """Run clean-up coroutines together for at most `timeout` s, ignoring how each one ends."""
    tasks = [asyncio.ensure_future(c) for c in coroutines]
    if not tasks:
        return
    done, pending = await asyncio.wait(tasks, timeout=timeout)
    for task in pending:
        task.cancel()
    for task in done:
        if not task.cancelled():
            task.exception()  # retrieved, so asyncio does not log it


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def report_errors(what: str, errors: list[BaseException | None]) -> None:
    failed = [describe(e) for e in errors if e is not None]
    if failed:
        kinds: dict[str, int] = {}
        for text in failed:
            kinds[text] = kinds.get(text, 0) + 1
        print(f"  {what} failed for {len(failed)} clients: "
              + "; ".join(f"{n}x {text}" for text, n in sorted(kinds.items(), key=lambda kv: -kv[1])[:5]))


async def next_from(out, deadline: float, sender) -> tuple[str, object]:
    """The sender process's next message, waiting on the loop (never past the deadline)."""
    import queue

    while True:
        try:
            return out.get_nowait()
        except queue.Empty:
            pass
        if not sender.is_alive():
            with contextlib.suppress(queue.Empty):
                return out.get(timeout=1)  # it may have put its report just before exiting
            raise RuntimeError(f"the sender process exited ({sender.exitcode}) without a report")
        if time.monotonic() > deadline:
            raise TimeoutError("the sender process did not answer in time")
        await asyncio.sleep(0.02)


async def measure(run: Run, server: LiveServer, pid: int, receiver: Session, sender: Session,
                  args: argparse.Namespace, deadline: float) -> None:
    import multiprocessing

    context = multiprocessing.get_context("spawn")  # no fork of a process with a running loop
    completed = context.RawValue("q", 0)  # messages every receiver has: written here, read there
    start, abort, out = context.Event(), context.Event(), context.Queue()
    prefix = "bench-" + os.urandom(4).hex() + "-"
    plan = SendPlan(server.base_url, sender, prefix, run.messages, args.window, args.acks, args.ack_timeout,
                    args.stall_timeout, args.connect_timeout, max(1.0, deadline - time.monotonic()))
    sender_proc = context.Process(target=sender_process, args=(plan, completed, start, abort, out),
                                  name="chat-bench-sender", daemon=True)
    sender_proc.start()  # it starts and connects while the receivers connect
    fanout = Fanout(run, prefix, completed)
    closing = asyncio.Event()
    clients = [new_client() for _ in range(run.clients)]
    for index, client in enumerate(clients):
        fanout.receiver(index, client, closing)
    sampler = RssSampler(pid)
    sampler.start()
    try:
        # Connect every receiver, then join them all to the room.
        started = time.perf_counter()
        errors = await bounded(
            [lambda c=c: connect(c, server.base_url, receiver, args.connect_timeout) for c in clients],
            args.concurrency, deadline)
        run.connect_s = time.perf_counter() - started
        run.connected = sum(e is None for e in errors)
        report_errors("connect", errors)
        if run.connected < run.clients:
            raise RuntimeError(f"only {run.connected} of {run.clients} receivers connected")

        async def join(client: socketio.AsyncClient) -> None:
            answer = await client.call("chat:join", {"room_id": receiver.room_id}, timeout=args.connect_timeout)
            if not answer.get("ok"):
                raise RuntimeError(f"chat:join refused: {answer.get('error')}")

        started = time.perf_counter()
        errors = await bounded([lambda c=c: join(c) for c in clients], args.concurrency, deadline)
        run.join_s = time.perf_counter() - started
        run.joined = sum(e is None for e in errors)
        report_errors("join", errors)
        if run.joined < run.clients:
            raise RuntimeError(f"only {run.joined} of {run.clients} receivers joined")
        kind, value = await next_from(out, min(deadline, time.monotonic() + args.connect_timeout + 30), sender_proc)
        if kind != "ready":
            raise RuntimeError(f"the sender could not start: {value.get('error') if value else kind}")
        # Each join told everyone already in the room (chat:presence): let that settle first.
        settle_until = min(deadline, time.monotonic() + 30)
        while time.monotonic() - fanout.last_presence < 1.0 and time.monotonic() < settle_until:
            await asyncio.sleep(0.1)
        print(f"  {run.clients} receivers connected in {run.connect_s:.2f} s, joined in {run.join_s:.2f} s "
              f"({run.presence_events:,} chat:presence deliveries); sending {run.messages} messages ...", flush=True)

        cpu_server, cpu_receivers = cpu_seconds(pid), time.process_time()
        started = time.perf_counter()
        start.set()
        done: asyncio.Task = asyncio.create_task(next_from(out, deadline + 10, sender_proc))
        while not done.done():
            if run.drops:
                abort.set()
            await asyncio.wait([done], timeout=0.2)
        kind, value = done.result()
        run.sender = SendReport(**value)
        # Drain: until every receiver has every message, or nothing arrives for --stall-timeout.
        run.stored.update(run.sender.acked)
        while completed.value < len(run.stored) and not run.drops:
            fanout.progress.clear()
            wait = min(args.stall_timeout, deadline - time.monotonic())
            if wait <= 0:
                raise TimeoutError("the deadline passed while waiting for deliveries")
            before = run.deliveries
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(fanout.progress.wait(), wait)
            if run.deliveries == before and completed.value < len(run.stored):
                break
        run.send_phase_s = time.perf_counter() - started
        run.server_cpu_s = cpu_seconds(pid) - cpu_server
        run.receivers_cpu_s = time.process_time() - cpu_receivers
    finally:
        closing.set()
        abort.set()
        await sampler.stop()
        run.rss_peak_kb = max(sampler.peak_kb, status_kb(pid, "VmRSS"))
        run.hwm_kb = status_kb(pid, "VmHWM")
        await quietly([c.disconnect() for c in clients if c.connected], 15)
        await quietly([c.shutdown() for c in clients], 5)
        sender_proc.join(5)
        if sender_proc.is_alive():
            sender_proc.kill()
            sender_proc.join(5)


def run_until_done(coroutine, timeout: float) -> None:
    """asyncio.run, where the first Ctrl-C cancels the run (its clean-up then runs in full,
    bounded by its own timeouts) and further ones are ignored; then KeyboardInterrupt."""
    interrupted: list[bool] = []

    async def main() -> None:
        loop, task = asyncio.get_running_loop(), asyncio.current_task()

        def on_sigint() -> None:
            if not interrupted:
                interrupted.append(True)
                task.cancel()

        loop.add_signal_handler(signal.SIGINT, on_sigint)
        try:
            await asyncio.wait_for(coroutine, timeout)
        finally:
            loop.remove_signal_handler(signal.SIGINT)

    try:
        asyncio.run(main())
    except asyncio.CancelledError:
        if interrupted:
            raise KeyboardInterrupt from None
        raise


def run_one(clients: int, args: argparse.Namespace) -> Run:
    run = Run(clients, args.messages)
    env = {"FORUM_CHAT_RATE_LIMIT": "100000/10 seconds", "FORUM_ACCESS_LOG": "/dev/null"}
    if args.redis:
        listeners = flush_redis()
        if listeners:
            print(f"  warning: {listeners} other Socket.IO server(s) listen on this Redis's 'flask-socketio' "
                  "channel; their emits reach this run's server and ours reach theirs")
        env["REDIS_URL"] = REDIS_URL
    print(f"\nN = {clients}: starting the server{' with Redis' if args.redis else ''} ...", flush=True)
    server = start_live_server(env=env, startup_timeout=60)
    keep = args.keep_instance
    try:
        if not server.base_url.startswith(f"http://{HOST}:"):
            raise RuntimeError(f"refusing to load {server.base_url}: only {HOST}")
        pid = worker_pid(server.process.pid)
        run.rss_idle_kb = status_kb(pid, "VmRSS")
        try:
            receiver, sender = sign_in(server, RECEIVER), sign_in(server, SENDER)
            if receiver.room_id != sender.room_id:
                raise RuntimeError("the sender and the receivers see different rooms")
            deadline = time.monotonic() + args.timeout
            run_until_done(measure(run, server, pid, receiver, sender, args, deadline), args.timeout + 60)
        except TimeoutError as error:
            run.timed_out = str(error) or f"over {args.timeout:g} s"
        except Exception as error:
            run.error = describe(error)
        print_run(run, args)
        if not run.ok:
            keep = True
            print(f"  server log (last 15 lines of {server.log_path}):")
            for line in server.log(15).splitlines():
                print(f"    {line}")
    finally:
        server.stop()
        if keep:
            print(f"  kept the server's instance (log, database) in {server.instance_path}")
        else:
            shutil.rmtree(server.instance_path, ignore_errors=True)
    return run


# --- report ------------------------------------------------------------------------------------


def mb(kb: int) -> str:
    return f"{kb / 1024:.0f}"


def print_run(run: Run, args: argparse.Namespace) -> None:
    sender = run.sender
    for problem in (run.error, run.timed_out and "timed out: " + run.timed_out, sender.error and "sender: " + sender.error):
        if problem:
            print(f"  FAILED: {problem}")
    acks = f"ack p50 {statistics.median(sender.ack_ms):.1f} ms" if sender.ack_ms else "no acks"
    print(f"  sent {run.sent} ({run.sends_per_s:.0f} msg/s, {acks}); {run.deliveries:,} deliveries in "
          f"{run.elapsed_s:.2f} s = {run.delivered_per_s:,.0f}/s")
    print(f"  latency p50 {run.latency_ms(0.50):.1f} ms, p99 {run.latency_ms(0.99):.1f} ms, "
          f"max {run.latency_ms(1.0):.1f} ms; lost {run.lost}, duplicated {run.duplicates}, "
          f"failed sends {len(sender.errors)}, dropped sockets {len(run.drops)}, out of order {run.reordered}")
    print(f"  the sender waited for the window ({args.window} messages not yet at every receiver) before "
          f"{sender.window_waits} of {run.sent} sends (gave up {sender.stalls} times)")
    if run.send_phase_s:
        print(f"  CPU while sending ({run.send_phase_s:.1f} s): server worker {run.cores(run.server_cpu_s):.2f} cores, "
              f"receivers {run.cores(run.receivers_cpu_s):.2f}, sender {run.cores(sender.cpu_s):.2f}; worker RSS "
              f"idle {mb(run.rss_idle_kb)} MB, peak {mb(max(run.hwm_kb, run.rss_peak_kb))} MB (VmHWM)")
    for text in (sender.errors + run.drops)[:5]:
        print(f"    {text}")


def print_table(runs: list[Run]) -> None:
    headers = ["clients", "connect s", "join s", "sent", "send/s", "delivered/s", "p50 ms", "p99 ms", "max ms",
               "lost", "dup", "failed", "drops", "srv CPU", "rcv CPU", "RSS idle MB", "RSS peak MB", "result"]
    rows = []
    for r in runs:
        rows.append([
            str(r.clients), f"{r.connect_s:.2f}", f"{r.join_s:.2f}", str(r.sent), f"{r.sends_per_s:.0f}",
            f"{r.delivered_per_s:,.0f}", f"{r.latency_ms(0.5):.1f}", f"{r.latency_ms(0.99):.1f}",
            f"{r.latency_ms(1.0):.1f}", str(r.lost), str(r.duplicates), str(len(r.sender.errors)),
            str(len(r.drops)), f"{r.cores(r.server_cpu_s):.2f}", f"{r.cores(r.receivers_cpu_s):.2f}",
            mb(r.rss_idle_kb), mb(max(r.hwm_kb, r.rss_peak_kb)), "ok" if r.ok else "FAIL",
        ])
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
    print("  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))


# --- main --------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="50,200,500", help="receivers per run, comma-separated (default 50,200,500)")
    parser.add_argument("--messages", type=int, default=1000, help="messages the sender sends per run (default 1000)")
    parser.add_argument("--redis", action="store_true", help=f"serve with REDIS_URL={REDIS_URL} (flushed first)")
    parser.add_argument("--window", type=int, default=8,
                        help="at most this many messages not yet delivered to every receiver (default 8)")
    parser.add_argument("--acks", type=int, default=1,
                        help="chat:send calls awaiting their ack at once (default 1: the next after the ack)")
    parser.add_argument("--concurrency", type=int, default=50, help="connects/joins in flight at once (default 50)")
    parser.add_argument("--connect-timeout", type=float, default=20, help="per connect or join, seconds (default 20)")
    parser.add_argument("--ack-timeout", type=float, default=15, help="per chat:send ack, seconds (default 15)")
    parser.add_argument("--stall-timeout", type=float, default=15,
                        help="give up waiting for deliveries after this long without progress (default 15)")
    parser.add_argument("--timeout", type=float, default=600, help="deadline for one run, seconds (default 600)")
    parser.add_argument("--keep-instance", action="store_true", help="keep each server's instance directory")
    args = parser.parse_args()
    try:
        args.clients_list = [int(n) for n in args.clients.split(",") if n.strip()]
    except ValueError:
        parser.error("--clients must be comma-separated whole numbers, e.g. 50,200,500")
    if not args.clients_list or min(args.clients_list) < 1 or args.messages < 1 or min(args.window, args.acks) < 1:
        parser.error("--clients, --messages, --window and --acks must be positive")
    return args


def _raise_on_signal(signum, frame) -> None:
    raise SystemExit(128 + signum)


def main() -> int:
    args = parse_args()
    signal.signal(signal.SIGTERM, _raise_on_signal)
    signal.signal(signal.SIGHUP, _raise_on_signal)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = max(args.clients_list) + 100
    if soft < needed:  # this process holds one socket per receiver
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(needed, 4096)), hard))
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    print(f"Practice Exchange chat bench: {platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}, open files limit {soft}; "
          f"gunicorn -c gunicorn.conf.py (1 gevent worker), SQLite{', Redis message queue' if args.redis else ''}")
    print(f"{args.messages} messages per run from {SENDER} to N receivers signed in as {RECEIVER} in '{ROOM}'; "
          f"at most {args.acks} send(s) awaiting an ack and {args.window} messages undelivered at once")
    runs: list[Run] = []
    try:
        for clients in args.clients_list:
            runs.append(run_one(clients, args))
    except KeyboardInterrupt:
        print("\nInterrupted: the server was stopped.", file=sys.stderr)
        return 130
    except Exception:
        traceback.print_exc()
        return 1
    finally:
        if runs:
            print(f"\nResults ({'Redis message queue' if args.redis else 'no Redis'}; {args.messages} messages "
                  f"per run; acks {args.acks}, window {args.window}):")
            print("  delivered/s = all chat:message deliveries / (last delivery - first send); latency = from "
                  "just before chat:send to the receiver's handler, over every delivery")
            print("  lost = N x messages stored (acked, or seen by anyone) - unique deliveries; dup = deliveries "
                  "of a message a client already had; failed = sends not acked ok")
            print("  srv / rcv CPU = cores used while sending by the gunicorn worker / by this process (all "
                  "receivers); RSS = the gunicorn worker's")
            print()
            print_table(runs)
            print(f"\nThis process (up to {max(r.clients for r in runs)} receivers) peaked at "
                  f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB RSS.")
    return 0 if runs and all(r.ok for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())

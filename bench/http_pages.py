"""HTTP benchmark of the forum's main pages, served by the production server.

    .venv/bin/python bench/http_pages.py [--seconds 10] [--connections 16] [--loadgen auto]

1. Makes a fresh SQLite database in a temporary directory, migrates it and seeds it
   (bench/bench_seed.py): the demo data, a thread of 10 posts, one of 200 posts and a topic of
   10,000 threads, with counters as the services keep them.
2. Counts the SQL queries each page runs, in-process with the Flask test client and a
   `before_cursor_execute` listener, signed in as a demo member, and checks the count does not
   grow with posts per thread or with the page of a topic. Every relationship load is traced
   to the template or module line that triggered it, so an N+1 names its cause.
3. Serves the same database with gunicorn + gevent exactly as production does
   (`gunicorn -c gunicorn.conf.py`), through bench/wsgi_bench.py, which adds only
   /_bench/minimal (a tiny Jinja page: the baseline).
4. Signs in over HTTP and loads each page with 16 keep-alive clients for --seconds (wrk when
   installed, else Python threads): requests/s, p50 and p99 latency. Only 127.0.0.1.
5. Prints one table, stops the server (also on Ctrl-C or an error) and removes the data.

Exit status: 0 when every page answered 200 and no query count grew; 1 otherwise.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import bench_load
import bench_seed

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(ROOT) not in sys.path:
    sys.path.insert(1, str(ROOT))

HOST = "127.0.0.1"
USER_AGENT = "practice-exchange-bench/1"  # the same on every request: Flask-Login hashes it
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
# Transaction control (forum/database.py emits BEGIN itself on SQLite): counted apart.
TRANSACTION = re.compile(r"^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.IGNORECASE)


@dataclass
class Page:
    key: str
    label: str
    path: str
    item: str | None = None  # what to count in the HTML: "post" or "thread"
    expected: int | None = None


@dataclass
class Profile:
    """One page as seen in-process: its queries and how long it takes without the network."""

    status: int = 0
    queries: int = 0  # statements other than transaction control
    transaction: list[str] = field(default_factory=list)  # BEGIN, COMMIT...
    again: tuple[int, int] = (0, 0)  # (queries, transaction statements) on a second request
    sql_ms: float = 0.0
    inproc_ms: float = 0.0
    kb: float = 0.0
    items: int | None = None
    statements: list[str] = field(default_factory=list)
    relationship_loads: Counter = field(default_factory=Counter)


@dataclass
class CpuUse:
    """Cores kept busy during one load run: the server, the load generator, everything else."""

    server: float
    loadgen: float
    other: float


@dataclass
class Measured:
    page: Page
    profile: Profile
    load: bench_load.LoadResult | None = None
    http_kb: float = 0.0
    cpu: CpuUse | None = None


class CpuMeter:
    """Reads /proc (Linux) before and after a run; every figure is in cores (1.0 = one core)."""

    def __init__(self, server_pgid: int) -> None:
        self.server_pgid = server_pgid
        self.tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self.available = Path("/proc/stat").exists()

    def _machine_busy(self) -> float:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
        return (sum(fields[:8]) - idle) / self.tick

    def _server(self) -> float:
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[2]) == self.server_pgid:
                total += int(fields[11]) + int(fields[12])
        return total / self.tick

    @staticmethod
    def _own() -> float:
        own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    def snapshot(self) -> tuple[float, float, float, float]:
        if not self.available:
            return (time.perf_counter(), 0.0, 0.0, 0.0)
        return (time.perf_counter(), self._machine_busy(), self._server(), self._own())

    def since(self, before: tuple[float, float, float, float]) -> CpuUse | None:
        if not self.available:
            return None
        after = self.snapshot()
        wall = after[0] - before[0]
        machine, server, own = ((after[i] - before[i]) / wall for i in (1, 2, 3))
        return CpuUse(server=server, loadgen=own, other=max(0.0, machine - server - own))


def count_items(html: str, item: str | None) -> int | None:
    if item == "post":
        return html.count('<article class="post')
    if item == "thread":
        return html.count('class="thread-item"')
    return None


def bench_pages(seeded: bench_seed.Seeded, posts_per_page: int, threads_per_page: int) -> list[Page]:
    last = -(-200 // posts_per_page)
    topic = f"/topics/{seeded.big_topic}"
    n = f"{seeded.big_topic_threads:,}"
    return [
        Page("thread10", "Thread, 10 posts", f"/threads/{seeded.thread_10}", "post", 10),
        Page("thread200", "Thread, 200 posts, page 1", f"/threads/{seeded.thread_200}", "post", posts_per_page),
        Page("thread200_last", f"Thread, 200 posts, page {last}", f"/threads/{seeded.thread_200}?page={last}",
             "post", 200 - (last - 1) * posts_per_page),
        Page("topic1", f"Topic, {n} threads, page 1", topic, "thread", threads_per_page),
        Page("topic100", f"Topic, {n} threads, page 100", f"{topic}?page=100", "thread", threads_per_page),
        Page("latest", "Latest", "/latest", "thread", threads_per_page),
        Page("minimal", "Minimal Jinja page (baseline)", "/_bench/minimal"),
    ]


# --- in-process: queries per page ------------------------------------------------------------


class QueryRecorder:
    """Counts and times every statement the engine runs while `active`, and traces each
    relationship load (lazy or eager) to the project line that caused it."""

    def __init__(self, app) -> None:
        self.app = app
        self.active = False
        self.statements: list[str] = []
        self.sql_seconds = 0.0
        self.relationship_loads: Counter = Counter()

    def reset(self) -> None:
        self.statements, self.sql_seconds, self.relationship_loads = [], 0.0, Counter()

    def before(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.active:
            self.statements.append(" ".join(statement.split()))
            conn.info["bench_started"] = time.perf_counter()

    def after(self, conn, cursor, statement, parameters, context, executemany) -> None:
        started = conn.info.pop("bench_started", None)
        if self.active and started is not None:
            self.sql_seconds += time.perf_counter() - started

    def orm_execute(self, state) -> None:
        if not (self.active and state.is_relationship_load and state.loader_strategy_path):
            return
        prop = state.loader_strategy_path.path[-1]
        how = "lazy load" if state.lazy_loaded_from is not None else "eager load"
        self.relationship_loads[f"{prop} ({how}) from {self._origin()}"] += 1

    def _origin(self) -> str:
        """The innermost template line or forum/ module line on the stack."""
        templates, package = ROOT / "templates", ROOT / "forum"
        for frame in reversed(traceback.extract_stack()):
            path = Path(frame.filename)
            if path.suffix == ".html" and templates in path.parents:
                name = path.relative_to(templates).as_posix()
                try:
                    template = self.app.jinja_env.get_template(name)
                    line = template.get_corresponding_lineno(frame.lineno)
                except Exception:  # the line is a hint only
                    line = frame.lineno
                return f"templates/{name}:{line}"
            if package in path.parents:
                return f"{path.relative_to(ROOT).as_posix()}:{frame.lineno} ({frame.name})"
        return "outside the project"


def test_client_sign_in(client, username: str, password: str) -> None:
    page = client.get("/signin")
    token = CSRF.search(page.get_data(as_text=True))
    if token is None:
        raise RuntimeError("no CSRF token on /signin")
    response = client.post(
        "/signin", data={"csrf_token": token.group(1), "login": username, "password": password},
        headers={"User-Agent": USER_AGENT},
    )
    if response.status_code != 302:
        raise RuntimeError(f"in-process sign-in failed: {response.status_code}")


def profile_pages(app, pages: list[Page], seeded: bench_seed.Seeded, repeats: int) -> dict[str, Profile]:
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from forum.extensions import db

    recorder = QueryRecorder(app)
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", recorder.before)
    event.listen(engine, "after_cursor_execute", recorder.after)
    event.listen(Session, "do_orm_execute", recorder.orm_execute)
    try:
        client = app.test_client()
        client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
        test_client_sign_in(client, seeded.username, seeded.password)
        profiles: dict[str, Profile] = {}
        for page in pages:
            profile = Profile()
            client.get(page.path)  # warm: templates compiled, caches filled
            recorder.reset()
            recorder.active = True
            response = client.get(page.path)
            recorder.active = False
            profile.status = response.status_code
            html = response.get_data(as_text=True)
            profile.kb = len(response.data) / 1024
            profile.items = count_items(html, page.item)
            profile.statements = [q for q in recorder.statements if not TRANSACTION.match(q)]
            profile.transaction = [q for q in recorder.statements if TRANSACTION.match(q)]
            profile.queries = len(profile.statements)
            profile.relationship_loads = recorder.relationship_loads
            recorder.reset()
            recorder.active = True
            client.get(page.path)
            recorder.active = False
            queries_again = sum(1 for q in recorder.statements if not TRANSACTION.match(q))
            profile.again = (queries_again, len(recorder.statements) - queries_again)
            timings, sql = [], []
            for _ in range(repeats):
                recorder.reset()
                recorder.active = True
                started = time.perf_counter()
                client.get(page.path)
                timings.append(time.perf_counter() - started)
                recorder.active = False
                sql.append(recorder.sql_seconds)
            profile.inproc_ms = statistics.median(timings) * 1000
            profile.sql_ms = statistics.median(sql) * 1000
            profiles[page.key] = profile
        return profiles
    finally:
        event.remove(engine, "before_cursor_execute", recorder.before)
        event.remove(engine, "after_cursor_execute", recorder.after)
        event.remove(Session, "do_orm_execute", recorder.orm_execute)
        with app.app_context():
            db.engine.dispose()


# --- the production server -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with gunicorn.conf.py (one gevent worker), in its own process group."""

    def __init__(self, env: dict[str, str], port: int, log_path: Path) -> None:
        self.env, self.port, self.log_path = env, port, log_path
        self.process: subprocess.Popen | None = None
        self.pgid = 0
        gunicorn = Path(sys.executable).parent / "gunicorn"
        launcher = [str(gunicorn)] if gunicorn.exists() else [sys.executable, "-m", "gunicorn"]
        self.command = [*launcher, "-c", "gunicorn.conf.py", "--pythonpath", "bench", "wsgi_bench:app"]

    def start(self) -> None:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )
        self.pgid = self.process.pid  # a new session: its leader's pid is the group id

    def wait_ready(self, path: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"the server exited early:\n{self.log_tail()}")
            try:
                status, _, _ = http_get(self.port, path, {})
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the server did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def stop(self) -> None:
        """SIGTERM to the server's own process group (master and worker), SIGKILL if it lingers."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                return
            process.wait(timeout=5)


def http_get(port: int, path: str, headers: dict[str, str]) -> tuple[int, http.client.HTTPMessage, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        conn.request("GET", path, headers={"User-Agent": USER_AGENT, **headers})
        response = conn.getresponse()
        return response.status, response.msg, response.read()
    finally:
        conn.close()


def _store_cookies(jar: dict[str, str], message: http.client.HTTPMessage) -> bool:
    changed = False
    for header in message.get_all("Set-Cookie") or []:
        cookie = SimpleCookie()
        cookie.load(header)
        for name, morsel in cookie.items():
            jar[name] = morsel.value
            changed = True
    return changed


def _cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def http_sign_in(port: int, username: str, password: str) -> str:
    """POST /signin with the form's CSRF token; return the Cookie header a browser would send."""
    jar: dict[str, str] = {}
    status, message, body = http_get(port, "/signin", {})
    _store_cookies(jar, message)
    token = CSRF.search(body.decode())
    if status != 200 or token is None:
        raise RuntimeError(f"GET /signin: {status}, CSRF token {'found' if token else 'missing'}")
    form = urlencode({"csrf_token": token.group(1), "login": username, "password": password})
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        conn.request("POST", "/signin", body=form, headers={
            "User-Agent": USER_AGENT, "Cookie": _cookie_header(jar),
            "Content-Type": "application/x-www-form-urlencoded",
        })
        response = conn.getresponse()
        response.read()
    finally:
        conn.close()
    if response.status != 302 or not _store_cookies(jar, response.msg):
        raise RuntimeError(f"POST /signin: {response.status}; expected a redirect and a session cookie")
    # The first signed-in page puts a fresh CSRF token in the session and sets the cookie
    # again; keep what a browser would keep, so the measured requests set no cookie.
    for _ in range(3):
        status, message, _ = http_get(port, "/latest", {"Cookie": _cookie_header(jar)})
        if status != 200:
            raise RuntimeError(f"GET /latest after sign-in: {status}")
        if not _store_cookies(jar, message):
            return _cookie_header(jar)
    raise RuntimeError("the session cookie keeps changing on every request")


def check_page(port: int, page: Page, cookie: str) -> float:
    """One request before the load: 200, no Set-Cookie, the expected number of items."""
    status, message, body = http_get(port, page.path, {"Cookie": cookie})
    if status != 200:
        raise RuntimeError(f"{page.path}: HTTP {status} (expected 200)")
    if message.get_all("Set-Cookie"):
        raise RuntimeError(f"{page.path}: sets a cookie on every request; the load would not be representative")
    items = count_items(body.decode(), page.item)
    if page.expected is not None and items != page.expected:
        raise RuntimeError(f"{page.path}: {items} {page.item}s on the page, expected {page.expected}")
    return len(body) / 1024


# --- report ----------------------------------------------------------------------------------


def print_table(results: list[Measured]) -> None:
    headers = ["Page", "Path", "Items", "KB", "SQL", "SQL ms", "App ms", "req/s", "mean ms", "p50 ms", "p99 ms",
               "per client", "non-200", "srv CPU", "other CPU"]
    rows = []
    for r in results:
        load, prof = r.load, r.profile
        rows.append([
            r.page.label, r.page.path,
            "-" if prof.items is None else str(prof.items),
            f"{r.http_kb:.1f}", str(prof.queries), f"{prof.sql_ms:.2f}", f"{prof.inproc_ms:.1f}",
            f"{load.rps:.0f}" if load else "-", f"{load.mean_ms:.1f}" if load else "-",
            f"{load.p50_ms:.1f}" if load else "-",
            f"{load.p99_ms:.1f}" if load else "-",
            f"{load.fewest}-{load.most}" if load else "-",
            str(load.not_200 + load.socket_errors) if load else "-",
            f"{r.cpu.server:.2f}" if r.cpu else "-", f"{r.cpu.other:.2f}" if r.cpu else "-",
        ])
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True)))

    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))


def _shape(statement: str) -> str:
    """A statement with its IN (?, ?, ...) lists folded, so pages of different sizes compare."""
    return re.sub(r"\(\?(?:, \?)*\)", "(?...)", statement)


def query_checks(profiles: dict[str, Profile], pages: dict[str, Page]) -> tuple[bool, list[str]]:
    """Pairs whose query counts must be equal; on a difference, the statements that differ."""
    ok, lines = True, []
    for a, b in (("thread10", "thread200"), ("thread200", "thread200_last"), ("topic1", "topic100")):
        what = f"{pages[a].label} vs {pages[b].label}"
        pa, pb = profiles[a], profiles[b]
        first = (pa.queries, len(pa.transaction))
        if first == (pb.queries, len(pb.transaction)) == pa.again == pb.again:
            lines.append(f"  same   {what}: {pa.queries} = {pb.queries} queries")
            continue
        ok = False
        lines.append(f"  GROWS  {what}: {pa.queries} -> {pb.queries} queries, "
                     f"{len(pa.transaction)} -> {len(pb.transaction)} BEGIN/COMMIT "
                     f"(again: {pa.again[0]} -> {pb.again[0]})")
        extra = Counter(map(_shape, pb.statements)) - Counter(map(_shape, pa.statements))
        for statement, n in extra.most_common(5):
            lines.append(f"         +{n}x {statement[:160]}")
        for load, n in (pb.relationship_loads - pa.relationship_loads).most_common(5):
            lines.append(f"         +{n}x {load}")
    transaction = Counter(q for profile in profiles.values() for q in profile.transaction)
    if transaction:
        per_page = sorted({len(profile.transaction) for profile in profiles.values()})
        lines.append(f"  note   besides the SQL column, each page ran {'/'.join(map(str, per_page))} transaction "
                     f"statement(s): {', '.join(sorted(transaction))}")
    for key, profile in profiles.items():
        for load, n in sorted(profile.relationship_loads.items()):
            tag = "N+1?" if n > 1 else "note"
            lines.append(f"  {tag:<5}  {pages[key].label}: {load} x{n}")
    return ok, lines


# --- main ------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10, help="load time per page (default 10)")
    parser.add_argument("--warmup", type=float, default=1, help="unmeasured load before each page (default 1)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--loadgen", choices=["auto", "wrk", "python"], default="auto",
                        help="wrk if installed (auto), or force one")
    parser.add_argument("--topic-threads", type=int, default=10_000, help="threads in the big topic")
    parser.add_argument("--repeats", type=int, default=20, help="in-process timed requests per page")
    parser.add_argument("--corpus", type=Path, default=bench_seed.DEFAULT_CORPUS, help="forum_corpus.jsonl")
    parser.add_argument("--keep-data", action="store_true", help="keep the temporary database")
    parser.add_argument("--show-sql", action="store_true", help="print every page's SQL statements")
    args = parser.parse_args()
    if args.seconds <= 0 or args.seconds > 600 or args.connections < 1 or args.connections > 256:
        parser.error("--seconds must be in (0, 600] and --connections in [1, 256]")
    if args.topic_threads < 4000:
        # About 13% of the topic's threads sit in other authorities' spaces, hidden from the reader.
        parser.error("--topic-threads must be at least 4,000 so that the reader has a page 100")
    return args


def _raise_on_signal(signum, frame) -> None:
    print(f"\nStopped by signal {signum}.", file=sys.stderr)
    raise SystemExit(128 + signum)


def main() -> int:
    args = parse_args()
    tool = args.loadgen
    if tool == "auto":
        tool = "wrk" if bench_load.wrk_path() else "python"
    elif tool == "wrk" and not bench_load.wrk_path():
        print("wrk is not installed (apt-get install -y wrk); use --loadgen python", file=sys.stderr)
        return 2
    # Ctrl-C raises KeyboardInterrupt even when started with SIGINT ignored (a background job).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _raise_on_signal)
    signal.signal(signal.SIGHUP, _raise_on_signal)

    workdir = Path(tempfile.mkdtemp(prefix="forum-http-bench-"))
    port = free_port()
    settings = {
        "FORUM_INSTANCE_PATH": str(workdir / "instance"),
        "DATABASE_URL": f"sqlite:///{workdir / 'forum.db'}",
        "FORUM_BIND": f"{HOST}:{port}",
        "FORUM_SECURE_COOKIES": "0",
        "FORUM_RATELIMIT": "0",
        "FORUM_ACCESS_LOG": "/dev/null",
    }
    os.environ.update(settings)  # before anything imports forum.config
    server = Server(dict(os.environ), port, workdir / "server.log")
    started = time.perf_counter()
    try:
        import wsgi_bench  # builds the app from the settings above

        app = wsgi_bench.app
        print(f"Practice Exchange HTTP bench: {platform.python_implementation()} {platform.python_version()}, "
              f"{os.cpu_count()} CPUs, data in {workdir}")
        print(f"Seeding ({args.topic_threads:,} threads in one topic) ...", flush=True)
        seeded = bench_seed.seed(app, args.corpus, big_threads=args.topic_threads)
        print(f"  {seeded.threads_total:,} threads, {seeded.posts_total:,} posts, {seeded.users_total} people "
              f"in {seeded.seconds:.1f} s; text: {seeded.corpus}")
        pages = bench_pages(seeded, app.config["POSTS_PER_PAGE"], app.config["THREADS_PER_PAGE"])

        print(f"Counting SQL queries in-process (signed in as {seeded.username}) ...", flush=True)
        profiles = profile_pages(app, pages, seeded, args.repeats)
        for page in pages:
            profile = profiles[page.key]
            if profile.status != 200:
                raise RuntimeError(f"in-process {page.path}: HTTP {profile.status}")
            if page.expected is not None and profile.items != page.expected:
                raise RuntimeError(f"in-process {page.path}: {profile.items} {page.item}s, expected {page.expected}")

        print(f"Starting: {' '.join(server.command)}  (FORUM_BIND={HOST}:{port})", flush=True)
        server.start()
        server.wait_ready("/_bench/minimal")
        cookie = http_sign_in(port, seeded.username, seeded.password)
        headers = {"Cookie": cookie, "User-Agent": USER_AGENT}
        results = [Measured(page, profiles[page.key], http_kb=check_page(port, page, cookie)) for page in pages]

        print(f"Loading each page for {args.seconds:g} s with {args.connections} clients ({tool}) ...", flush=True)
        meter = CpuMeter(server.pgid)
        for result in results:
            url = f"http://{HOST}:{port}{result.page.path}"
            if args.warmup > 0:
                bench_load.run_load(tool, url, headers, args.warmup, args.connections, workdir)
            before = meter.snapshot()
            result.load = bench_load.run_load(
                tool, url, headers, args.seconds, args.connections, workdir
            )
            result.cpu = meter.since(before)
            cpu = (f"  cores: server {result.cpu.server:.2f}, load {result.cpu.loadgen:.2f}, "
                   f"other {result.cpu.other:.2f}") if result.cpu else ""
            print(f"  {result.page.label:<34} {result.load.rps:8.0f} req/s  p50 {result.load.p50_ms:6.1f} ms  "
                  f"p99 {result.load.p99_ms:6.1f} ms{cpu}", flush=True)
        server.stop()

        ok_queries, query_lines = query_checks(profiles, {p.key: p for p in pages})
        if args.show_sql:
            for page in pages:
                print(f"\nSQL for {page.label} ({page.path}):")
                for statement in profiles[page.key].transaction + profiles[page.key].statements:
                    print(f"  {statement[:300]}")
        failures = sum(r.load.not_200 + r.load.socket_errors for r in results if r.load)
        print()
        print(f"Results: gunicorn -c gunicorn.conf.py (1 gevent worker), SQLite, {args.connections} clients, "
              f"{args.seconds:g} s per page, load by {tool}; signed in as {seeded.username}")
        print("  SQL = queries per request; SQL ms / App ms = median time in queries / whole request, "
              "in-process (test client, no network)")
        print("  latency = per request, from sending it to the whole response; per client = fewest-most "
              "responses one client (one keep-alive connection) got in the run")
        print("  srv CPU / other CPU = cores used during the run by the server / by processes other than "
              "the server and the load generator")
        print()
        print_table(results)
        print()
        print("Queries must not grow with posts per thread or with the page number:")
        for text in query_lines:
            print(text)
        print()
        uneven = [r for r in results if r.load and r.load.fewest * 3 < r.load.most]
        if uneven:
            worst = min(uneven, key=lambda r: r.load.fewest / max(r.load.most, 1))
            print(f"Note: responses per client were uneven on {len(uneven)} of {len(results)} pages (e.g. "
                  f"{worst.load.fewest} for one client, {worst.load.most} for another on '{worst.page.label}': the "
                  "'per client' column). gunicorn's gevent worker serves a keep-alive connection's requests in a "
                  "loop that never yields (gunicorn/workers/base_async.py): when the next request has already "
                  "arrived, reading it does not block, so one greenlet keeps the worker while other connections "
                  "wait. p99 and the slowest clients show it; p50 and the mean, over completed requests only, "
                  "flatter.")
        # Little's law: with N connections each waiting on one request, the mean latency
        # cannot exceed N / throughput; a larger mean means the latency figures are not sound.
        impossible = [r for r in results if r.load and r.load.rps
                      and r.load.mean_ms > 1.5 * 1000 * args.connections / r.load.rps]
        if impossible:
            print(f"Note: on {len(impossible)} of {len(results)} pages the mean latency is above clients / req/s "
                  f"(e.g. {impossible[0].load.mean_ms:.0f} ms > {1000 * args.connections / impossible[0].load.rps:.0f} ms "
                  f"for '{impossible[0].page.label}'), which {args.connections} connections with one request "
                  "each cannot produce: trust req/s there, not the latency columns.")
        starved = [r.cpu.server for r in results if r.cpu and r.cpu.other > 0.25]
        if starved and min(starved) < 0.9:
            print(f"Warning: other processes kept up to {max(r.cpu.other for r in results if r.cpu):.2f} of this "
                  f"machine's {os.cpu_count()} cores busy, and the one-worker server got as little as "
                  f"{min(starved):.2f} of a core (the CPU columns): req/s read low. Re-run on a quiet machine "
                  "for numbers to compare.")
        timeouts = sum(r.load.timeouts for r in results if r.load)
        if timeouts:
            print(f"Note: wrk counted {timeouts} 'timeouts' in all: its 2-second check of connections whose "
                  "request is older than --timeout (10 s) or that have not sent one yet. No request failed for "
                  "it; a real failure shows in the non-200 column.")
        print(f"Total {time.perf_counter() - started:.0f} s. "
              + ("All pages answered 200." if failures == 0 else f"{failures} requests failed or were not 200."))
        return 0 if ok_queries and failures == 0 else 1
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return 130
    finally:
        server.stop()
        if args.keep_data:
            print(f"Data kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

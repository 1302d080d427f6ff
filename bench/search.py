"""Search benchmark: about 100,000 posts of realistic length, 20 kinds of query, SQLite and PostgreSQL.

    .venv/bin/python bench/search.py [--threads 33000] [--runs 30] [--postgres URL]

1. Seeds a fresh database with bench/bench_seed.py (the demo data, then --threads bulk threads
   of about three posts each, text from the shared Stack Exchange corpus), once on a SQLite file
   in a temporary directory and, with --postgres (default: TEST_DATABASE_URL when set), once in
   a new PostgreSQL database that is dropped afterwards.
2. Times building the full-text index from scratch over what is there: SQLite rebuilds the
   FTS5 tables; PostgreSQL drops and creates the GIN indexes.
3. Runs each of 20 kinds of query --runs times through forum.services.search.search, in process,
   as the bench member (a plain member of one authority, so the permission filter is real), and
   prints the hits on page one, p50 and p99 latency per kind.

Run by hand; it prints figures and asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(1, str(ROOT))

import bench_seed  # noqa: E402

QUERIES = [
    ("one common word", "history", {}),
    ("one rare word", "byzantine", {}),
    ("two words", "coffee beans", {}),
    ("three words", "roast grind water", {}),
    ("quoted phrase", '"primary sources"', {}),
    ("phrase and word", '"data science" question', {}),
    ("stemmed word", "questions", {}),
    ("no matches", "zzxqvw", {}),
    ("stop words only", "the and of", {}),
    ("twelve terms", "history source answer question site meta coffee data science tag close vote", {}),
    ("symbols and operators", 'AND OR NOT "" * ( ) history', {}),
    ("filter: topic", "history", {"topic": bench_seed.BIG_TOPIC}),
    ("filter: network space", "history", {"space": "network"}),
    ("filter: own authority", "history", {"space": "wigan"}),
    ("filter: kind", "history", {"kind": "question"}),
    ("filter: tag", "history", {"tag": "discussion"}),
    ("filter: author", "history", {"author": "lead.wigan"}),
    ("filter: date range", "history", {"since": "2020-01-01", "until": "2030-12-31"}),
    ("page 5", "history", {"page": 5}),
    ("long word list, page 2", "answer question", {"page": 2}),
]


def run_backend(name: str, url: str, instance: str, threads: int, runs: int) -> list[str]:
    from forum import create_app
    from forum.config import TestConfig
    from forum.extensions import db
    from forum.models import User
    from forum.services import search

    os.environ["FORUM_INSTANCE_PATH"] = instance
    app = create_app(TestConfig(url, instance))
    seeded = bench_seed.seed(app, bench_seed.DEFAULT_CORPUS, big_threads=threads)
    lines = [f"{name}: {seeded.posts_total:,} posts in {seeded.threads_total:,} threads, seeded in "
             f"{seeded.seconds:.1f} s (the index kept up as rows went in)"]
    with app.app_context():
        started = time.perf_counter()
        if db.engine.dialect.name == "sqlite":
            for table in ("post_search", "thread_search", "message_search"):
                db.session.execute(db.text(f"INSERT INTO {table}({table}) VALUES ('rebuild')"))
        else:
            from forum.search_index import POSTGRES_DDL, POSTGRES_DROP

            for statement in POSTGRES_DROP + POSTGRES_DDL:
                db.session.execute(db.text(statement))
        db.session.commit()
        lines.append(f"  index built from scratch in {time.perf_counter() - started:.2f} s")
        # Fresh statistics, as autovacuum (PostgreSQL) or a routine ANALYZE would have them.
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
        reader = db.session.scalar(db.select(User).where(User.username == seeded.username))
        lines.append(f"  {'query':<26} {'hits':>5} {'p50 ms':>8} {'p99 ms':>8}")
        for label, query, options in QUERIES:
            options = dict(options)
            page = options.pop("page", 1)
            flt = search.SearchFilter(**options)
            timings, hits = [], 0
            for _ in range(runs):
                t0 = time.perf_counter()
                try:
                    found = search.search(reader, query, flt, page)
                    hits = len(found.hits)
                except Exception as error:  # an Invalid for a query with no words is a result too
                    hits = f"({type(error).__name__})"
                timings.append((time.perf_counter() - t0) * 1000)
                db.session.rollback()
            timings.sort()
            p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
            lines.append(f"  {label:<26} {hits!s:>5} {statistics.median(timings):8.1f} {p99:8.1f}")
        db.session.remove()
        db.engine.dispose()
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=33_000, help="bulk threads (about 3 posts each)")
    parser.add_argument("--runs", type=int, default=30, help="runs of each query")
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL"), help="PostgreSQL URL (optional)")
    args = parser.parse_args()
    output: list[str] = []
    with tempfile.TemporaryDirectory(prefix="forum-search-bench-") as tmp:
        output += run_backend("SQLite", f"sqlite:///{tmp}/bench.db", f"{tmp}/instance", args.threads, args.runs)
        if args.postgres:
            import sqlalchemy as sa

            name = f"forum_search_bench_{uuid.uuid4().hex[:8]}"
            admin = sa.create_engine(args.postgres, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
            try:
                url = sa.engine.make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
                output += run_backend("PostgreSQL", url, f"{tmp}/instance-pg", args.threads, args.runs)
            finally:
                with admin.connect() as connection:
                    connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()
    print("\n".join(output))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Engine behaviour that differs by database, kept in one place.

SQLite serves the embedded default: WAL so readers never wait for the writer, a busy timeout
so a writer waits its turn rather than failing, foreign keys enforced, and write transactions
that take the write lock up front (BEGIN IMMEDIATE). A deferred transaction that reads and
then writes can fail at once with "database is locked" if another writer committed in
between; taking the lock first makes the writer queue instead. PostgreSQL needs none of this.
"""

from __future__ import annotations

import sqlite3
import time

from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db

_IMMEDIATE = "forum_sqlite_immediate"
BUSY_TIMEOUT_MS = 10_000


def _is_sqlite(dbapi_connection) -> bool:
    return type(dbapi_connection).__module__.startswith("sqlite3")


@event.listens_for(Engine, "connect")
def _sqlite_connect(dbapi_connection, connection_record) -> None:
    if not _is_sqlite(dbapi_connection):
        return
    # Let SQLAlchemy, not the driver, decide when transactions begin (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    if connection.get_execution_options().get(_IMMEDIATE):
        _begin_immediate(connection.connection.dbapi_connection)
    else:
        connection.exec_driver_sql("BEGIN")


def _begin_immediate(dbapi_connection) -> None:
    """Take the write lock, waiting for it in short sleeps rather than inside SQLite.

    SQLite's own busy wait sleeps the OS thread. Under gevent every request shares that
    thread, so a writer waiting inside SQLite would stop the very greenlet that holds the lock
    from finishing: the whole process would stall for the full timeout. time.sleep is
    cooperative under gevent (and harmless elsewhere), so the holder runs while we wait.
    """
    cursor = dbapi_connection.cursor()
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.001
    cursor.execute("PRAGMA busy_timeout=0")
    try:
        while True:
            try:
                cursor.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) and "busy" not in str(error):
                    raise
                if time.monotonic() >= deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.02)
    finally:
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()


def begin_write() -> None:
    """Start the current request's write transaction; call before a service reads what it will change.

    Whatever the session read so far (the signed-in user, say) is committed away first, so the
    write transaction starts fresh and, on SQLite, holds the write lock from its first statement.
    """
    session = db.session()
    if session.in_transaction():
        session.commit()
    if db.engine.dialect.name == "sqlite":
        session.connection(execution_options={_IMMEDIATE: True})

"""Engine behaviour that differs by database, kept in one place.

SQLite serves the embedded default: WAL so readers never wait for the writer, a busy timeout
so a writer waits its turn rather than failing, foreign keys enforced, and write transactions
that take the write lock up front (BEGIN IMMEDIATE). A deferred transaction that reads and
then writes can fail at once with "database is locked" if another writer committed in
between; taking the lock first makes the writer queue instead. PostgreSQL needs none of this.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db

_IMMEDIATE = "forum_sqlite_immediate"


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
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    immediate = connection.get_execution_options().get(_IMMEDIATE)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


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

"""The full-text indexes behind search, one per backend, created by migrations and (for tests'
create_all schemas) by the listeners at the bottom.

SQLite: two FTS5 tables with external content, over posts.body and threads.title, kept in
sync by triggers, so every insert, edit, merge or retitle updates the index in the same
transaction as the change. Each trigger deletes with the old row's own values, which is what an
external-content index needs to stay consistent.

PostgreSQL: a generated tsvector column (search_vector) on posts, threads and messages, with a
GIN index on each. The columns are not in the SQLAlchemy models, which describe what both
databases share; queries name them directly and Alembic's comparison skips them.
"""

from __future__ import annotations

from sqlalchemy import DDL, event

from .extensions import db

SQLITE_DDL = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS post_search USING fts5(
        body, content='posts', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS post_search_insert AFTER INSERT ON posts BEGIN
        INSERT INTO post_search(rowid, body) VALUES (new.id, new.body); END""",
    """CREATE TRIGGER IF NOT EXISTS post_search_delete AFTER DELETE ON posts BEGIN
        INSERT INTO post_search(post_search, rowid, body) VALUES ('delete', old.id, old.body); END""",
    """CREATE TRIGGER IF NOT EXISTS post_search_update AFTER UPDATE OF body ON posts BEGIN
        INSERT INTO post_search(post_search, rowid, body) VALUES ('delete', old.id, old.body);
        INSERT INTO post_search(rowid, body) VALUES (new.id, new.body); END""",
    """CREATE VIRTUAL TABLE IF NOT EXISTS thread_search USING fts5(
        title, content='threads', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS thread_search_insert AFTER INSERT ON threads BEGIN
        INSERT INTO thread_search(rowid, title) VALUES (new.id, new.title); END""",
    """CREATE TRIGGER IF NOT EXISTS thread_search_delete AFTER DELETE ON threads BEGIN
        INSERT INTO thread_search(thread_search, rowid, title) VALUES ('delete', old.id, old.title); END""",
    """CREATE TRIGGER IF NOT EXISTS thread_search_update AFTER UPDATE OF title ON threads BEGIN
        INSERT INTO thread_search(thread_search, rowid, title) VALUES ('delete', old.id, old.title);
        INSERT INTO thread_search(rowid, title) VALUES (new.id, new.title); END""",
    """CREATE VIRTUAL TABLE IF NOT EXISTS message_search USING fts5(
        body, content='messages', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS message_search_insert AFTER INSERT ON messages BEGIN
        INSERT INTO message_search(rowid, body) VALUES (new.id, new.body); END""",
    """CREATE TRIGGER IF NOT EXISTS message_search_delete AFTER DELETE ON messages BEGIN
        INSERT INTO message_search(message_search, rowid, body) VALUES ('delete', old.id, old.body); END""",
    """CREATE TRIGGER IF NOT EXISTS message_search_update AFTER UPDATE OF body ON messages BEGIN
        INSERT INTO message_search(message_search, rowid, body) VALUES ('delete', old.id, old.body);
        INSERT INTO message_search(rowid, body) VALUES (new.id, new.body); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS post_search_insert", "DROP TRIGGER IF EXISTS post_search_delete",
    "DROP TRIGGER IF EXISTS post_search_update", "DROP TABLE IF EXISTS post_search",
    "DROP TRIGGER IF EXISTS thread_search_insert", "DROP TRIGGER IF EXISTS thread_search_delete",
    "DROP TRIGGER IF EXISTS thread_search_update", "DROP TABLE IF EXISTS thread_search",
    "DROP TRIGGER IF EXISTS message_search_insert", "DROP TRIGGER IF EXISTS message_search_delete",
    "DROP TRIGGER IF EXISTS message_search_update", "DROP TABLE IF EXISTS message_search",
]

POSTGRES_DDL = [
    # Generated columns: PostgreSQL keeps each vector in step with its text, in the same statement.
    "ALTER TABLE posts ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english', body)) STORED",
    "ALTER TABLE threads ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english', title)) STORED",
    "ALTER TABLE messages ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english', body)) STORED",
    "CREATE INDEX IF NOT EXISTS ix_posts_search ON posts USING GIN (search_vector)",
    "CREATE INDEX IF NOT EXISTS ix_threads_search ON threads USING GIN (search_vector)",
    "CREATE INDEX IF NOT EXISTS ix_messages_search ON messages USING GIN (search_vector)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS ix_posts_search", "DROP INDEX IF EXISTS ix_threads_search",
    "DROP INDEX IF EXISTS ix_messages_search", "ALTER TABLE posts DROP COLUMN IF EXISTS search_vector",
    "ALTER TABLE threads DROP COLUMN IF EXISTS search_vector",
    "ALTER TABLE messages DROP COLUMN IF EXISTS search_vector",
]


SEARCH_TABLE_PREFIXES = ("post_search", "thread_search", "message_search")


SEARCH_INDEXES = ("ix_posts_search", "ix_threads_search", "ix_messages_search")


def include_name(name, type_, parent_names) -> bool:
    """For Alembic's comparisons: the FTS5 tables (and their shadow tables), the PostgreSQL
    search columns and their GIN indexes are made by hand in a migration, not from the models."""
    if type_ == "table" and name and name.startswith(SEARCH_TABLE_PREFIXES):
        return False
    if type_ == "column" and name == "search_vector":
        return False
    return not (type_ == "index" and name in SEARCH_INDEXES)


def _after_create(target, statements_by_dialect) -> None:
    for dialect, statements in statements_by_dialect.items():
        for statement in statements:
            event.listen(target, "after_create", DDL(statement).execute_if(dialect=dialect))


# After the whole schema exists, so every indexed table is there when the statements run.
_after_create(db.metadata, {"sqlite": SQLITE_DDL, "postgresql": POSTGRES_DDL})

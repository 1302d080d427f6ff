"""full-text search indexes: SQLite FTS5 with triggers, PostgreSQL GIN

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 02:00:00

"""
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# Frozen here as at this revision (forum/search_index.py holds the live copy).
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
    # Index what is already there.
    "INSERT INTO post_search(post_search) VALUES ('rebuild')",
    "INSERT INTO thread_search(thread_search) VALUES ('rebuild')",
    "INSERT INTO message_search(message_search) VALUES ('rebuild')",
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


def _run(statements):
    for statement in statements:
        op.execute(statement)


def upgrade():
    _run(SQLITE_DDL if op.get_bind().dialect.name == "sqlite" else POSTGRES_DDL)


def downgrade():
    _run(SQLITE_DROP if op.get_bind().dialect.name == "sqlite" else POSTGRES_DROP)

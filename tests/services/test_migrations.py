"""Migrations build the same schema as the models, on an empty SQLite file and on PostgreSQL."""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from forum import create_app
from forum.config import TestConfig
from forum.extensions import db
from forum.search_index import include_name


def _diff(app) -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": include_name})
        return compare_metadata(context, db.metadata)


def _check_upgrade_matches_models(url: str, instance: str) -> None:
    app = create_app(TestConfig(url, instance))
    with app.app_context():
        upgrade()
        assert _diff(app) == []
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {"users", "threads", "posts", "authorities", "topics", "alembic_version"} <= tables
        if db.engine.dialect.name == "postgresql":
            triggers = db.session.execute(sa.text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")).scalars()
            assert "audit_log_append_only" in set(triggers)
            db.session.rollback()
        downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_migrations_upgrade_empty_sqlite_file_to_models(tmp_path):
    _check_upgrade_matches_models(f"sqlite:///{tmp_path / 'empty.db'}", str(tmp_path / "instance"))


@pytest.mark.postgres
def test_migrations_upgrade_empty_postgresql_database_to_models(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("PostgreSQL run needs TEST_DATABASE_URL")
    name = f"forum_migrations_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        target = sa.engine.make_url(url).set(database=name).render_as_string(hide_password=False)
        _check_upgrade_matches_models(target, str(tmp_path / "instance"))
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

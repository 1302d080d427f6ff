"""Command-line set-up and Redis-backed rate limits."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import func, select

from forum import create_app
from forum.config import TestConfig
from forum.extensions import db
from forum.models import Thread, User

from ..conftest import Browser


def test_create_admin_command_makes_the_first_admin(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["forum", "create-admin", "--username", "centre.admin", "--email",
                                 "admin@centre.example", "--name", "Centre Admin",
                                 "--password", "a long enough password"])
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(select(User).where(User.username == "centre.admin"))
    assert admin.role == "admin" and admin.is_active


def test_create_admin_command_refuses_bad_input_with_a_message(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["forum", "create-admin", "--username", "x", "--email", "admin@centre.example",
                                 "--name", "Centre Admin", "--password", "a long enough password"])
    assert result.exit_code != 0 and "Username must be" in result.output


def test_demo_data_loads_once_and_never_twice(app):
    runner = app.test_cli_runner()
    assert "loaded" in runner.invoke(args=["forum", "seed-demo"]).output
    threads = db.session.scalar(select(func.count(Thread.id)))
    assert threads >= 4
    assert "already present" in runner.invoke(args=["forum", "seed-demo"]).output
    assert db.session.scalar(select(func.count(Thread.id))) == threads
    output = runner.invoke(args=["forum", "demo-sign-ins"]).output
    assert "member.wigan" in output and "password" in output


@pytest.mark.redis
def test_sign_in_limit_is_kept_in_redis_across_restarts(tmp_path):
    redis_url = os.environ.get("TEST_REDIS_URL")
    if not redis_url:
        pytest.skip("Redis run needs TEST_REDIS_URL")
    import redis

    redis.Redis.from_url(redis_url).flushdb()

    def server():
        config = TestConfig(f"sqlite:///{tmp_path / 'f.db'}", str(tmp_path / "instance"))
        config.RATELIMIT_ENABLED = True
        config.RATELIMIT_STORAGE_URI = redis_url
        application = create_app(config)
        with application.app_context():
            db.create_all()
        return Browser(application.test_client())

    first = server()
    first.refresh_token()
    codes = [first.post("/signin", {"login": "someone", "password": "wrong password"}).status_code for _ in range(6)]
    assert codes == [400] * 6
    assert redis.Redis.from_url(redis_url).keys("*LIMIT*")
    second = server()  # a restarted (or another) process: the count carries on
    second.refresh_token()
    codes = [second.post("/signin", {"login": "someone", "password": "wrong password"}).status_code for _ in range(5)]
    assert codes == [400, 400, 400, 400, 429]

"""Practice Exchange: the peer network of a What Works Centre for Children's Social Care."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.routing import IntegerConverter

from .config import ROOT, Config
from .extensions import csrf, db, limiter, login_manager, migrate, socketio
from .models.types import ID_MAX


def create_app(config: Config | None = None) -> Flask:
    """Build the app: config -> extensions (with socket handlers) -> blueprints -> errors."""
    config = config or Config()
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=config.INSTANCE_PATH,
    )
    app.config.from_object(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    configure_proxy(app)
    app.url_map.converters["int"] = BoundedInt
    configure_extensions(app)
    configure_blueprints(app)
    configure_errors(app)
    configure_cli(app)
    return app


class BoundedInt(IntegerConverter):
    """Integer URL parts the database can hold: /threads/99999999999999999999 is a 404, not a 500."""

    def __init__(self, map, fixed_digits=0, min=None, max=ID_MAX, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def configure_proxy(app: Flask) -> None:
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)


def configure_extensions(app: Flask) -> None:
    from . import database, search_index  # noqa: F401  (engine events; full-text index DDL)
    from .services.accounts import load_user

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.signin"
    login_manager.login_message = "Sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
    # Handlers must be registered before the first init_app: Flask-SocketIO keeps handlers
    # declared before a server exists and gives them to every server it creates later.
    from . import sockets  # noqa: F401

    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=app.config["REDIS_URL"],
        cors_allowed_origins=app.config["SERVER_ORIGINS"] or None,
        max_http_buffer_size=64 * 1024,
        manage_session=False,
    )
    from .security import init_security

    init_security(app)


def configure_blueprints(app: Flask) -> None:
    from .web import register_blueprints

    register_blueprints(app)


def configure_errors(app: Flask) -> None:
    from .errors import register_error_handlers

    register_error_handlers(app)


def configure_cli(app: Flask) -> None:
    from .cli import forum_cli

    app.cli.add_command(forum_cli)

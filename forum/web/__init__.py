"""HTTP blueprints, one package per area (routes.py + forms.py)."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from .account.routes import bp as account_bp
    from .admin.routes import bp as admin_bp
    from .api.routes import bp as api_bp
    from .auth.routes import bp as auth_bp
    from .chat.routes import bp as chat_bp
    from .main.routes import bp as main_bp
    from .moderation.routes import bp as moderation_bp
    from .notifications.routes import bp as notifications_bp
    from .privacy.routes import bp as privacy_bp
    from .search.routes import bp as search_bp
    from .sessions.routes import bp as sessions_bp
    from .staff.routes import bp as staff_bp
    from .threads.routes import bp as threads_bp
    from .viewhelpers import register_template_helpers

    for bp in (main_bp, auth_bp, account_bp, threads_bp, chat_bp, sessions_bp, staff_bp, moderation_bp, admin_bp, search_bp, notifications_bp, api_bp, privacy_bp):
        app.register_blueprint(bp)
    register_template_helpers(app)

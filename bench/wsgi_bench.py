"""The forum app plus one bench-only page, for `bench/http_pages.py`.

Served exactly like production (`gunicorn -c gunicorn.conf.py --pythonpath bench wsgi_bench:app`),
so /_bench/minimal measures what the server, Flask, the forum's middleware and hooks and a
Jinja render cost with no database work: the floor under every real page. The route lives
here, never in the forum package.
"""

from __future__ import annotations

from flask import Flask, render_template_string

from forum import create_app

MINIMAL_TEMPLATE = """<!doctype html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main><h1>{{ title }}</h1><p>{{ message }}</p></main></body>
</html>
"""


def add_bench_routes(app: Flask) -> Flask:
    @app.route("/_bench/minimal")
    def bench_minimal():
        return render_template_string(
            MINIMAL_TEMPLATE, title="Minimal page", message="A tiny Jinja page from the same process."
        )

    return app


app = add_bench_routes(create_app())

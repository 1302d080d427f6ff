"""The entry point for gunicorn: `gunicorn -c gunicorn.conf.py wsgi:app`."""

from forum import create_app

app = create_app()

"""`flask forum ...` commands: first admin, demo data."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from .errors import Invalid


@click.group("forum")
def forum_cli() -> None:
    """Practice Exchange administration."""


@forum_cli.command("create-admin")
@click.option("--username", prompt=True)
@click.option("--email", prompt=True)
@click.option("--name", "display_name", prompt="Full name")
@click.password_option()
@with_appcontext
def create_admin(username: str, email: str, display_name: str, password: str) -> None:
    """Create an administrator account (for the first admin of a real install)."""
    from .services.accounts import create_admin as do_create_admin

    try:
        user = do_create_admin(username, email, display_name, password)
    except Invalid as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Administrator {user.username} created. Sign in at /signin.")


@forum_cli.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Load demo authorities, topics, accounts and threads, once: an empty database only."""
    from .demo import load_demo

    created = load_demo()
    click.echo("Demo data loaded." if created else "Demo data already present; nothing changed.")


@forum_cli.command("demo-sign-ins")
@with_appcontext
def demo_sign_ins() -> None:
    """Print the demo accounts and their password."""
    from .demo import demo_sign_ins_text

    click.echo(demo_sign_ins_text())


@forum_cli.command("send-reminders")
@with_appcontext
def send_reminders() -> None:
    """Remind people going to a session that starts within the hour. Run every minute from cron."""
    from .services.sessions import send_reminders as do_send

    click.echo(f"Reminders sent: {do_send()}")


@forum_cli.command("send-digest")
@with_appcontext
def send_digest() -> None:
    """Email each person who chose it their daily digest. Run once a day (more is harmless)."""
    from .services.digest import send_digests

    click.echo(f"Digests sent: {send_digests()}")

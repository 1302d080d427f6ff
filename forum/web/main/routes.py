"""Browsing views: each reads through services.browse, which filters by policy in SQL."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ... import policy
from ...services import browse

bp = Blueprint("main", __name__)


@bp.route("/")
def landing():
    if current_user.is_authenticated:
        return redirect(url_for("main.latest"))
    return render_template("main/landing.html")


@bp.route("/latest")
@login_required
def latest():
    listing = browse.latest(current_user, request.args.get("page"))
    return render_template("main/latest.html", listing=listing)


@bp.route("/topics")
@login_required
def topics():
    spaces = [a for a in browse.all_authorities() if policy.can_read_space(current_user, a.id)]
    return render_template(
        "main/topics.html", topics=browse.topics_with_counts(current_user), spaces=spaces
    )


@bp.route("/topics/<slug>")
@login_required
def topic(slug: str):
    topic = browse.topic_by_slug(slug)
    space = request.args.get("space", "")
    authority = None
    if space and space != "network":
        authority = browse.authority_by_slug(current_user, space)
    listing = browse.topic_threads(
        current_user,
        topic,
        request.args.get("page"),
        authority_id=authority.id if authority else None,
        network_only=space == "network",
    )
    return render_template(
        "main/topic.html", topic=topic, listing=listing, space=space, authority=authority
    )


@bp.route("/spaces/<slug>")
@login_required
def authority_space(slug: str):
    authority = browse.authority_by_slug(current_user, slug)
    listing = browse.authority_threads(current_user, authority, request.args.get("page"))
    return render_template("main/authority.html", authority=authority, listing=listing)


@bp.route("/tags/<name>")
@login_required
def tag(name: str):
    tag = browse.tag_by_name(name)
    listing = browse.tag_threads(current_user, tag, request.args.get("page"))
    return render_template("main/tag.html", tag=tag, listing=listing)


@bp.route("/guidance/anonymising")
def anonymising():
    """Plain guidance the privacy guard links to; public, so it opens even when signed out."""
    from ...privacy import LABELS

    return render_template("main/anonymising.html", labels=LABELS)

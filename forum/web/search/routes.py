"""Search view: reads the query string, calls services.search, and shows results or a plain message."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from ... import policy
from ...errors import Invalid
from ...models import ThreadKind
from ...services import browse, search

bp = Blueprint("search", __name__)

FILTERS = ("topic", "space", "kind", "tag", "author", "since", "until")


@bp.route("/search")
@login_required
def page():
    query = request.args.get("q", "")[: search.QUERY_MAX * 2]
    flt = search.SearchFilter(**{k: request.args.get(k, "")[:80] for k in FILTERS})
    raw_page = request.args.get("page", "1")
    page_number = int(raw_page) if raw_page.isdigit() and len(raw_page) < 4 else 1
    results, problem, status = None, None, 200
    if query.strip() or any(getattr(flt, k) for k in FILTERS):
        try:
            results = search.search(current_user, query, flt, page_number)
        except Invalid as error:
            problem, status = error.message, 400
    return render_template(
        "search/results.html", query=query, flt=flt, results=results, problem=problem,
        topics=browse.all_topics(),
        authorities=[a for a in browse.all_authorities() if policy.can_read_space(current_user, a.id)],
        kinds=list(ThreadKind),
        args={k: v for k, v in request.args.items() if k in ("q", *FILTERS)},
    ), status

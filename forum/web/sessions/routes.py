"""Session views: thin wrappers over services.sessions; host actions also work without JavaScript."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ... import calendar, clock, policy
from ...errors import ForumError, Invalid, NotFound
from ...services import browse, chat, sessions
from ..fields import options
from ..threads.forms import ActionForm
from ..viewhelpers import attach_error, form_status
from .forms import CancelForm, ExtendForm, SessionForm, SummaryForm

bp = Blueprint("sessions", __name__)


def _choices(form: SessionForm, editing=None) -> None:
    form.topic.choices = options([(0, "Choose a topic")] + [(t.id, t.name) for t in browse.all_topics()])
    authorities = [(a.id, a.name) for a in browse.all_authorities()
                   if policy.can_schedule_session(current_user, a.id) or (editing and editing.authority_id == a.id)]
    if policy.is_staff(current_user):
        authorities = [(0, "None: a network session run by the centre")] + authorities
    form.authority.choices = options(authorities)


def _service_form(form: SessionForm) -> sessions.SessionForm:
    starts = None
    if form.starts_on.data and form.starts_at.data:
        starts = datetime.combine(form.starts_on.data, form.starts_at.data)
    return sessions.SessionForm(
        title=form.title.data or "", description=form.description.data or "", agenda=form.agenda.data or "",
        topic_id=form.topic.data or None, authority_id=form.authority.data or None,
        partner_only=bool(form.partner_only.data), starts_local=starts, duration_minutes=form.duration.data,
        capacity=form.capacity.data, cohost_usernames=form.cohosts.data or "",
        warning_id=form.privacy_warning.data,
    )


@bp.route("/sessions")
@login_required
def index():
    topics, authorities = browse.all_topics(), browse.all_authorities()
    topic = next((t for t in topics if t.slug == request.args.get("topic")), None)
    authority = next((a for a in authorities if a.slug == request.args.get("authority")), None)
    filters = {"topic_id": topic.id if topic else None, "authority_id": authority.id if authority else None}
    return render_template(
        "sessions/index.html",
        upcoming=sessions.visible_sessions(current_user, upcoming=True, **filters),
        past=sessions.visible_sessions(current_user, upcoming=False, limit=20, **filters),
        topics=topics, authorities=authorities, topic=topic, authority=authority,
        can_schedule=policy.can_schedule_session(current_user, current_user.authority_id),
        now=clock.now(),
    )


@bp.route("/sessions/new", methods=["GET", "POST"])
@login_required
def new():
    policy.require(policy.can_schedule_session(current_user, current_user.authority_id),
                   "Partner leads and centre staff schedule sessions.")
    form = SessionForm()
    _choices(form)
    if request.method == "GET" and current_user.authority_id:
        form.authority.data = current_user.authority_id
    if form.validate_on_submit():
        try:
            session = sessions.schedule(current_user, _service_form(form))
        except ForumError as error:
            attach_error(form, error)
        else:
            flash("Your session is scheduled.", "success")
            return redirect(url_for("sessions.show", session_id=session.id))
    return render_template("sessions/form.html", form=form, session=None), form_status(form)


@bp.route("/sessions/<int:session_id>")
@login_required
def show(session_id: int):
    return _details_page(sessions.get_session(current_user, session_id))


def _details_page(session, status: int = 200, **forms):
    """The session's page; a host form that was refused comes back with its text and errors."""
    mine = sessions.my_rsvp(current_user, session)
    is_host = policy.can_host_session(current_user, session)
    return render_template(
        "sessions/show.html", session=session, rsvp=mine, phase=session.phase(clock.now()),
        going=sessions.going(session), waiting=sessions.waiting_list(session), action=ActionForm(),
        is_host=is_host, cancel_form=forms.get("cancel_form") or CancelForm(formdata=None),
        extend_form=forms.get("extend_form") or ExtendForm(formdata=None),
        summary_form=forms.get("summary_form") or SummaryForm(formdata=None),
        attendance=sessions.attendance(session) if is_host else [], may_enter=sessions.may_enter(current_user, session),
    ), status


def _host_form(session_id: int, form, name: str, do):
    """Validate a host's form, run the action, or show the page again with the text kept (400)."""
    session = sessions.get_session(current_user, session_id)
    policy.require(policy.can_host_session(current_user, session), "Only the session's hosts can do that.")
    if form.validate_on_submit():
        try:
            return do(session), None
        except Invalid as error:
            attach_error(form, error)
    return None, _details_page(session, form_status(form) if form.is_submitted() else 400, **{name: form})


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
def edit(session_id: int):
    session = sessions.get_session(current_user, session_id)
    policy.require(policy.can_edit_session(current_user, session), "Only the session's hosts can change it.")
    form = SessionForm(obj=None)
    _choices(form, editing=session)
    if request.method == "GET":
        local = clock.to_uk(session.starts_at)
        form.title.data, form.description.data, form.agenda.data = session.title, session.description, session.agenda
        form.topic.data, form.authority.data, form.partner_only.data = session.topic_id, session.authority_id or 0, session.partner_only
        form.starts_on.data, form.starts_at.data = local.date(), local.time()
        form.duration.data = int((session.ends_at - session.starts_at).total_seconds() // 60)
        form.capacity.data = session.capacity
        form.cohosts.data = ", ".join(u.username for u in session.cohosts)
    if form.validate_on_submit():
        try:
            sessions.update_session(current_user, session.id, _service_form(form))
        except ForumError as error:
            attach_error(form, error)
        else:
            flash("The session has been updated; everyone who signed up has been told.", "success")
            return redirect(url_for("sessions.show", session_id=session.id))
    return render_template("sessions/form.html", form=form, session=session), form_status(form)


@bp.route("/sessions/<int:session_id>/cancel", methods=["POST"])
@login_required
def cancel(session_id: int):
    form = CancelForm()
    done, page = _host_form(session_id, form, "cancel_form",
                            lambda s: sessions.cancel(current_user, s.id, form.reason.data))
    if page:
        return page
    flash("The session is cancelled; everyone who signed up has been told.", "success")
    return redirect(url_for("sessions.show", session_id=session_id))


@bp.route("/sessions/<int:session_id>/rsvp", methods=["POST"])
@login_required
def rsvp(session_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    row = sessions.rsvp(current_user, session_id, request.form.get("answer", ""))
    messages = {"going": "You are going.", "waiting": "The session is full: you are on the waiting list.",
                "not_going": "You are not going."}
    flash(messages[row.status], "success")
    return redirect(url_for("sessions.show", session_id=session_id))


@bp.route("/sessions/<int:session_id>/host/<any(open, end, lock, unlock, agenda):action>", methods=["POST"])
@login_required
def host_action(session_id: int, action: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    do = {
        "open": lambda: sessions.open_early(current_user, session_id),
        "end": lambda: sessions.end_now(current_user, session_id),
        "lock": lambda: sessions.set_locked(current_user, session_id, True),
        "unlock": lambda: sessions.set_locked(current_user, session_id, False),
        "agenda": lambda: sessions.post_agenda(current_user, session_id),
    }[action]
    try:
        do()
    except Invalid as error:  # not found and not allowed are errors, not messages
        flash(error.message, "error")
        return redirect(url_for("sessions.show", session_id=session_id)), 303
    return redirect(url_for("sessions.room", session_id=session_id) if action != "end"
                    else url_for("sessions.show", session_id=session_id))


@bp.route("/sessions/<int:session_id>/host/extend", methods=["POST"])
@login_required
def extend(session_id: int):
    form = ExtendForm()
    done, page = _host_form(session_id, form, "extend_form",
                            lambda s: sessions.extend(current_user, s.id, form.minutes.data))
    if page:
        return page
    return redirect(url_for("sessions.room", session_id=session_id))


@bp.route("/sessions/<int:session_id>/host/<any(mute, remove):action>/<int:user_id>", methods=["POST"])
@login_required
def moderate(session_id: int, action: str, user_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    (sessions.mute if action == "mute" else sessions.remove)(current_user, session_id, user_id)
    return redirect(url_for("sessions.room", session_id=session_id))


@bp.route("/sessions/<int:session_id>/room")
@login_required
def room(session_id: int):
    session = sessions.get_session(current_user, session_id)
    row = sessions.participant(session, current_user)
    if row is not None and row.removed and not policy.can_host_session(current_user, session):
        raise NotFound("A host removed you from this session, so its room is closed to you.")
    sessions.require_entry(current_user, session)
    rev = session.room.event_seq  # read before the messages: see chat's _room_page
    messages, has_more = chat.recent(current_user, session.room_id)
    return render_template(
        "chat/room.html", room=session.room, rev=rev, messages=messages, has_more=has_more, form=_message_form(),
        last_read=chat.last_read_seq(current_user, session.room_id), before=None, action=ActionForm(),
        serialize=chat.serialize, peer_session=session, phase=session.phase(clock.now()),
        is_host=policy.can_host_session(current_user, session), session_state=sessions.state(session),
        participant=row,
    )


def _message_form():
    from ..chat.forms import MessageForm

    return MessageForm()


@bp.route("/sessions/<int:session_id>.ics")
@login_required
def ics(session_id: int):
    session = sessions.get_session(current_user, session_id)
    return Response(calendar.calendar_for([session], session.title), mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="session-{session.id}.ics"'})


@bp.route("/calendar/<token>.ics")
def feed(token: str):
    """A personal feed: sessions the owner is going to or waiting for. The token is the key."""
    found = sessions.feed_for_token(token)
    if found is None:
        abort(404)
    return Response(calendar.calendar_for(found, "Practice Exchange sessions"), mimetype="text/calendar")


@bp.route("/account/calendar", methods=["GET", "POST"])
@login_required
def calendar_settings():
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        sessions.reset_calendar_token(current_user)
        flash("You have a new calendar address. The old one no longer works.", "success")
        return redirect(url_for("sessions.calendar_settings"))
    token = current_user.calendar_token
    link = url_for("sessions.feed", token=token, _external=True) if token else None
    return render_template("sessions/calendar.html", link=link, action=ActionForm())


@bp.route("/sessions/<int:session_id>/transcript")
@login_required
def transcript(session_id: int):
    session, messages = sessions.transcript(current_user, session_id)
    return render_template("sessions/transcript.html", session=session, messages=messages,
                           can_export=policy.can_export_transcript(current_user, session))


@bp.route("/sessions/<int:session_id>/transcript.md")
@login_required
def transcript_markdown(session_id: int):
    text = sessions.transcript_markdown(current_user, session_id)
    return Response(text, mimetype="text/markdown",
                    headers={"Content-Disposition": f'attachment; filename="session-{session_id}-transcript.md"'})


@bp.route("/sessions/<int:session_id>/summary", methods=["POST"])
@login_required
def summary(session_id: int):
    form = SummaryForm()
    thread, page = _host_form(session_id, form, "summary_form",
                              lambda s: sessions.publish_summary(current_user, s.id, form.body.data,
                                                                 post_anyway=form.post_anyway.data,
                                                                 warning_id=form.privacy_warning.data))
    if page:
        return page
    return redirect(url_for("threads.show", thread_id=thread.id))


@bp.route("/account/attendance.csv")
@login_required
def attendance_csv():
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Session", "Date (UK)", "Start (UK)", "Topic", "Host", "Minutes present"])
    for session, minutes in sessions.attended_by(current_user):
        local = clock.to_uk(session.starts_at)
        writer.writerow([session.title, local.strftime("%Y-%m-%d"), local.strftime("%H:%M"), session.topic.name,
                         session.host.display_name, minutes])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="sessions-attended.csv"'})

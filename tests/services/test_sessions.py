"""Live peer sessions with a controllable clock: scheduling, RSVPs, the room's hours, host controls."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from forum import calendar, clock
from forum.errors import Forbidden, Invalid, NotFound
from forum.extensions import db
from forum.models import Message, Notification, PeerSession, Rsvp, User
from forum.services import chat, sessions

from ..conftest import make_user

START_LOCAL = datetime(2027, 3, 10, 14, 0)  # a Wednesday afternoon, GMT
NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def frozen(app):
    return clock.freeze(app, NOW)


def form(world, **changes) -> sessions.SessionForm:
    data = dict(title="Reflective supervision drop-in", description="Bring a case (anonymised).",
                agenda="1. Welcome\n2. Case discussion", topic_id=world.topic.id, authority_id=world.wigan.id,
                partner_only=False, starts_local=START_LOCAL, duration_minutes=60, capacity=10,
                cohost_usernames="")
    data.update(changes)
    return sessions.SessionForm(**data)


@pytest.fixture
def session(app, world, frozen):
    """A Wigan session with a Wigan member going (holding a place in the room)."""
    created = sessions.schedule(world.lead, form(world))
    sessions.rsvp(world.member, created.id, "going")
    return created


def at(session: PeerSession, **offset) -> datetime:
    return session.starts_at + timedelta(**offset)


def test_lead_schedules_for_own_authority_in_uk_time_stored_as_utc(app, world, session):
    assert session.starts_at == datetime(2027, 3, 10, 14, 0, tzinfo=UTC)
    summer = sessions.schedule(world.lead, form(world, starts_local=datetime(2027, 6, 10, 14, 0)))
    assert summer.starts_at == datetime(2027, 6, 10, 13, 0, tzinfo=UTC)  # BST is UTC+1


@pytest.mark.parametrize(("who", "authority"), [("lead", "birmingham"), ("member", "wigan"), ("outsider", "birmingham")])
def test_only_leads_of_the_authority_and_staff_schedule(app, world, frozen, who, authority):
    with pytest.raises(Forbidden):
        sessions.schedule(getattr(world, who), form(world, authority_id=getattr(world, authority).id))


def test_staff_schedule_network_sessions_for_anyone(app, world, frozen):
    assert sessions.schedule(world.moderator, form(world, authority_id=None)).authority_id is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"title": "Hi"}, "at least 5"), ({"starts_local": None}, "date and start time"),
     ({"starts_local": datetime(2027, 3, 28, 1, 30)}, "does not exist"),
     ({"starts_local": datetime(2027, 10, 31, 1, 30)}, "happens twice"),
     ({"starts_local": datetime(2027, 2, 1, 9, 0)}, "has passed"),
     ({"duration_minutes": 5}, "15 minutes"), ({"capacity": 1}, "between 2"),
     ({"partner_only": True, "authority_id": None}, "needs an authority"),
     ({"cohost_usernames": "nobody.here"}, "could not find"), ({"agenda": "x" * 10_001}, "10,000")],
)
def test_bad_session_details_are_refused_clearly(app, world, frozen, changes, message):
    actor = world.moderator if changes.get("authority_id", 1) is None else world.lead
    with pytest.raises(Invalid, match=message):
        sessions.schedule(actor, form(world, **changes))


def test_partner_only_session_is_invisible_to_other_authorities(app, world, frozen):
    private = sessions.schedule(world.lead, form(world, partner_only=True))
    with pytest.raises(NotFound):
        sessions.get_session(world.outsider, private.id)
    with pytest.raises(NotFound):
        sessions.rsvp(world.outsider, private.id, "going")
    assert private.id not in [s.id for s in sessions.visible_sessions(world.outsider)]
    assert private.id in [s.id for s in sessions.visible_sessions(world.member)]
    with pytest.raises(NotFound):
        chat.get_room(world.outsider, private.room_id)


def test_capacity_then_waiting_list_then_promotion_in_order(app, world, frozen):
    small = sessions.schedule(world.lead, form(world, capacity=2))
    others = [make_user(f"person{i}", world.wigan) for i in range(3)]
    answers = [sessions.rsvp(u, small.id, "going").status for u in [world.member, *others]]
    assert answers == ["going", "going", "waiting", "waiting"]
    sessions.rsvp(world.member, small.id, "not_going")
    db.session.refresh(small)
    assert small.going_count == 2
    statuses = {r.user_id: r.status for r in db.session.scalars(select(Rsvp).where(Rsvp.session_id == small.id))}
    assert statuses[others[1].id] == "going" and statuses[others[2].id] == "waiting"
    assert db.session.scalar(select(Notification).where(Notification.user_id == others[1].id)).kind == "session-place"


def test_two_rsvps_for_the_last_place_only_one_gets_it(app, world, frozen):
    last = sessions.schedule(world.lead, form(world, capacity=2))
    sessions.rsvp(world.lead, last.id, "going")
    racers = [make_user(f"racer{i}", world.wigan).id for i in range(2)]
    barrier, results, errors = threading.Barrier(2), [], []

    def go(user_id):
        with app.app_context():
            clock.freeze(app, NOW)
            try:
                barrier.wait()
                results.append(sessions.rsvp(db.session.get(User, user_id), last.id, "going").status)
            except BaseException as error:  # noqa: BLE001
                errors.append(error)
            finally:
                db.session.remove()

    workers = [threading.Thread(target=go, args=(uid,)) for uid in racers]
    for w in workers:
        w.start()
    for w in workers:
        w.join(30)
    assert errors == []
    assert sorted(results) == ["going", "waiting"]
    db.session.commit()
    assert db.session.get(PeerSession, last.id).going_count == 2


def test_messages_before_opening_and_after_closing_are_refused(app, world, frozen, session):
    frozen.set(at(session, minutes=-20))
    with pytest.raises(Invalid, match="opens at 14:00"):
        chat.send_message(world.member, session.room_id, "Too early")
    frozen.set(at(session, minutes=5))
    assert chat.send_message(world.member, session.room_id, "On time")[1]
    frozen.set(at(session, minutes=61))
    with pytest.raises(Invalid, match="ended"):
        chat.send_message(world.member, session.room_id, "Too late")
    assert db.session.scalar(select(func.count(Message.id))) == 1


def test_host_may_open_up_to_15_minutes_early_and_not_before(app, world, frozen, session):
    frozen.set(at(session, minutes=-16))
    with pytest.raises(Invalid, match="15 minutes"):
        sessions.open_early(world.lead, session.id)
    frozen.set(at(session, minutes=-15))
    sessions.open_early(world.lead, session.id)
    assert session.phase(clock.now()) == "open"
    assert chat.send_message(world.member, session.room_id, "Early bird")[1]


def test_only_hosts_open_end_or_extend(app, world, frozen, session):
    frozen.set(at(session, minutes=-5))
    for action in (lambda: sessions.open_early(world.member, session.id),
                   lambda: sessions.end_now(world.member, session.id),
                   lambda: sessions.extend(world.member, session.id, 5)):
        with pytest.raises(Forbidden):
            action()


def test_extension_is_limited_to_30_minutes_in_all(app, world, frozen, session):
    frozen.set(at(session, minutes=30))
    sessions.extend(world.lead, session.id, 20)
    with pytest.raises(Invalid, match="30 minutes in all"):
        sessions.extend(world.lead, session.id, 11)
    sessions.extend(world.lead, session.id, 10)
    frozen.set(at(session, minutes=89))
    assert session.phase(clock.now()) == "open"
    frozen.set(at(session, minutes=90))
    assert session.phase(clock.now()) == "closed"


def test_ending_early_closes_the_room_at_once(app, world, frozen, session):
    frozen.set(at(session, minutes=10))
    sessions.end_now(world.lead, session.id)
    with pytest.raises(Invalid, match="ended"):
        chat.send_message(world.member, session.room_id, "Wait!")


def test_muted_participant_reads_but_cannot_send(app, world, frozen, session):
    frozen.set(at(session, minutes=1))
    sessions.mute(world.lead, session.id, world.member.id)
    with pytest.raises(Invalid, match="muted"):
        chat.send_message(world.member, session.room_id, "Can I speak?")
    assert chat.recent(world.member, session.room_id) == ([], False)


def test_locked_room_lets_only_hosts_speak(app, world, frozen, session):
    frozen.set(at(session, minutes=1))
    sessions.set_locked(world.lead, session.id, True)
    with pytest.raises(Invalid, match="locked"):
        chat.send_message(world.member, session.room_id, "Me too")
    assert chat.send_message(world.lead, session.room_id, "Host speaking")[1]


def test_removed_participant_loses_the_room_and_transcript(app, world, frozen, session):
    frozen.set(at(session, minutes=1))
    sessions.remove(world.lead, session.id, world.member.id)
    with pytest.raises(NotFound):
        chat.get_room(world.member, session.room_id)
    frozen.set(at(session, minutes=120))
    with pytest.raises(NotFound):
        sessions.transcript(world.member, session.id)


def test_hosts_cannot_be_muted_or_removed(app, world, frozen):
    hosted = sessions.schedule(world.lead, form(world, cohost_usernames="moderator"))
    with pytest.raises(Invalid, match="Hosts cannot"):
        sessions.mute(world.lead, hosted.id, world.moderator.id)


def test_hands_queue_in_the_order_raised(app, world, frozen, session):
    sessions.rsvp(world.network_member, session.id, "going")
    frozen.set(at(session, minutes=1))
    sessions.raise_hand(world.member, session.id, True)
    frozen.advance(seconds=5)
    sessions.raise_hand(world.network_member, session.id, True)
    assert [h["id"] for h in sessions.state(session)["hands"]] == [world.member.id, world.network_member.id]
    sessions.lower_hand(world.lead, session.id, world.member.id)
    assert [h["id"] for h in sessions.state(session)["hands"]] == [world.network_member.id]


def test_pinned_agenda_is_a_message_in_the_room(app, world, frozen, session):
    frozen.set(at(session, minutes=1))
    message = sessions.post_agenda(world.lead, session.id)
    assert sessions.state(session)["pinned_message_id"] == message.id
    assert "Case discussion" in message.body


def test_cancelling_tells_everyone_who_signed_up(app, world, frozen, session):
    sessions.rsvp(world.member, session.id, "going")
    with pytest.raises(Invalid, match="Say why"):
        sessions.cancel(world.lead, session.id, "  ")
    sessions.cancel(world.lead, session.id, "The host is unwell")
    note = db.session.scalar(select(Notification).where(Notification.user_id == world.member.id))
    assert note.kind == "session-cancelled" and "unwell" in note.text
    assert session.phase(clock.now()) == "cancelled"


def test_attendance_counts_minutes_present_inside_the_open_hours(app, world, frozen, session):
    frozen.set(at(session, minutes=-10))
    sessions.record_join(world.member, session, "sock-a")  # in the lobby before the start
    frozen.set(at(session, minutes=30))
    sessions.record_join(world.member, session, "sock-b")  # a second tab
    frozen.set(at(session, minutes=40))
    sessions.record_leave("sock-a")
    sessions.record_leave("sock-b")
    assert sessions.minutes_present(session, world.member.id) == 40
    frozen.set(at(session, minutes=120))
    assert [(s.id, m) for s, m in sessions.attended_by(world.member)] == [(session.id, 40)]


def test_transcript_export_and_summary_after_the_session(app, world, frozen, session):
    frozen.set(at(session, minutes=5))
    chat.send_message(world.member, session.room_id, "We tried *signs of safety* mapping")
    with pytest.raises(Invalid, match="after the session"):
        sessions.publish_summary(world.lead, session.id, "Too soon")
    frozen.set(at(session, minutes=70))
    text = sessions.transcript_markdown(world.lead, session.id)
    assert "signs of safety" in text and "Member Wigan" in text
    with pytest.raises(Forbidden):
        sessions.transcript_markdown(world.member, session.id)
    thread = sessions.publish_summary(world.lead, session.id, "We shared three approaches.")
    assert thread.kind == "practice" and db.session.get(PeerSession, session.id).summary_thread_id == thread.id


def test_reminders_go_once_an_hour_before(app, world, frozen, session, tmp_path):
    sessions.rsvp(world.member, session.id, "going")
    frozen.set(at(session, minutes=-90))
    assert sessions.send_reminders() == 0
    frozen.set(at(session, minutes=-59))
    assert sessions.send_reminders() == 1
    assert sessions.send_reminders() == 0  # safe to run every minute
    kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == world.member.id)).all()
    assert kinds == ["session-reminder"]


def test_ics_parses_and_carries_utc_times_across_a_clock_change(app, world, frozen):
    winter = sessions.schedule(world.lead, form(world, starts_local=datetime(2027, 3, 26, 10, 0)))
    summer = sessions.schedule(world.lead, form(world, starts_local=datetime(2027, 3, 29, 10, 0)))
    with app.test_request_context():
        parsed = Calendar.from_ical(calendar.calendar_for([winter, summer], "Test"))
    events = [c for c in parsed.walk() if c.name == "VEVENT"]
    starts = [e.decoded("dtstart") for e in events]
    assert starts == [datetime(2027, 3, 26, 10, 0, tzinfo=UTC), datetime(2027, 3, 29, 9, 0, tzinfo=UTC)]
    assert all(s.utcoffset() == timedelta(0) for s in starts)
    assert str(events[0]["summary"]) == "Reflective supervision drop-in"


def test_send_reminders_command_is_idempotent(app, world, frozen, session):
    sessions.rsvp(world.member, session.id, "going")
    frozen.set(at(session, minutes=-30))
    runner = app.test_cli_runner()
    assert "Reminders sent: 1" in runner.invoke(args=["forum", "send-reminders"]).output
    assert "Reminders sent: 0" in runner.invoke(args=["forum", "send-reminders"]).output


# --- found by trying to break it -----------------------------------------------------------


def test_a_date_years_ahead_is_refused_not_a_crash(app, world, frozen):
    with pytest.raises(Invalid, match="two years ahead"):
        sessions.schedule(world.lead, form(world, starts_local=datetime(9999, 12, 31, 23, 59), duration_minutes=480))


def test_only_people_with_a_place_enter_the_room(app, world, frozen):
    small = sessions.schedule(world.lead, form(world, capacity=2))
    waiting = make_user("member2.wigan", world.wigan)
    sessions.rsvp(world.member, small.id, "going")
    sessions.rsvp(world.network_member, small.id, "going")
    assert sessions.rsvp(waiting, small.id, "going").status == "waiting"
    frozen.set(at(small, minutes=1))
    with pytest.raises(Forbidden, match="people with a place"):
        chat.send_message(waiting, small.room_id, "I'm only on the waiting list")
    with pytest.raises(Forbidden, match="people with a place"):
        chat.get_room(make_user("member3.wigan", world.wigan), small.room_id)
    assert chat.send_message(world.member, small.room_id, "I have a place")[1]
    assert chat.send_message(world.moderator, small.room_id, "Staff need no place")[1]
    frozen.set(at(small, minutes=61))
    assert chat.recent(waiting, small.room_id)[0]  # afterwards the transcript is for everyone who could come


def test_raising_the_capacity_promotes_from_the_waiting_list(app, world, frozen):
    small = sessions.schedule(world.lead, form(world, capacity=2))
    waiting = make_user("member2.wigan", world.wigan)
    for person in (world.member, world.network_member, waiting):
        sessions.rsvp(person, small.id, "going")
    sessions.update_session(world.lead, small.id, form(world, capacity=3))
    assert sessions.my_rsvp(waiting, small).status == "going" and small.going_count == 3
    assert db.session.scalar(select(Notification.kind).where(Notification.user_id == waiting.id,
                                                             Notification.kind == "session-place"))


def test_capacity_cannot_drop_below_the_people_going(app, world, frozen, session):
    for person in (world.network_member, make_user("member2.wigan", world.wigan)):
        sessions.rsvp(person, session.id, "going")
    with pytest.raises(Invalid, match="3 people are already going"):
        sessions.update_session(world.lead, session.id, form(world, capacity=2))


def test_editing_cannot_move_a_session_into_the_past_or_move_one_that_has_started(app, world, frozen, session):
    with pytest.raises(Invalid, match="has passed"):
        sessions.update_session(world.lead, session.id, form(world, starts_local=datetime(2020, 1, 1, 10, 0)))
    frozen.set(at(session, minutes=5))
    with pytest.raises(Invalid, match="has started"):
        sessions.update_session(world.lead, session.id, form(world, starts_local=START_LOCAL + timedelta(hours=1)))
    sessions.update_session(world.lead, session.id, form(world, title="Reflective supervision: drop-in"))


def test_a_member_cohost_can_edit_keeping_the_sessions_authority(app, world, frozen):
    hosted = sessions.schedule(world.lead, form(world, cohost_usernames="member.wigan"))
    sessions.update_session(world.member, hosted.id, form(world, title="Renamed by the co-host"))
    assert db.session.get(PeerSession, hosted.id).title == "Renamed by the co-host"
    with pytest.raises(Forbidden):
        sessions.update_session(world.member, hosted.id, form(world, authority_id=None))


def test_muted_participant_cannot_raise_a_hand(app, world, frozen, session):
    frozen.set(at(session, minutes=1))
    sessions.mute(world.lead, session.id, world.member.id)
    with pytest.raises(Invalid, match="muted"):
        sessions.raise_hand(world.member, session.id, True)
    assert sessions.state(session)["hands"] == []


def test_removal_frees_the_place_and_stops_watching_and_signing_up_again(app, world, frozen):
    small = sessions.schedule(world.lead, form(world, capacity=2))
    waiting = make_user("member2.wigan", world.wigan)
    for person in (world.member, world.network_member, waiting):
        sessions.rsvp(person, small.id, "going")
    frozen.set(at(small, minutes=1))
    sessions.remove(world.lead, small.id, world.member.id)
    assert sessions.my_rsvp(world.member, small).status == "not_going"
    assert sessions.my_rsvp(waiting, small).status == "going"
    with pytest.raises(NotFound):
        sessions.watch_session(world.member, small.id)
    with pytest.raises(Invalid, match="removed you"):
        sessions.rsvp(world.member, small.id, "going")


def test_an_ended_or_cancelled_session_cannot_be_cancelled_and_people_can_still_say_not_going(app, world, frozen,
                                                                                            session):
    frozen.set(at(session, minutes=61))
    with pytest.raises(Invalid, match="already ended"):
        sessions.cancel(world.lead, session.id, "Too late")
    frozen.set(NOW)
    other = sessions.schedule(world.lead, form(world))
    sessions.rsvp(world.member, other.id, "going")
    sessions.cancel(world.lead, other.id, "Host unwell")
    with pytest.raises(Invalid, match="already been cancelled"):
        sessions.cancel(world.lead, other.id, "Again")
    with pytest.raises(Invalid, match="already been cancelled"):
        sessions.update_session(world.lead, other.id, form(world))
    assert sessions.rsvp(world.member, other.id, "not_going").status == "not_going"


def test_changes_raise_the_calendar_sequence_and_a_new_time_gets_a_new_reminder(app, world, frozen, session):
    frozen.set(at(session, minutes=-59))
    assert sessions.send_reminders() == 1
    frozen.set(NOW)
    sessions.update_session(world.lead, session.id, form(world, starts_local=START_LOCAL + timedelta(days=1)))
    with app.test_request_context():
        [event] = [c for c in Calendar.from_ical(calendar.calendar_for([session], "T")).walk() if c.name == "VEVENT"]
    assert int(event["sequence"]) == 1
    frozen.set(session.starts_at - timedelta(minutes=59))
    assert sessions.send_reminders() == 1


def test_deleting_the_pinned_message_unpins_it(app, world, frozen, session):
    frozen.set(at(session, minutes=1))
    message = sessions.post_agenda(world.lead, session.id)
    chat.delete_message(world.lead, message.id)
    assert sessions.state(db.session.get(PeerSession, session.id))["pinned_message_id"] is None


def test_muting_and_removing_are_in_the_audit_log(app, world, frozen, session):
    from forum.models import AuditEntry

    frozen.set(at(session, minutes=1))
    sessions.mute(world.lead, session.id, world.member.id)
    sessions.remove(world.lead, session.id, world.member.id)
    rows = db.session.execute(select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.subject_user_id)
                              .order_by(AuditEntry.id)).all()
    assert rows == [("session_mute", world.lead.id, world.member.id), ("session_remove", world.lead.id, world.member.id)]


# --- the privacy guard in sessions ------------------------------------------------------------

FLAGGED_AGENDA = "1. Welcome\n2. Jayden Walsh, aged 7: NHS 943 476 5919"


def test_session_details_that_may_identify_someone_are_refused_with_no_post_anyway(app, world, frozen):
    from forum.services.guard import PrivacyWarning

    with pytest.raises(PrivacyWarning) as refused:
        sessions.schedule(world.lead, form(world, agenda=FLAGGED_AGENDA))
    assert refused.value.status == 422 and not refused.value.can_hold
    assert refused.value.details["privacy"]["post_anyway_allowed"] is False
    assert "cannot wait for a moderator" in refused.value.message
    assert db.session.scalar(select(func.count(PeerSession.id))) == 0


def test_held_messages_stay_out_of_the_transcript_and_cannot_be_pinned(app, world, frozen, session):
    frozen.set(at(session, minutes=1))
    chat.send_message(world.member, session.room_id, "Plain words", "sess-client-0001")
    held, _ = chat.send_message(world.member, session.room_id, "NHS 943 476 5919", "sess-client-0002",
                                post_anyway=True)
    _, messages = sessions.transcript(world.lead, session.id)
    assert [m.body for m in messages] == ["Plain words"]
    assert "943 476 5919" not in sessions.transcript_markdown(world.lead, session.id)
    with pytest.raises(Invalid, match="waiting for a moderator"):
        sessions.pin_message(world.lead, session.id, held.id)


def test_a_cancel_reason_that_may_identify_someone_is_refused(app, world, frozen, session):
    from forum.services.guard import PrivacyWarning

    with pytest.raises(PrivacyWarning):
        sessions.cancel(world.lead, session.id, "Jayden Walsh, aged 7, is in hospital")
    assert db.session.get(PeerSession, session.id).cancelled_at is None

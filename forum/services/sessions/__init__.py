"""Live peer sessions: scheduling, RSVPs with a waiting list, opening and closing by the clock,
host controls, attendance, transcript and summary. HTTP views and socket handlers share these;
they call `sessions.<name>`, and the parts live in the modules beside this one."""

from __future__ import annotations

from .access import (  # noqa: F401
    CAPACITY_MAX,
    GOING,
    NOT_GOING,
    TEXT_MAX,
    TITLE_MAX,
    WAITING,
    SessionForm,
    get_session,
    going,
    has_place,
    may_enter,
    my_rsvp,
    participant,
    raised_hands,
    require_entry,
    session_for_room,
    session_room_name,
    state,
    unpin_deleted,
    visible_sessions,
    waiting_list,
    watch_session,
)
from .records import (  # noqa: F401
    attendance,
    attended_by,
    feed_for_token,
    minutes_present,
    publish_summary,
    record_join,
    record_leave,
    reset_calendar_token,
    send_reminders,
    transcript,
    transcript_markdown,
)
from .room import (  # noqa: F401
    end_now,
    extend,
    lower_hand,
    mute,
    open_early,
    pin_message,
    post_agenda,
    raise_hand,
    remove,
    set_locked,
)
from .scheduling import (  # noqa: F401
    SCHEDULE_AHEAD,
    SUMMARY_FOOTER,
    cancel,
    rsvp,
    schedule,
    update_session,
)

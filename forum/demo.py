"""Demo data for `make run`: partner authorities, topics, one account per role, some threads.

The threads are written for this project (no real people, no real cases). The password is
generated on first load and kept in instance/demo-password so `make run` can print it.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from .extensions import db
from .models import Authority, AuthorityDomain, Post, Role, Room, Status, Topic, User, utcnow
from .names import username_key
from .services import chat, threads

AUTHORITIES = [
    ("Wigan Council", "wigan", 1, ["wigan.gov.uk"]),
    ("Birmingham Children's Trust", "birmingham", 1, ["birminghamchildrenstrust.co.uk"]),
    ("Walsall Council", "walsall", 1, ["walsall.gov.uk"]),
    ("Stockport Council", "stockport", 2, ["stockport.gov.uk"]),
    ("Leeds City Council", "leeds", 2, ["leeds.gov.uk"]),
    ("Camden Council", "camden", 3, ["camden.gov.uk"]),
]

TOPICS = [
    ("Supporting social workers", "supporting-social-workers", "Wellbeing, caseloads, retention and the support that helps practitioners stay."),
    ("Using evidence in practice", "using-evidence", "Finding, weighing and applying research in everyday casework."),
    ("Self-evaluation", "self-evaluation", "How services look honestly at what they do and what difference it makes."),
    ("Early help", "early-help", "Support for families before problems grow."),
    ("Child protection", "child-protection", "Section 47 enquiries, conferences and plans."),
    ("Children in care and care leavers", "children-in-care", "Placements, stability, and leaving care well."),
    ("Supervision and reflective practice", "supervision", "Group and individual supervision, reflective models and case discussion."),
    ("Family networks and kinship care", "family-networks", "Family group conferences, kinship carers and family-led decisions."),
]

ACCOUNTS = [
    # username, display name, job title, authority slug, role, email
    ("admin", "Amira Okafor", "Digital lead, the Centre", None, Role.ADMIN, "admin@centre.example"),
    ("moderator", "Tom Bright", "Network facilitator, the Centre", None, Role.MODERATOR, "moderator@centre.example"),
    ("lead.wigan", "Priya Shah", "Principal social worker", "wigan", Role.LEAD, "priya.shah@wigan.gov.uk"),
    ("member.wigan", "Dan Hughes", "Social worker, children in need", "wigan", Role.MEMBER, "dan.hughes@wigan.gov.uk"),
    ("member.birmingham", "Grace Mensah", "Team manager, family support", "birmingham", Role.MEMBER, "grace.mensah@birminghamchildrenstrust.co.uk"),
]

THREADS = [
    ("member.wigan", "supervision", None, "question", "How do you protect time for group supervision when caseloads spike?",
     "Our team moved to fortnightly group supervision last spring. It worked well until the winter, when caseloads went up and it was the first thing to be cancelled.\n\nHow have other teams kept it going?\n\n- Do you book it as a fixed, non-movable meeting?\n- Has anyone tried shorter sessions more often?\n\nThe [Centre's evidence summary on supervision](https://example.org/supervision) suggests the gains depend on regularity.",
     "supervision, workload", [
         ("lead.wigan", "We made it a standing item in the team calendar and the service manager attends the first ten minutes. Having a senior person there signals it matters, and it is much harder to cancel."),
         ("member.birmingham", "We tried 45-minute sessions weekly instead of two hours fortnightly. Attendance went up, though some cases need more time, so we keep a longer slot monthly for complex discussions."),
     ]),
    ("member.birmingham", "using-evidence", None, "practice", "Using a simple logic model before starting a new parenting programme",
     "Before commissioning a parenting programme we sat down with the team and drew a one-page logic model: who it is for, what changes, how we will know.\n\nIt took one afternoon and saved us from measuring the wrong things. Happy to share the template.",
     "logic-models, parenting", [
         ("member.wigan", "This is really useful, thank you. Did you involve parents in drawing it up?"),
     ]),
    ("lead.wigan", "self-evaluation", "wigan", "discussion", "Wigan: planning our self-evaluation for the spring",
     "For Wigan colleagues only: let's gather ideas for the spring self-evaluation. What one question would you most like the evaluation to answer?",
     "self-evaluation", [
         ("member.wigan", "Whether families who had a family group conference stayed out of statutory services over the following year."),
     ]),
    ("moderator", "supporting-social-workers", None, "discussion", "Welcome to Practice Exchange: introduce yourself",
     "Welcome! This is a space for practitioners across our partner authorities to share practice and ask each other questions.\n\nPlease say hello: your role, your authority, and one thing you're working on. Remember not to share anything that could identify a child or family.",
     "welcome", []),
]


ROOMS = [
    # slug, name, topic slug, authority slug, description
    ("supporting-social-workers", "Supporting social workers", "supporting-social-workers", None, "Drop in, say hello, ask anything about the job."),
    ("using-evidence", "Using evidence in practice", "using-evidence", None, "Quick questions about research and what works."),
    ("supervision", "Supervision and reflection", "supervision", None, "Swap supervision ideas and reflective models."),
    ("wigan-team", "Wigan practitioners", "supporting-social-workers", "wigan", "For Wigan Council colleagues and centre staff."),
    ("birmingham-team", "Birmingham practitioners", "supporting-social-workers", "birmingham", "For Birmingham Children's Trust colleagues and centre staff."),
    ("walsall-team", "Walsall practitioners", "supporting-social-workers", "walsall", "For Walsall Council colleagues and centre staff."),
]

MESSAGES = [
    ("supporting-social-workers", "moderator", "Welcome to the chat! This room is open to everyone in the network."),
    ("supporting-social-workers", "member.wigan", "Morning all. Anyone else doing **duty** today?"),
    ("supporting-social-workers", "member.birmingham", "Yes, here too. Busy start!"),
    ("wigan-team", "lead.wigan", "Reminder: team huddle at 2pm. Bring one thing that went well this week."),
]


def _password_path() -> Path:
    return Path(current_app.instance_path) / "demo-password"


def demo_password() -> str:
    path = _password_path()
    if not path.exists():
        path.write_text(secrets.token_urlsafe(9))
        path.chmod(0o600)
    return path.read_text().strip()


def load_demo() -> bool:
    """Load everything on an empty database; return False (and change nothing) otherwise."""
    if db.session.execute(select(User.id).limit(1)).first():
        return False
    authorities = {}
    for name, slug, wave, domains in AUTHORITIES:
        authority = Authority(name=name, slug=slug, wave=wave)
        authority.domains = [AuthorityDomain(domain=d) for d in domains]
        db.session.add(authority)
        authorities[slug] = authority
    topics = {}
    for position, (name, slug, description) in enumerate(TOPICS):
        topics[slug] = Topic(name=name, slug=slug, description=description, position=position)
        db.session.add(topics[slug])
    db.session.flush()
    password_hash = generate_password_hash(demo_password())
    users = {}
    for username, display_name, job_title, authority_slug, role, email in ACCOUNTS:
        users[username] = User(
            username=username,
            username_key=username_key(username),
            email=email,
            display_name=display_name,
            job_title=job_title,
            authority_id=authorities[authority_slug].id if authority_slug else None,
            role=role.value,
            status=Status.ACTIVE.value,
            password_hash=password_hash,
            email_verified_at=utcnow(),
        )
        db.session.add(users[username])
    db.session.commit()

    for author, topic, authority, kind, title, body, tags, replies in THREADS:
        thread = threads.start_thread(
            users[author],
            threads.NewThread(
                topic_id=topics[topic].id,
                authority_id=authorities[authority].id if authority else None,
                kind=kind,
                title=title,
                body=body,
                tags=tags,
            ),
        )
        for replier, text in replies:
            threads.reply(users[replier], thread.id, text)
    rooms = {}
    for position, (slug, name, topic, authority, description) in enumerate(ROOMS):
        rooms[slug] = Room(
            slug=slug, name=name, topic_id=topics[topic].id, position=position,
            authority_id=authorities[authority].id if authority else None, description=description,
        )
        db.session.add(rooms[slug])
    db.session.commit()
    for room, author, text in MESSAGES:
        chat.send_message(users[author], rooms[room].id, text)
    _demo_moderation(users)
    # Spread the demo threads over the last few days so "latest" reads naturally.
    for age, thread in enumerate(reversed(list(db.session.execute(select(threads.Thread)).scalars()))):
        thread.created_at = thread.created_at - timedelta(days=age)
    db.session.commit()
    return True


def _demo_moderation(users: dict[str, User]) -> None:
    """A watched word, two privacy-guard local terms and one open report, so staff find
    something to try in the queue and on the privacy page."""
    from .services import privacy_admin, queue, watchwords

    watchwords.add_word(users["admin"], "miracle cure*", "hold")
    privacy_admin.add_term(users["lead.wigan"], users["lead.wigan"].authority_id, "Hilltop estate", "place")
    privacy_admin.add_term(users["admin"], None, "WG-######", "reference")
    reply = db.session.execute(
        select(Post).join(threads.Thread).where(threads.Thread.title.like("Using a simple logic model%"), Post.number == 2)
    ).scalar_one()
    queue.report(users["lead.wigan"], "post", reply.id, "other", "Demo report: open it, claim it and dismiss it.")


def demo_sign_ins_text() -> str:
    password = demo_password()
    lines = [f"Demo sign-ins (password for all: {password})"]
    for username, _display_name, _job, authority, role, _email in ACCOUNTS:
        where = f", {authority}" if authority else ""
        lines.append(f"  {username:<20} {role.label}{where}")
    return "\n".join(lines)

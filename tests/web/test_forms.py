"""Bad input on every form: a clear message, a 4xx, and the typed text still in the form."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Post, Status, Thread, User
from forum.services import threads as threads_service

from ..factories import start

GOOD_REGISTRATION = {
    "display_name": "Sam Jones",
    "username": "sam.jones",
    "email": "sam.jones@wigan.gov.uk",
    "job_title": "Social worker",
    "authority": "1",
    "password": "a long enough password",
    "confirm": "a long enough password",
}


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("changes", "message", "kept"),
    [
        ({"username": ""}, "Enter a username", "Sam Jones"),
        ({"username": "x" * 33}, "32 characters or fewer", "Sam Jones"),
        ({"username": "sam jones"}, "letters, numbers", "sam jones"),
        ({"username": "sam\u202ejones"}, "hidden", "Sam Jones"),
        ({"username": "MEMBER.WIGAN"}, "taken", "MEMBER.WIGAN"),
        ({"email": "not-an-email"}, "correct format", "not-an-email"),
        ({"email": "member.wigan@example.org"}, "already exists", "member.wigan@example.org"),
        ({"display_name": "Sam\u200b Jones"}, "hidden", "sam.jones"),
        ({"display_name": "n" * 81}, "80 characters", "sam.jones"),
        ({"job_title": "t" * 101}, "100 characters", "Sam Jones"),
        ({"authority": "-1"}, "Choose your authority", "Sam Jones"),
        ({"authority": "banana"}, "Choose one of the options", "Sam Jones"),
        ({"password": "short", "confirm": "short"}, "10 to 200", "Sam Jones"),
        ({"confirm": "something else!!"}, "do not match", "Sam Jones"),
    ],
)
def test_bad_registration_shows_message_keeps_input(browser, world, changes, message, kept):
    data = dict(GOOD_REGISTRATION, authority=str(world.wigan.id))
    data.update(changes)
    response = browser.post("/register", data)
    assert response.status_code == 400
    text = page(response)
    assert message in text and kept in text
    assert 'class="error-summary"' in text
    assert db.session.scalar(select(func.count(User.id)).where(User.username == "sam.jones")) == 0


def test_registration_then_verification_link_then_sign_in(browser, world, app):
    data = dict(GOOD_REGISTRATION, authority=str(world.wigan.id))
    response = browser.post("/register", data)
    assert response.status_code == 200 and "Check your email" in page(response)
    from pathlib import Path

    mail = next(Path(app.config["OUTBOX_PATH"]).glob("*.eml")).read_text()
    link = next(line for line in mail.splitlines() if "/verify/" in line).strip()
    path = link[link.index("/verify/"):]
    assert browser.get(path).status_code == 302
    user = db.session.scalar(select(User).where(User.username == "sam.jones"))
    assert user.status == Status.ACTIVE.value
    browser.refresh_token()
    response = browser.post("/signin", {"login": "sam.jones@wigan.gov.uk", "password": "a long enough password"})
    assert response.status_code == 302 and response.location.endswith("/latest")


def test_broken_verification_link_is_a_clear_400(browser, world):
    response = browser.get("/verify/garbage")
    assert response.status_code == 400 and "not valid" in page(response)


def test_wrong_password_is_a_400_with_message_and_keeps_login(browser, world):
    response = browser.post("/signin", {"login": "member.wigan", "password": "not the password"})
    assert response.status_code == 400
    assert "not right" in page(response) and 'value="member.wigan"' in page(response)


def test_empty_sign_in_is_a_400(browser, world):
    response = browser.post("/signin", {"login": "", "password": ""})
    assert response.status_code == 400 and "Enter your username or email" in page(response)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Enter a title"),
        ({"title": "Hi"}, "5 to 150"),
        ({"title": "t" * 151}, "5 to 150"),
        ({"title": "Court \u202e report"}, "hidden"),
        ({"body": ""}, "Write something"),
        ({"body": "b" * 20_001}, "20,000"),
        ({"topic": "0"}, "Choose a topic"),
        ({"topic": "999"}, "Choose one of the options"),
        ({"space": "birmingham"}, "Choose one of the options"),
        ({"kind": "poll"}, "Choose one of the options"),
        ({"tags": "one, two, three, four, five, six"}, "at most 5"),
    ],
)
def test_bad_new_thread_keeps_text_and_explains(browser, world, changes, message):
    browser.sign_in(world.member)
    data = {"kind": "question", "topic": str(world.topic.id), "space": "network",
            "title": "How do you prepare for court?", "body": "My carefully typed question body", "tags": ""}
    data.update(changes)
    response = browser.post("/threads/new", data)
    assert response.status_code == 400
    text = page(response)
    assert message in text
    if changes.get("body") is None:
        assert "My carefully typed question body" in text
    assert db.session.scalar(select(func.count(Thread.id))) == 0


def test_new_thread_preview_renders_markdown_and_stores_nothing(browser, world):
    browser.sign_in(world.member)
    response = browser.post("/threads/new", {"kind": "question", "topic": str(world.topic.id), "space": "network",
                                              "title": "Preview this please", "body": "- one\n- two", "preview": "Preview"})
    assert response.status_code == 200
    assert "<li>one</li>" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Thread.id))) == 0


def test_reply_too_long_keeps_text(browser, world):
    thread = start(world.member, world.topic.id)
    browser.sign_in(world.outsider)
    body = "My long reply " + "x" * 20_000
    response = browser.post(f"/threads/{thread.id}/reply", {"body": body})
    assert response.status_code == 400 and body in page(response)
    assert db.session.scalar(select(func.count(Post.id))) == 1


def test_reply_to_locked_thread_is_refused_with_403(browser, world):
    thread = start(world.member, world.topic.id)
    thread.locked = True
    db.session.commit()
    browser.sign_in(world.outsider)
    body = "Hello? A reply I spent ten minutes on."
    response = browser.post(f"/threads/{thread.id}/reply", {"body": body})
    assert response.status_code == 403 and "locked" in page(response)
    assert body in page(response)  # the text comes back to be copied, not lost
    assert db.session.scalar(select(func.count(Post.id))) == 1


def test_reply_page_of_a_locked_thread_says_so_and_offers_no_post_button(browser, world):
    thread = start(world.member, world.topic.id)
    thread.locked = True
    db.session.commit()
    browser.sign_in(world.outsider)
    response = browser.get(f"/threads/{thread.id}/reply")
    assert response.status_code == 403 and "locked" in page(response)
    assert 'value="Post reply"' not in page(response)


def test_quote_prefills_the_reply(browser, world):
    thread = start(world.member, world.topic.id, body="Line one\nLine two")
    opening = db.session.scalar(select(Post.id).where(Post.thread_id == thread.id))
    browser.sign_in(world.outsider)
    text = page(browser.get(f"/threads/{thread.id}/reply?quote={opening}"))
    assert "> Line one\n> Line two" in text and "@member.wigan" in text


@pytest.mark.parametrize("url", ["/threads/new", "/account", "/account/password", "/signin", "/register", "/forgot"])
def test_wrong_csrf_token_is_a_400_not_a_500(browser, world, url):
    browser.sign_in(world.member)
    response = browser.post(url, {"csrf_token": "forged", "title": "x", "body": "y", "login": "a", "password": "b"})
    assert response.status_code == 400 and "could not be sent" in page(response)


def test_missing_csrf_token_is_a_400(browser, world):
    thread = start(world.member, world.topic.id)
    browser.sign_in(world.member)
    response = browser.post(f"/threads/{thread.id}/reply", {"body": "hello"}, csrf=False)
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(Post.id))) == 1


def test_edit_then_history_shows_earlier_text(browser, world):
    thread = start(world.member, world.topic.id, body="First words")
    opening = db.session.scalar(select(Post.id).where(Post.thread_id == thread.id))
    browser.sign_in(world.member)
    response = browser.post(f"/posts/{opening}/edit", {"title": thread.title, "body": "Second words"})
    assert response.status_code == 302
    history = page(browser.get(f"/posts/{opening}/history"))
    assert "First words" in history and "Second words" in history


def test_bad_edit_keeps_the_new_text(browser, world):
    thread = start(world.member, world.topic.id, body="First words")
    opening = db.session.scalar(select(Post.id).where(Post.thread_id == thread.id))
    browser.sign_in(world.member)
    response = browser.post(f"/posts/{opening}/edit", {"title": "Hi", "body": "My new careful text"})
    assert response.status_code == 400 and "My new careful text" in page(response)


def test_profile_bad_input_is_400_and_kept(browser, world):
    browser.sign_in(world.member)
    response = browser.post("/account", {"display_name": "Dan\u202e", "job_title": "Keep this title"})
    assert response.status_code == 400 and "Keep this title" in page(response) and "hidden" in page(response)


def test_page_numbers_that_are_not_numbers_do_not_break(browser, world):
    thread = start(world.member, world.topic.id)
    browser.sign_in(world.member)
    for url in (f"/threads/{thread.id}?page=abc", f"/threads/{thread.id}?page=-5", "/latest?page=999999999999",
                "/topics/supervision?page=%00"):
        assert browser.get(url).status_code == 200, url


def test_unknown_flag_change_is_a_400(browser, world):
    thread = start(world.member, world.topic.id)
    browser.sign_in(world.moderator)
    assert browser.post(f"/threads/{thread.id}/flags", {"change": "explode"}).status_code == 400


def test_posts_by_centre_staff_and_partner_leads_carry_a_role_badge(browser, world):
    thread = start(world.moderator, world.topic.id, title="A note from the centre")
    threads_service.reply(world.lead, thread.id, "A word from the partner lead.")
    threads_service.reply(world.member, thread.id, "A word from a member.")
    browser.sign_in(world.member)
    text = page(browser.get(f"/threads/{thread.id}"))
    assert text.count("Centre staff") == 1
    assert text.count("Partner lead") == 1


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "two@@example.org", "sp ace@example.org"])
def test_forgotten_password_form_asks_for_a_well_formed_email_and_keeps_it(browser, world, email):
    browser.refresh_token("/forgot")
    response = browser.post("/forgot", {"email": email})
    assert response.status_code == 400
    assert "correct format" in page(response)
    assert html.escape(email, quote=True) in response.get_data(as_text=True)

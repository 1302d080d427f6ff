"""Who can open which page: signed-out visitors, members of other authorities, staff."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Post

from ..factories import start

PROTECTED_GET = [
    "/latest", "/topics", "/topics/supervision", "/spaces/wigan", "/tags/x", "/threads/new",
    "/threads/1", "/threads/1/reply", "/posts/1", "/posts/1/edit", "/posts/1/history",
    "/posts/1/delete", "/account", "/account/password", "/people/member.wigan", "/staff/accounts",
]
PROTECTED_POST = [
    "/threads/new", "/threads/1/reply", "/posts/1/edit", "/posts/1/delete", "/posts/1/helpful",
    "/posts/1/accept", "/threads/1/flags", "/account", "/account/password", "/signout-everywhere",
    "/staff/accounts/1/approve",
]


@pytest.mark.parametrize("url", ["/", "/signin", "/register", "/forgot"])
def test_signed_out_visitor_sees_public_pages(browser, world, url):
    assert browser.get(url).status_code == 200


@pytest.mark.parametrize("url", PROTECTED_GET)
def test_signed_out_visitor_is_sent_to_sign_in(browser, world, url):
    start(world.member, world.topic.id)
    response = browser.get(url)
    assert response.status_code == 302 and "/signin" in response.location


@pytest.mark.parametrize("url", PROTECTED_POST)
def test_signed_out_visitor_cannot_change_anything(browser, world, url):
    start(world.member, world.topic.id)
    response = browser.post(url, {"body": "sneaky", "title": "sneaky title"})
    assert response.status_code in (302, 400, 401)
    assert db.session.scalar(select(Post).where(Post.body == "sneaky")) is None


def partner_urls(thread_id: int, post_id: int) -> list[tuple[str, str]]:
    return [
        ("GET", f"/threads/{thread_id}"),
        ("GET", f"/threads/{thread_id}?page=2"),
        ("GET", f"/threads/{thread_id}/reply"),
        ("GET", f"/threads/{thread_id}/reply?quote={post_id}"),
        ("GET", f"/posts/{post_id}"),
        ("GET", f"/posts/{post_id}/edit"),
        ("GET", f"/posts/{post_id}/history"),
        ("GET", f"/posts/{post_id}/delete"),
        ("GET", "/spaces/wigan"),
        ("GET", "/topics/supervision?space=wigan"),
        ("POST", f"/threads/{thread_id}/reply"),
        ("POST", f"/posts/{post_id}/edit"),
        ("POST", f"/posts/{post_id}/delete"),
        ("POST", f"/posts/{post_id}/helpful"),
        ("POST", f"/posts/{post_id}/accept"),
        ("POST", f"/threads/{thread_id}/flags"),
    ]


def test_member_of_other_authority_gets_404_on_every_partner_url(browser, world):
    thread = start(world.member, world.topic.id, authority_id=world.wigan.id, kind="question",
                   title="Wigan only: a private question", body="Secret body")
    post_id = db.session.scalar(select(Post.id).where(Post.thread_id == thread.id))
    browser.sign_in(world.outsider)
    for method, url in partner_urls(thread.id, post_id):
        if method == "GET":
            response = browser.get(url)
        else:
            response = browser.post(url, {"body": "let me in", "change": "pin"})
        page = response.get_data(as_text=True)
        assert response.status_code == 404, (method, url, response.status_code)
        assert "Wigan only" not in page and "Secret body" not in page
    assert db.session.scalar(select(Post).where(Post.body == "let me in")) is None


def test_partner_thread_is_readable_by_its_members_and_staff(browser, new_browser, world):
    thread = start(world.member, world.topic.id, authority_id=world.wigan.id, title="Wigan only thread")
    for user in (world.member, world.lead, world.moderator, world.admin):
        b = new_browser()
        b.sign_in(user)
        assert "Wigan only thread" in b.get(f"/threads/{thread.id}").get_data(as_text=True)


def test_partner_thread_never_appears_in_other_authoritys_lists(browser, world):
    start(world.member, world.topic.id, authority_id=world.wigan.id, title="Wigan only thread")
    browser.sign_in(world.outsider)
    for url in ("/latest", "/topics/supervision", "/topics", "/tags/x"):
        assert "Wigan only thread" not in browser.get(url).get_data(as_text=True)


def test_a_tag_used_only_in_another_authoritys_space_is_404(browser, new_browser, world):
    start(world.member, world.topic.id, authority_id=world.wigan.id, title="Wigan only thread", tags="restructure")
    browser.sign_in(world.outsider)
    assert browser.get("/tags/restructure").status_code == 404
    insider = new_browser()
    insider.sign_in(world.member)
    assert "Wigan only thread" in insider.get("/tags/restructure").get_data(as_text=True)


def test_nonexistent_thread_and_post_are_404(browser, world):
    browser.sign_in(world.member)
    for url in ("/threads/999", "/posts/999", "/posts/999/edit", "/topics/nope", "/spaces/nope", "/people/nobody", "/threads/abc"):
        assert browser.get(url).status_code == 404, url


@pytest.mark.parametrize("url", [
    "/threads/99999999999999999999", "/posts/99999999999999999999999/edit", "/sessions/9223372036854775808",
    "/threads/1/reply?quote=99999999999999999999999", "/rooms/x?before=99999999999999999999999",
])
def test_numbers_too_big_for_the_database_are_a_404_or_ignored_never_a_500(browser, world, url):
    start(world.member, world.topic.id)
    browser.sign_in(world.member)
    assert browser.get(url).status_code in (200, 404)


@pytest.mark.parametrize("role", ["member", "lead"])
def test_pending_accounts_page_is_staff_only(browser, world, role):
    browser.sign_in(world.member if role == "member" else world.lead)
    assert browser.get("/staff/accounts").status_code == 403

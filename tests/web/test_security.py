"""Sessions, cookies, CSP and rate limits: the promises a security reviewer checks first."""

from __future__ import annotations

import re

import pytest

from forum import create_app
from forum.config import TestConfig
from forum.extensions import db

from ..conftest import PASSWORD, Browser
from ..factories import start

PAGES = ["/", "/signin", "/register", "/forgot"]
SIGNED_IN_PAGES = ["/latest", "/topics", "/topics/supervision", "/spaces/wigan", "/threads/new", "/threads/1",
                   "/threads/1/reply", "/account", "/account/password", "/people/member.wigan", "/posts/1/history"]


def test_every_page_has_a_nonce_csp_and_no_inline_script_or_style(browser, world):
    start(world.member, world.topic.id, body="**Hello** <script>alert(1)</script> <b style='x'>y</b>")
    checked = 0
    for url in PAGES:
        checked += _check_page(browser.get(url))
    browser.sign_in(world.member)
    for url in SIGNED_IN_PAGES:
        checked += _check_page(browser.get(url))
    assert checked == len(PAGES) + len(SIGNED_IN_PAGES)


def _check_page(response) -> int:
    assert response.status_code == 200, response.request.path
    csp = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    html = response.get_data(as_text=True)
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag, f"inline script on {response.request.path}: {tag}"
        assert f'nonce="{nonce}"' in tag
    assert not re.search(r"<style\b", html), response.request.path
    assert not re.search(r"<[a-z][^>]*\sstyle=", html), response.request.path
    assert not re.search(r"<[a-z][^>]*\son[a-z]+=", html), response.request.path
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    return 1


def test_nonce_differs_on_every_response(browser, world):
    first = browser.get("/signin").headers["Content-Security-Policy"]
    second = browser.get("/signin").headers["Content-Security-Policy"]
    assert first != second


def test_session_cookie_is_httponly_samesite_and_secure_in_production(tmp_path):
    config = TestConfig(f"sqlite:///{tmp_path / 'f.db'}", str(tmp_path))
    production = create_app(type("Prod", (), {**{k: getattr(config, k) for k in dir(config) if k.isupper()},
                                             "SESSION_COOKIE_SECURE": True, "REMEMBER_COOKIE_SECURE": True,
                                             "TESTING": False})())
    with production.app_context():
        db.create_all()
    client = production.test_client()
    response = client.get("/signin")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_sign_in_starts_a_fresh_session(browser, world):
    with browser.client.session_transaction() as session:
        session["planted"] = "by an attacker"
    browser.sign_in(world.member)
    with browser.client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].startswith(f"{world.member.id}:")


def test_remember_me_sets_a_secure_remember_cookie(browser, world):
    response = browser.sign_in(world.member, remember=True)
    cookies = response.headers.getlist("Set-Cookie")
    remember = [c for c in cookies if c.startswith("remember_token=")]
    assert remember and "HttpOnly" in remember[0]


@pytest.mark.parametrize(
    "target",
    ["//evil.example/x", "/\\evil.example", "/\t/evil.example", "/%0a/x\n//evil.example",
     "https://evil.example/", "javascript:alert(1)", "/ /evil.example", "\t//evil.example"],
)
def test_sign_in_redirects_only_to_same_site_paths(browser, world, target):
    browser.refresh_token()
    response = browser.client.post(
        "/signin", query_string={"next": target},
        data={"login": "member.wigan", "password": PASSWORD, "csrf_token": browser.token},
    )
    assert response.status_code == 302
    assert response.location.endswith("/latest")


def test_sign_in_follows_a_plain_same_site_path(browser, world):
    browser.refresh_token()
    response = browser.client.post(
        "/signin", query_string={"next": "/topics?page=2"},
        data={"login": "member.wigan", "password": PASSWORD, "csrf_token": browser.token},
    )
    assert response.location.endswith("/topics?page=2")


def test_sign_out_needs_post_and_ends_the_session(browser, world):
    browser.sign_in(world.member)
    assert browser.get("/signout").status_code == 405
    assert browser.post("/signout").status_code == 302
    assert browser.get("/latest").status_code == 302


def test_changing_password_signs_out_other_sessions_but_not_this_one(new_browser, world):
    laptop, phone = new_browser(), new_browser()
    laptop.sign_in(world.member)
    phone.sign_in(world.member, remember=True)
    response = laptop.post("/account/password", {"current_password": PASSWORD, "new_password": "a new long password",
                                                 "confirm": "a new long password"})
    assert response.status_code == 302
    assert laptop.get("/latest").status_code == 200
    assert phone.get("/latest").status_code == 302  # remember-me cookie no longer works either


def test_sign_out_everywhere_ends_every_session(new_browser, world):
    laptop, phone = new_browser(), new_browser()
    laptop.sign_in(world.member)
    phone.sign_in(world.member)
    laptop.post("/signout-everywhere")
    assert laptop.get("/latest").status_code == 302
    assert phone.get("/latest").status_code == 302


def test_signing_out_makes_a_copied_session_cookie_useless(new_browser, world):
    laptop = new_browser()
    laptop.sign_in(world.member)
    stolen = laptop.client.get_cookie("session").value
    laptop.post("/signout")
    thief = new_browser()
    thief.client.set_cookie("session", stolen)
    assert thief.get("/latest").status_code == 302


def test_signing_out_one_device_keeps_the_other_signed_in(new_browser, world):
    laptop, phone = new_browser(), new_browser()
    laptop.sign_in(world.member)
    phone.sign_in(world.member)
    laptop.post("/signout")
    assert phone.get("/latest").status_code == 200


def test_account_made_inactive_is_signed_out_on_next_request(browser, world):
    browser.sign_in(world.member)
    world.member.status = "rejected"
    db.session.commit()
    assert browser.get("/latest").status_code == 302


@pytest.mark.parametrize(("url", "limit"), [("/signin", 10), ("/register", 10)])
def test_sign_in_and_registration_are_rate_limited(tmp_path, url, limit):
    config = TestConfig(f"sqlite:///{tmp_path / 'f.db'}", str(tmp_path / "instance"))
    config.RATELIMIT_ENABLED = True
    limited = create_app(config)
    with limited.app_context():
        db.create_all()
    b = Browser(limited.test_client())
    b.refresh_token()
    codes = [b.post(url, {"login": "member.wigan", "password": "wrong password"}).status_code
             for _ in range(limit + 1)]
    assert codes[:limit] == [400] * limit
    assert codes[limit] == 429
    assert "Too many attempts" in b.post(url, {}).get_data(as_text=True)

"""Two people chatting live in real Chromium, one of them losing the network and coming back."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# Delivery between two pages crosses the server; allow for a loaded CI machine.
expect.set_options(timeout=15_000)


def open_room(context, slug: str = "wigan-team"):
    page = context.new_page()
    page.goto(f"/rooms/{slug}")
    expect(page.locator("#connection-status")).to_have_text("Live")
    return page


def send(page, text: str) -> None:
    box = page.get_by_label("Message", exact=True)
    box.fill(text)
    box.press("Enter")


def count(page, text: str) -> int:
    return page.locator("#messages li.message .message-body", has_text=text).count()


def test_two_people_chat_live_and_an_offline_spell_loses_and_duplicates_nothing(new_context):
    alice_context = new_context(signed_in_as="member.wigan")
    bob_context = new_context(signed_in_as="lead.wigan")
    alice, bob = open_room(alice_context), open_room(bob_context)
    tag = uuid.uuid4().hex[:6]

    send(alice, f"Hello Bob {tag}")
    expect(bob.locator("#messages")).to_contain_text(f"Hello Bob {tag}")
    expect(bob.locator("#people")).to_contain_text("Dan Hughes")

    bob_context.set_offline(True)
    expect(bob.locator("#connection-status")).to_contain_text("Offline", timeout=30_000)
    for i in range(3):
        send(alice, f"While you were out {i} {tag}")
    expect(alice.locator("li.message-pending")).to_have_count(0)  # the server has them all
    for i in range(3):
        assert count(alice, f"While you were out {i} {tag}") == 1
    send(bob, f"Typed in the tunnel {tag}")
    expect(bob.locator("li.message-pending")).to_contain_text(f"Typed in the tunnel {tag}")

    bob_context.set_offline(False)
    expect(bob.locator("#connection-status")).to_have_text("Live", timeout=30_000)
    for i in range(3):
        expect(bob.locator("#messages")).to_contain_text(f"While you were out {i} {tag}")
    expect(alice.locator("#messages")).to_contain_text(f"Typed in the tunnel {tag}")
    expect(bob.locator("li.message-pending")).to_have_count(0)

    for page in (alice, bob):
        for text in [f"Hello Bob {tag}", f"Typed in the tunnel {tag}"] + [f"While you were out {i} {tag}" for i in range(3)]:
            assert count(page, text) == 1, (text, count(page, text))
    # After a reload the server's own record agrees: each message stored once.
    bob.reload()
    assert count(bob, f"Typed in the tunnel {tag}") == 1


def test_new_message_is_announced_in_a_live_region(new_context):
    alice, bob = open_room(new_context(signed_in_as="member.wigan")), open_room(new_context(signed_in_as="lead.wigan"))
    tag = uuid.uuid4().hex[:6]
    send(alice, f"Announce me {tag}")
    announcer = bob.locator("#live-announcer")
    expect(announcer).to_have_attribute("aria-live", "polite")
    expect(announcer).to_contain_text(f"Dan Hughes: Announce me {tag}")


def test_room_works_without_javascript(new_context):
    context = new_context(signed_in_as="member.wigan", java_script_enabled=False)
    page = context.new_page()
    page.goto("/rooms/wigan-team")
    tag = uuid.uuid4().hex[:6]
    page.get_by_label("Message", exact=True).fill(f"No script needed {tag}")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#messages")).to_contain_text(f"No script needed {tag}")


def test_deleting_a_message_removes_it_from_the_other_persons_screen(new_context):
    alice, bob = open_room(new_context(signed_in_as="member.wigan")), open_room(new_context(signed_in_as="lead.wigan"))
    tag = uuid.uuid4().hex[:6]
    send(alice, f"Wrong room {tag}")
    expect(bob.locator("#messages")).to_contain_text(f"Wrong room {tag}")
    alice.once("dialog", lambda dialog: dialog.accept())
    alice.locator("li.message", has_text=f"Wrong room {tag}").get_by_role("button", name="Delete").click()
    expect(bob.locator("#messages")).not_to_contain_text(f"Wrong room {tag}")

"""WCAG 2.1 AA in a real browser: axe-core on the main pages, keyboard use, focus you can see,
and a Content-Security-Policy that the pages themselves never break.

axe is injected with `bypass_csp=True` (the pages' nonce CSP would refuse it); the CSP test
runs without that bypass, as a visitor's browser does.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from .conftest import DEMO_THREAD, sign_in, thread_path

pytestmark = [pytest.mark.browser, pytest.mark.live]

FAILING_IMPACTS = {"serious", "critical"}
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}


def run_axe(page, axe_source: str) -> list[dict]:
    """Every axe violation on the page as it stands."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    return page.evaluate("options => axe.run(document, options).then(r => r.violations)", AXE_OPTIONS)


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"]:
            lines.append(f"    at {json.dumps(node['target'])}: {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


def assert_no_serious_violations(page, axe_source: str, what: str) -> None:
    violations = run_axe(page, axe_source)
    if violations:
        print(f"axe on {what} ({page.url}):\n{describe(violations)}")
    serious = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    assert not serious, f"axe found serious or critical problems on {what}:\n{describe(serious)}"


@pytest.fixture
def axe_context(new_context):
    """A context that lets axe in past the page's CSP."""
    return lambda **options: new_context(bypass_csp=True, **options)


@pytest.mark.parametrize(
    "what, path",
    [("the landing page", "/"), ("sign-in", "/signin"), ("registration", "/register"),
     ("the anonymising guidance", "/guidance/anonymising")],
)
def test_signed_out_pages_have_no_serious_accessibility_problems(axe_source, axe_context, what, path):
    page = axe_context().new_page()
    response = page.goto(path)
    assert response.ok
    assert_no_serious_violations(page, axe_source, what)


def test_registration_errors_have_no_serious_accessibility_problems(axe_source, axe_context):
    page = axe_context().new_page()
    page.goto("/register")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    assert_no_serious_violations(page, axe_source, "registration with errors")


@pytest.mark.parametrize(
    "what, path",
    [
        ("latest", "/latest"),
        ("topics", "/topics"),
        ("a topic page", "/topics/supervision"),
        ("a thread page", DEMO_THREAD),
        ("the new-thread page", "/threads/new"),
        ("the chat room list", "/rooms"),
        ("a live chat room", "/rooms/supporting-social-workers"),
    ],
)
def test_member_pages_have_no_serious_accessibility_problems(axe_source, axe_context, what, path):
    page = axe_context(signed_in_as="member.wigan").new_page()
    if not path.startswith("/"):
        path = thread_path(page, path)
    response = page.goto(path)
    assert response.ok
    assert_no_serious_violations(page, axe_source, what)


@pytest.mark.parametrize(
    "what, path",
    [
        ("the review queue", "/moderation/queue"),
        ("the resolved queue", "/moderation/queue?status=resolved"),
        ("a person's moderation page", "/moderation/people/member.wigan"),
        ("watched words", "/moderation/words"),
        ("the audit log", "/moderation/audit"),
        ("the privacy guard's terms and report", "/moderation/privacy"),
    ],
)
def test_staff_pages_have_no_serious_accessibility_problems(axe_source, axe_context, what, path):
    page = axe_context(signed_in_as="moderator").new_page()
    response = page.goto(path)
    assert response.ok
    assert_no_serious_violations(page, axe_source, what)


def test_report_form_has_no_serious_accessibility_problems(axe_source, axe_context):
    page = axe_context(signed_in_as="member.birmingham").new_page()
    page.goto(thread_path(page, DEMO_THREAD))
    page.get_by_role("link", name=re.compile("^Report post by Priya Shah")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report to the moderators")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose a reason")
    assert_no_serious_violations(page, axe_source, "the report form with an error")


def test_new_thread_errors_are_announced_focused_and_accessible(axe_source, axe_context):
    page = axe_context(signed_in_as="member.wigan").new_page()
    page.goto("/threads/new")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Post thread").click()
    assert posted.value.status == 400
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()
    # Each message in the summary links to its field, and the field says what is wrong.
    summary.get_by_role("link", name="Enter a title.").click()
    expect(page.get_by_label("Title")).to_be_focused()
    expect(page.get_by_label("Title")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Title")).to_have_accessible_description(re.compile("Enter a title"))
    assert_no_serious_violations(page, axe_source, "the new-thread page with errors")


# Keyboard --------------------------------------------------------------------------------

# An outline counts only if it can be seen: a transparent one (there for forced-colours mode) does not.
FOCUS_STYLE = """el => {
  const s = getComputedStyle(el);
  const hidden = s.outlineStyle === 'none' || parseFloat(s.outlineWidth) === 0
    || s.outlineColor === 'transparent' || /^rgba\\(.*,\\s*0\\)$/.test(s.outlineColor);
  return {outline: hidden ? 'none' : `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
          boxShadow: s.boxShadow, background: s.backgroundColor, border: s.borderColor, color: s.color};
}"""


def focused(page):
    return page.evaluate_handle("document.activeElement")


def describe_element(handle) -> str:
    return handle.evaluate("el => el.outerHTML.slice(0, 120)")


def assert_visible_focus(page, handle) -> None:
    """The focused element shows an outline or box-shadow, and looks different from unfocused."""
    with_focus = handle.evaluate(FOCUS_STYLE)
    assert with_focus["outline"] != "none" or with_focus["boxShadow"] != "none", (
        f"no focus indicator on {describe_element(handle)}: {with_focus}"
    )
    handle.evaluate("el => el.blur()")
    without_focus = handle.evaluate(FOCUS_STYLE)
    handle.evaluate("el => el.focus({focusVisible: true})")
    assert with_focus != without_focus, f"focus changes nothing visible on {describe_element(handle)}: {with_focus}"


def test_first_tab_reaches_skip_link_which_moves_focus_to_main(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip.evaluate("el => el.textContent.trim()") == "Skip to main content"
    expect(page.get_by_role("link", name="Skip to main content")).to_be_in_viewport()
    assert_visible_focus(page, skip)
    page.keyboard.press("Enter")
    assert focused(page).evaluate("el => el.id") == "main"
    # The next Tab continues from the main content, not from the header.
    page.keyboard.press("Tab")
    assert focused(page).evaluate("el => el.closest('main') !== null")


def tab_to(page, predicate: str, limit: int = 25):
    """Press Tab until `predicate(document.activeElement)` holds; check focus is visible each step."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        assert_visible_focus(page, element)
        if element.evaluate(predicate):
            return element
    raise AssertionError(f"Tab never reached an element matching {predicate}")


def test_sign_in_works_with_the_keyboard_alone_with_visible_focus(live_server, page):
    page.goto("/signin")
    tab_to(page, "el => el.labels && el.labels[0] && el.labels[0].textContent.trim() === 'Username or email'")
    page.keyboard.type("member.wigan")
    page.keyboard.press("Tab")
    assert focused(page).evaluate("el => el.type") == "password"
    assert_visible_focus(page, focused(page))
    page.keyboard.type(live_server.demo_password)
    page.keyboard.press("Tab")
    assert focused(page).evaluate("el => el.type") == "checkbox"
    assert_visible_focus(page, focused(page))
    page.keyboard.press("Space")
    expect(page.get_by_label("Keep me signed in on this device")).to_be_checked()
    page.keyboard.press("Tab")
    button = focused(page)
    assert button.evaluate("el => el.tagName === 'BUTTON' && el.textContent.trim() === 'Sign in'")
    assert_visible_focus(page, button)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/latest$"))
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Dan Hughes")


@pytest.mark.parametrize("forced_colors", ["none", "active"], ids=["normal", "forced-colours"])
def test_keyboard_focus_is_visible_on_every_control_of_a_thread_page(new_context, forced_colors):
    """Every stop on a thread page shows focus, also in forced-colours (Windows high contrast)
    mode, where the browser drops box-shadows and backgrounds and only outlines remain."""
    page = new_context(signed_in_as="member.wigan", forced_colors=forced_colors).new_page()
    page.goto(thread_path(page, DEMO_THREAD))
    page.evaluate("window.scrollTo(0, 0)")
    seen = 0
    for _ in range(60):
        page.keyboard.press("Tab")
        element = focused(page)
        if element.evaluate("el => el === document.body"):
            break
        assert_visible_focus(page, element)
        seen += 1
    assert seen > 10, "expected to tab through the header, posts and reply form"


# Content-Security-Policy --------------------------------------------------------------------

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__cspViolations.push({directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample,
                               source: e.sourceFile + ':' + e.lineNumber});
});
"""


def test_pages_run_under_strict_csp_without_violations(live_server, new_context):
    context = new_context()  # no bypass_csp: the browser enforces the policy as a visitor's would
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    sign_in(page, "member.wigan", live_server.demo_password)
    thread = thread_path(page, DEMO_THREAD)
    for path in ["/latest", thread, "/threads/new", "/topics/supervision", "/rooms/supporting-social-workers"]:
        response = page.goto(path)
        policy = response.headers["content-security-policy"]
        assert "'nonce-" in policy and "'unsafe-inline'" not in policy, policy
        page.wait_for_load_state("load")
        violations = page.evaluate("window.__cspViolations")
        assert not violations, f"CSP violations on {path}: {violations}"
    assert not errors, "\n".join(errors)

    # The listener is live: an inline script, which our templates never use, is caught.
    page.goto(thread)
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.x = 1';
                             document.body.append(s); }""")
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.x") is None


# Focus on visited links -----------------------------------------------------------------------


def next_frame(page) -> None:
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def snapshot(page, locator, pad: int = 8) -> bytes:
    """A screenshot of the element and its focus ring."""
    box = locator.bounding_box()
    clip = {"x": box["x"] - pad, "y": box["y"] - pad, "width": box["width"] + 2 * pad, "height": box["height"] + 2 * pad}
    return page.screenshot(clip=clip, animations="disabled", caret="hide")


def snapshot_unvisited(page, locator) -> bytes:
    """The element as it would look pointing somewhere never visited; its href is put back after."""
    original = locator.get_attribute("href")
    locator.evaluate("el => el.setAttribute('href', '/never-visited')")
    next_frame(page)
    try:
        return snapshot(page, locator)
    finally:
        locator.evaluate("(el, href) => el.setAttribute('href', href)", original)
        next_frame(page)


def looks_visited(page, href: str) -> bool:
    """Whether a plain link to href shows the visited colour yet (the profile records visits
    asynchronously)."""
    page.evaluate("""href => { const a = document.createElement('a'); a.id = 'visited-probe'; a.href = href;
                               a.textContent = 'probe'; document.querySelector('main').prepend(a); }""", href)
    probe = page.locator("#visited-probe")
    try:
        return snapshot(page, probe) != snapshot_unvisited(page, probe)
    finally:
        probe.evaluate("el => el.remove()")


def tab_to_element(page, locator, limit: int = 25) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {locator}")


def test_focus_looks_the_same_on_links_already_visited(context_with_history, tmp_path):
    """`:visited` rules must not out-rank the focus style: a person who has been to a page
    before still sees the yellow focus, with dark text, on links and link-buttons to it."""
    page = context_with_history.new_page()
    page.goto("/")
    main = page.get_by_role("main")
    main.get_by_role("link", name="Sign in").click()
    page.wait_for_url(re.compile(r"/signin$"))
    page.get_by_role("main").get_by_role("link", name="Create an account").click()
    page.wait_for_url(re.compile(r"/register$"))
    page.get_by_role("link", name="Practice Exchange").click()
    page.wait_for_url(re.compile(r"/$"))
    page.mouse.move(0, 0)
    for href in ("/", "/signin", "/register"):
        for _ in range(50):
            if looks_visited(page, href):
                break
            page.wait_for_timeout(100)
        else:
            raise AssertionError(f"the browser profile never showed {href} as visited; the check cannot run")

    header = page.get_by_role("navigation", name="Account")
    targets = {
        "brand link": page.get_by_role("link", name="Practice Exchange"),
        "header Sign in link": header.get_by_role("link", name="Sign in"),
        "header Register link": header.get_by_role("link", name="Register"),
        "Sign in button": main.get_by_role("link", name="Sign in"),
        "Create an account button": main.get_by_role("link", name="Create an account"),
    }
    for name, target in targets.items():
        tab_to_element(page, target)
        visited, unvisited = snapshot(page, target), snapshot_unvisited(page, target)
        if visited != unvisited:
            slug = name.replace(" ", "-").lower()
            (tmp_path / f"{slug}-visited.png").write_bytes(visited)
            (tmp_path / f"{slug}-unvisited.png").write_bytes(unvisited)
            raise AssertionError(f"focused {name} looks different once visited; screenshots in {tmp_path}")


# Reflow (WCAG 1.4.10): 320 CSS pixels wide, no sideways scrolling ------------------------------

LONG_TITLE = "Our guidance is at https://example.org/childrens-social-care/case-recording/peer-review-2024"


def overflowing(page) -> list[str]:
    """What sticks out to the right: boxes wider than the viewport, or text spilling out of its box."""
    return page.evaluate("""() => {
      const width = document.documentElement.clientWidth, found = [];
      for (const el of document.querySelectorAll('body *')) {
        const box = el.getBoundingClientRect();
        const spills = el.scrollWidth > el.clientWidth && getComputedStyle(el).overflowX === 'visible';
        if (box.width && (box.right > width + 0.5 || spills && box.left + el.scrollWidth > width + 0.5)) {
          found.push(`${el.tagName.toLowerCase()}.${el.className} (right edge ${Math.round(box.left + Math.max(box.width, el.scrollWidth))}px)`);
        }
      }
      if (document.documentElement.scrollWidth > width) found.push(`the page (${document.documentElement.scrollWidth}px)`);
      return found;
    }""")


def test_pages_reflow_at_320_pixels_without_sideways_scrolling(new_context):
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    for path in ["/", "/signin", "/register"]:
        page.goto(path)
        assert not overflowing(page), f"{path} is wider than 320px: {overflowing(page)[:6]}"

    page = new_context(signed_in_as="member.wigan", viewport={"width": 320, "height": 640}).new_page()
    # Members paste addresses into titles: a long unbroken word must wrap, not widen the page.
    page.goto("/threads/new")
    page.get_by_label("Topic").select_option(label="Using evidence in practice")
    page.get_by_label("Title").fill(LONG_TITLE)
    page.get_by_label("Your post").fill("See https://example.org/childrens-social-care/case-recording/peer-review-2024/full-report")
    page.get_by_role("button", name="Post thread").click()
    expect(page).to_have_url(re.compile(r"/threads/\d+$"))
    paths = [page.url, "/latest", "/topics", "/topics/using-evidence", thread_path(page, DEMO_THREAD), "/threads/new", "/account"]
    for path in paths:
        page.goto(path)
        assert not overflowing(page), f"{path} is wider than 320px: {overflowing(page)[:6]}"

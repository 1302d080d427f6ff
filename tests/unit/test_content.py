"""What `render_markdown` should keep: the everyday formatting members use, rendered and linkified.

The hostile side (script, event handlers, javascript:/data: URLs) lives in test_content_xss.py.
"""

from __future__ import annotations

import pytest

from forum.content import render_markdown, render_plain

REL = 'rel="nofollow ugc noopener noreferrer"'


def test_bullet_and_numbered_lists():
    out = render_markdown("- first\n- second\n\n1. one\n2. two")
    assert "<ul>\n<li>first</li>\n<li>second</li>\n</ul>" in out
    assert "<ol>\n<li>one</li>\n<li>two</li>\n</ol>" in out


def test_nested_list_and_emphasis():
    out = render_markdown("- **bold** and *em*\n  - ~~struck~~")
    assert "<strong>bold</strong>" in out
    assert "<em>em</em>" in out
    assert "<s>struck</s>" in out or "<del>struck</del>" in out
    assert out.count("<ul>") == 2


@pytest.mark.parametrize(
    "source, href",
    [
        ("[the guidance](https://www.gov.uk/guidance)", "https://www.gov.uk/guidance"),
        ("[old site](http://example.org/page)", "http://example.org/page"),
        ("[email the team](mailto:team@example.org)", "mailto:team@example.org"),
        ("<https://example.org/autolink>", "https://example.org/autolink"),
    ],
)
def test_links_keep_safe_schemes_and_get_rel(source, href):
    out = render_markdown(source)
    assert f'<a href="{href}" {REL}>' in out


def test_link_title_is_kept_escaped():
    out = render_markdown('[a](https://example.org "Say \\"hi\\" & <wave>")')
    assert 'title="Say &quot;hi&quot; &amp; &lt;wave&gt;"' in out
    assert REL in out


def test_relative_and_fragment_links_are_kept():
    out = render_markdown("[thread](/t/42) and [section](#notes)")
    assert f'<a href="/t/42" {REL}>thread</a>' in out
    assert f'<a href="#notes" {REL}>section</a>' in out


def test_bare_urls_and_emails_are_linkified():
    out = render_markdown("See https://example.org/a?b=c, www.example.com and write to duty@example.org.")
    assert f'<a href="https://example.org/a?b=c" {REL}>https://example.org/a?b=c</a>' in out
    assert f'<a href="http://www.example.com" {REL}>www.example.com</a>' in out
    assert f'<a href="mailto:duty@example.org" {REL}>duty@example.org</a>' in out


def test_every_link_carries_rel_and_no_target():
    out = render_markdown("[a](https://a.example.org) https://b.example.org <https://c.example.org> c@d.example.org")
    assert out.count("<a ") == 4
    assert out.count(REL) == 4
    assert "target=" not in out


def test_code_blocks_and_spans_are_kept_escaped_and_not_linkified():
    out = render_markdown("```html\n<script>alert(1)</script>\nhttps://example.org\n```\n\nInline `<b>x</b> www.example.com`")
    assert "<pre><code>&lt;script&gt;alert(1)&lt;/script&gt;\nhttps://example.org\n</code></pre>" in out
    assert "<code>&lt;b&gt;x&lt;/b&gt; www.example.com</code>" in out
    assert "<a " not in out
    assert "class=" not in out  # the fence's language class is not on the allow-list


def test_indented_code_block():
    out = render_markdown("    if x < 1:\n        return")
    assert "<pre><code>if x &lt; 1:\n    return\n</code></pre>" in out


def test_tables_render_without_inline_styles():
    out = render_markdown("| Name | Count |\n|:-----|------:|\n| visits | 3 |")
    for tag in ("<table>", "<thead>", "<tbody>", "<th>Name</th>", "<td>visits</td>", "<td>3</td>"):
        assert tag in out
    assert "style=" not in out


def test_blockquote_and_rule():
    out = render_markdown("> quoted\n\n---\n\nafter")
    assert "<blockquote>\n<p>quoted</p>\n</blockquote>" in out
    assert "<hr>" in out


@pytest.mark.parametrize(
    "source, tag",
    [("# One", "h3"), ("## Two", "h4"), ("### Three", "h5"), ("#### Four", "h6"), ("###### Six", "h6"),
     ("Setext\n======", "h3"), ("Setext\n------", "h4")],
)
def test_headings_sit_below_the_pages_h1_and_h2(source, tag):
    out = render_markdown(source)
    assert out.startswith(f"<{tag}>") and out.rstrip().endswith(f"</{tag}>")
    assert "<h1" not in out and "<h2" not in out


def test_images_become_links_not_img():
    out = render_markdown("![Referral chart](https://example.org/chart.png) ![](https://example.org/x.png)")
    assert "<img" not in out
    assert f'<a href="https://example.org/chart.png" {REL}>Referral chart</a>' in out
    assert f'<a href="https://example.org/x.png" {REL}>image</a>' in out


def test_image_alt_text_is_escaped():
    out = render_markdown("![a <b> & c](https://example.org/x.png)")
    assert f'<a href="https://example.org/x.png" {REL}>a &lt;b&gt; &amp; c</a>' in out


def test_raw_html_is_shown_as_text():
    out = render_markdown("Use <b>bold</b> & <em>html</em>")
    assert out == "<p>Use &lt;b&gt;bold&lt;/b&gt; &amp; &lt;em&gt;html&lt;/em&gt;</p>\n"


def test_line_breaks():
    out = render_markdown("one  \ntwo")
    assert "one<br>\ntwo" in out


@pytest.mark.parametrize("source", ["", None, " ", "\n\n"])
def test_empty_input(source):
    assert render_markdown(source).strip() == ""


def test_nul_bytes_never_reach_the_output():
    out = render_markdown("a\x00b [x\x00](https://example.org/\x00) `\x00` \x00\x00")
    assert isinstance(out, str)
    assert "\x00" not in out
    assert "a\ufffdb" in out


def test_render_plain_escapes():
    assert render_plain('<b>"x" & y</b>') == "&lt;b&gt;&quot;x&quot; &amp; y&lt;/b&gt;"
    assert render_plain(None) == ""


# Pathological shapes: each must come back as a string, never raise. Sizes are at or near the 20,000
# character post limit (forum/services/threads.py BODY_MAX).
HUGE = {
    "open-brackets": "[" * 20_000,
    "balanced-brackets": "[" * 10_000 + "]" * 10_000,
    "nested-links": "[a" * 4_000 + "](https://example.org)" * 400,
    "nested-images": "![" * 10_000,
    "nested-blockquotes": ">" * 5_000 + " deep",
    "blockquote-staircase": "\n".join(">" * i + " x" for i in range(1, 190)),
    "nested-lists": "\n".join("  " * i + "- x" for i in range(140)),
    "backticks": "`" * 20_000,
    "emphasis-stars": "*a" * 10_000,
    "emphasis-mixed": "*_" * 10_000,
    "angle-brackets": "<" * 20_000,
    "html-ish": "<a" * 10_000,
    "entities": "&amp;" * 4_000,
    "table-columns": "|" + "a|" * 5_000 + "\n|" + "-|" * 5_000,
    "many-lines": "x\n" * 10_000,
    "many-urls": "https://example.org/ " * 950,
    "nul-bytes": "\x00" * 20_000,
    "control-chars": "".join(chr(i) for i in range(32)) * 600,
}


@pytest.mark.parametrize("source", list(HUGE.values()), ids=list(HUGE))
def test_huge_and_pathological_inputs_return_a_string(source):
    out = render_markdown(source)
    assert isinstance(out, str)
    assert "\x00" not in out

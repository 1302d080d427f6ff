"""The one function that turns a member's markdown into HTML that is safe to show.

Three layers, each enough on its own for the common case, together for the odd one:
markdown-it-py with raw HTML off; bleach's allow-list with linkify; then our own pass
that refuses any href or src whose scheme is not http, https or mailto. Posts, chat
messages and previews all use `render_markdown`; stored HTML carries RENDERER_VERSION so it
can be re-rendered when this pipeline changes.
"""

from __future__ import annotations

import html
import re
from functools import partial
from html.parser import HTMLParser
from urllib.parse import urlsplit

import bleach
from bleach.linkifier import TLDS, LinkifyFilter
from markdown_it import MarkdownIt

RENDERER_VERSION = 1

ALLOWED_TAGS = frozenset({
    "a", "blockquote", "br", "code", "del", "em", "h3", "h4", "h5", "h6", "hr", "li", "ol",
    "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
})
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"], "th": ["align"], "td": ["align"]}
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener noreferrer"

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_md.enable(["table", "strikethrough"])


def _image_as_link(self, tokens, idx, options, env):
    """Images are not embedded (no tracking pixels, no surprises): they become a link."""
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env) or "image"
    src = html.escape(token.attrGet("src") or "", quote=True)
    return f'<a href="{src}">{html.escape(alt)}</a>'


_md.add_render_rule("image", _image_as_link)
# Headings in a post sit under the page's own h1/h2: shift them down so the outline holds.
_HEADING = re.compile(r"<(/?)h([1-6])>")

_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]+")


def is_safe_url(url: str) -> bool:
    """True for relative URLs and http(s)/mailto; entities and control characters don't hide a scheme."""
    cleaned = _CONTROL.sub("", html.unescape(url or ""))
    if not cleaned:
        return True
    if cleaned.startswith(("/", "#", "?")) and not cleaned.startswith("//"):
        return True
    try:
        scheme = urlsplit(cleaned).scheme.lower()
    except ValueError:
        return False
    if not scheme:
        # No scheme: only safe if no colon could be read as one by a browser.
        return ":" not in cleaned.split("/", 1)[0]
    return scheme in SAFE_SCHEMES


def _set_rel(attrs, new=False):
    href = attrs.get((None, "href"), "")
    if not is_safe_url(href):
        return None  # drop the link, keep its text
    attrs[(None, "rel")] = LINK_REL
    attrs.pop((None, "target"), None)
    return attrs


# bleach's default link and email patterns backtrack quadratically on one long unbroken token
# (20,000 letters took over ten seconds), which any member could post. These are the same
# patterns with every repetition bounded by what a real URL or address can hold: DNS labels
# of 63 characters, 126 labels, a 64-character local part, a few leading parentheses.
_TLDS = "|".join(sorted(TLDS, reverse=True))
_URL_RE = re.compile(
    r"""\({{0,20}}
    \b(?<![@.])(?:(?:{protocols}):/{{0,3}}(?:(?:\w{{1,64}}:)?\w{{1,64}}@)?)?
    ([\w-]{{1,63}}\.){{1,126}}(?:{tlds})(?:\:[0-9]{{1,5}})?(?!\.\w)\b
    (?:[/?][^\s\{{\}}\|\\\^`<>"]*)?
    """.format(protocols="|".join(sorted(SAFE_SCHEMES)), tlds=_TLDS),
    re.IGNORECASE | re.VERBOSE | re.UNICODE,
)
_EMAIL_RE = re.compile(
    rf"""(?<!//)
    (([-!#$%&'*+/=?^_`{{}}|~0-9A-Z]{{1,64}}
        (\.[-!#$%&'*+/=?^_`{{}}|~0-9A-Z]{{1,64}}){{0,31}}
    |^"([\001-\010\013\014\016-\037!#-\[\]-\177]
        |\\[\001-\011\013\014\016-\177]){{0,64}}"
    )@(?:[A-Z0-9](?:[A-Z0-9-]{{0,61}}[A-Z0-9])?\.){{1,126}}(?:{_TLDS}))
    """,
    re.IGNORECASE | re.MULTILINE | re.VERBOSE,
)

_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=SAFE_SCHEMES,
    strip=True,
    strip_comments=True,
    filters=[
        partial(
            LinkifyFilter,
            callbacks=[_set_rel],
            skip_tags={"pre", "code"},
            parse_email=True,
            url_re=_URL_RE,
            email_re=_EMAIL_RE,
        )
    ],
)


class _UrlAudit(HTMLParser):
    """Collects every URL-bearing attribute and event handler left in the output."""

    URL_ATTRS = frozenset({"href", "src", "action", "formaction", "xlink:href", "srcset", "data"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.unsafe = False

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.unsafe = True
        for name, value in attrs:
            if name.startswith("on") or name == "style" or name in self.URL_ATTRS and not is_safe_url(value or "") or name in self.URL_ATTRS and tag != "a":
                self.unsafe = True


def _audit(markup: str) -> bool:
    parser = _UrlAudit()
    parser.feed(markup)
    parser.close()
    return not parser.unsafe


# NUL and lone surrogates no database takes; U+E000 and U+E001 are search's highlight markers.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff\ue000\ue001]")


def storable_text(text: str) -> str:
    """Text as it will be stored: NUL and lone surrogates (which no database will take, and a
    JSON payload can carry) become U+FFFD, and line endings become "\\n"."""
    return _UNSTORABLE.sub("\ufffd", text).replace("\r\n", "\n")


def render_markdown(text: str) -> str:
    """Markdown source -> sanitised HTML. Never raises on any input."""
    source = (text or "").replace("\x00", "\ufffd")
    rendered = _md.render(source)
    rendered = _HEADING.sub(lambda m: f"<{m.group(1)}h{max(3, min(6, int(m.group(2)) + 2))}>", rendered)
    safe = _cleaner.clean(rendered)
    if not _audit(safe):
        # Defence in depth: if anything slipped past the first two layers, show plain text.
        return "<p>" + html.escape(source).replace("\n", "<br>") + "</p>"
    return safe


def render_plain(text: str) -> str:
    """Plain text for titles and names: escaped, never interpreted."""
    return html.escape(text or "")

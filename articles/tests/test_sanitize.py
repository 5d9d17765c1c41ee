"""The sanitiser against a catalogue of hostile HTML, and against rich content that must survive it."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from articles.models import Author, Correction
from articles.sanitize import (
    ALLOWED_ATTRIBUTE_VALUES,
    ALLOWED_ATTRIBUTES,
    ALLOWED_CLASSES,
    ALLOWED_TAGS,
    ALLOWED_URL_SCHEMES,
    sanitize_html,
)
from articles.tests.factories import ArticleFactory, CorrectionFactory

pytestmark = pytest.mark.django_db

URL_ATTRIBUTES = {"href", "src", "cite"}

# (name, hostile HTML, a fragment that must not appear in the output, case-insensitively)
HOSTILE = [
    ("script tag", "<p>Hi</p><script>alert(1)</script>", "alert(1)"),
    ("script with src", '<script src="https://evil.example/x.js"></script><p>ok</p>', "evil.example"),
    ("uppercase script", "<SCRIPT>alert(1)</SCRIPT>", "alert(1)"),
    ("script split by null byte", "<scr\x00ipt>alert(1)</script>", "<script"),
    ("img onerror", '<img src="x.jpg" onerror="alert(1)">', "onerror"),
    ("body onload", '<body onload="alert(1)"><p>x</p></body>', "onload"),
    ("event handler on allowed tag", '<p onclick="alert(1)" onmouseover="alert(2)">x</p>', "onclick"),
    ("event handler with odd spacing", '<a href="/x"\nonfocus\n=\n"alert(1)" autofocus>x</a>', "onfocus"),
    ("javascript: link", '<a href="javascript:alert(1)">x</a>', "javascript"),
    ("mixed-case javascript: link", '<a href="JaVaScRiPt:alert(1)">x</a>', "javascript"),
    (
        "entity-encoded javascript:",
        '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:alert(1)">x</a>',
        "alert",
    ),
    ("hex-entity colon", '<a href="javascript&#x3A;alert(1)">x</a>', "alert"),
    ("tab inside scheme", '<a href="java\tscript:alert(1)">x</a>', "alert"),
    ("newline and spaces before scheme", '<a href="  \njavascript:alert(1)">x</a>', "alert"),
    ("vbscript: link", '<a href="vbscript:msgbox(1)">x</a>', "vbscript"),
    ("data: link", '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>', "data:"),
    ("data: image source", '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" alt="x">', "data:"),
    ("javascript: image source", '<img src="javascript:alert(1)" alt="x">', "javascript"),
    ("javascript: in blockquote cite", '<blockquote cite="javascript:alert(1)">q</blockquote>', "javascript"),
    ("svg onload", '<svg onload="alert(1)"><circle r="1"/></svg>', "onload"),
    ("svg script", "<svg><script>alert(1)</script></svg>", "alert(1)"),
    (
        "svg animate href",
        '<svg><a><animate attributeName="href" values="javascript:alert(1)"/><text>x</text></a></svg>',
        "javascript",
    ),
    (
        "svg foreignObject",
        '<svg><foreignObject><iframe src="javascript:alert(1)"></iframe></foreignObject></svg>',
        "javascript",
    ),
    ("mathml xlink href", '<math><mtext><a xlink:href="javascript:alert(1)">x</a></mtext></math>', "javascript"),
    ("mathml mglyph style escape", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", "onerror"),
    ("style attribute", '<p style="background:url(javascript:alert(1))">x</p>', "style"),
    ("style element", "<style>body{background:url('javascript:alert(1)')}</style><p>x</p>", "javascript"),
    ("expression() in style", '<div style="width: expression(alert(1))">x</div>', "expression"),
    ("iframe", '<iframe src="https://evil.example/"></iframe>', "<iframe"),
    ("iframe srcdoc", '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>', "srcdoc"),
    ("object", '<object data="https://evil.example/x.swf"></object>', "<object"),
    ("embed", '<embed src="https://evil.example/x.swf">', "<embed"),
    ("form and input", '<form action="https://evil.example/"><input name="password"></form>', "<form"),
    ("button formaction", '<button formaction="javascript:alert(1)">x</button>', "formaction"),
    ("meta refresh", '<meta http-equiv="refresh" content="0;url=https://evil.example/">', "refresh"),
    ("base href", '<base href="https://evil.example/"><a href="/x">x</a>', "<base"),
    ("link stylesheet", '<link rel="stylesheet" href="https://evil.example/x.css">', "<link"),
    ("unclosed tag swallowing markup", '<img src="x.jpg" alt="<script>alert(1)</script>', "<script"),
    ("malformed nesting", "<p><b><i>x</p></b><script>alert(1)</i></script>", "<script"),
    ("tag in attribute breaks out", '<a title="x"><img src=x onerror=alert(1)>">y</a>', "onerror"),
    ("comment hiding a script", "<!--<script>alert(1)</script>--><p>x</p>", "<script"),
    ("conditional comment", "<!--[if IE]><script>alert(1)</script><![endif]--><p>x</p>", "alert"),
    ("comment closed early", "<!-- --!><img src=x onerror=alert(1)> -->", "onerror"),
    ("cdata section", "<![CDATA[<script>alert(1)</script>]]><p>x</p>", "<script"),
    ("noscript parsing trick", '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>', "onerror"),
    ("template contents", "<template><script>alert(1)</script></template>", "alert"),
    ("srcset with javascript", '<img src="x.jpg" srcset="javascript:alert(1) 1x" alt="x">', "srcset"),
    (
        "srcset pointing elsewhere",
        '<img src="x.jpg" srcset="https://evil.example/track.gif 2x" alt="x">',
        "evil.example",
    ),
    ("img dynsrc/lowsrc", '<img dynsrc="javascript:alert(1)" lowsrc="javascript:alert(1)" src="x.jpg">', "javascript"),
    ("target and opener", '<a href="https://evil.example" target="_blank" rel="opener">x</a>', 'opener"'),
    (
        "id and name clobbering",
        '<img name="getElementById" id="cookie" src="x.jpg"><form id="x"></form>',
        "getelementbyid",
    ),
    ("data attribute payload", '<p data-bind="alert(1)" data-image-id="1 onerror=alert(1)">x</p>', "data-"),
    ("non-numeric image id", '<img src="x.jpg" data-image-id="javascript:alert(1)" alt="x">', "data-image-id"),
    ("unknown class", '<figure class="image x-evil"><img src="x.jpg" alt="x"></figure>', "x-evil"),
    ("xmp raw text", "<xmp><img src=x onerror=alert(1)></xmp>", "onerror"),
    ("textarea raw text", "<textarea><script>alert(1)</script></textarea>", "<script"),
    ("select raw option", "<select><option><img src=x onerror=alert(1)></option></select>", "onerror"),
    ("table with event handler", '<table><tr><td onmouseover="alert(1)">x</td></tr></table>', "onmouseover"),
    (
        "xml namespace script",
        '<html xmlns:x="http://www.w3.org/1999/xhtml"><x:script>alert(1)</x:script></html>',
        "<x:script",
    ),
    ("ol type out of the allowed set", '<ol type="javascript:alert(1)"><li>x</li></ol>', "type="),
]


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.comments = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_comment(self, data):
        self.comments.append(data)


def assert_within_allow_list(html):
    """Every element, attribute, class and URL in `html` is one the allow-list names."""
    parser = _Elements()
    parser.feed(html)
    parser.close()
    assert not parser.comments
    for tag, attrs in parser.elements:
        assert tag in ALLOWED_TAGS, tag
        for name, value in attrs:
            value = value or ""
            if name == "class":
                assert set(value.split()) <= ALLOWED_CLASSES.get(tag, set()), (tag, value)
            elif name == "rel":
                assert tag == "a" and value == "noopener noreferrer"
            elif name in ALLOWED_ATTRIBUTE_VALUES.get(tag, {}):
                assert value in ALLOWED_ATTRIBUTE_VALUES[tag][name]
            else:
                assert name in ALLOWED_ATTRIBUTES.get(tag, set()), (tag, name)
            assert not name.startswith("on")
            if name in URL_ATTRIBUTES:
                scheme = urlsplit(value.strip()).scheme.lower()
                assert scheme in ALLOWED_URL_SCHEMES or scheme == "", value


@pytest.mark.parametrize(("html", "forbidden"), [(h, f) for _, h, f in HOSTILE], ids=[n for n, _, _ in HOSTILE])
def test_hostile_input_is_defused(html, forbidden):
    cleaned = sanitize_html(html)

    assert forbidden.lower() not in cleaned.lower()
    assert_within_allow_list(cleaned)
    assert sanitize_html(cleaned) == cleaned  # stable: cleaning twice changes nothing


def test_catalogue_has_at_least_thirty_hostile_inputs():
    assert len(HOSTILE) >= 30


# Rich content as the body editor and importers produce it: unchanged by cleaning.
LEGITIMATE = [
    "<p>The council voted on <strong>Tuesday</strong>, <em>after</em> a long debate.</p>",
    "<h2>Background</h2><p>Text.</p><h3>Detail</h3><p>More.</p><h4>Fine print</h4><p>Most.</p>",
    '<p>Read <a href="https://example.org/report.pdf" title="The report" rel="noopener noreferrer">the report</a>'
    ' or <a href="/2024/02/26/budget/" rel="noopener noreferrer">our earlier story</a>.</p>',
    '<p>Write to <a href="mailto:desk@example.org" rel="noopener noreferrer">the desk</a> or call '
    '<a href="tel:+994125551234" rel="noopener noreferrer">the newsroom</a>.</p>',
    "<ul><li><p>Schools</p></li><li><p>Roads</p></li></ul>",
    '<ol start="3" type="a"><li><p>Third</p></li><li><p>Fourth</p></li></ol>',
    "<blockquote><p>We will not back down.</p></blockquote>",
    "<p>Line one<br>line two</p>",
    '<figure class="image"><img src="/media/images/2024/02/square.jpg" alt="Crowds in the square" width="1600" '
    'height="900" data-image-id="12"><figcaption>Crowds gathered on Tuesday. <span class="credit">Jane Roe/AP</span>'
    "</figcaption></figure>",
    '<figure class="image"><img src="https://images.example.org/a.jpg" alt=""></figure>',
    "<p>Prices rose 5&nbsp;% — “sharply”, said the minister &amp; her deputy. Ağdam, Şuşa, Gəncə. 1 &lt; 2.</p>",
    "<table><thead><tr><th>Party</th><th>Seats</th></tr></thead><tbody><tr><td>A</td><td>12</td></tr></tbody></table>",
    '<p><abbr title="Organisation for Security and Co-operation in Europe">OSCE</abbr> <code>v2</code> '
    "H<sub>2</sub>O E=mc<sup>2</sup> <s>old</s></p>",
]


@pytest.mark.parametrize("html", LEGITIMATE)
def test_legitimate_rich_content_survives_unchanged(html):
    assert sanitize_html(html) == html


def test_links_get_noopener_added():
    cleaned = sanitize_html('<a href="https://example.org/">x</a>')

    assert cleaned == '<a href="https://example.org/" rel="noopener noreferrer">x</a>'


def test_quoting_and_entities_are_normalised_not_lost():
    cleaned = sanitize_html("<p class=x>Tom &amp; Jerry's <A HREF='https://example.org'>site</A></p>")

    assert cleaned == '<p>Tom &amp; Jerry\'s <a href="https://example.org" rel="noopener noreferrer">site</a></p>'


def test_every_html_field_is_cleaned_on_save():
    hostile = '<p onclick="alert(1)">Text</p><script>alert(2)</script>'

    article = ArticleFactory(body=hostile)
    author = Author.objects.create(name="Jane Roe", bio=hostile)
    correction = CorrectionFactory(article=article, note=hostile)

    for value in (article.body, author.bio, correction.note):
        assert value == "<p>Text</p>"
    article.refresh_from_db()
    assert article.body == "<p>Text</p>"
    assert Correction.objects.get(pk=correction.pk).note == "<p>Text</p>"


def test_article_page_escapes_plain_text_fields(client):
    article = ArticleFactory(
        live=True, headline="<script>alert(1)</script> Budget", dek="<img src=x onerror=alert(2)>"
    )

    html = client.get(article.get_absolute_url()).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Budget" in html
    assert "<img src=x onerror=alert(2)>" not in html

"""Short notes (corrections) edited as plain text and stored as HTML, the form pages, feeds and the API read.

The text an editor types:

    An earlier version gave the wrong date for the vote. It is on *Tuesday*.

    See the council's agenda: https://council.example/agenda or [the minutes](https://council.example/m).

A blank line starts a paragraph and a single line break stays one; an address is linked as it is, and
`[words](address)` links words; `*words*` are italic and `**words**` bold. Nothing else is markup: a typed `<p>`
is text. `html_to_text` turns a stored note back into this text for the form; a note with markup the text cannot
say (a list, a table) reads as its paragraphs, and the form keeps the stored HTML as long as that text is not
edited (CorrectionForm).
"""

import re
from html import escape
from html.parser import HTMLParser

# Where a link may point: the schemes the sanitiser allows, or a path on this site.
_ADDRESS = r"(?:https?://|mailto:|tel:|/)[^\s()<>\"]*(?:\([^\s()<>\"]*\)[^\s()<>\"]*)*"
_LINK = re.compile(rf"\[([^\]\n]+)\]\(({_ADDRESS})\)|(https?://[^\s<>\"]+)")
_BOLD = re.compile(r"\*\*(\S(?:.*?\S)?)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(\S(?:[^*]*?\S)?)\*(?![\w*])")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")
_TRAILING_PUNCTUATION = ".,;:!?*'\"’”"


def text_to_html(text):
    """Paragraphs, line breaks, links and emphasis of a typed note as HTML (not yet sanitised)."""
    text = normalize(text)
    if not text:
        return ""
    paragraphs = []
    for block in _PARAGRAPH_BREAK.split(text):
        lines = [_inline(line.strip()) for line in block.split("\n")]
        paragraphs.append(f"<p>{'<br>'.join(lines)}</p>")
    return "".join(paragraphs)


def html_to_text(html):
    """A stored note as the text `text_to_html` turns back into the same note."""
    if not html:
        return ""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return parser.text()


def normalize(text):
    """What counts as the same text: browsers send CRLF line ends, and outer blank space means nothing."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def _inline(line):
    parts, position = [], 0
    for match in _LINK.finditer(line):
        words, address, bare = match.groups()
        parts.append(_emphasis(escape(line[position : match.start()], quote=False)))
        if bare:
            # "(see https://example.com/a)." — the closing punctuation belongs to the sentence.
            trimmed = bare.rstrip(_TRAILING_PUNCTUATION)
            while trimmed.endswith(")") and trimmed.count(")") > trimmed.count("("):
                trimmed = trimmed[:-1].rstrip(_TRAILING_PUNCTUATION)
            parts.append(f'<a href="{escape(trimmed)}">{escape(trimmed, quote=False)}</a>')
            parts.append(escape(bare[len(trimmed) :], quote=False))
        else:
            parts.append(f'<a href="{escape(address)}">{_emphasis(escape(words, quote=False))}</a>')
        position = match.end()
    parts.append(_emphasis(escape(line[position:], quote=False)))
    return "".join(parts)


def _emphasis(escaped):
    escaped = _BOLD.sub(r"<strong>\1</strong>", escaped)
    return _ITALIC.sub(r"<em>\1</em>", escaped)


class _TextParser(HTMLParser):
    BLOCKS = {
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li", "figure", "figcaption",
        "table", "tr", "pre", "hr",
    }  # fmt: skip
    MARKERS = {"em": "*", "i": "*", "strong": "**", "b": "**"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs = []
        self.current = []
        self.links = []  # (href, index in `current` where its text starts)

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self._end_paragraph()
        elif tag == "br":
            self.current.append("\n")
        elif tag in self.MARKERS:
            self.current.append(self.MARKERS[tag])
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.current)))

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self._end_paragraph()
        elif tag in self.MARKERS:
            self.current.append(self.MARKERS[tag])
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            words = "".join(self.current[start:]).strip()
            if href and words and words != href:
                self.current[start:] = [f"[{words}]({href})"]

    def handle_data(self, data):
        self.current.append(re.sub(r"\s+", " ", data))

    def close(self):
        super().close()
        self._end_paragraph()

    def _end_paragraph(self):
        lines = [line.strip() for line in "".join(self.current).split("\n")]
        paragraph = "\n".join(lines).strip()
        if paragraph:
            self.paragraphs.append(paragraph)
        self.current = []
        self.links = []

    def text(self):
        return "\n\n".join(self.paragraphs)

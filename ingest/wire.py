"""Plain-text wire stories (SPEC: "Plain-text wire story format") → stories.

    <headline line>

    <timestamp line, e.g. 12 December 2013 15:50 (UTC+04:00)>
    <headline line again, optional>

    By <author name>

    <body paragraphs separated by blank lines>

Real copy varies: date header lines before the headline, the headline repeated, CRLF line ends, a byte-order
mark, no byline, several names in the byline, names in any script, trailing spaces. A file that does not follow
the format at all (no headline, no timestamp, no body) raises WireParseError with the reason.
"""

import datetime
import hashlib
import re
from dataclasses import dataclass, field

from django.utils import timezone

from articles.models import Article

from .pipeline import AuthorRef, Story, paragraphs_html, split_names

MAX_BYTES = 5 * 1024 * 1024

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
_WEEKDAYS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
}  # fmt: skip
_OFFSET = re.compile(
    r"\(?\s*(?:UTC|GMT)\s*(?:(?P<sign>[+\-−–])\s*(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?)?\s*\)?",
    re.I,
)
_TIME = re.compile(
    r"(?<![\d:])(?P<h>\d{1,2})[:h](?P<m>\d{2})(?::(?P<s>\d{2}))?(?!\d)\s*(?P<ampm>[ap]\.?\s?m\.?)?", re.I
)
_BYLINE = re.compile(r"^\s*by\s*[:\-–]?\s+(?P<names>\S.*)$", re.I)
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200e\u200f\u2060"), None)


class WireParseError(Exception):
    """The text is not a wire story in the expected format."""


@dataclass
class WireStory:
    headline: str
    published_at: datetime.datetime
    authors: list
    body_html: str
    warnings: list = field(default_factory=list)


def decode(data, encoding=None):
    """Bytes of a story file → text: a byte-order mark wins, then `encoding`, then UTF-8, then Windows-1252.
    Returns (text, warning or "")."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), ""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), ""
    if encoding:
        return data.decode(encoding, errors="replace"), ""
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "not UTF-8; read as Windows-1252 (use --encoding to choose)"


def parse(text, *, default_tz=None):
    """Parse one story. Raises WireParseError."""
    if "\x00" in text:
        raise WireParseError("binary data, not a text story")
    text = text.translate(_INVISIBLE).replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip().replace("\u00a0", " ") for line in text.split("\n")]
    warnings = []
    count = len(lines)

    def skip_blank(i, *, dates=False):
        while i < count and (not lines[i].strip() or (dates and is_date_only(lines[i]))):
            i += 1
        return i

    i = skip_blank(0, dates=True)
    if i >= count:
        raise WireParseError("empty: no headline")
    stamp = parse_timestamp(lines[i], default_tz=default_tz)
    if stamp is not None:  # some copy puts the time first
        i = skip_blank(i + 1, dates=True)
        if i >= count:
            raise WireParseError("no headline after the timestamp")
    headline_lines = [lines[i].strip()]
    i += 1
    if stamp is None:
        while i < count and lines[i].strip() and len(headline_lines) < 3:
            if parse_timestamp(lines[i], default_tz=default_tz) or is_date_only(lines[i]):
                break
            headline_lines.append(lines[i].strip())
            i += 1
        headline_so_far = " ".join(" ".join(headline_lines).split())
        i = skip_blank(i)
        # Date header lines or the headline again may sit between the headline and its timestamp.
        j = i
        while j < count and (not lines[j].strip() or is_date_only(lines[j]) or _same(lines[j], headline_so_far)):
            if parse_timestamp(lines[j], default_tz=default_tz):
                break
            j += 1
        if j < count and (found := parse_timestamp(lines[j], default_tz=default_tz)):
            stamp, i = found, j + 1
        elif i < count and is_date_only(lines[i]):
            warnings.append("the date line has no time; midnight assumed")
            stamp = _stamp(parse_date(lines[i]), 0, 0, 0, None, default_tz)
            i += 1
        if stamp is None:
            raise WireParseError(
                "no timestamp line after the headline (expected a line such as “12 December 2013 15:50 (UTC+04:00)”)"
            )
    published_at, had_offset = stamp
    if not had_offset:
        warnings.append(f"the timestamp has no UTC offset; read in {timezone.get_current_timezone_name()}")
    headline = " ".join(" ".join(headline_lines).split())

    i = skip_blank(i)
    if i < count and _same(lines[i], headline):
        i = skip_blank(i + 1)
    authors = []
    if i < count and (match := _BYLINE.match(lines[i])):
        authors = [_name(name) for name in split_names(match.group("names")) if re.search(r"\w", name)]
        i += 1
    body = paragraphs_html("\n".join(lines[i:]))
    if not body:
        raise WireParseError("no body text after the headline, timestamp and byline")
    return WireStory(headline=headline, published_at=published_at, authors=authors, body_html=body, warnings=warnings)


def to_story(wire, *, source_name, section, label):
    """A parsed wire story → the pipeline's Story: a draft marked as wire copy."""
    identity = f"{source_name.casefold()}|{wire.headline.casefold()}|{wire.published_at.isoformat()}"
    # "By Sara Rajabova, AzerNews": the agency is the source, not an author.
    names = [name for name in wire.authors if name.casefold() != source_name.casefold()]
    story = Story(
        source=Article.Source.WIRE,
        external_id="wire:" + hashlib.sha256(identity.encode()).hexdigest()[:32],
        headline=wire.headline,
        body=wire.body_html,
        label=label,
        status=Article.Status.DRAFT,
        published_at=wire.published_at,
        source_name=source_name,
        section=section,
        authors=[AuthorRef(name=name) for name in names],
    )
    story.warnings.extend(wire.warnings)
    return story


def _same(line, headline):
    return " ".join(line.split()).casefold() == headline.casefold()


def _name(name):
    name = name.strip(" .,;:")
    return name.title() if name.isupper() else name


# Dates ------------------------------------------------------------------------------


def parse_date(text):
    """A date written as "Monday February 26 2024", "26 February 2024", "February 26, 2024", "26.02.2024",
    "2024-02-26" or "26/02/2024" (day first); None when the text is anything else."""
    tokens = [t for t in re.split(r"[\s,./\-–|]+", text.strip().lower()) if t and t not in ("of", "the")]
    tokens = [t for t in tokens if t.rstrip(".") not in _WEEKDAYS]
    if len(tokens) != 3:
        return None
    months = [t for t in tokens if t.rstrip(".") in _MONTHS]
    numbers = [re.sub(r"(?<=\d)(st|nd|rd|th)$", "", t) for t in tokens if t not in months]
    if not all(n.isdigit() for n in numbers):
        return None
    try:
        if len(months) == 1:
            month = _MONTHS[months[0].rstrip(".")]
            years = [n for n in numbers if len(n) == 4]
            if len(years) != 1:
                return None
            day = next(n for n in numbers if n != years[0] or numbers.count(n) > 1)
            return datetime.date(int(years[0]), month, int(day))
        if months:
            return None
        a, b, c = numbers
        if len(a) == 4:
            return datetime.date(int(a), int(b), int(c))
        year = int(c) + (2000 if len(c) == 2 else 0)
        if len(c) not in (2, 4):
            return None
        if int(b) > 12 >= int(a):  # 02/26/2024: month first
            return datetime.date(year, int(a), int(b))
        return datetime.date(year, int(b), int(a))
    except (ValueError, StopIteration):
        return None


def is_date_only(line):
    return parse_date(line) is not None


def parse_timestamp(line, *, default_tz=None):
    """(aware datetime, whether the line gave a UTC offset) for a timestamp line, else None."""
    text = line.strip()
    if len(text) > 80:
        return None
    offset_match = _OFFSET.search(text)
    rest = text.replace(offset_match.group(0), " ", 1) if offset_match else text
    time_match = _TIME.search(rest)
    if not time_match:
        return None
    day = parse_date(re.sub(r"\bat\b", " ", rest[: time_match.start()] + " " + rest[time_match.end() :]))
    if day is None:
        return None
    hour, minute = int(time_match.group("h")), int(time_match.group("m"))
    second = int(time_match.group("s") or 0)
    ampm = (time_match.group("ampm") or "").replace(".", "").replace(" ", "").lower()
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    offset = None
    if offset_match:
        sign = -1 if offset_match.group("sign") in ("-", "−", "–") else 1
        hours, minutes = int(offset_match.group("hours") or 0), int(offset_match.group("minutes") or 0)
        if hours > 14 or minutes > 59:
            return None
        offset = sign * datetime.timedelta(hours=hours, minutes=minutes)
    try:
        return _stamp(day, hour, minute, second, offset, default_tz)
    except ValueError:
        return None


def _stamp(day, hour, minute, second, offset, default_tz):
    naive = datetime.datetime(day.year, day.month, day.day, hour, minute, second)
    if offset is not None:
        return naive.replace(tzinfo=datetime.timezone(offset)).astimezone(datetime.UTC), True
    aware = timezone.make_aware(naive, default_tz) if default_tz else timezone.make_aware(naive)
    return aware.astimezone(datetime.UTC), False

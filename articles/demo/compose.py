"""Compose demo article number n: words, byline, tags and its place in the editorial plan.

Everything about article n comes from a random generator seeded with (seed, n), so a re-run, or a
run that only fills in missing numbers, writes exactly the same article.
"""

import random
from dataclasses import dataclass, field
from html import escape

from . import stories, world

ORDINALS = ["third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth"]
RESEARCHERS = ["Dr Nuray Ələkbərova", "Dr Samuel Achterberg", "Dr Priya Raman", "Dr Kaan Yıldız", "Dr Maren Olsen"]
# Minutes that read well with "th": no 1st, 2nd, 3rd, 11th-13th trouble.
LATE_MINUTES = [54, 57, 58, 66, 68, 74, 77, 79, 84, 85, 86, 88, 89]
EARLY_MINUTES = [14, 17, 18, 25, 26, 28, 35, 37, 38, 40]
# Broad tags that fit any story in the section, added now and then.
EXTRA_TAGS = {
    "news": ["Ardenport", "Meridia"],
    "politics": ["Meridia", "Government"],
    "business": ["Economy", "Meridia"],
    "world": ["Meridia abroad", "Region"],
    "science": ["Science", "Meridia"],
    "culture": ["Arts", "Ardenport"],
    "sport": ["Sport", "Meridia"],
    "opinion": ["Comment"],
}
DATELINES = {"news": "Ardenport", "politics": "Ardenport", "business": "Ardenport"}
CORRECTIONS = [
    "An earlier version of this article misspelled the name of {speaker}.",
    "An earlier version of this article said the meeting took place on {weekday}. It took place a day earlier.",
    "This article has been amended to make clear that the figures refer to the whole of {region}, not only {town}.",
    "An earlier version of this article gave the wrong figure for the cost. It is {amount} meridians.",
]
NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
WIRE_AGENCY = "Meridian Press Agency"
STAFF_BYLINE = "Staff reporter"


@dataclass
class DemoArticle:
    number: int
    section: str
    kind: str
    headline: str
    dek: str
    body: str
    tags: list
    dateline: str
    authors: list  # [(author name, role)], the first without a role
    image_slot: int  # which of the section's demo images leads the article
    status: str = "published"  # published, scheduled, draft, review
    is_featured: bool = False
    priority: int = 0
    byline_override: str = ""
    source: str = "staff"
    source_name: str = ""
    correction: str = ""
    updated_hours: float = 0.0  # > 0: updated this many hours after publishing
    schedule_hours: float = 0.0  # scheduled: goes live this many hours from now
    jitter: float = 0.0  # where in its time slot the article falls, 0..1
    extra: dict = field(default_factory=dict)


def number(n):
    """House style: one to nine in words, 10 and up in figures."""
    return NUMBER_WORDS[n] if n < 10 else str(n)


def cap(text):
    return text[:1].upper() + text[1:]


def tag_name(text):
    """“the Docklands” → “Docklands”, “the People’s Union” → “People’s Union”."""
    text = text.strip()
    if text.lower().startswith("the "):
        text = text[4:]
    return cap(text)


def fill(template, ctx):
    return cap(template.format_map(ctx))


def other(rng, options, taken):
    """A random option that is not `taken`: the second club in a match, the other party."""
    return rng.choice([option for option in options if option != taken])


def amount(rng):
    return f"{rng.choice([1, 2, 3, 5, 8, 12, 14, 18, 24, 36, 48, 65, 90]) + rng.randint(0, 9) / 10:g} million"


# How to draw each {slot}; `c` is the article's Slots, so a slot can depend on another.
SLOT_MAKERS = {
    "district": lambda rng, c: rng.choice(world.DISTRICTS),
    "district2": lambda rng, c: other(rng, world.DISTRICTS, c["district"]),
    "town": lambda rng, c: rng.choice(world.TOWNS),
    "town2": lambda rng, c: other(rng, world.TOWNS, c["town"]),
    "region": lambda rng, c: rng.choice(world.REGIONS),
    "street": lambda rng, c: rng.choice(world.STREETS),
    "weekday": lambda rng, c: rng.choice(world.WEEKDAYS),
    "project": lambda rng, c: rng.choice(world.PROJECTS),
    "party": lambda rng, c: rng.choice(world.PARTIES),
    "party2": lambda rng, c: other(rng, world.PARTIES, c["party"]),
    "portfolio": lambda rng, c: rng.choice(world.PORTFOLIOS),
    "minister": lambda rng, c: rng.choice(world.MINISTERS),
    "pm": lambda rng, c: world.PRIME_MINISTER,
    "mayor": lambda rng, c: world.MAYOR,
    "bill": lambda rng, c: rng.choice(world.BILLS),
    "policy": lambda rng, c: rng.choice(world.POLICIES),
    "company_pair": lambda rng, c: rng.choice(world.COMPANIES),
    "company": lambda rng, c: c["company_pair"][0],
    "company_desc": lambda rng, c: c["company_pair"][1],
    "ceo": lambda rng, c: rng.choice(world.CEOS),
    "product": lambda rng, c: rng.choice(world.PRODUCTS),
    "country": lambda rng, c: rng.choice(world.COUNTRIES),
    "foreign_capital": lambda rng, c: world.FOREIGN_CAPITALS[c["country"]],
    "foreign_leader": lambda rng, c: world.FOREIGN_LEADERS[c["country"]],
    "foreign_opposition": lambda rng, c: rng.choice(world.FOREIGN_OPPOSITION),
    "foreign_topic": lambda rng, c: rng.choice(world.FOREIGN_TOPICS),
    "club": lambda rng, c: rng.choice(world.CLUBS),
    "club2": lambda rng, c: other(rng, world.CLUBS, c["club"]),
    "competition": lambda rng, c: rng.choice(world.COMPETITIONS),
    "goals_w": lambda rng, c: rng.randint(1, 4),
    "goals_l": lambda rng, c: rng.randint(0, c["goals_w"] - 1),
    "player": lambda rng, c: rng.choice(world.PLAYERS),
    "player2": lambda rng, c: other(rng, world.PLAYERS, c["player"]),
    "minute": lambda rng, c: rng.choice(LATE_MINUTES),
    "minute2": lambda rng, c: rng.choice(EARLY_MINUTES),
    "coach": lambda rng, c: rng.choice(world.COACHES),
    "bclub": lambda rng, c: rng.choice(world.BASKETBALL_CLUBS),
    "bclub2": lambda rng, c: other(rng, world.BASKETBALL_CLUBS, c["bclub"]),
    "points_w": lambda rng, c: rng.randint(78, 104),
    "points_l": lambda rng, c: c["points_w"] - rng.randint(1, 9),
    "athlete": lambda rng, c: rng.choice(world.ATHLETES),
    "rower": lambda rng, c: rng.choice(world.ATHLETES),
    "age": lambda rng, c: rng.randint(19, 34),
    "venue": lambda rng, c: rng.choice(world.VENUES),
    "festival": lambda rng, c: rng.choice(world.FESTIVALS),
    "artist": lambda rng, c: rng.choice(world.ARTISTS),
    "work": lambda rng, c: rng.choice(world.WORKS),
    "art_form": lambda rng, c: rng.choice(world.ART_FORMS),
    "institute": lambda rng, c: rng.choice(world.INSTITUTES),
    "institute_short": lambda rng, c: tag_name(c["institute"]).replace(
        "University of Ardenport", "Ardenport University"
    ),
    # Research and institute match, whichever a template asks for first.
    "research_pair": lambda rng, c: rng.choice([r for r in world.RESEARCH if r[2] == c["institute"]]),
    "research": lambda rng, c: c["research_pair"][0],
    "research_field": lambda rng, c: c["research_pair"][1],
    "species": lambda rng, c: rng.choice(world.SPECIES),
    "species_plural": lambda rng, c: c["species"] + "s",
    "official": lambda rng, c: rng.choice(world.OFFICIAL_NAMES),
    "resident_pair": lambda rng, c: rng.choice(world.RESIDENTS),
    "resident": lambda rng, c: c["resident_pair"][0],
    "resident_desc": lambda rng, c: c["resident_pair"][1],
    "researcher": lambda rng, c: rng.choice(RESEARCHERS),
    "n_small": lambda rng, c: number(rng.randint(3, 12)),
    "n_small2": lambda rng, c: number(rng.randint(2, 9)),
    "n_mid": lambda rng, c: rng.randint(20, 95),
    "n_points": lambda rng, c: rng.randint(18, 41),
    "n_mid2": lambda rng, c: max(5, c["n_mid"] - rng.randint(3, 40)),
    "n_big": lambda rng, c: rng.randint(120, 950),
    "n_thousands": lambda rng, c: f"{rng.randint(10, 600) * 100:,}",
    "n_temp": lambda rng, c: rng.randint(36, 43),
    "hundreds": lambda rng, c: rng.choice([200, 300, 400]),
    "hours": lambda rng, c: rng.randint(6, 14),
    "percent": lambda rng, c: rng.randint(4, 38),
    "percent2": lambda rng, c: c["percent"] + rng.randint(5, 20),
    "percent_high": lambda rng, c: rng.randint(55, 72),
    "percent_small": lambda rng, c: f"{rng.uniform(1.1, 4.9):.1f}",
    "amount": lambda rng, c: amount(rng),
    "year": lambda rng, c: c.this_year - rng.randint(2, 15),
    "year_next": lambda rng, c: c.this_year + rng.randint(1, 6),
    "rank": lambda rng, c: rng.choice(ORDINALS),
}


class Slots(dict):
    """The values for an article's {slots}, drawn the first time a template asks for one.

    `club_cap` is “club” capitalised, `club_tag` its tag name (“the Docklands” → “Docklands”),
    `district_short` the same without “the”. Lazy, so an article only pays for the slots it uses;
    deterministic, because the templates ask in the same order every run.
    """

    def __init__(self, rng, this_year):
        super().__init__()
        self.rng = rng
        self.this_year = this_year

    def __missing__(self, key):
        if key in SLOT_MAKERS:
            value = SLOT_MAKERS[key](self.rng, self)
        elif key.endswith("_cap"):
            value = cap(str(self[key[:-4]]))
        elif key.endswith(("_tag", "_short")):
            value = tag_name(str(self[key.rsplit("_", 1)[0]]))
        else:
            raise KeyError(key)
        self[key] = value
        return value


OFFICIALS_BY_KIND = {
    "council-budget": "city", "tram-works": "city", "housing": "city", "local-election": "city",
    "court-case": "justice", "weather": "emergency", "results": "regional", "jobs": "regional",
    "startup": "regional", "energy-bills": "regulator", "summit": "foreign", "foreign-election": "foreign",
    "foreign-protest": "foreign", "border": "border", "disaster": "rescue", "health-service": "health",
    "climate": "environment", "festival": "festival", "museum": "museum", "club-news": "club",
}  # fmt: skip
SPEAKER_NAMES = {
    "official": "official", "expert": "expert", "resident": "resident", "minister": "minister", "mayor": "mayor",
    "ceo": "ceo", "coach": "coach", "player": "player", "athlete": "athlete", "rower": "rower", "artist": "artist",
    "foreign": "foreign_leader", "opposition": "foreign_opposition", "researcher": "researcher",
}  # fmt: skip


def attribution(speaker, ctx):
    """Who said it, as it follows a quote: “…,” said <attribution>."""
    return {
        "official": "{official}, {official_role}",
        "expert": "{expert}, {expert_role}",
        "resident": "{resident}, {resident_desc}",
        "minister": "the {portfolio} minister, {minister}",
        "mayor": "the mayor, {mayor}",
        "ceo": "{ceo}, the chief executive of {company}",
        "coach": "{coach}, the head coach",
        "player": "{player}",
        "athlete": "{athlete}",
        "rower": "{rower}, who rowed at stroke",
        "artist": "{artist}",
        "foreign": "{foreign_leader} of {country}",
        "opposition": "{foreign_opposition}, the opposition leader",
        "researcher": "{researcher}, who led the work at {institute}",
    }[speaker].format_map(ctx)


def inline_quote(rng, text, who):
    said = text[:-1] + "," if text.endswith(".") else text
    if rng.random() < 0.6:
        return f"<p>“{escape(said)}” said {escape(who)}.</p>"
    comma = "," if "," in who else ""
    return f"<p>“{escape(said)}” {escape(who)}{comma} told the Ledger.</p>"


def block_quote(text, who):
    return f"<blockquote><p>“{escape(text)}”</p><cite>{escape(cap(who))}</cite></blockquote>"


def paragraph(template, ctx):
    return f"<p>{escape(fill(template, ctx), quote=False)}</p>"


def compose_body(rng, kind, angle, section, ctx):
    blocks = [paragraph(rng.choice(angle["ledes"]), ctx)]
    # The angle's own paragraphs first: they carry the story the headline promises.
    own, shared = list(angle["paragraphs"]), list(kind["paragraphs"])
    rng.shuffle(own)
    rng.shuffle(shared)
    paragraphs = shared + own  # pop() takes from the end
    quotes = list(kind["quotes"]) + list(angle["quotes"])
    lists = angle.get("lists", []) + kind["lists"]
    if paragraphs:
        blocks.append(paragraph(paragraphs.pop(), ctx))
    if quotes:
        speaker, text = quotes.pop()
        blocks.append(inline_quote(rng, text.format_map(ctx), attribution(speaker, ctx)))
        ctx["quoted"] = ctx[SPEAKER_NAMES[speaker]]
    if kind["subheads"] and len(paragraphs) > 1 and rng.random() < 0.6:
        blocks.append(f"<h2>{escape(rng.choice(kind['subheads']))}</h2>")
    for _ in range(min(len(paragraphs), rng.randint(1, 2))):
        blocks.append(paragraph(paragraphs.pop(), ctx))
    if lists and rng.random() < 0.6:
        intro, items = rng.choice(lists)
        blocks.append(paragraph(intro, ctx))
        blocks.append("<ul>" + "".join(f"<li>{escape(fill(item, ctx), quote=False)}</li>" for item in items) + "</ul>")
    if quotes and rng.random() < 0.6:
        speaker, text = quotes.pop()
        blocks.append(block_quote(text.format_map(ctx), attribution(speaker, ctx)))
    while paragraphs:
        blocks.append(paragraph(paragraphs.pop(), ctx))
    if rng.random() < 0.5:
        blocks.append(paragraph(rng.choice(stories.CLOSERS[section]), ctx))
    return "\n".join(blocks)


def compose_tags(rng, kind, section, ctx):
    names = []
    for template in kind["tags"] + rng.sample(EXTRA_TAGS[section], rng.randint(0, len(EXTRA_TAGS[section]))):
        name = tag_name(template.format_map(ctx))
        if name.lower() not in {n.lower() for n in names}:
            names.append(name)
    if len(names) < 2:
        names.append(world.SECTIONS[[s[0] for s in world.SECTIONS].index(section)][1])
    return names[:6]


AUTHORS_BY_BEAT = {
    slug: [a[0] for a in world.AUTHORS if slug in a[3] and a[0] != world.TRANSLATOR] for slug, _, _ in world.SECTIONS
}
ALL_REPORTERS = [a[0] for a in world.AUTHORS if a[0] != world.TRANSLATOR and "opinion" not in a[3]]


def compose_authors(rng, section):
    beat = AUTHORS_BY_BEAT[section]
    if section == "opinion":
        return [(rng.choice(beat), "")]
    count = rng.choices([1, 2, 3], weights=[70, 22, 8])[0]
    names = rng.sample(beat, min(count, len(beat)))  # co-authors come from the same desk
    authors = [(name, "") for name in names]
    if section == "world" and rng.random() < 0.15:
        authors.append((world.TRANSLATOR, "Translated by"))
    elif rng.random() < 0.06:
        extra = rng.choice(ALL_REPORTERS)
        if extra not in names:
            role = "Data by" if extra == world.DATA_REPORTER else rng.choice(world.CREDIT_ROLES)
            authors.append((extra, role))
    return authors


SECTION_SLUGS = list(stories.SECTION_WEIGHTS)
SECTION_WEIGHT_VALUES = list(stories.SECTION_WEIGHTS.values())


def compose(n, *, seed, year, attempt=0):
    """Demo article number n (1 is the newest); another `attempt` gives another story in the same slot."""
    rng = random.Random(f"{seed}:{n}:{attempt}" if attempt else f"{seed}:{n}")
    section = rng.choices(SECTION_SLUGS, weights=SECTION_WEIGHT_VALUES)[0]
    kind = rng.choice(stories.KINDS[section])
    angle = rng.choice(kind["angles"])
    ctx = Slots(rng, year)
    ctx["expert"], ctx["expert_role"] = rng.choice(world.EXPERTS[kind["field"]])
    if "institute" in angle or "institute" in kind:  # the body behind this kind of story
        ctx["institute"] = angle.get("institute") or kind["institute"]
    ctx["official_role"] = rng.choice(world.OFFICIAL_ROLES[OFFICIALS_BY_KIND.get(kind["key"], "government")])
    headline = fill(rng.choice(angle["headlines"]), ctx)
    dateline = angle.get("dateline", DATELINES.get(section, "")).format_map(ctx).upper()
    article = DemoArticle(
        number=n,
        section=section,
        kind=kind["key"],
        headline=headline,
        dek=fill(rng.choice(angle["deks"]), ctx),
        body=compose_body(rng, kind, angle, section, ctx),
        tags=compose_tags(rng, kind, section, ctx),
        dateline=dateline,
        authors=compose_authors(rng, section),
        image_slot=rng.randrange(100),
        jitter=rng.random(),
        updated_hours=rng.uniform(1, 20),
        schedule_hours=rng.uniform(3, 96),
    )
    plan(article, rng, ctx)
    return article


def plan(article, rng, ctx):
    """Its place in the editorial plan, by number so small and large runs both get a few of each."""
    n = article.number
    if n % 50 in (7, 31):
        article.status = "draft"
    elif n % 50 == 13:
        article.status = "review"
    elif n % 50 == 3:
        article.status = "scheduled"
    if n in (1, 2, 5) or n % 100 == 40:
        article.is_featured = True
        article.priority = {1: 10, 2: 5, 5: 3}.get(n, 1)
    if n % 37 == 11 and article.section != "opinion":
        article.byline_override, article.authors = STAFF_BYLINE, []
    elif n % 53 == 29 and article.section in ("news", "world", "business"):
        article.byline_override, article.authors = WIRE_AGENCY, []
        article.source, article.source_name = "wire", WIRE_AGENCY
    if n % 150 in (20, 66):
        ctx["speaker"] = ctx.get("quoted") or ctx["official"]
        article.correction = rng.choice(CORRECTIONS).format_map(ctx)
    if n % 40 != 9:
        article.updated_hours = 0.0
    if article.status != "scheduled":
        article.schedule_hours = 0.0

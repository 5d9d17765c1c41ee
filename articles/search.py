"""Full-text search over articles, on PostgreSQL and on SQLite.

PostgreSQL: a `search_vector` tsvector column on `articles_article` (headline weight A, dek B, body C,
stemmed with `NEWSROOM_SEARCH_CONFIG`) with a GIN index, kept current by a trigger on every insert and
update — model saves, `bulk_create`, importers and raw SQL alike.
SQLite: an FTS5 table `articles_article_fts` (Porter stemming for English) kept current by triggers,
ranked with bm25 using the same weights.

Neither is a model field, so the models stay portable: migration 0004 installs them, and every
`migrate` repairs the triggers and function (SQLite drops a table's triggers when Django rebuilds the table
for a schema change) without touching the rows. Recomputing every article's entry (after the search language
changes) is `manage.py rebuild_search_index`: batched, resumable by id, with progress. Readers' queries are
parsed here into plain terms, "quoted phrases", prefix* terms, -exclusions and OR (on PostgreSQL,
websearch_to_tsquery() then reads all but the prefixes); nothing a reader types ever reaches either query
language unquoted.
"""

import dataclasses
import functools
import html
import operator
import re
import sys

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import BooleanField, Expression, FloatField, Func, Q, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .sanitize import strip_tags

MAX_QUERY_LENGTH = 200
MAX_RESULTS = 500
# ts_headline() parses the whole text it is given, for each result: long features would make a page of results
# slow. Snippets come from the first this-many characters of the dek and body (a match further on shows the start).
SNIPPET_SOURCE_CHARS = 20_000
MAX_CLAUSES = 12
MAX_WORDS = 24
SNIPPET_WORDS = 30

# Column weights: headline > dek > body.
FTS5_WEIGHTS = (10.0, 4.0, 1.0)
FTS5_TABLE = "articles_article_fts"
PG_FUNCTION = "articles_article_search_vector"
PG_INDEX = "articles_article_search_idx"

# Markers around matched words in snippets; replaced by <mark> after escaping the text.
_START, _STOP = "\x02", "\x03"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"[^\W_]+")


def search_config():
    """The PostgreSQL text search configuration (language) for stemming; "english" by default."""
    config = getattr(settings, "NEWSROOM_SEARCH_CONFIG", "") or "english"
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", config):
        raise ImproperlyConfigured(f"NEWSROOM_SEARCH_CONFIG {config!r} is not a text search configuration name.")
    return config


# Reader queries -----------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Clause:
    words: tuple
    negated: bool = False
    prefix: bool = False


@dataclasses.dataclass(frozen=True)
class ParsedQuery:
    """A reader's query: alternatives (OR) of clauses that must all hold (AND)."""

    text: str
    groups: tuple = ()
    shortened: bool = False

    def __bool__(self):
        return bool(self.groups)


def parse_query(raw):
    """Words, "phrases", prefix*, -exclusions and OR, from anything a reader may type."""
    text = " ".join(_CONTROL.sub(" ", raw or "").split())
    shortened = len(text) > MAX_QUERY_LENGTH
    text = text[:MAX_QUERY_LENGTH]
    groups, group, clauses, words_used = [], [], 0, 0
    for match in _TOKEN.finditer(text):
        minus, phrase, bare = match.groups()
        if bare == "OR":
            groups.append(group)
            group = []
            continue
        if bare == "AND":  # what every query does anyway
            continue
        if phrase is not None:
            negated, prefix, words = bool(minus), False, _WORD.findall(phrase)
        else:
            negated = bare.startswith("-")
            prefix = bare.endswith("*")
            words = _WORD.findall(bare)
        if not words:
            continue
        if clauses >= MAX_CLAUSES or words_used + len(words) > MAX_WORDS:
            shortened = True
            break
        clauses += 1
        words_used += len(words)
        group.append(Clause(tuple(word.lower() for word in words), negated, prefix and len(words) == 1))
    groups.append(group)
    # Exclusions alone would match nearly everything: an alternative needs something to look for.
    kept = tuple(tuple(group) for group in groups if any(not clause.negated for clause in group))
    return ParsedQuery(text=text, groups=kept, shortened=shortened)


def fts5_match(parsed):
    """The query in FTS5 syntax: every word double-quoted, so no reader input is an operator."""

    def term(clause):
        quoted = '"' + " ".join(clause.words).replace('"', '""') + '"'
        return quoted + "*" if clause.prefix else quoted

    alternatives = []
    for group in parsed.groups:
        expression = "(" + " AND ".join(term(c) for c in group if not c.negated) + ")"
        for clause in group:
            if clause.negated:
                expression = f"({expression} NOT {term(clause)})"
        alternatives.append(expression)
    return " OR ".join(alternatives)


def pg_tsquery(parsed, config):
    """The query for PostgreSQL: websearch_to_tsquery() reads each alternative's words, "phrases" and
    -exclusions (in the parser's words only: nothing a reader types is passed on as syntax); a prefix*, which
    websearch has no syntax for, is a prefix term beside it."""
    from django.contrib.postgres.search import SearchQuery

    def websearch(clause):
        words = " ".join(clause.words)
        return ("-" if clause.negated else "") + (f'"{words}"' if len(clause.words) > 1 else words)

    def alternative(group):
        terms = []
        for clause in (clause for clause in group if clause.prefix):
            # Words are letters and digits only, so the raw tsquery syntax cannot be broken out of.
            query = SearchQuery(f"{clause.words[0]}:*", search_type="raw", config=config)
            terms.append(~query if clause.negated else query)
        text = " ".join(websearch(clause) for clause in group if not clause.prefix)
        if text:
            terms.append(SearchQuery(text, search_type="websearch", config=config))
        return functools.reduce(operator.and_, terms)

    return functools.reduce(operator.or_, map(alternative, parsed.groups))


class SearchVectorColumn(Expression):
    """`articles_article.search_vector` under whatever alias the query gives the table (U0 in subqueries).

    The column is not a model field (see the module docstring), so the ORM cannot name it for us.
    """

    def __init__(self):
        from django.contrib.postgres.search import SearchVectorField

        super().__init__(output_field=SearchVectorField())

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{alias}.{connection.ops.quote_name('search_vector')}", []


class IdIsAnyOf(Expression):
    """`<table>.id = ANY(%s)` with the ids as one array parameter (PostgreSQL).

    `pk__in=[…1,000 ids…]` costs ~10 ms of CPU per query in Django and psycopg (a placeholder per id,
    parsed and adapted one by one); one array parameter costs next to nothing. The table's alias comes
    from the query, so this stays right inside a subquery (the admin's search uses one).
    """

    output_field = BooleanField()

    def __init__(self, ids):
        super().__init__()
        self.ids = list(ids)

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{alias}.{connection.ops.quote_name('id')} = ANY(%s)", [self.ids]


class Fts5Rank(Expression):
    """bm25 relevance of the article row in the FTS5 table (negated: higher is better)."""

    output_field = FloatField()

    def __init__(self, match):
        super().__init__()
        self.match = match

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        weights = ", ".join(str(weight) for weight in FTS5_WEIGHTS)
        sql = (
            f"(SELECT -bm25({FTS5_TABLE}, {weights}) FROM {FTS5_TABLE} "
            f'WHERE {FTS5_TABLE} MATCH %s AND {FTS5_TABLE}.rowid = {alias}."id")'
        )
        return sql, [self.match]


def search(queryset, parsed, *, limit=None):
    """`queryset` narrowed to matches of `parsed`, annotated with `rank` (higher is better), best first.

    Only the newest `limit` matches are ranked: a common word can match most of the archive, and
    ranking every match is what makes full-text search slow (each row's vector must be read). The
    newest matches are found walking the publication-time index, or through the full-text index
    when there are few; either way the count stays cheap. That window is one query, run by this call.
    """
    if not parsed:
        return queryset.none()
    vendor = connections[queryset.db].vendor
    if vendor == "postgresql":
        from django.contrib.postgres.search import SearchRank

        tsquery = pg_tsquery(parsed, search_config())
        matches = queryset.alias(search_vector=SearchVectorColumn()).filter(search_vector=tsquery)
        rank = SearchRank(SearchVectorColumn(), tsquery)
    elif vendor == "sqlite":
        match = fts5_match(parsed)
        matches = queryset.filter(
            pk__in=RawSQL(f"SELECT rowid FROM {FTS5_TABLE} WHERE {FTS5_TABLE} MATCH %s", (match,))
        )
        rank = Fts5Rank(match)
    else:
        raise NotImplementedError(f"Search is not available on {vendor}.")
    # The window is read once, here: as a subquery it would be walked again by the page's count and by
    # the page itself (~20 ms each for a common word at 100,000 articles).
    newest = list(matches.order_by("-published_at", "-id").values_list("pk", flat=True)[: limit or MAX_RESULTS])
    in_window = IdIsAnyOf(newest) if vendor == "postgresql" else Q(pk__in=newest)
    results = queryset.filter(in_window).annotate(rank=rank).order_by("-rank", "-published_at", "-id")
    results.match_count = len(newest)  # every id in the window matches: a paginator needs no COUNT query
    return results


def snippets(articles, parsed):
    """{article pk: safe HTML} — a passage of the text around the matches, matched words in <mark>.

    One query for the whole page of results, whatever its size.
    """
    pks = [article.pk for article in articles]
    if not pks or not parsed:
        return {}
    from .models import Article

    db = articles[0]._state.db or "default"
    vendor = connections[db].vendor
    if vendor == "postgresql":
        from django.contrib.postgres.search import SearchHeadline

        text = Func(
            Func(
                Concat("dek", Value(" "), "body", output_field=TextField()),
                Value("<[^>]*>"),
                Value(" "),
                Value("g"),
                function="regexp_replace",
                output_field=TextField(),
            ),
            Value(SNIPPET_SOURCE_CHARS),
            function="left",
            output_field=TextField(),
        )
        headline = SearchHeadline(
            text,
            pg_tsquery(parsed, search_config()),
            config=search_config(),
            start_sel=_START,
            stop_sel=_STOP,
            max_words=SNIPPET_WORDS,
            min_words=SNIPPET_WORDS // 2,
            max_fragments=2,
            fragment_delimiter=" … ",
        )
        rows = Article.objects.using(db).filter(pk__in=pks).annotate(snippet=headline).values_list("pk", "snippet")
        return {pk: highlight(html.unescape(snippet or "")) for pk, snippet in rows}
    placeholders = ", ".join(["%s"] * len(pks))
    sql = (
        f"SELECT rowid, snippet({FTS5_TABLE}, 2, char(2), char(3), '…', {SNIPPET_WORDS}) "
        f"FROM {FTS5_TABLE} WHERE {FTS5_TABLE} MATCH %s AND rowid IN ({placeholders})"
    )
    with connections[db].cursor() as cursor:
        cursor.execute(sql, [fts5_match(parsed), *pks])
        return {pk: highlight(snippet or "") for pk, snippet in cursor.fetchall()}


def highlight(text):
    """Escape `text` and turn the match markers into balanced <mark> elements: the only HTML allowed."""
    out, open_ = [], False
    text = " ".join(text.split())
    for part in re.split(f"([{_START}{_STOP}])", text):
        if part == _START:
            if not open_:
                out.append("<mark>")
                open_ = True
        elif part == _STOP:
            if open_:
                out.append("</mark>")
                open_ = False
        else:
            out.append(escape(_CONTROL.sub("", part)))
    if open_:
        out.append("</mark>")
    return mark_safe("".join(out).strip())  # every piece of text above is escaped


# Installing the index -----------------------------------------------------


def html_text(value):
    """Plain text of an article body for the SQLite index (a SQL function on every SQLite connection)."""
    return _CONTROL.sub(" ", strip_tags(value)) if value else ""


def register_sqlite_functions(sender=None, connection=None, **kwargs):
    if connection is not None and connection.vendor == "sqlite":
        connection.connection.create_function("newsroom_html_text", 1, html_text, deterministic=True)


def _sqlite_tokenizer():
    return "porter unicode61 remove_diacritics 2" if search_config() == "english" else "unicode61 remove_diacritics 2"


_SQLITE_ROW = "new.id, new.headline, new.dek, newsroom_html_text(new.body)"
_SQLITE_TRIGGERS = {
    f"{FTS5_TABLE}_insert": f"""
        CREATE TRIGGER IF NOT EXISTS {FTS5_TABLE}_insert AFTER INSERT ON articles_article BEGIN
            INSERT INTO {FTS5_TABLE}(rowid, headline, dek, body) VALUES ({_SQLITE_ROW});
        END""",
    f"{FTS5_TABLE}_update": f"""
        CREATE TRIGGER IF NOT EXISTS {FTS5_TABLE}_update
        AFTER UPDATE OF id, headline, dek, body ON articles_article BEGIN
            DELETE FROM {FTS5_TABLE} WHERE rowid = old.id;
            INSERT INTO {FTS5_TABLE}(rowid, headline, dek, body) VALUES ({_SQLITE_ROW});
        END""",
    f"{FTS5_TABLE}_delete": f"""
        CREATE TRIGGER IF NOT EXISTS {FTS5_TABLE}_delete AFTER DELETE ON articles_article BEGIN
            DELETE FROM {FTS5_TABLE} WHERE rowid = old.id;
        END""",
}


def _sqlite_install(cursor, rebuild):
    tokenizer = _sqlite_tokenizer()
    cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [FTS5_TABLE])
    row = cursor.fetchone()
    if row and tokenizer not in row[0]:
        cursor.execute(f"DROP TABLE {FTS5_TABLE}")
        row, rebuild = None, True
    if row is None:
        cursor.execute(f"CREATE VIRTUAL TABLE {FTS5_TABLE} USING fts5(headline, dek, body, tokenize = '{tokenizer}')")
        rebuild = True
    for sql in _SQLITE_TRIGGERS.values():
        cursor.execute(sql)
    if rebuild:
        cursor.execute(f"DELETE FROM {FTS5_TABLE}")
        cursor.execute(
            f"INSERT INTO {FTS5_TABLE}(rowid, headline, dek, body) "
            "SELECT id, headline, dek, newsroom_html_text(body) FROM articles_article"
        )
    return rebuild


def _sqlite_is_current(cursor):
    cursor.execute("SELECT name, sql FROM sqlite_master WHERE name LIKE %s", [f"{FTS5_TABLE}%"])
    objects = dict(cursor.fetchall())
    return (
        FTS5_TABLE in objects
        and _sqlite_tokenizer() in objects[FTS5_TABLE]
        and all(name in objects for name in _SQLITE_TRIGGERS)
    )


def _pg_comment(config):
    return f"newsroom search: {config}"


def _pg_install(cursor, rebuild):
    config = search_config()
    cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [config])
    if cursor.fetchone() is None:
        raise ImproperlyConfigured(f"PostgreSQL has no text search configuration {config!r}.")
    language_changed = not rebuild and _pg_comment_now(cursor) not in (None, _pg_comment(config))
    cursor.execute("ALTER TABLE articles_article ADD COLUMN IF NOT EXISTS search_vector tsvector")
    # Keep vectors (a few kB) in the row, compressed, rather than in TOAST: a search reads many of them.
    cursor.execute("ALTER TABLE articles_article ALTER COLUMN search_vector SET STORAGE MAIN")
    # A trigger rather than a generated column: later migrations may still alter these columns' types.
    # Very long bodies are cut: a tsvector is limited to 1 MB.
    cursor.execute(
        f"""
        CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE' AND NEW.search_vector IS NOT NULL
               AND NEW.headline IS NOT DISTINCT FROM OLD.headline
               AND NEW.dek IS NOT DISTINCT FROM OLD.dek
               AND NEW.body IS NOT DISTINCT FROM OLD.body THEN
                RETURN NEW;
            END IF;
            NEW.search_vector :=
                setweight(to_tsvector('{config}'::regconfig, coalesce(NEW.headline, '')), 'A') ||
                setweight(to_tsvector('{config}'::regconfig, coalesce(NEW.dek, '')), 'B') ||
                setweight(to_tsvector('{config}'::regconfig, left(coalesce(NEW.body, ''), 500000)), 'C');
            RETURN NEW;
        END
        $$"""
    )
    cursor.execute(f"COMMENT ON FUNCTION {PG_FUNCTION}() IS '{_pg_comment(config)}'")
    cursor.execute(f"DROP TRIGGER IF EXISTS {PG_FUNCTION} ON articles_article")
    cursor.execute(
        f"CREATE TRIGGER {PG_FUNCTION} BEFORE INSERT OR UPDATE ON articles_article "
        f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()"
    )
    if rebuild:
        cursor.execute("UPDATE articles_article SET search_vector = NULL")
    # Outside a transaction (a repair after migrate), build the index without locking writers out.
    concurrently = "" if cursor.db.in_atomic_block else "CONCURRENTLY "
    cursor.execute(
        f"CREATE INDEX {concurrently}IF NOT EXISTS {PG_INDEX} ON articles_article USING gin (search_vector)"
    )
    return language_changed


def _pg_comment_now(cursor):
    cursor.execute(
        "SELECT obj_description(p.oid, 'pg_proc') FROM pg_proc p WHERE p.proname = %s AND p.pronargs = 0",
        [PG_FUNCTION],
    )
    row = cursor.fetchone()
    return row[0] if row else None


def _pg_is_current(cursor):
    cursor.execute(
        "SELECT obj_description(p.oid, 'pg_proc') FROM pg_proc p "
        "JOIN pg_trigger t ON t.tgfoid = p.oid AND t.tgrelid = 'articles_article'::regclass "
        "WHERE p.proname = %s",
        [PG_FUNCTION],
    )
    row = cursor.fetchone()
    return row is not None and row[0] == _pg_comment(search_config())


def install(connection, *, rebuild=True):
    """Create (or repair) the search index for `connection`'s database; idempotent.

    With `rebuild`, every article's entry is recomputed in one statement: for migration 0004, on a new table.
    Returns whether the stored entries are now stale or missing (the language changed): then they need
    `rebuild_search_index`.
    """
    connection.ensure_connection()
    register_sqlite_functions(connection=connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return _pg_install(cursor, rebuild)
        if connection.vendor == "sqlite":
            return _sqlite_install(cursor, rebuild) and not rebuild
    return False


def rebuild_batch(connection, first_id, last_id):
    """Recompute the entries of articles with ids first_id..last_id (one short transaction)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The trigger recomputes a vector that is NULL.
            cursor.execute(
                "UPDATE articles_article SET search_vector = NULL WHERE id BETWEEN %s AND %s", [first_id, last_id]
            )
        elif connection.vendor == "sqlite":
            cursor.execute(f"DELETE FROM {FTS5_TABLE} WHERE rowid BETWEEN %s AND %s", [first_id, last_id])
            cursor.execute(
                f"INSERT INTO {FTS5_TABLE}(rowid, headline, dek, body) "
                "SELECT id, headline, dek, newsroom_html_text(body) FROM articles_article WHERE id BETWEEN %s AND %s",
                [first_id, last_id],
            )


def uninstall(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS {PG_FUNCTION} ON articles_article")
            cursor.execute(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()")
            cursor.execute("ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector")
        elif connection.vendor == "sqlite":
            for name in _SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS5_TABLE}")


def is_current(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return _pg_is_current(cursor)
        if connection.vendor == "sqlite":
            return _sqlite_is_current(cursor)
    return True


def repair_after_migrate(sender, using="default", plan=None, verbosity=1, stdout=None, **kwargs):
    """Put back the triggers a schema change dropped, or the function of a new search language.

    Rows are never rewritten here: on a large newsroom that would lock the article table for the whole
    `migrate`. When the language changed, the command to run is printed instead.
    Connected in ArticlesConfig.ready().
    """
    if getattr(sender, "name", None) != "articles":
        return
    connection = connections[using]
    if ("articles", "0004_search") not in MigrationRecorder(connection).applied_migrations():
        return
    if is_current(connection):
        return
    if install(connection, rebuild=False) and verbosity:
        (stdout or sys.stdout).write(
            f"The search language is now {search_config()!r}: existing articles keep their old search entries "
            "until you run `python manage.py rebuild_search_index` (batched, resumable).\n"
        )

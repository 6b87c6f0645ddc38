"""CKAN's `fq` (Solr filter query syntax, the subset harvesters and scripts send) as a search.conditions tree.

Understood: `field:value`, `field:"quoted value"`, `field:(a OR b)`, `-field:x` / `NOT field:x`,
`+field:x`, `AND` / `OR` / `&&` / `||` between clauses (a space means AND), parentheses, `*:*`,
and ranges `metadata_modified:[2026-01-01T00:00:00Z TO *]` (`[]` inclusive, `{}` exclusive; bounds
ISO dates or date-times, naive ones UTC as CKAN writes them, `*`, `NOW`, `NOW-7DAYS`). Fields:
organization, owner_org, tags, res_format, groups, license_id, open_grade, metadata_modified, and
dataset_type / type / state / capacity, which every listed dataset satisfies with their one value.
Anything else is a SearchQueryError naming what could not be read; nothing reaches an engine as text.
"""
import datetime
import re

from search.conditions import EVERYTHING, NOTHING, AllOf, AnyOf, FacetIs, ModifiedWithin, Not

from .errors import SearchQueryError

MAX_LENGTH = 4000
MAX_CLAUSES = 200
MAX_DEPTH = 10
FACET_FIELDS = {"organization": "organization", "tags": "keyword", "res_format": "format", "groups": "theme",
                "license_id": "licence", "open_grade": "open_grade", "extras_open_grade": "open_grade"}
# Fields with one value every listed dataset has: matching it keeps all, anything else keeps none.
CONSTANT_FIELDS = {"dataset_type": "dataset", "type": "dataset", "state": "active", "capacity": "public",
                   "private": "false"}
DATE_FIELDS = ("metadata_modified",)
_TOKEN = re.compile(r'\s+|&&|\|\||[()]|"(?:[^"\\]|\\.)*"?|[\[{](?:[^\]}\\]|\\.)*[\]}]?|(?:[^\s()"\\\[{]|\\.)+')
_NOW = re.compile(r"NOW(?:([+-])(\d{1,6})(SECOND|MINUTE|HOUR|DAY|WEEK)S?)?(?:/(DAY|HOUR))?\Z")
UNITS = {"SECOND": "seconds", "MINUTE": "minutes", "HOUR": "hours", "DAY": "days", "WEEK": "weeks"}


def _unescape(text):
    return re.sub(r"\\(.)", r"\1", text)


def _tokens(text):
    position, tokens = 0, []
    for match in _TOKEN.finditer(text):
        if match.start() != position:
            raise SearchQueryError(f"cannot read {text[position:match.start()]!r}")
        position = match.end()
        if not match.group().isspace():
            tokens.append(match.group())
    if position != len(text):
        raise SearchQueryError(f"cannot read {text[position:]!r}")
    return tokens


def _moment(text, now):
    """A range bound as an aware UTC datetime, or None for `*`."""
    text = text.strip()
    if text == "*":
        return None
    now_match = _NOW.match(text)
    if now_match:
        sign, amount, unit, rounding = now_match.groups()
        moment = now
        if amount:
            delta = datetime.timedelta(**{UNITS[unit]: int(amount)})
            moment = moment - delta if sign == "-" else moment + delta
        if rounding == "DAY":
            moment = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        elif rounding == "HOUR":
            moment = moment.replace(minute=0, second=0, microsecond=0)
        return moment
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise SearchQueryError(f"{text!r} is not a date, a date-time, * or NOW") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    if not datetime.datetime(1, 1, 2, tzinfo=datetime.timezone.utc) <= moment <= datetime.datetime(
            9999, 12, 30, tzinfo=datetime.timezone.utc):
        raise SearchQueryError(f"{text!r} is out of range")
    return moment


class _Parser:
    def __init__(self, text, organization_of, now):
        if len(text) > MAX_LENGTH:
            raise SearchQueryError(f"fq is longer than {MAX_LENGTH} characters")
        self.tokens, self.position, self.clauses = _tokens(text), 0, 0
        self.organization_of, self.now = organization_of, now

    def peek(self):
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self):
        token = self.peek()
        self.position += 1
        return token

    def expression(self, depth=0):
        if depth > MAX_DEPTH:
            raise SearchQueryError("too many nested parentheses")
        alternatives = [self.conjunction(depth)]
        while self.peek() in ("OR", "||"):
            self.take()
            alternatives.append(self.conjunction(depth))
        return alternatives[0] if len(alternatives) == 1 else AnyOf(tuple(alternatives))

    def conjunction(self, depth):
        parts = [self.unary(depth)]
        while self.peek() not in (None, ")", "OR", "||"):
            if self.peek() in ("AND", "&&"):
                self.take()
            parts.append(self.unary(depth))
        return parts[0] if len(parts) == 1 else AllOf(tuple(parts))

    def unary(self, depth):
        token = self.peek()
        if token is None or token in (")", "AND", "OR", "&&", "||"):
            raise SearchQueryError("a clause is missing" + (f" before {token!r}" if token else " at the end"))
        if token in ("NOT", "!"):
            self.take()
            return Not(self.unary(depth))
        if token[0] in "-+!" and len(token) > 1 and token[1] not in "-+":
            self.tokens[self.position] = token[1:]
            inner = self.unary(depth)
            return Not(inner) if token[0] in "-!" else inner
        if token == "(":
            self.take()
            inner = self.expression(depth + 1)
            if self.take() != ")":
                raise SearchQueryError("a parenthesis is not closed")
            return inner
        return self.clause(depth)

    def clause(self, depth):
        self.clauses += 1
        if self.clauses > MAX_CLAUSES:
            raise SearchQueryError(f"more than {MAX_CLAUSES} clauses")
        token = self.take()
        if token == "*:*":
            return EVERYTHING
        field, colon, value = token.partition(":")
        field = _unescape(field)
        if not colon or not field:
            raise SearchQueryError(f"{token!r} is not field:value")
        if not value:  # field:(...), field:"...", field:[... TO ...] came as their own token
            value = self.take()
            if value is None:
                raise SearchQueryError(f"{field}: has no value")
            if value == "(":
                values = self.value_list(field, depth + 1)
                return values
        return self.field_value(field, value)

    def value_list(self, field, depth):
        """`field:(a OR b AND c)`: the values of one field combined as written."""
        if depth > MAX_DEPTH:
            raise SearchQueryError("too many nested parentheses")
        alternatives, current = [], []
        while True:
            token = self.take()
            if token is None:
                raise SearchQueryError("a parenthesis is not closed")
            if token == ")":
                break
            if token in ("OR", "||"):
                alternatives.append(current)
                current = []
            elif token in ("AND", "&&"):
                continue
            elif token == "(":
                current.append(self.value_list(field, depth + 1))
            else:
                negated = token[0] == "-" and len(token) > 1
                condition = self.field_value(field, token[1:] if negated else token)
                current.append(Not(condition) if negated else condition)
            self.clauses += 1
            if self.clauses > MAX_CLAUSES:
                raise SearchQueryError(f"more than {MAX_CLAUSES} clauses")
        alternatives.append(current)
        if not all(alternatives):
            raise SearchQueryError(f"{field}:( ) holds an empty alternative")
        parts = [group[0] if len(group) == 1 else AllOf(tuple(group)) for group in alternatives]
        return parts[0] if len(parts) == 1 else AnyOf(tuple(parts))

    def field_value(self, field, raw):
        if raw[0] in "[{":
            return self.range(field, raw)
        value = _unescape(raw[1:-1] if raw.startswith('"') and raw.endswith('"') and len(raw) > 1 else raw)
        if field in CONSTANT_FIELDS:
            return EVERYTHING if value.lower() == CONSTANT_FIELDS[field] or value == "*" else NOTHING
        if field == "owner_org":
            field, value = "organization", self.organization_of(value)
            if value is None:
                return NOTHING
        if field not in FACET_FIELDS:
            raise SearchQueryError(f"cannot filter on {field!r}; fields: {', '.join(sorted(FACET_FIELDS) + ['metadata_modified', 'owner_org'])}")
        if "*" in value or "?" in value:
            raise SearchQueryError(f"wildcards are not supported in {field}:{raw}")
        if not value or len(value) > 200:
            raise SearchQueryError(f"{field} needs a value of 1 to 200 characters")
        facet = FACET_FIELDS[field]
        return FacetIs(facet, (value.upper() if facet == "format" else value,))

    def range(self, field, raw):
        if field not in DATE_FIELDS:
            raise SearchQueryError(f"ranges are supported on {', '.join(DATE_FIELDS)} only")
        if raw[-1] not in "]}":
            raise SearchQueryError(f"the range {raw!r} is not closed")
        bounds = re.split(r"\s+TO\s+", raw[1:-1].strip())
        if len(bounds) != 2:
            raise SearchQueryError(f"the range {raw!r} should read [start TO end]")
        start, end = (_moment(bound, self.now) for bound in bounds)
        tick = datetime.timedelta(microseconds=1)
        start = start + tick if start and raw[0] == "{" else start
        end = end - tick if end and raw[-1] == "}" else end
        return ModifiedWithin(start, end)


def parse_fq(text, *, organization_of, now):
    """The condition `text` means, or None when it is empty. `organization_of(id_or_name)` gives a listed
    organization's slug (owner_org holds CKAN ids), or None."""
    if not text or not text.strip():
        return None
    parser = _Parser(text, organization_of, now)
    condition = parser.expression()
    if parser.peek() is not None:
        raise SearchQueryError(f"unexpected {parser.peek()!r}")
    return condition

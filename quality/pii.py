"""Personal data in table cells: resident identity numbers, mobile numbers, e-mail addresses, bank cards.

A cheap pre-filter (an "@" or a run of 11 digits) skips almost every cell, so
the scan costs little on large files. Numbers count only when their check
digit holds (ISO 7064 MOD 11-2 for identity numbers, Luhn for cards).
"""
import re

ID_CARD = "id_card"
MOBILE = "mobile"
EMAIL = "email"
BANK_CARD = "bank_card"
KINDS = (ID_CARD, MOBILE, EMAIL, BANK_CARD)

PREFILTER = re.compile(r"@|\d{11}")
ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])(\d{17}[0-9Xx])(?![0-9A-Za-z])")
MOBILE_PATTERN = re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)")
EMAIL_PATTERN = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
CARD_PATTERN = re.compile(r"(?<!\d)(\d{16,19})(?!\d)")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def valid_id_number(number):
    """ISO 7064 MOD 11-2 check character of an 18-character resident identity number."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], ID_WEIGHTS))
    return ID_CHECK[total % 11] == number[17].upper()


def luhn(number):
    total = 0
    for position, digit in enumerate(reversed(number)):
        value = int(digit)
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _matches(text):
    """(kind, start, end) of each piece of personal data in `text`."""
    found = []
    ids = [m for m in ID_PATTERN.finditer(text) if valid_id_number(m.group(1))]
    found += [(ID_CARD, m.start(1), m.end(1)) for m in ids]
    taken = {(m.start(1), m.end(1)) for m in ids}
    found += [(BANK_CARD, m.start(1), m.end(1)) for m in CARD_PATTERN.finditer(text)
              if (m.start(1), m.end(1)) not in taken and luhn(m.group(1))]
    found += [(MOBILE, m.start(1), m.end(1)) for m in MOBILE_PATTERN.finditer(text)]
    found += [(EMAIL, m.start(), m.end()) for m in EMAIL_PATTERN.finditer(text)]
    return found


def kinds_in(text):
    """The kinds of personal data in a cell (an empty set for nearly every cell)."""
    if not text or not PREFILTER.search(text):
        return ()
    return {kind for kind, _start, _end in _matches(text)}


def mask(text):
    """The cell with each piece of personal data replaced by asterisks, first and last characters kept."""
    if not text or not PREFILTER.search(text):
        return text
    pieces = sorted(_matches(text), key=lambda match: match[1])
    out, cursor = [], 0
    for _kind, start, end in pieces:
        if start < cursor:
            continue
        value = text[start:end]
        keep = 1 if len(value) < 8 else 3
        out.append(text[cursor:start] + value[:keep] + "*" * (len(value) - keep - 2) + value[-2:])
        cursor = end
    return "".join(out) + text[cursor:]


class Scanner:
    """Counts, per column, the cells holding each kind of personal data."""

    def __init__(self, header):
        self.header = header
        self.counts = {}

    def scan(self, row):
        for index, cell in enumerate(row):
            if cell and len(cell) >= 6 and PREFILTER.search(cell):
                for kind in kinds_in(cell):
                    column = self.header[index] if index < len(self.header) else f"column_{index + 1}"
                    per_column = self.counts.setdefault(column, {})
                    per_column[kind] = per_column.get(kind, 0) + 1

    def result(self):
        return self.counts

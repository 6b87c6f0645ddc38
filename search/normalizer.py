"""The one normalization of searched text, applied alike to what is indexed and to what is typed.

In order: characters nobody sees (zero-width and other format characters, controls) are dropped,
with tabs and line breaks kept as spaces; Unicode NFKC folds compatibility ideographs (U+F900-U+FAFF),
full-width Latin and digits, ligatures; case folding; OpenCC's Traditional -> Simplified conversion
(characters and common phrases: 臺 -> 台, 裏/裡 -> 里, 資料 -> 资料). Every backend tokenizes the
result (search.query), so a query in Simplified finds records in Traditional and the other way round.

Displayed text is never normalized: `normalize_with_offsets` gives, for each normalized character, the
index of the original character it came from, so highlights mark the original text.
"""
import functools
import re
import unicodedata

import opencc

# Format (Cf: ZWSP, ZWJ, BOM, bidi marks, soft hyphen...) and control (Cc) characters, but not \t \n \r.
_INVISIBLE = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u061c\u180e"
                        r"\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]")
_SPACES = re.compile(r"[\t\n\r]")


@functools.cache
def _converter():
    """OpenCC loads its dictionaries once per process (a few milliseconds)."""
    return opencc.OpenCC("t2s")


def _fold(text):
    """Visible, NFKC, case-folded: the steps that work character by character."""
    text = _SPACES.sub(" ", _INVISIBLE.sub("", text))
    return unicodedata.normalize("NFKC", text).casefold()


def normalize(text):
    """The searched form of `text` (see the module docstring)."""
    if not text:
        return ""
    folded = _fold(text)
    # Pure ASCII has nothing for OpenCC to convert, and most Latin text is ASCII.
    return folded if folded.isascii() else _converter().convert(folded)


def normalize_with_offsets(text):
    """(normalized text, [index in `text` of the character each normalized character comes from])."""
    whole = _fold(text or "")
    if len(whole) == len(text or ""):
        # Nothing dropped, expanded or composed (nearly all text): one character for one, no loop per character.
        folded, offsets = whole, range(len(whole))
        if folded.isascii():
            return folded, offsets
        converted = _converter().convert(folded)
        if len(converted) == len(folded):
            return converted, offsets
    folded, offsets = [], []
    for index, char in enumerate(text or ""):
        for piece in _fold(char):
            folded.append(piece)
            offsets.append(index)
    folded = "".join(folded)
    if folded.isascii():
        return folded, offsets
    converted = _converter().convert(folded)
    if len(converted) == len(folded):
        return converted, offsets
    # A phrase changed length (rare in t2s): convert character by character, which keeps the mapping.
    pieces = [(_converter().convert(char), offset) for char, offset in zip(folded, offsets)]
    return "".join(piece for piece, _offset in pieces), [offset for piece, offset in pieces for _char in piece]

"""Which text encoding a tabular file uses: UTF-8 (with or without BOM), GB18030/GBK or Big5.

The one place that decides it: the upload format sniffing (core.uploads), the
datastore readers and the contribution validator all ask `detect` (or `decode`).

UTF-8 is unambiguous (a strict decode of real GBK or Big5 text almost never
succeeds). GB18030 and Big5 overlap: most Big5 byte pairs are also valid
GB18030 and the reverse, so a strict decode does not tell them apart. Each
candidate decoding is then scored by the share of its Chinese characters that
fall in that encoding's own block of frequent characters (GB2312 level 1,
Big5 "常用字"); the text decoded with the right encoding reads as common
characters, the wrong one as rare ones.
"""
import codecs

SAMPLE_BYTES = 256 * 1024

UTF8 = "utf-8"
UTF8_BOM = "utf-8-sig"
GB18030 = "gb18030"
BIG5 = "big5"

# What PostgreSQL calls each encoding (COPY ... ENCODING).
POSTGRES_NAMES = {UTF8: "UTF8", UTF8_BOM: "UTF8", GB18030: "GB18030", BIG5: "BIG5"}


def _strict_decode(sample, encoding):
    """The decoded sample, forgiving only a multi-byte character cut at the sample's end."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        return decoder.decode(sample, final=False)
    except UnicodeDecodeError:
        return None


def _is_cjk(char):
    return "\u4e00" <= char <= "\u9fff"


def _frequent_share(text, encoding, lead_range):
    """Share of the CJK characters whose encoded lead byte is in `lead_range` (the frequent block)."""
    total = frequent = 0
    for char in text:
        if not _is_cjk(char):
            continue
        total += 1
        try:
            lead = char.encode(encoding)[0]
        except UnicodeEncodeError:
            continue
        if lead_range[0] <= lead <= lead_range[1]:
            frequent += 1
    return frequent / total if total else 0.0


def detect(sample):
    """The Python codec name for a file starting with `sample` (bytes)."""
    if sample.startswith(codecs.BOM_UTF8):
        return UTF8_BOM
    if _strict_decode(sample, UTF8) is not None:
        return UTF8
    gb_text = _strict_decode(sample, GB18030)
    big5_text = _strict_decode(sample, BIG5)
    if big5_text is None:
        return GB18030
    if gb_text is None:
        return BIG5
    # GB2312 level-1 characters are B0-D7 in GB18030; Big5's frequent ones are A4-C6.
    gb_score = _frequent_share(gb_text, "gb2312", (0xB0, 0xD7))
    big5_score = _frequent_share(big5_text, BIG5, (0xA4, 0xC6))
    return BIG5 if big5_score > gb_score else GB18030


def decode(sample):
    """The sample as text in its detected encoding, or None when it is text in none of them."""
    return _strict_decode(sample, detect(sample))


def detect_file(fileobj):
    """Detect from the first SAMPLE_BYTES of a binary file object, leaving it at its start."""
    fileobj.seek(0)
    sample = fileobj.read(SAMPLE_BYTES)
    fileobj.seek(0)
    return detect(sample)

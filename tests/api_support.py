"""Upload helpers shared by the tests (conftest fixtures use them too).

Tests import this module, never `conftest`: tests/search has a conftest.py
too, so the name "conftest" does not reliably mean tests/conftest.py.
"""
from django.core.files.uploadedfile import SimpleUploadedFile

CSV_BYTES = "线路,站点数\n1路,20\n2路,18\n".encode("utf-8")


def upload(name="data.csv", content=CSV_BYTES, content_type="text/csv"):
    return SimpleUploadedFile(name, content, content_type=content_type)

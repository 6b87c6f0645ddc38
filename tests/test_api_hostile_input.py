"""Hostile query texts to every text parameter of the API: never a server error, always the JSON error shape.

The parameters come from the served OpenAPI schema, so a new one is covered the day it is
declared. Each value goes, alone, to one parameter of one GET operation on a live gunicorn
(tests/fuzz_support.py) with an enterprise key; path parameters get real values of the seeded
catalog so the request reaches the view's own parsing. The whole body is read: a streamed
export that breaks mid-way fails here too.
"""
import http.client
import json
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest

from server_support import http_get

pytestmark = [pytest.mark.fuzz, pytest.mark.slow]

# Already percent-encoded where the text is not valid UTF-8 (a lone surrogate, stray bytes).
HOSTILE = {
    "nul": "%00",
    "nul inside": "a%00b",
    "control characters": "%01%08%0B%1B%7F",
    "long text": "%E6%95%B0" * 300,  # 2,700 bytes: long, yet under the server's 4 KiB request line
    "lucene syntax": urllib.parse.quote('title:(a OR b) AND "x"~2 ^3 [* TO *] \\ /re/ *'),
    "sql syntax": urllib.parse.quote("' OR 1=1; DROP TABLE datasets_dataset; --"),
    "lone surrogate": "%ED%A0%80",
    "invalid utf-8": "%FF%FE",
    "rtl marks": urllib.parse.quote("\u202e\u200fabc\u200e"),
    "long number": "9" * 400,
    "offset beyond 15:59": urllib.parse.quote("0286-08-27T10:11:14+20:06"),
    "before year 1 in UTC": urllib.parse.quote("0001-01-01T00:00:00+23:59"),
    "after year 9999 in UTC": urllib.parse.quote("9999-12-31T23:59:59-10:00"),
    "last day": "9999-12-31",
}


def text_parameters(schema):
    """(path template, query parameter name, path parameters) of every GET taking text."""
    for path, operations in schema["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        parameters = operation.get("parameters", [])
        path_names = [p["name"] for p in parameters if p["in"] == "path"]
        for parameter in parameters:
            kind = parameter["schema"].get("type")
            items = parameter["schema"].get("items", {}).get("type")
            if parameter["in"] == "query" and (kind == "string" or items == "string" or kind == "object"):
                name = "filter[名称]" if parameter.get("style") == "deepObject" else parameter["name"]
                yield path, name, path_names


def fill(path, names, seeded):
    """A real value for each path parameter (ids of the seeded catalog, a tabular resource first)."""
    values = {"resource_id": seeded["resources"][0], "id": seeded["resources"][0], "number": 1,
              "identifier": seeded["datasets"][0], "slug": "sz-stats", "fmt": "csv", "username": "fuzz-holder"}
    for name in names:
        path = path.replace("{" + name + "}", str(values.get(name, 1)))
    return path


def answer(url, headers):
    try:
        status, response_headers, body = http_get(url, headers)
    except (http.client.IncompleteRead, ConnectionError) as broken:
        return 599, "", repr(broken).encode()
    return status, response_headers.get("Content-Type", ""), body


def defect(status, content_type, body):
    """What is wrong with one answer, or None."""
    if status >= 500:
        return f"{status}: {body[:200]!r}"
    if status >= 400:
        if not content_type.startswith("application/json"):
            return f"{status} not JSON ({content_type}): {body[:120]!r}"
        error = json.loads(body).get("error", {})
        if error.get("status") != status or not error.get("code") or not error.get("message"):
            return f"{status} not the error shape: {body[:200]!r}"
    return None


def test_every_text_parameter_survives_hostile_values(fuzz_server):  # noqa: F811
    base, seeded, log_path = fuzz_server
    headers = {"Authorization": f"Api-Key {seeded['token']}"}
    schema = json.loads(http_get(f"{base}/api/schema/?format=json", {"Accept": "application/json"})[2])
    targets = list(text_parameters(schema))
    assert len(targets) >= 40 and any(name == "modified_after" for _, name, _ in targets)

    requests = [
        (f"{path} {name}={label}", f"{base}{fill(path, names, seeded)}?{urllib.parse.quote(name)}={value}")
        for path, name, names in targets for label, value in HOSTILE.items()
    ]
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda request: answer(request[1], headers), requests))
    defects = {what: found for (what, _url), reply in zip(requests, answers) if (found := defect(*reply))}
    assert not defects, "\n".join(f"{what}: {found}" for what, found in sorted(defects.items())) \
        + "\n" + log_path.read_text()[-3000:]

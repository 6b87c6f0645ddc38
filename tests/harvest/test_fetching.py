"""The fetcher against a loopback server that misbehaves: each bad answer is a FetchError saying why."""
import gzip
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.fetching import FetchError
from harvest.fetcher import check_source_url, harvest_fetcher


def fetch(url, expect="json"):
    fetched = harvest_fetcher().open(url, expect=expect)
    try:
        return fetched.stream.read()
    finally:
        fetched.close()


def refusal(url, expect="json"):
    with pytest.raises(FetchError) as raised:
        fetch(url, expect)
    return str(raised.value)


def test_a_document_and_a_gzipped_one_are_read(loopback):
    assert json.loads(fetch(loopback.url + "/files/hello.json")) == {"hello": "world"}
    url = loopback.serve("/files/packed.json.gz", gzip.compress(b'{"packed": true}'), "application/gzip")
    assert json.loads(fetch(url)) == {"packed": True}


def test_an_error_status_is_named(loopback):
    assert "HTTP 500" in refusal(loopback.url + "/status/500")
    assert "HTTP 404" in refusal(loopback.url + "/nothing-here")


def test_html_where_json_or_rdf_was_expected_is_named(loopback):
    assert "HTML" in refusal(loopback.url + "/html", "json")
    assert "RDF" in refusal(loopback.url + "/html", "rdf")
    disguised = loopback.serve("/files/portal.json", "\n<!doctype html><html>login</html>", "application/json")
    assert "HTML" in refusal(disguised)


def test_redirects_are_followed_five_times_at_most_and_a_loop_is_named(loopback):
    assert json.loads(fetch(loopback.url + "/hops/5")) == {"hello": "world"}
    assert "5" in refusal(loopback.url + "/hops/6")
    assert "循环" in refusal(loopback.url + "/loop/a")


def test_only_http_and_https_even_after_a_redirect(loopback):
    assert "file" in refusal("file:///etc/passwd")
    assert "ftp" in refusal("ftp://example.org/data.json")
    assert "file" in refusal(loopback.url + "/to?file:///etc/passwd")
    assert loopback.requests == ["/to?file:///etc/passwd"]


def test_private_addresses_are_refused_unless_allowed(loopback, settings):
    settings.HARVEST_ALLOW_PRIVATE_ADDRESSES = False
    assert "127.0.0.1" in refusal(loopback.url + "/files/hello.json")
    assert loopback.requests == []
    for url in ("http://localhost/x", "http://10.1.2.3/x", "http://169.254.169.254/latest/meta-data/",
                "http://[::1]/x", "http://224.0.0.1/x", "http://0.0.0.0/x", "http://[::ffff:192.168.1.1]/x"):
        with pytest.raises(ValidationError) as raised:
            check_source_url(url)
        assert list(raised.value.message_dict) == ["url"], url
    check_source_url("https://93.184.215.14/data.json")
    settings.HARVEST_ALLOW_PRIVATE_ADDRESSES = True
    check_source_url(loopback.url + "/files/hello.json")


def test_a_url_that_cannot_be_a_source_is_refused_on_save():
    for url in ("file:///etc/passwd", "javascript:alert(1)", "http:///nohost", "http://host.invalid/x"):
        with pytest.raises(ValidationError) as raised:
            check_source_url(url)
        assert raised.value.message_dict["url"][0].endswith("。"), url


def test_a_body_past_the_cap_fails_as_soon_as_it_passes(loopback, settings):
    settings.HARVEST_MAX_BYTES = 1024**2
    assert "上限" in refusal(loopback.url + "/huge")  # 3 GB claimed: refused before reading
    assert "上限" in refusal(loopback.url + "/huge-unclaimed")  # endless: refused at the cap


def test_a_gzip_bomb_fails_at_the_cap(loopback, settings):
    settings.HARVEST_MAX_BYTES = 1024**2
    assert len(loopback.bomb) < settings.HARVEST_MAX_BYTES
    assert "上限" in refusal(loopback.url + "/bomb")


def test_a_source_that_does_not_answer_in_time(loopback, settings):
    settings.HARVEST_TIMEOUT_SECONDS = 0.3
    assert "0.3" in refusal(loopback.url + "/slow")


def test_a_source_that_does_not_answer_at_all(loopback):
    port = loopback.url.rsplit(":", 1)[1]
    loopback.__exit__()
    assert "无法访问" in refusal(f"http://127.0.0.1:{port}/files/hello.json")


def test_the_reason_is_a_sentence_in_the_reader_s_language(settings):
    settings.HARVEST_ALLOW_PRIVATE_ADDRESSES = False
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        check_source_url("http://169.254.169.254/latest/meta-data/")
    assert raised.value.message_dict["url"] == [
        "The host 169.254.169.254 resolves to the link-local address 169.254.169.254, which may not be reached."]

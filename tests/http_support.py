"""A loopback HTTP server for the harvest and link-check tests: it serves documents and misbehaves on purpose.

`LoopbackServer` (a context manager) runs stdlib http.server in a thread on 127.0.0.1. Documents
put with `serve(path, body, content_type)` are answered as given; these routes misbehave:
  /status/500      an error status            /html          an HTML page as text/html
  /loop/a, /loop/b redirect to each other     /hops/<n>      n redirects, then /files/hello.json
  /to?<url>        redirects to <url>
  /huge            claims 3 GB, streams zeros and never ends (/huge-unclaimed: no Content-Length)
  /slow            answers nothing for `slow_seconds`
  /bomb            a gzip of 64 MiB of zeros (about 64 KiB on the wire)
  /held/<path>     answers the document at /<path> once `release` is set (a long job the test ends)
"""
import gzip
import http.server
import threading
import time
from functools import cached_property

HUGE_CLAIM = 3 * 1024**3
CHUNK = b"\0" * 65536
HELD_SECONDS = 120  # a failed test that never releases /held still ends


class LoopbackServer:
    def __init__(self, slow_seconds=3.0):
        self.documents = {"/files/hello.json": (b'{"hello": "world"}', "application/json")}
        self.slow_seconds = slow_seconds
        self.requests = []  # the paths asked for, in order, query strings included
        self.release = threading.Event()  # lets /held/... answer; bounded by HELD_SECONDS all the same
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.server.handle_error = lambda request, address: None  # a client hanging up on /huge is expected
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def serve(self, path, body, content_type="application/json"):
        self.documents[path] = (body.encode() if isinstance(body, str) else body, content_type)
        return self.url + path

    @cached_property
    def bomb(self):
        return gzip.compress(b"\0" * (64 * 1024**2), compresslevel=9)

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        loopback = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                loopback.requests.append(self.path)
                path = self.path.split("?")[0]
                if path.startswith("/held/"):
                    loopback.release.wait(HELD_SECONDS)
                    path = path[len("/held"):]
                if self.path in loopback.documents or path in loopback.documents:
                    body, content_type = loopback.documents.get(self.path) or loopback.documents[path]
                    return self.answer(200, body, content_type)
                if path == "/status/500":
                    return self.answer(500, b"oops", "text/plain")
                if path == "/html":
                    return self.answer(200, b"<!DOCTYPE html><html><body>Sign in</body></html>", "text/html")
                if path in ("/loop/a", "/loop/b"):
                    return self.redirect("/loop/b" if path == "/loop/a" else "/loop/a")
                if path == "/to":
                    return self.redirect(self.path.split("?", 1)[1])
                if path.startswith("/hops/"):
                    left = int(path.rsplit("/", 1)[1])
                    return self.redirect(f"/hops/{left - 1}" if left > 1 else "/files/hello.json")
                if path in ("/huge", "/huge-unclaimed"):
                    return self.endless(claim=path == "/huge")
                if path == "/slow":
                    time.sleep(loopback.slow_seconds)
                    return self.answer(200, b"{}", "application/json")
                if path == "/bomb":
                    return self.answer(200, loopback.bomb, "application/json")
                return self.answer(404, b"not found", "text/plain")

            def answer(self, status, body, content_type):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def redirect(self, location):
                self.send_response(302)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def endless(self, claim):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                if claim:
                    self.send_header("Content-Length", str(HUGE_CLAIM))
                else:
                    self.send_header("Connection", "close")
                self.end_headers()
                try:
                    self.wfile.write(b'{"dataset": [')
                    while True:
                        self.wfile.write(CHUNK)
                except OSError:  # the client gave up, as it should
                    self.close_connection = True

            def log_message(self, *args):
                pass

        return Handler

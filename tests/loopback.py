"""A loopback HTTP server for tests: the plumbing the fake APIs share.

`LoopbackServer` runs a ThreadingHTTPServer on 127.0.0.1 (a free port) in a daemon thread while
used as a context manager. Each GET or POST is parsed (query string, plus the form body of a POST;
the first value of each key), recorded in `requests` as a `Request`, then answered. Subclasses say
which endpoint a path belongs to (`endpoint`) and what it answers (`answer`).

`faults[endpoint]` is a queue of faults served before normal answers, one a request:
("status", code, headers, body) an error answer; ("body", text) a 200 answer with that body;
("delay", seconds) a normal answer after a pause (a timeout for a client with a shorter timeout);
("truncate",) the normal body cut in half; ("trickle", "headers" | "body", seconds) the normal answer
sent one byte at a time, a pause between bytes, from the status line on or after the headers (a
server that never quite stops sending); ("ok",) a normal answer (a placeholder to aim a later
fault at a later request). `delay[endpoint]` pauses every request to that endpoint.
"""
from __future__ import annotations

import collections
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import NamedTuple
from urllib.parse import parse_qsl, urlsplit

Body = str | bytes


def _first_values(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in parse_qsl(text):
        out.setdefault(key, value)
    return out


class Request(NamedTuple):
    """One request the server received."""

    method: str
    endpoint: str
    path: str
    params: dict[str, str]
    time: float  # time.monotonic() on arrival


class LoopbackServer:
    """Start with `with Server(...) as server:`; subclasses supply `endpoint` and `answer`."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.faults: dict[str, collections.deque] = collections.defaultdict(collections.deque)
        self.delay: dict[str, float] = {}
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):
                owner._handle(self, "GET", "")

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                owner._handle(self, "POST", self.rfile.read(length).decode("utf-8"))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02},
                                       daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def url(self, prefix: str) -> str:
        """Return the base URL http://127.0.0.1:<port>/<prefix>/."""
        return f"http://127.0.0.1:{self.server.server_port}/{prefix}/"

    def count(self, endpoint: str) -> int:
        """Return how many requests reached `endpoint`."""
        return sum(1 for request in self.requests if request.endpoint == endpoint)

    def times(self, endpoint: str) -> list[float]:
        """Return when each request to `endpoint` arrived (time.monotonic())."""
        return [request.time for request in self.requests if request.endpoint == endpoint]

    # --- for subclasses ---------------------------------------------------------------------

    def endpoint(self, path: str) -> str:
        """Return the name of the endpoint `path` belongs to (the key of `faults` and `delay`)."""
        raise NotImplementedError

    def answer(self, method: str, endpoint: str, path: str, params: dict[str, str]) -> tuple[int, Body, str]:
        """Return (status, body, content type): the normal answer to a request."""
        raise NotImplementedError

    # --- plumbing ---------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler, method: str, form: str) -> None:
        parts = urlsplit(handler.path)
        params = {**_first_values(parts.query), **_first_values(form)}  # a POST's form wins
        endpoint = self.endpoint(parts.path)
        with self._lock:
            self.requests.append(Request(method, endpoint, parts.path, params, time.monotonic()))
            fault = self.faults[endpoint].popleft() if self.faults[endpoint] else ("ok",)
        if endpoint in self.delay:
            time.sleep(self.delay[endpoint])
        try:
            if fault[0] == "status":
                _, code, headers, body = fault
                return self._send(handler, code, body, "text/plain", headers)
            if fault[0] == "body":
                return self._send(handler, 200, fault[1], "text/xml")
            if fault[0] == "delay":
                time.sleep(fault[1])
            code, body, ctype = self.answer(method, endpoint, parts.path, params)
            if fault[0] == "truncate":
                body = body[: len(body) // 2]
            if fault[0] == "trickle":
                return self._trickle(handler, code, body, ctype, fault[1], fault[2])
            self._send(handler, code, body, ctype)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting
            pass

    @staticmethod
    def _trickle(handler: BaseHTTPRequestHandler, code: int, body: Body, ctype: str, part: str,
                 pause: float) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        head = (f"HTTP/1.1 {code} OK\r\nContent-Type: {ctype}\r\nContent-Length: {len(data)}\r\n"
                "Connection: close\r\n\r\n").encode("ascii")
        slow = head + data if part == "headers" else data
        if part != "headers":
            handler.wfile.write(head)
        for i in range(len(slow)):
            handler.wfile.write(slow[i:i + 1])
            handler.wfile.flush()
            time.sleep(pause)
        handler.close_connection = True

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, code: int, body: Body, ctype: str,
              headers: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        handler.send_response(code)
        handler.send_header("Content-Type", ctype)
        handler.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(data)

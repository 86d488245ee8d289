"""A polite, retrying HTTP client shared by the source modules.

One `HttpClient` per source: it spaces requests (`min_interval`, e.g. 1/3 s for PubMed without an
API key), retries timeouts, connection errors, 429 and 5xx with exponential backoff that honours
`Retry-After`, and retries a body that its `validate` callback rejects (truncated or malformed).
After the last try it raises `HarvestError`.

Limits: `timeout` is the longest wait for one network read, and `deadline` (by default the same
number of seconds) the longest a whole request may take, headers and body, however slowly a
server trickles them (each socket read waits at most until the deadline). A body is read as a
stream and given up at `max_response_bytes` decoded bytes (a gzip "bomb" is stopped at the limit,
not unpacked), with a HarvestError naming the limit; a body over the limit is not retried.

Secrets (API keys, the contact e-mail NCBI asks for) never appear in its messages or logs:
every URL is passed through `redact` first, error bodies through `scrub`, and urllib3's own debug
log lines through a filter that masks the same parameters.
"""
from __future__ import annotations

import contextvars
import email.utils
import io
import logging
import random
import re
import socket
import time
from dataclasses import dataclass, field
from typing import Callable, Mapping, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from corpus.errors import HarvestError, MalformedResponseError

log = logging.getLogger("trialsynth.http")

T = TypeVar("T")

#: Query parameters whose values are secrets: never logged, printed or stored (NCBI's `email` too).
SECRET_PARAMS = frozenset({"api_key", "apikey", "key", "token", "access_token", "email"})

#: The default cap on one response body (decoded), in bytes.
MAX_RESPONSE_BYTES = 200 * 1024 * 1024

_SECRET_IN_TEXT = re.compile(r"((?:^|[?&;\s\"'])(?:%s)=)[^&\s\"';]*" % "|".join(sorted(SECRET_PARAMS)),
                             re.IGNORECASE)

#: The deadline (time.monotonic()) of the request being made in this thread, read by every socket read.
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("trialsynth_http_deadline", default=None)


def mask_secrets(text: str) -> str:
    """Return `text` with the values of secret query parameters (`api_key=...`, `email=...`) masked."""
    return _SECRET_IN_TEXT.sub(r"\1***", text)


class _SecretFilter(logging.Filter):
    """Masks secret query parameters in log lines of other libraries (urllib3 logs each URL at DEBUG)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


_SECRET_FILTER = _SecretFilter()


def _install_log_filter() -> None:
    for name in ("urllib3.connectionpool", "urllib3.connection", "urllib3.util.retry", "requests"):
        logger = logging.getLogger(name)
        if _SECRET_FILTER not in logger.filters:
            logger.addFilter(_SECRET_FILTER)


class _DeadlineSocket:
    """A socket whose every read waits at most until the current request's deadline."""

    def __init__(self, sock: socket.socket):
        self._sock = sock
        self._timeout = sock.gettimeout()

    def settimeout(self, value: float | None) -> None:
        self._timeout = value
        self._sock.settimeout(value)

    def gettimeout(self) -> float | None:
        return self._timeout

    def _arm(self) -> None:
        deadline = _DEADLINE.get()
        if deadline is None:
            return
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise socket.timeout("the request's deadline passed")
        self._sock.settimeout(remaining if self._timeout is None else min(self._timeout, remaining))

    def recv(self, *args):
        self._arm()
        return self._sock.recv(*args)

    def recv_into(self, *args):
        self._arm()
        return self._sock.recv_into(*args)

    def makefile(self, mode: str = "r", buffering: int | None = None, **kwargs):
        if "r" not in mode or "w" in mode:
            return self._sock.makefile(mode, buffering, **kwargs)
        raw = socket.SocketIO(self, "rb")  # reads through recv_into above
        self._sock._io_refs += 1  # as socket.makefile does; SocketIO.close gives it back
        return io.BufferedReader(raw, io.DEFAULT_BUFFER_SIZE if buffering in (None, -1, 0) else buffering)

    def _decref_socketios(self) -> None:
        self._sock._decref_socketios()

    def __getattr__(self, name: str):
        return getattr(self._sock, name)


class _DeadlineHTTPConnection(HTTPConnection):
    def connect(self) -> None:
        super().connect()
        self.sock = _DeadlineSocket(self.sock)


class _DeadlineHTTPSConnection(HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        self.sock = _DeadlineSocket(self.sock)


class _DeadlineHTTPPool(HTTPConnectionPool):
    ConnectionCls = _DeadlineHTTPConnection


class _DeadlineHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _DeadlineHTTPSConnection


class DeadlineAdapter(HTTPAdapter):
    """A requests adapter whose connections stop reading at the current request's deadline."""

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _DeadlineHTTPPool, "https": _DeadlineHTTPSPool}

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def redact(url: str, params: Mapping[str, object] | None = None) -> str:
    """Return `url` (with `params` appended) with the values of secret parameters masked."""
    parts = urlsplit(url)
    query = [(k, "***" if k.lower() in SECRET_PARAMS else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    query += [(k, "***" if k.lower() in SECRET_PARAMS else str(v)) for k, v in (params or {}).items()
              if v is not None]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Parse a Retry-After header (delta-seconds or HTTP-date, RFC 9110 §10.2.3) into seconds."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def backoff_seconds(attempt: int, base: float, cap: float) -> float:
    """Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter")."""
    return random.uniform(0.5, 1.0) * min(cap, base * (2 ** attempt))


@dataclass
class HttpClient:
    """Requests with spacing, retries, backoff, a deadline and a size cap. Counts the requests it sends.

    `timeout`: seconds one network read may wait; `deadline`: seconds a whole request may take
    (None: `timeout`); `max_response_bytes`: the largest body it reads (decoded).
    """

    min_interval: float = 0.0
    max_retries: int = 5
    backoff_base: float = 1.0
    backoff_cap: float = 60.0
    max_retry_after: float = 300.0
    timeout: float = 60.0
    deadline: float | None = None
    max_response_bytes: int = MAX_RESPONSE_BYTES
    user_agent: str = "trialsynth (living systematic reviews)"
    session: requests.Session = field(default_factory=requests.Session)
    requests_made: int = 0
    _last_request: float = 0.0

    def __post_init__(self) -> None:
        adapter = DeadlineAdapter()
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        _install_log_filter()

    @property
    def total_seconds(self) -> float:
        """The most one request (headers and body) may take, in seconds."""
        return self.deadline if self.deadline is not None else self.timeout

    def get(self, url: str, params: Mapping[str, object] | None = None,
            validate: Callable[[requests.Response], T] | None = None) -> T | requests.Response:
        """GET `url`; return `validate(response)` (or the response). Raises HarvestError."""
        return self._request("GET", url, params=params, data=None, validate=validate)

    def post(self, url: str, data: Mapping[str, object],
             validate: Callable[[requests.Response], T] | None = None) -> T | requests.Response:
        """POST form `data` to `url` (used for long id lists); same retries as `get`."""
        return self._request("POST", url, params=None, data=data, validate=validate)

    def _wait_turn(self) -> None:
        delay = self._last_request + self.min_interval - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        self._last_request = time.monotonic()

    def _request(self, method: str, url: str, params, data, validate):
        shown = redact(url, params)
        secrets = [str(v) for k, v in {**(params or {}), **(data or {})}.items()
                   if k.lower() in SECRET_PARAMS and v]
        last_problem = "no attempt made"
        for attempt in range(self.max_retries + 1):
            self._wait_turn()
            self.requests_made += 1
            wait: float | None = None
            deadline = time.monotonic() + self.total_seconds
            token = _DEADLINE.set(deadline)
            try:
                response = self._fetch(method, url, params, data, deadline, shown)
            except _TooSlow:
                last_problem = f"took longer than the {self.total_seconds:g} s deadline"
            except requests.Timeout:
                last_problem = (f"took longer than the {self.total_seconds:g} s deadline" if time.monotonic() >= deadline
                                else f"timed out after {self.timeout:g} s")
            except requests.RequestException as exc:
                # The exception text can hold the full URL with its query: keep only the class name.
                last_problem = (f"took longer than the {self.total_seconds:g} s deadline" if time.monotonic() >= deadline
                                else f"connection failed ({type(exc).__name__})")
            else:
                if response.status_code in RETRY_STATUSES:
                    last_problem = f"HTTP {response.status_code}"
                    wait = retry_after_seconds(response.headers.get("Retry-After"))
                elif response.status_code >= 400:
                    error = HarvestError(
                        f"{method} {shown} was refused with HTTP {response.status_code}: "
                        f"{shorten(scrub(response.text, secrets))}. Check the query and the base URL.")
                    error.status = response.status_code
                    raise error
                else:
                    try:
                        return validate(response) if validate else response
                    except MalformedResponseError as exc:
                        last_problem = f"malformed response ({scrub(str(exc), secrets)})"
            finally:
                _DEADLINE.reset(token)
            if attempt == self.max_retries:
                break
            if wait is None:
                wait = backoff_seconds(attempt, self.backoff_base, self.backoff_cap)
            wait = min(wait, self.max_retry_after)
            log.info("%s %s: %s; retry %d/%d in %.1f s", method, shown, last_problem,
                     attempt + 1, self.max_retries, wait)
            time.sleep(wait)
        raise HarvestError(
            f"{method} {shown} failed after {self.max_retries + 1} attempts: {last_problem}. "
            "Nothing from this request was stored; run the harvest again later to resume.")

    def _fetch(self, method: str, url: str, params, data, deadline: float, shown: str) -> requests.Response:
        """Send one request and read its body as a stream, within the deadline and the size cap."""
        response = self.session.request(method, url, params=params, data=data, timeout=self.timeout, stream=True,
                                        headers={"User-Agent": self.user_agent})
        try:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > self.max_response_bytes and \
                    "gzip" not in response.headers.get("Content-Encoding", "").lower():
                raise self._too_large(method, shown)
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_content(chunk_size=64 * 1024):
                size += len(chunk)
                if size > self.max_response_bytes:
                    raise self._too_large(method, shown)
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise _TooSlow()
        finally:
            response.close()
        response._content = b"".join(chunks)
        response._content_consumed = True
        return response

    def _too_large(self, method: str, shown: str) -> HarvestError:
        limit = self.max_response_bytes
        return HarvestError(
            f"{method} {shown}: the response is larger than the limit of {_size(limit)} "
            f"(max_response_bytes = {limit}); nothing of it was stored. If the source really sends this much, "
            "raise the limit (review.toml [harvest] max_response_mb) or ask for smaller pages.")


class _TooSlow(Exception):
    """The request's deadline passed while its body was being read."""


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:g} MB" if n >= 1024 * 1024 else f"{n} bytes"


def scrub(text: str, secrets: list[str]) -> str:
    """Return `text` with every secret value masked (error bodies can echo an API key or the e-mail)."""
    for secret in secrets:
        text = text.replace(secret, "***")
        quoted = urlencode({"x": secret})[2:]
        if quoted != secret:
            text = text.replace(quoted, "***")
    return mask_secrets(text)


def shorten(text: str | None, limit: int = 200) -> str:
    """Return `text` with whitespace collapsed, cut to `limit` characters ("..." marks a cut): for messages."""
    text = " ".join((text or "").split())
    return text[:limit] + ("..." if len(text) > limit else "")

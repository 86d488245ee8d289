"""A polite, retrying HTTP client shared by the source modules.

One `HttpClient` per source: it spaces requests (`min_interval`, e.g. 1/3 s for PubMed without an
API key), retries timeouts, connection errors, 429 and 5xx with exponential backoff that honours
`Retry-After`, and retries a body that its `validate` callback rejects (truncated or malformed).
After the last try it raises `HarvestError`; secrets (API keys) never appear in its messages or
logs, because every URL is passed through `redact` first.
"""
from __future__ import annotations

import email.utils
import logging
import random
import time
from dataclasses import dataclass, field
from typing import Callable, Mapping, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests

from corpus.errors import HarvestError, MalformedResponseError

log = logging.getLogger("trialsynth.http")

T = TypeVar("T")

#: Query parameters whose values are secrets: never logged, printed or stored.
SECRET_PARAMS = frozenset({"api_key", "apikey", "key", "token", "access_token"})

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def redact(url: str, params: Mapping[str, object] | None = None) -> str:
    """Return `url` (with `params` appended) with the values of secret parameters masked."""
    parts = urlsplit(url)
    query = [(k, "***" if k.lower() in SECRET_PARAMS else v) for k, v in parse_qsl(parts.query)]
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
    """Requests with spacing, retries and backoff. Counts the requests it sends in `requests_made`."""

    min_interval: float = 0.0
    max_retries: int = 5
    backoff_base: float = 1.0
    backoff_cap: float = 60.0
    max_retry_after: float = 300.0
    timeout: float = 60.0
    user_agent: str = "trialsynth (living systematic reviews)"
    session: requests.Session = field(default_factory=requests.Session)
    requests_made: int = 0
    _last_request: float = 0.0

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
            try:
                response = self.session.request(
                    method, url, params=params, data=data, timeout=self.timeout,
                    headers={"User-Agent": self.user_agent})
            except requests.Timeout:
                last_problem = f"timed out after {self.timeout:g} s"
            except requests.RequestException as exc:
                # The exception text can hold the full URL with its query: keep only the class name.
                last_problem = f"connection failed ({type(exc).__name__})"
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


def scrub(text: str, secrets: list[str]) -> str:
    """Return `text` with every secret value masked (error bodies can echo an API key)."""
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def shorten(text: str | None, limit: int = 200) -> str:
    """Return `text` with whitespace collapsed, cut to `limit` characters ("..." marks a cut): for messages."""
    text = " ".join((text or "").split())
    return text[:limit] + ("..." if len(text) > limit else "")

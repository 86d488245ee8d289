"""Pieces of the report that take long to make, kept between updates: reused while what they show is unchanged.

Figures: the report draws a forest and a cumulative plot per pooled analysis (matplotlib, about a
second each, far more with hundreds of studies). `cached_figure(kind, pa, salt, draw)` returns the SVG
`draw(pa, salt)` made for the same analysis before (keyed by `PooledAnalysis.fingerprint`, the plot's
kind and salt, and a stamp of the drawing code), else draws it.

HTML: the evidence and studies tables of a large review are tens of thousands of rows, seconds to
render. `cached_fragments(kind, pieces)` yields for each (material, render) the HTML `render()` made
before from the same `material` (the text of everything the piece shows: a study's row; a record's
evidence rows, its label and links), keyed by
a digest of it and a stamp of the rendering code (report.py, wording.py, the templates, Jinja2's and
MarkupSafe's versions), else renders it. A changed row, correction, decision or label changes the
material, so that record's piece is rendered anew; the others are reused as they are.

The cache is active inside `figures_from(store)` (trialsynth.update wraps the report in it) and lives
in the store's results cache; outside it everything is made afresh. What is read back from the store
is used only if it holds nothing active, so a store edited by hand cannot put active content into a
report: an SVG nothing but drawing (no script, event handler, foreign object or outside link), an
HTML piece nothing but the table's own tags and attributes, links to https:// addresses only.
"""
from __future__ import annotations

import contextlib
import hashlib
import itertools
import re
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

if TYPE_CHECKING:
    from markupsafe import Markup

    from corpus.store import Store
    from trialsynth.results import PooledAnalysis

__all__ = ["cached_figure", "cached_fragments", "figures_from"]

PREFIX = "figure:"
FRAGMENT_PREFIX = "html:"
_ACTIVE: ContextVar[dict[str, Any] | None] = ContextVar("trialsynth_figures", default=None)
_UNSAFE = re.compile(r"<\s*/?\s*(script|foreignobject|iframe|object|embed|image|a)\b|\son[a-z]+\s*=|javascript:|"
                     r"(?:xlink:)?href\s*=\s*[\"'](?!#)|url\(\s*[\"']?(?!#)", re.I)


#: a tag that the report's templates never write in an HTML piece: any but the table's own (tr, td, span, mark,
#: br, strong, q, a), or with an attribute but class, data-record, title and rel (their values escaped) and an
#: href to an https:// address
_FOREIGN_TAG = re.compile(r'<(?!/?(?:tr|td|span|mark|br|strong|q|a)(?: (?:class|data-record|title|rel)="[^"<>]*"'
                          r'| href="https://[^"<>\s]*")*>)')


def _safe_html(html: Any) -> bool:
    """True for an HTML piece whose every tag is one the report writes itself (no _FOREIGN_TAG)."""
    return isinstance(html, str) and _FOREIGN_TAG.search(html) is None


@lru_cache(maxsize=1)
def _fragment_stamp() -> str:
    """A stamp of the code that renders the HTML pieces (report.py, wording.py, the templates, Jinja2, MarkupSafe)."""
    from importlib.metadata import PackageNotFoundError, version

    here = Path(__file__).parent
    digest = hashlib.sha256()
    for path in [here / "report.py", here / "wording.py", *sorted((here / "templates").glob("*.j2"))]:
        try:
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        except OSError:
            digest.update(str(path).encode())
    for package in ("jinja2", "markupsafe"):
        try:
            digest.update(version(package).encode())
        except PackageNotFoundError:
            pass
    return digest.hexdigest()[:12]


@lru_cache(maxsize=1)
def _stamp() -> str:
    """A stamp of the code that draws the figures (the report, analysis.plots, matplotlib's version)."""
    from importlib.metadata import PackageNotFoundError, version

    import analysis

    digest = hashlib.sha256()
    for path in (Path(__file__).with_name("report.py"), Path(analysis.__file__).with_name("plots.py")):
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(str(path).encode())
    try:
        digest.update(version("matplotlib").encode())
    except PackageNotFoundError:
        pass
    return digest.hexdigest()[:12]


def cached_figure(kind: str, pa: PooledAnalysis, salt: str, draw: Callable[[Any, str], tuple[Any, str | None]]
                  ) -> tuple[Any, str | None]:
    """Return draw(pa, salt) -> (SVG markup or None, note), from the active cache when it holds it."""
    active = _ACTIVE.get()
    if active is None or not getattr(pa, "fingerprint", ""):
        return draw(pa, salt)
    key = f"{PREFIX}{kind}:{salt}:{pa.fingerprint}:{_stamp()}"
    hit = active["entries"].get(key)
    if isinstance(hit, list) and len(hit) == 2 and (hit[0] is None or (isinstance(hit[0], str) and
                                                                        not _UNSAFE.search(hit[0]))):
        from markupsafe import Markup

        active["used"][key] = hit
        return (Markup(hit[0]) if hit[0] is not None else None), hit[1]
    svg, note = draw(pa, salt)
    active["used"][key] = [str(svg) if svg is not None else None, note]
    return svg, note


def cached_fragments(kind: str, pieces: Iterable[tuple[str, Callable[[], str]]]) -> Iterator[Markup]:
    """Yield render() -> HTML for each (material, render) of `pieces`, in order, taken from the active cache
    when it holds the HTML of the same material (read FRAGMENT_BATCH pieces at a time)."""
    from markupsafe import Markup

    active = _ACTIVE.get()
    if active is None:
        for _, render in pieces:
            yield Markup(render())
        return
    stamp = _fragment_stamp()
    pieces = iter(pieces)
    while batch := list(itertools.islice(pieces, FRAGMENT_BATCH)):
        keys = [f"{FRAGMENT_PREFIX}{kind}:{_digest(material)}:{stamp}" for material, _ in batch]
        kept = active["store"].cached(key for key in keys if key in active["kept"])
        for key, (_, render) in zip(keys, batch):
            html = kept.get(key)
            if html is not None and _safe_html(html):
                active["shown"].add(key)
            else:
                html = str(render())
                active["made"].append((key, html))
                active["kept"].discard(key)  # made again later in this report until it is in the store
            yield Markup(html)
        if len(active["made"]) >= FRAGMENT_BATCH:
            _keep_made(active)


def _digest(material: str) -> str:
    return hashlib.blake2b(material.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


FRAGMENT_BATCH = 500  # new pieces written to the store at once (a large review's are never all held)


def _keep_made(active: dict[str, Any]) -> None:
    active["store"].put_cached(active["made"])
    active["kept"].update(key for key, _ in active["made"])
    active["shown"].update(key for key, _ in active["made"])  # the pieces this report shows: kept at its end
    active["made"].clear()


@contextlib.contextmanager
def figures_from(store: Store) -> Iterator[None]:
    """Let the block's report reuse the figures and HTML pieces the store keeps; keep the ones it made or
    used (only). New HTML pieces are written to the store as they are made, a batch at a time."""
    token = _ACTIVE.set({"entries": store.cached_prefix(PREFIX), "used": {}, "store": store,
                         "kept": store.cached_keys(FRAGMENT_PREFIX), "shown": set(), "made": []})
    try:
        yield
        active = _ACTIVE.get()
        store.put_cached(active["used"].items(), prune_prefix=PREFIX)
        _keep_made(active)
        store.keep_only_cached(FRAGMENT_PREFIX, active["shown"])
    finally:
        _ACTIVE.reset(token)

"""Figures that take seconds to draw, kept between updates: a plot is reused while its analysis is unchanged.

The report draws a forest and a cumulative plot per pooled analysis (matplotlib, about a second
each, far more with hundreds of studies). `cached_figure(kind, pa, salt, draw)` returns the SVG
`draw(pa, salt)` made for the same analysis before (keyed by `PooledAnalysis.fingerprint`, the plot's
kind and salt, and a stamp of the drawing code), else draws it. The cache is active inside
`figures_from(store)` (trialsynth.update wraps the report in it) and lives in the store's results
cache; outside it every figure is drawn. An SVG read back from the store is used only if it holds
nothing but drawing (no script, event handler, foreign object or outside link), so a store edited
by hand cannot put active content into a report.
"""
from __future__ import annotations

import contextlib
import hashlib
import re
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

if TYPE_CHECKING:
    from corpus.store import Store
    from trialsynth.results import PooledAnalysis

__all__ = ["cached_figure", "figures_from"]

PREFIX = "figure:"
_ACTIVE: ContextVar[dict[str, Any] | None] = ContextVar("trialsynth_figures", default=None)
_UNSAFE = re.compile(r"<\s*/?\s*(script|foreignobject|iframe|object|embed|image|a)\b|\son[a-z]+\s*=|javascript:|"
                     r"(?:xlink:)?href\s*=\s*[\"'](?!#)|url\(\s*[\"']?(?!#)", re.I)


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


@contextlib.contextmanager
def figures_from(store: Store) -> Iterator[None]:
    """Let the block's report reuse the figures the store keeps; keep the ones it drew or used (only)."""
    token = _ACTIVE.set({"entries": store.cached_prefix(PREFIX), "used": {}})
    try:
        yield
        used = _ACTIVE.get()["used"]
        store.put_cached(used.items(), prune_prefix=PREFIX)
    finally:
        _ACTIVE.reset(token)

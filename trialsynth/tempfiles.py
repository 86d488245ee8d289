"""Temporary files left by a killed command: found by their names, removed by the next run.

Every file trialsynth writes (report, summary, results.json, exports, `extract --output`, tables)
is written to a temporary file beside it and renamed over it when complete. A command killed with
kill -9 leaves that temporary file behind. Their names say what they are:

- `.{name}.{pid}.{random}.part`: `trialsynth.extraction.atomic_output`, with the writing process's id;
- `.{name}.{random}.tmp`: the report's writer (`trialsynth.report`).

`stale_siblings(path)` lists the `.part` files of `path` whose process is gone; `clean_review_folder`
removes both kinds in a review folder and its exports/ folder, unless a trialsynth command still
runs on the review (whose files they may be).
"""
from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

__all__ = ["clean_review_folder", "part_prefix", "stale_siblings"]

_PART = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[A-Za-z0-9_]+\.part$")
_TMP = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}\.(?:part|tmp)$")  # tempfile.mkstemp's 8 random characters
#: The files trialsynth writes into a review folder (and its exports/): only their temporary files
#: without a process id (the report's, or an older trialsynth's) are removed.
REVIEW_OUTPUTS = frozenset({"report.html", "summary.md", "results.json", "evidence.csv", "evidence.xlsx",
                            "included.ris", "included.bib", "review.json"})


def part_prefix(path: Path) -> str:
    """The prefix of a temporary file for `path` written by this process."""
    return f".{path.name}.{os.getpid()}."


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def stale_siblings(path: Path) -> list[Path]:
    """Return the temporary files of `path` (beside it) whose writing process is gone."""
    folder = path.parent
    out = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        m = _PART.match(entry.name)
        if m and m["name"] == path.name and not _alive(int(m["pid"])):
            out.append(Path(entry.path))
    return out


def remove(paths: list[Path]) -> int:
    """Remove these files (those that cannot be removed are left); returns how many were removed."""
    removed = 0
    for p in paths:
        with contextlib.suppress(OSError):
            p.unlink()
            removed += 1
    return removed


def clean_review_folder(root: Path | None) -> int:
    """Remove the temporary files killed commands left in the review folder and its exports/ folder;
    returns how many were removed. Nothing is removed while another trialsynth command runs on the review."""
    if root is None:
        return 0
    candidates: list[Path] = []
    for folder in (root, root / "exports"):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            m = _PART.match(entry.name)
            if m:
                if not _alive(int(m["pid"])):
                    candidates.append(Path(entry.path))
            else:
                m = _TMP.match(entry.name)
                if m and m["name"] in REVIEW_OUTPUTS and entry.is_file(follow_symlinks=False):
                    candidates.append(Path(entry.path))
    if not candidates or not os.access(root, os.W_OK):
        return 0
    from trialsynth.review import Review
    from trialsynth.reviewstore import holder

    if any(not _PART.match(p.name) for p in candidates) and holder(Review(root)) is not None:
        candidates = [p for p in candidates if _PART.match(p.name)]  # the report's may be a running command's
    return remove(candidates)

"""What a user types to name a record ("PMID:31908418", a DOI, an NCT id, a store id) -> the stored record id.

Shared by screening decisions (`trialsynth.screening`) and the corrections file
(`trialsynth.corrections`), which both name records the way a reviewer writes them.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from trialsynth.errors import InputError

if TYPE_CHECKING:
    from corpus.store import Store

__all__ = ["resolve_record_id", "store_resolver"]


def resolve_record_id(store: Store, ref: str) -> str:
    """Return the stored record id that `ref` names.

    `ref` may be the store's id, "PMID:31908418" / "PMID 31908418" / "31908418", a DOI (with or
    without "doi:" or a doi.org URL), an NCT id or a PMCID. Raises InputError when no stored record,
    or more than one, carries it.
    """
    from corpus.records import normalise_doi, normalise_nct, normalise_pmcid, normalise_pmid

    text = (ref or "").strip()
    if not text:
        raise InputError("empty record id; give the store's id (see `trialsynth records`), a PMID, DOI or NCT id.")
    if store.get(text) is not None:
        return text
    lowered = text.lower()
    candidates: list[tuple[str, str | None]] = []
    for prefix, scheme in (("pmid", "pmid"), ("pmcid", "pmcid"), ("doi", "doi"), ("nct", "nct")):
        if lowered.startswith(prefix) and len(text) > len(prefix) and not text[len(prefix)].isalnum():
            body = text[len(prefix):].lstrip(":= ").strip()
            candidates.append((scheme, {"pmid": normalise_pmid, "pmcid": normalise_pmcid, "doi": normalise_doi,
                                        "nct": normalise_nct}[scheme](body)))
            break
    if not candidates:
        candidates = [("pmid", normalise_pmid(text)), ("doi", normalise_doi(text)), ("nct", normalise_nct(text)),
                      ("pmcid", normalise_pmcid(text) if lowered.startswith("pmc") else None)]
    tried = []
    for scheme, value in candidates:
        if not value:
            continue
        tried.append(f"{scheme.upper()} {value}")
        found = store.records_with(scheme, value)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise InputError(f"{text!r} names {len(found)} stored records ({', '.join(found)}); use one of "
                             "these store ids instead.")
    what = f" (looked for {', '.join(tried)})" if tried else ""
    raise InputError(f"no stored record is {text!r}{what}. Give the store's id as listed by "
                     "`trialsynth records`, or a PMID (PMID:31908418), DOI or NCT id of a stored record.")


def store_resolver(store: Store) -> Callable[[str], str]:
    """Return a resolver callback (`resolve_record_id` bound to `store`) for `load_corrections`."""
    return lambda ref: resolve_record_id(store, ref)

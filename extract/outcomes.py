"""Outcome rows from result sentences: one row per measure × arm × timepoint.

For each sentence with a measure of the vocabulary (extract/data/measures.json):

1. Measures: the vocabulary mentions, with "EULAR" kept only before "response", "DAS28 ...
   remission" as its own measure, "DAS28 (using ESR)" as one DAS28 mention, and a measure
   repeated in brackets ("adverse events (AEs)") counted once.
2. Result sentences only: a sentence needs a direction word, a statistic, a P value or a
   responder count; aims and methods ("... were evaluated according to DAS28") give no rows.
3. Timepoints: measures listed before a timepoint group take that group ("ESR, CRP, RF of 1 year
   and 3 years ... and anti-CCP of 3 years"); a measure with none after it takes the group
   before it; a group is cut at "but" ("at 6 months but relapsed at 7 and 23 months").
4. Direction: "no significant change" wording; else a nominal cue before the measure
   ("a reduction in ESR, DAS28 and pain VAS", "Reduced levels of IL-6"); else the next verbal
   cue after it in its clause ("... were lower than pretreatment"); else the sign of a change.
   "improved" follows the measure's better direction (data: measures.json "better").
5. Numbers in the measure's stretch of the sentence: mean ± SD / mean (SD) / median (IQR) as
   change, baseline ("baseline ... was 4.53") or follow-up; P as reported; responders from
   "45%, 20% ... respectively" (per listed arm), "17 patients from group A (85%)", "three of
   four patients", "no one achieved ..."; effect sizes ("effect size 0.8", "SMD = -0.5").
Adverse events give rows only with counts; "no serious adverse events" is a safety statement.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Sequence

from extract.document import Mention, Sentence, Text
from extract.evidence import Arm, OutcomeRow, Provenance
from extract.fastre import words
from extract.nlp import load_rules
from extract.quantities import NUM, WORDNUM, MeanSD, PValue, Percentage, Timepoint, parse_number

__all__ = ["Context", "outcome_rows"]

_N = rf"(?:\d+|{WORDNUM})"
METHODS_CUE = re.compile(
    r"\b(?:were|was|be)\s+(?:evaluated|assessed|measured|recorded|used|collected|determined|monitored)\b"
    r"|\bto\s+(?:assess|evaluate|determine|investigate|explore|examine|measure)\b|\baccording\s+to\b"
    r"|\b(?:primary|secondary)\s+(?:end\s?points?|outcomes?)\b|\baim(?:ed)?\b|\bobjectives?\b", re.I)
# Patterns searched in every result sentence begin with a character set, which lets re skip to
# candidates fast (extract/fastre.py): the first letters in both cases, plus "İ", "ı" (an "i") and
# "ſ" (an "s"), which re.IGNORECASE also matches; "(?<!\w.)" after the first letter is the "\b"
# before it, and the letters after it are matched under (?i:...).
# ";" or a word "but", "whereas", "while", "although"
CLAUSE_SPLIT = re.compile(r"[;ABWabw](?:(?<=;)|(?<!\w.)(?i:(?<=b)ut|(?<=w)(?:hereas|hile)|(?<=a)lthough)\b)")
# a change score, not a level: "changes were", "a reduction of", "decreased by", "Δ"
CHANGE_CUE = re.compile(r"\bchang\w*|\b(?:reduction|decrease|improvement|increase|fall|drop|decline|"
                        r"reduced|decreased|improved|increased|fell|dropped|declined)\s+(?:of|was|were|by)\b|\bby\b|"
                        r"\bdelta\b|Δ", re.I)
PAIR_SEP = re.compile(r"^\s*(?:,|;)?\s*(?:vs\.?|versus|compared\s+with|and|to|→|->)\s*$", re.I)
BASELINE_CUE = re.compile(words(["baseline", "before", r"pre-?treatment", r"at\s+entry", "initial"]) + r"\b")
BARE_VALUE_RE = re.compile(
    rf"\b(?:was|were|of|=|:)\s*(?P<v>-?{NUM})(?!\s*(?:%|years?|months?|weeks?|days?|hours?|patients|mm\b|cm\b|kg\b|mg\b|\d|×))")
FROM_TO_RE = re.compile(r"\bfrom\b", re.I)
# "effect size", "cohen's d", "hedges' g", "SMD" (a word), "standardized mean difference", then a number
EFFECT_RE = re.compile(
    r"[CEHSceshſ](?i:(?<=e)ffect\s+size|(?<=c)ohen'?s\s+d|(?<=h)edges'?\s+g"
    r"|(?<=s)(?:(?<!\w.)md\b|tandardi[sz]ed\s+mean\s+difference))"
    rf"[^.;\d-]{{0,20}}(?P<v>-?{NUM})")
RESPECTIVELY_LIST_RE = re.compile(
    r"\b(?:for|in|of)\s+(?:the\s+)?(?:cohorts?|groups?|arms?|clusters?)\s+"
    r"(?P<list>[\w-]+(?:\s?,\s?[\w-]+)*,?\s+(?:and|or)\s+(?:the\s+)?[\w-]+)", re.I)
FROM_GROUP_RE = re.compile(
    rf"(?P<n>{_N})\s+(?:patients?\s+)?(?:from|in)\s+(?:the\s+)?(?:(?:group|cohort|arm|cluster)\s+(?P<id>[A-Z0-9])\b"
    rf"|(?P<name>[\w-]+)\s+(?:group|arm|cohort|cluster))\s*\(\s*(?P<p>{NUM})\s*%\s*\)", re.I)
# "18 of 30 patients (60.0%) in the UC-MSC group": responders, n (%), of one arm
FRACTION_GROUP_RE = re.compile(
    rf"(?P<n>{_N})\s+(?:out\s+)?of\s+(?:the\s+)?\d+\s+(?:patients?\s+)?\(\s*(?P<p>{NUM})\s*%\s*\)\s+in\s+the\s+"
    rf"(?P<name>[\w-]+(?:\s[\w-]+)?)\s+(?:group|arm|cohort|cluster)\b", re.I)
FRACTION_RE = re.compile(rf"(?<![\w.])(?P<x>{_N})\s+(?:out\s+)?of\s+(?P<the>the\s+)?(?P<y>{_N})\b", re.I)
# the "of (the) <number>" every FRACTION_RE match holds, found fast from its leading set: FRACTION_RE
# (tried at every position) is run only on the few sentences with one
OF_NUMBER = re.compile(rf"[Oo][Ff]\s+(?:(?i:the)\s+)?(?i:{_N})")
ZERO_RE = re.compile(
    words([r"no\s+one", "nobody", r"none\s+of\s+the\s+(?:patients|participants|subjects)",
           r"no\s+(?:patients?|participants?|subjects?)"], not_after=r"\w")
    + r"(?i:\s+(?:had\s+|has\s+|have\s+)?(?:achieved|reached|attained|experienced|met|developed|had|showed|obtained))\b")
# "in the <arm>"
ARM_IN_SENTENCE_RE = re.compile(
    r"[Iiİı](?<!\w.)(?i:n\s+the\s+(?P<arm>(?:cluster|group|cohort|arm)\s+(?:infused|treated|receiving|given|injected)\s+with\s+"
    r"[^,.;]+?|[\w-]+(?:\s[\w-]+)?\s+(?:group|cluster|cohort|arm))(?=\s*(?:,|\.|;|$|\bbut\b|\band\b|\bwere\b|\bwas\b|\bversus\b|\bvs\b|\(|\))))")
BUT_NOT_RE = re.compile(r"\bbut\s+not\s+in\s+the\s+(?P<arm>[\w-]+(?:\s[\w-]+)?\s+(?:group|cluster|cohort|arm))", re.I)
FROM_TO_BARE_RE = re.compile(rf"\bfrom\s+(?P<a>-?{NUM})\s+(?:at\s+baseline\s+)?to\s+(?P<b>-?{NUM})(?!\s?(?:%|±|\())")
BY_CUE = re.compile(r"\b(?:decreas\w*|reduc\w*|improv\w*|fell|dropped|declin\w*|lower\w*)\s+by\b", re.I)
# "HAQ improved by 0.42", "DAS28 increased by 1.1": an absolute change (not "by 30%", not "by week 12")
BY_VALUE_RE = re.compile(
    rf"\b(?:decreas\w*|reduc\w*|improv\w*|fell|dropped|declin\w*|lower\w*|increas\w*|rose|risen|elevat\w*)"
    rf"\s+by\s+(?:a\s+mean\s+of\s+|an\s+average\s+of\s+)?(?P<v>{NUM})"
    rf"(?!\s*(?:%|percent|fold|times|-fold|×|\d|weeks?|months?|days?|years?|hours?)\b|\s*%|\d)", re.I)
ORDER_CUE = re.compile(r"\bversus\b|\bvs\.?(?!\w)|\bcompared\s+with\b|\brespectively\b", re.I)
N_PERSONS_PCT_RE = re.compile(
    rf"(?<![\w.])(?P<n>{_N})\s+(?:patients?|participants?|subjects?)\s*\(\s*(?P<p>{NUM})\s*%\s*\)", re.I)
ARM_REF_RE = re.compile(
    r"\b(?:in|for|of|among|with)\s+(?:the\s+)?(?P<arm>(?!each\b|every\b|both\b|all\b)[\w-]+(?:\s[\w-]+)?)\s+"
    r"(?:group|arm|cohort)s?\b"
    r"|\b(?:versus|vs\.?|compared\s+(?:with|to))\s+(?:the\s+)?(?P<arm2>placebo|controls?|sham)\b", re.I)
_ARM_WORDS = re.compile(r"group|arm|cohort|versus|\bvs\b|compared", re.I)
N_EQ_RE = re.compile(r"\(\s?n\s?=\s?(?P<n>\d+)\s?\)", re.I)
NEGATED_BEFORE = frozenset({"no", "without", "nor"})
REFERENCE_BEFORE = frozenset({"after", "before", "following", "since", "until"})
END_OF_STUDY_RE = re.compile(r"\b(?:up\s+)?(?:to|until)\s+the\s+end\b|\bthroughout\s+the\s+(?:study|follow-?up)\b", re.I)


@dataclass(frozen=True)
class Context:
    """What the outcome reader knows about the study from the rest of the record."""

    record_id: str
    arms: tuple[Arm, ...]
    default_arm: str
    default_n: int | None
    per_arm_n: int | None
    timepoints: tuple[Timepoint, ...]  # the study's own timepoints in this text
    followup_weeks: float | None  # for adverse events counted over the whole study
    skip_sentences: frozenset[int] = frozenset()


@dataclass(frozen=True)
class _Measure:
    name: str
    mention: Mention


@lru_cache(maxsize=1)
def _rules() -> tuple[dict[str, dict], dict[str, list[str]], list[str], set[str], list[str]]:
    m = load_rules("measures")
    info = {x["name"]: x for x in m["measures"]}
    d = load_rules("directions")
    cues = {k: d[k] for k in ("decrease", "increase", "improve", "worsen")}
    return info, cues, d["no_change"], set(m["remission"]["of"]), m["remission"]["words"]


@lru_cache(maxsize=65536)
def _cue_kind(token: str) -> str | None:
    """The direction cue a token is ("decrease", "increase", "improve", "worsen") or None."""
    for kind, prefixes in _rules()[1].items():
        for p in prefixes:
            if token.startswith(p):
                return kind
    return None


@lru_cache(maxsize=1)
def _no_change_phrases() -> tuple[str, ...]:
    """The "no change" phrases a clause is tested for: without "but not ..." (an arm's contrast,
    see BUT_NOT_RE) and without those containing a shorter one ("no changes": "no change")."""
    phrases = [p for p in _rules()[2] if not p.startswith("but not")]
    return tuple(p for p in phrases if not any(q != p and q in p for q in phrases))


class _ByStart:
    """A text's mentions of one kind, in text order (as Text.mentions is), for taking a sentence's
    by bisection rather than a scan of all of them for every sentence."""

    __slots__ = ("items", "starts")

    def __init__(self, items: Sequence[Any]) -> None:
        self.items = items
        self.starts = [x.start for x in items]

    def within(self, start: int, end: int) -> list:
        """The items with start <= item.start and item.end <= end, in their order."""
        lo = bisect_left(self.starts, start)
        hi = bisect_right(self.starts, end, lo)
        return [x for x in self.items[lo:hi] if x.end <= end]


def _measures(t: Text, mentions: list[Mention]) -> list[_Measure]:
    """The measures of a sentence from its MEASURE mentions."""
    info, _, _, remission_of, remission_words = _rules()
    out: list[_Measure] = []
    toks = t.tokens_lower
    last_end = -1
    for m in mentions:
        name = m.value
        if _is_reference(toks, m.token_start):
            continue  # "2-3 weeks after the transient IFN-γ increase": a reference, not a result
        spec = info.get(name, {})
        after = toks[m.token_end:m.token_end + 5]
        if spec.get("needs_next") and not any(w in spec["needs_next"] for w in after):
            continue
        if name in remission_of and any(w in remission_words for w in toks[m.token_end:m.token_end + 4]):
            name = f"{name} remission"
        if name in ("ESR", "CRP") and out and out[-1].name.startswith("DAS28"):
            gap = t.text[last_end:m.start]
            if len(gap) < 30 and re.fullmatch(r"[\s(;,:-]*(?:using|based\s+on|with|by)?\s*", gap, re.I):
                continue  # "DAS28 (using ESR)", "DAS28-CRP": a DAS28 variant
        if any(o.name == name for o in out):
            if out[-1].name == name:
                last_end = m.end
            continue
        out.append(_Measure(name, m))
        last_end = m.end
    return out


def _is_reference(toks: tuple[str, ...], start: int) -> bool:
    """True for a measure inside "after/before/following (the) (adjective) <measure>"."""
    for w in reversed(toks[max(0, start - 3):start]):
        if w in REFERENCE_BEFORE:
            return True
        if w in ("and", "or", ",", ";", "of", "in"):
            return False
    return False


def _clause_bounds(sent: Sentence) -> list[tuple[int, int]]:
    cuts = [sent.start] + [sent.start + m.start() for m in CLAUSE_SPLIT.finditer(sent.text)] + [sent.end]
    return [(cuts[i], cuts[i + 1]) for i in range(len(cuts) - 1)]


def _clause_of(bounds: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for a, b in bounds:
        if a <= pos < b:
            return a, b
    return bounds[-1]


def _direction(t: Text, me: _Measure, sent: Sentence, bounds: list[tuple[int, int]]) -> str | None:
    info = _rules()[0]
    a, b = _clause_of(bounds, me.mention.start)
    clause = t.text[a:b].lower()
    for phrase in _no_change_phrases():
        if phrase in clause:
            return "no change"
    toks = t.tokens_lower
    first_tok = t.token_index(a)
    last_tok = t.token_index(max(a, b - 1))
    better = info.get(me.name.replace(" remission", ""), {}).get("better")

    def resolve(kind: str) -> str | None:
        if kind in ("decrease", "increase"):
            return kind
        if better is None:
            return None
        if kind == "improve":
            return "decrease" if better == "lower" else "increase"
        return "increase" if better == "lower" else "decrease"

    # a nominal cue before the measure: "a reduction in X", "Reduced levels of X", "increasing trend in X"
    # (the nearest first; the window's tokens are looked up with map(), cheaper than a call per token)
    start = me.mention.token_start
    lo = max(first_tok, start - 25)
    cues_before = [(i, kind) for i, kind in zip(range(lo, start), map(_cue_kind, toks[lo:start])) if kind]
    for i, kind in reversed(cues_before):
        if any(w in ("in", "of", "levels", "level") for w in toks[i + 1:i + 5]):
            return resolve(kind)
    # a verbal cue after it in the same clause
    kind = next(filter(None, map(_cue_kind, toks[me.mention.token_end:last_tok + 1])), None)
    return resolve(kind) if kind else None


def _groups(measures: list[_Measure], tps: list[Timepoint], t: Text) -> dict[str, list[Timepoint]]:
    """Measure name -> its timepoints in the sentence (see the module docstring, step 3)."""
    events: list[tuple[int, str, object]] = [(m.mention.start, "m", m) for m in measures]
    events += [(tp.start, "t", tp) for tp in tps]
    events.sort(key=lambda e: e[0])
    groups: list[tuple[list[_Measure], list[Timepoint]]] = []
    cur_m: list[_Measure] = []
    cur_t: list[Timepoint] = []
    for _, kind, obj in events:
        if kind == "m":
            if cur_t:
                groups.append((cur_m, cur_t))
                cur_m, cur_t = [], []
            cur_m.append(obj)  # type: ignore[arg-type]
        else:
            cur_t.append(obj)  # type: ignore[arg-type]
    groups.append((cur_m, cur_t))
    out: dict[str, list[Timepoint]] = {}
    previous: list[Timepoint] = []
    for ms, ts in groups:
        kept: list[Timepoint] = []
        for tp in ts:
            if kept and re.search(r"\bbut\b|;|\bthen\b|\bwhereas\b", t.text[kept[-1].end:tp.start], re.I):
                break
            kept.append(tp)
        use = kept or previous
        for m in ms:
            out[m.name] = use
        if kept:
            previous = kept
    return out


def _p_text(p: PValue) -> str:
    v = p.text.split(p.comparator)[-1] if p.comparator in p.text else f"{p.value}"
    num = re.search(r"\d*\.?\d+", v)
    s = num.group(0) if num else f"{p.value}"
    if s.startswith("."):
        s = "0" + s
    return f"{p.comparator}{s}"


def _arm_lookup(ctx: Context, name: str | None) -> tuple[str, int | None]:
    """The study arm a label refers to ("group A" -> "cohort A", "MSC group" -> the only
    treatment arm, "placebo group" -> the control arm), else the label itself."""
    if not name:
        return ctx.default_arm, ctx.default_n
    low = name.lower()
    controls = [a for a in ctx.arms if a.is_control]
    treated = [a for a in ctx.arms if not a.is_control]
    if CONTROL_NAME.search(low) and len(controls) == 1:
        return controls[0].name, controls[0].n
    if re.search(r"\b(?:mscs?|msct|treatment|treated|intervention|cell|cells|stem)\b", low) and len(treated) == 1:
        return treated[0].name, treated[0].n
    for arm in ctx.arms:
        a = arm.name.lower()
        if a == low or a in low or low in a:
            return arm.name, arm.n if arm.n is not None else ctx.per_arm_n
        ident = re.search(r"\b([A-Z0-9])$", name.strip())
        if ident and re.search(rf"\b{ident.group(1)}$", arm.name):
            return arm.name, arm.n if arm.n is not None else ctx.per_arm_n
    return name, ctx.per_arm_n


def _window(measures: list[_Measure], i: int, sent: Sentence) -> tuple[int, int]:
    start = measures[i].mention.start
    end = measures[i + 1].mention.start if i + 1 < len(measures) else sent.end
    return start, end


def _assign_means(row: dict, ms: list[MeanSD], t: Text, a: int, clause_start: int) -> None:
    if not ms:
        return
    first = ms[0]
    lead = t.text[clause_start:first.start]
    stat = first.kind
    row["statistic"] = stat

    def put(prefix: str, x: MeanSD) -> None:
        row[f"{prefix}_mean"] = x.mean
        row[f"{prefix}_sd"] = x.sd

    between = t.text[first.end:ms[1].start] if len(ms) >= 2 else ""
    if len(ms) >= 2 and FROM_TO_RE.search(t.text[a:first.start]) and re.search(r"\bto\b", between):
        put("baseline", first)
        put("followup", ms[1])
    elif len(ms) >= 2 and not CHANGE_CUE.search(lead) and (
            PAIR_SEP.match(between) or BASELINE_CUE.search(lead)
            or BASELINE_CUE.search(t.text[max(a, first.start - 30):first.start])):
        put("baseline", first)  # "reduced (5.4 ± 0.9 vs 3.9 ± 1.1)", "baseline 1.8 ± 0.5; month 6: 1.1 ± 0.6"
        put("followup", ms[1])
    elif CHANGE_CUE.search(lead):
        put("change", first)
    elif BASELINE_CUE.search(lead):
        put("baseline", first)
    else:
        put("followup", first)


def _base_row(me: _Measure, arm: str, n: int | None, tp: Timepoint | None, prov: Provenance,
              direction: str | None) -> dict:
    return {"measure": me.name, "measure_text": me.mention.text, "arm": arm, "n": n,
            "timepoint_weeks": tp.weeks if tp else None, "timepoint": tp.text if tp else None,
            "provenance": prov, "direction": direction}


def outcome_rows(t: Text, ctx: Context) -> tuple[list[OutcomeRow], list[Provenance]]:
    """All outcome rows of one text, and its qualitative safety statements."""
    info = _rules()[0]
    rows: list[OutcomeRow] = []
    safety: list[Provenance] = []
    measure_mentions = _ByStart([m for m in t.mentions if m.kind == "MEASURE"])
    tps_all = list(ctx.timepoints)
    for sent in t.sentences:
        if sent.index in ctx.skip_sentences:
            continue
        mentions = measure_mentions.within(sent.start, sent.end)
        if not mentions:
            continue
        measures = _measures(t, mentions)
        if not measures:
            continue
        prov = Provenance(ctx.record_id, t.location, sent.text, sent.start, sent.end)
        stext = sent.text
        ms_all = t.in_span(t.mean_sds, sent.start, sent.end)
        ps_all = t.in_span(t.p_values, sent.start, sent.end)
        pct_all = [p for p in t.in_span(t.percentages, sent.start, sent.end)]
        # found once per sentence: _responders reads them for each measure
        fractions = list(FRACTION_RE.finditer(stext)) if OF_NUMBER.search(stext) else []
        zero = ZERO_RE.search(stext)
        if not (ms_all or ps_all or pct_all or fractions or zero) and METHODS_CUE.search(stext):
            continue
        bounds = _clause_bounds(sent)
        tps = [tp for tp in tps_all if sent.start <= tp.start and tp.end <= sent.end]
        tp_of = _groups(measures, tps, t)
        arm_m = ARM_IN_SENTENCE_RE.search(stext)
        arm_name, arm_n = _arm_lookup(ctx, arm_m.group("arm") if arm_m else None)
        n_eq = N_EQ_RE.search(stext)
        if n_eq and not arm_m:
            arm_n = int(n_eq.group("n"))
        single_p = ps_all[0] if len(ps_all) == 1 and ps_all[0].start > measures[-1].mention.start else None
        resp_rows = _respectively(t, sent, measures, pct_all, tps, ctx, prov)
        per_measure = {} if resp_rows else _measures_respectively(t, sent, measures, pct_all, info)
        group_rows = _from_group(t, sent, measures, ctx, prov, info, tps)
        for i, me in enumerate(measures):
            kind = info.get(me.name.replace(" remission", ""), {}).get("kind")
            if me.name.endswith("remission"):
                kind = "responder"
            toks = t.tokens_lower
            before = toks[max(0, me.mention.token_start - 2):me.mention.token_start]
            negated = any(w in NEGATED_BEFORE for w in before)
            if kind == "safety" and negated:
                safety.append(prov)
                continue
            if negated and not zero:
                continue
            if me.name in resp_rows or me.name in group_rows:
                rows.extend(resp_rows.get(me.name, []))
                rows.extend(group_rows.get(me.name, []))
                continue
            a, b = _window(measures, i, sent)
            window_ms = [x for x in ms_all if a <= x.start < b]  # this measure's values
            responder = kind in ("responder", "safety")  # percentages are rates only for these
            window_pcts = [x for x in pct_all if a <= x.start < b] if responder else []
            clause_start = _clause_of(bounds, me.mention.start)[0]
            direction = _direction(t, me, sent, bounds)
            row_base: dict = {}
            _assign_means(row_base, window_ms, t, a, clause_start)
            if not any(k in row_base for k in ("change_mean", "followup_mean", "baseline_mean")) \
                    and BASELINE_CUE.search(t.text[clause_start:b]):
                bm = BARE_VALUE_RE.search(t.text[me.mention.end:b])
                if bm:
                    row_base["baseline_mean"] = float(bm.group("v"))
            p_in = [p for p in ps_all if a <= p.start < b]
            p = p_in[0] if p_in else single_p
            if p is not None:
                row_base["p_value"] = _p_text(p)
            eff = EFFECT_RE.search(t.text[a:b])
            if eff:
                row_base["effect_size"] = float(eff.group("v"))
            # responders: any measure after "three of four patients"; percentages only for
            # responder and safety measures ("CRP fell by 30%" is not a responder rate)
            if me.name in per_measure:
                row_base.update(per_measure[me.name])
            else:
                _responders(row_base, t, sent, a, b, pct_all if responder else [], arm_n, ctx, zero, fractions,
                            counts_after=responder)
            if not any(k in row_base for k in ("change_mean", "followup_mean", "baseline_mean")):
                ft = FROM_TO_BARE_RE.search(t.text, me.mention.end, b)
                if ft:
                    row_base["baseline_mean"], row_base["followup_mean"] = float(ft.group("a")), float(ft.group("b"))
            if not any(k in row_base for k in ("change_mean", "followup_mean", "baseline_mean")) \
                    and direction in ("decrease", "increase"):
                bv = BY_VALUE_RE.search(t.text, me.mention.end, b)
                if bv:  # "improved by 0.42" on a lower-is-better scale: a change of -0.42
                    v = float(bv.group("v").replace(",", ""))
                    row_base["change_mean"] = -v if direction == "decrease" else v
                    row_base["note"] = "change from the wording ('... by')"
            cm = row_base.get("change_mean")
            if cm is not None and cm > 0 and direction == "decrease" and BY_CUE.search(t.text, a, b):
                row_base["change_mean"] = -cm  # "improved by 0.45" on a lower-is-better scale: a change of -0.45
                row_base["note"] = "sign of the change from the wording ('... by')"
            if direction is None and row_base.get("change_mean") is not None and row_base["change_mean"] != 0:
                direction = "decrease" if row_base["change_mean"] < 0 else "increase"
            split = _arm_split(t, a, b, window_ms, window_pcts, ctx, clause_start)
            if split:
                my_tps_split: list[Timepoint | None] = list(tp_of.get(me.name) or []) or [None]
                for arm_label, values in split:
                    name, n_arm = _arm_lookup(ctx, arm_label)
                    for tp in my_tps_split:
                        base = _base_row(me, name, n_arm, tp, prov, direction)
                        base.update({k: v for k, v in row_base.items() if k in ("p_value", "effect_size")})
                        base.update(values)
                        rows.append(_row(base))
                continue
            numbers = any(row_base.get(k) is not None for k in OutcomeRow.NUMBERS)
            if kind == "safety":
                if row_base.get("n_responders") is None and row_base.get("percent_responders") is None:
                    safety.append(prov)
                    continue
            elif not (direction or numbers or row_base.get("p_value")):
                continue
            my_tps: list[Timepoint | None] = list(tp_of.get(me.name) or [])
            if not my_tps and ctx.followup_weeks is not None and (
                    kind == "safety" or END_OF_STUDY_RE.search(stext)):
                my_tps = [Timepoint(ctx.followup_weeks, 0, 0, "end of follow-up")]
            if (len(my_tps) >= 2 and len(window_ms) == len(my_tps) + 1 and "followup_mean" in row_base
                    and row_base.get("baseline_mean") == window_ms[0].mean):
                # "from 1.52 ± 0.48 at baseline to 0.91 ± 0.39 at 1 year and 0.85 ± 0.41 at 3 years"
                paired = [{"followup_mean": v.mean, "followup_sd": v.sd} for v in window_ms[1:]]
            else:
                paired = _pair_with_timepoints(my_tps, window_ms, window_pcts, t, a, clause_start)
            for i, tp in enumerate(my_tps or [None]):
                base = _base_row(me, arm_name, arm_n, tp, prov, direction)
                base.update(row_base)
                if paired:
                    base.update(paired[i])
                rows.append(_row(base))
            if direction == "increase" or direction == "decrease":
                bn = BUT_NOT_RE.search(stext)
                if bn and sent.start + bn.start() > me.mention.start:
                    other, other_n = _arm_lookup(ctx, bn.group("arm"))
                    for tp in my_tps or [None]:
                        rows.append(_row(_base_row(me, other, other_n, tp, prov, "no change")))
    return _merge_baselines(rows), safety


def _arm_split(t: Text, a: int, b: int, ms: list[MeanSD], pcts: list[Percentage], ctx: Context,
               clause_start: int) -> list[tuple[str, dict]]:
    """Values of two or more arms in one stretch ("46.5% in the MSC group versus 18.6% in the
    placebo group"): each value goes to the arm named right after it (within 40 characters),
    else to the arm named last before it. Returns [] unless two or more arms get values."""
    if len(ms) + len(pcts) < 2:
        return []
    refs = [(m.start(), m.end(), m.group("arm") or m.group("arm2")) for m in ARM_REF_RE.finditer(t.text, a, b)] \
        if _ARM_WORDS.search(t.text, a, b) else []
    if len(refs) < 2:
        return _arm_order(t, a, b, ms, pcts, ctx, clause_start)
    values: list[tuple[int, int, object]] = [(x.start, x.end, x) for x in ms] + [(x.start, x.end, x) for x in pcts]
    values.sort(key=lambda v: v[0])
    by_arm: dict[str, list[object]] = {}
    for i, (vs, ve, obj) in enumerate(values):
        next_value = values[i + 1][0] if i + 1 < len(values) else b
        after = [r for r in refs if ve <= r[0] <= ve + 40 and r[0] < next_value]
        before = [r for r in refs if r[1] <= vs]
        ref = after[0] if after else (before[-1] if before else None)
        if ref is None:
            continue
        by_arm.setdefault(ref[2], []).append(obj)
    if len(by_arm) < 2:
        # "lower in the MSC group than in the control group (3.21 ± 0.85 vs. 4.12 ± 0.91)": after
        # every arm is named, one value per arm joined by "vs." goes to the arms in the order named
        labels = list(dict.fromkeys(r[2] for r in refs))
        if not (len(labels) == len(values) and all(v[0] >= refs[-1][1] for v in values)
                and ORDER_CUE.search(t.text, values[0][1], values[-1][0])):
            return []
        by_arm = {label: [obj] for label, (_, _, obj) in zip(labels, values)}
    out: list[tuple[str, dict]] = []
    for label, objs in by_arm.items():
        d = _values_dict([o for o in objs if isinstance(o, MeanSD)], [o for o in objs if isinstance(o, Percentage)],
                         t, a, clause_start)
        arm_label = label if re.search(r"\b(?:group|arm|cohort)\b", label, re.I) or label.lower() in (
            "placebo", "control", "controls", "sham") else f"{label} group"
        out.append((arm_label, d))
    return out


def _responder_values(p: Percentage) -> dict:
    """n_responders and percent_responders of a "12 (40%)", "40%" or "12/30" value (those it gives)."""
    d: dict = {}
    if p.n is not None:
        d["n_responders"] = int(p.n)
    if p.percent is not None:
        d["percent_responders"] = p.percent
    return d


def _values_dict(means: list[MeanSD], pcts: list[Percentage], t: Text, a: int, clause_start: int) -> dict:
    d: dict = {}
    _assign_means(d, means, t, a, clause_start)
    if pcts:
        d.update(_responder_values(pcts[0]))
    return d


def _measures_respectively(t: Text, sent: Sentence, measures: list[_Measure], pcts: list[Percentage],
                           info: dict[str, dict]) -> dict[str, dict]:
    """"ACR20, ACR50 and ACR70 responses were 60%, 35% and 10%, respectively": one value per measure."""
    if "respectively" not in sent.text.lower():
        return {}
    names = [m for m in measures if (info.get(m.name.replace(" remission", ""), {}).get("kind") in
                                     ("responder", "safety") or m.name.endswith("remission"))]
    if len(names) < 2:
        return {}
    after = _merge_adjacent([p for p in pcts if p.start > names[-1].mention.end], t.text)
    if len(after) != len(names):
        return {}
    out = {}
    for m, p in zip(names, after):
        out[m.name] = _responder_values(p)
    return out


def _merge_adjacent(pcts: list[Percentage], text: str) -> list[Percentage]:
    """"37.5% (12/32)" is one value written twice: keep one Percentage with both n and percent."""
    out: list[Percentage] = []
    for p in pcts:
        if out and 0 <= p.start - out[-1].end <= 3 and re.fullmatch(r"\s?\(\s?", text[out[-1].end:p.start]):
            q = out[-1]
            out[-1] = replace(q, n=q.n if q.n is not None else p.n,
                              percent=q.percent if q.percent is not None else p.percent,
                              denominator=q.denominator or p.denominator, end=max(q.end, p.end))
            continue
        out.append(p)
    return out


def _arm_order(t: Text, a: int, b: int, ms: list[MeanSD], pcts: list[Percentage], ctx: Context,
               clause_start: int) -> list[tuple[str, dict]]:
    """"37.5% versus 16.1%", "24 (75.0%) and 15 (48.4%) patients, respectively": with no arm named
    in the sentence, values in the order the study's arms were listed (2 to 4 arms, as many values)."""
    if len(ctx.arms) < 2 or len(ctx.arms) > 4 or not ORDER_CUE.search(t.text, a, b):
        return []
    pcts = _merge_adjacent(pcts, t.text)
    sent = t.sentence_at(a)
    if "respectively" not in t.text[a:sent.end].lower() and not ORDER_CUE.search(t.text, a, b):
        return []
    k = len(ctx.arms)
    for values in (ms, pcts):
        if len(values) == k and not (ms and pcts and len(ms) != len(pcts) and values is pcts and len(ms) == k):
            out = []
            for arm, v in zip(ctx.arms, values):
                d = _values_dict([v] if isinstance(v, MeanSD) else [], [v] if isinstance(v, Percentage) else [],
                                 t, a, clause_start)
                out.append((arm.name, d))
            return out
    return []


def _pair_with_timepoints(tps: list[Timepoint | None], ms: list[MeanSD], pcts: list[Percentage], t: Text,
                          a: int, clause_start: int) -> list[dict]:
    """"59.3% at 3 months and 53.5% at 6 months": as many values as timepoints, paired in order."""
    if len(tps) < 2:
        return []
    pcts = _merge_adjacent(pcts, t.text)
    for values in (pcts, ms):
        if len(values) == len(tps):
            return [_values_dict([v] if isinstance(v, MeanSD) else [], [v] if isinstance(v, Percentage) else [],
                                 t, a, clause_start) for v in values]
    return []


def _row(d: dict) -> OutcomeRow:
    if d.get("n_responders") is not None:
        d["n_responders"] = int(d["n_responders"])
    d.setdefault("measure_canonical", d["measure"])  # the rules read only vocabulary measures
    return OutcomeRow(**d)


def _responders(row: dict, t: Text, sent: Sentence, a: int, b: int, pct_all: list[Percentage],
                arm_n: int | None, ctx: Context, zero: re.Match[str] | None,
                fractions: list[re.Match[str]], counts_after: bool = False) -> None:
    """`zero` and `fractions` are the sentence's ZERO_RE and FRACTION_RE matches; `counts_after`
    (responder and safety measures) also reads a fraction after the measure."""
    if zero and sent.start + zero.start() < a:
        row["n_responders"], row["percent_responders"] = 0, 0.0
        return
    frac = None
    for m in fractions:
        if sent.start + m.start() < a:
            frac = m
    if frac is None and counts_after:  # "ACR20 was achieved by 5 of 9 patients"
        frac = next((m for m in fractions if a <= sent.start + m.start() < b), None)
    if frac:
        x, y = parse_number(frac.group("x")), parse_number(frac.group("y"))
        if x is not None and y and x <= y:
            denom = (arm_n or ctx.default_n or y) if frac.group("the") else y
            row["n_responders"] = int(x)
            row["percent_responders"] = round(100 * x / denom, 2)
            return
    npm = N_PERSONS_PCT_RE.search(t.text, a, b) if pct_all else None
    if npm:
        row["n_responders"] = int(parse_number(npm.group("n")) or 0)
        row["percent_responders"] = float(npm.group("p"))
        return
    mine = [p for p in pct_all if a <= p.start < b]
    if mine:
        row.update(_responder_values(mine[0]))


def _respectively(t: Text, sent: Sentence, measures: list[_Measure], pcts: list[Percentage],
                  tps: list[Timepoint], ctx: Context, prov: Provenance) -> dict[str, list[OutcomeRow]]:
    """"ACR20 responses for cohorts A, B, C and placebo were 45%, 20%, 33% and 29%, respectively,
    at month 1, and 25%, 15%, 17% and 0%" -> one row per arm and timepoint."""
    if "respectively" not in sent.text.lower() or not pcts:
        return {}
    lm = RESPECTIVELY_LIST_RE.search(sent.text)
    if not lm:
        return {}
    items = [x for x in re.split(r"\s?,\s?(?:and\s+|or\s+)?|\s+(?:and|or)\s+", lm.group("list")) if x]
    items = [re.sub(r"^the\s+", "", x, flags=re.I) for x in items]
    k = len(items)
    pcts = [p for p in pcts if p.start > sent.start + lm.end() and p.percent is not None]
    if k < 2 or len(pcts) < k:
        return {}
    unit = re.search(r"(cohort|group|arm|cluster)", lm.group(0), re.I)
    unit_word = unit.group(1).lower() if unit else "group"
    arms = []
    for it in items:
        label = it if CONTROL_NAME.search(it) or len(it) > 2 else f"{unit_word} {it}"
        arms.append(_arm_lookup(ctx, label))
    first_measure = [m for m in measures if m.mention.start < sent.start + lm.start()] or measures[:1]
    out: dict[str, list[OutcomeRow]] = {}
    for g in range(len(pcts) // k):
        grp = pcts[g * k:(g + 1) * k]
        nxt = pcts[(g + 1) * k].start if (g + 1) * k < len(pcts) else sent.end
        tp = next((x for x in tps if grp[-1].end <= x.start < nxt), None)
        for me in first_measure:
            for (arm, n), p in zip(arms, grp):
                d = _base_row(me, arm, n, tp, prov, None)
                d.update(_responder_values(p))
                out.setdefault(me.name, []).append(_row(d))
    return out


CONTROL_NAME = re.compile(r"placebo|control|sham|saline", re.I)


def _from_group(t: Text, sent: Sentence, measures: list[_Measure], ctx: Context, prov: Provenance,
                info: dict[str, dict], tps: list[Timepoint]) -> dict[str, list[OutcomeRow]]:
    """"Seventeen patients from the group A (85%), 15 from the group B (75%) ... experienced AE",
    "18 of 30 patients (60.0%) in the UC-MSC group and 9 of 30 (30.0%) in the MTX alone group achieved ACR20"."""
    if sent.text.count("%") < 2:
        return {}  # every match has its own "(85%)": no scan without two of them
    items = sorted([*FROM_GROUP_RE.finditer(sent.text), *FRACTION_GROUP_RE.finditer(sent.text)],
                   key=lambda m: m.start())
    if len(items) < 2:
        return {}
    out: dict[str, list[OutcomeRow]] = {}
    for me in measures:
        if me.mention.start < sent.start + items[0].start() and len(measures) > 1:
            continue
        kind = info.get(me.name, {}).get("kind")
        tp = tps[0] if len(tps) == 1 else None  # "At week 24, 18 of 30 patients ..."
        if kind == "safety" and ctx.followup_weeks is not None:
            tp = Timepoint(ctx.followup_weeks, 0, 0, "end of follow-up")
        for m in items:
            group_id = m.groupdict().get("id")
            label = f"group {group_id}" if group_id else f"{m.group('name')} group"
            arm, n = _arm_lookup(ctx, label)
            d = _base_row(me, arm, n, tp, prov, None)
            d["n_responders"] = int(parse_number(m.group("n")) or 0)
            d["percent_responders"] = float(m.group("p"))
            out.setdefault(me.name, []).append(_row(d))
    return out


def _merge_baselines(rows: list[OutcomeRow]) -> list[OutcomeRow]:
    """A baseline-only row ("baseline DAS28 was 4.53") lends its baseline to the measure's other
    rows that lack one, and is dropped when there are such rows."""
    out: list[OutcomeRow] = []
    baselines = [r for r in rows if r.baseline_mean is not None and r.timepoint_weeks is None
                 and all(getattr(r, k) is None for k in OutcomeRow.NUMBERS if not k.startswith("baseline"))
                 and r.direction is None]
    for r in rows:
        if r in baselines:
            continue
        b = next((x for x in baselines if x.measure == r.measure), None)
        if b is not None and r.baseline_mean is None:
            r = replace(r, baseline_mean=b.baseline_mean, baseline_sd=b.baseline_sd,
                        note=f"baseline from: {b.provenance.text[:80]}")
        out.append(r)
    used = {r.measure for r in out}
    out.extend(b for b in baselines if b.measure not in used)
    return out

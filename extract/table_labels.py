"""What a table label says: a statistic, a timepoint, a P value, a difference, an n, or a name.

`read_label(text)` reads one header, stub, section or corner label ("Group S (n=47)",
"Change at week 24 (95% CI)", "BI ≥ 95; n/N (%)", "P vs PBO + MET", "Intervention—control",
"Time point of PAS score") into a `Label`: the statistics it declares, its timepoint, whether it
names a change from baseline or a percent change, a P value or a between-arm difference, an n
("n = 53") or the n itself ("N", "Number of patients"), a pooled column ("All patients"), a
dimension word ("Variable", "Time", "Group"), and the `name` left once all of these are taken
out (an arm's or a measure's name). `declared_statistics(text)` reads the statistics a caption
or footnote declares ("Data are means ± SD", "Values are mean (SD) or n (%)").

Rules are data: the regular expressions below, grouped by what they recognise.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from extract.measures import clean_measure_name
from extract.quantities import find_timepoints, weeks_from
from extract.table_cells import normalise_space, number_text

__all__ = ["NAMED_POINTS", "WITHIN_ARM", "Label", "TimeRef", "declared_statistics", "looks_like_arm",
           "looks_like_measure", "read_label", "time_in_text", "vocabulary_measure"]


# --------------------------------------------------------------------------------------------
# Statistics a label or a footnote declares, most specific first. Each is (name, pattern).

_MEAN = r"(?:(?:ls|adjusted|geometric|arithmetic|estimated)\s+)?(?:means?|average|(?-i:M)(?=\s*(?:\(|±)))"
_SD = r"(?:sd|s\.d\.?|standard\s+deviations?)"
_SE = r"(?:sem?|s\.e\.?(?:m\.?)?|standard\s+errors?(?:\s+of\s+(?:the\s+)?mean)?)"
_CI = r"(?:\d{2}\s*%\s*)?(?:ci|c\.i\.|confidence\s+intervals?|credible\s+intervals?)"
_IQR = (r"(?:iqr|inter-?\s?quartile\s+ranges?|q1\s*[-–,;]\s*q3|(?:25th|first)\s*(?:[-–,;]|to|and)\s*(?:75th|third)"
        r"(?:\s+(?:percentiles?|centiles?|quartiles?))?|quartiles?)")
_RANGE = r"(?:range|min(?:imum)?\s*[-–,;/]\s*max(?:imum)?)"
_NPCT = (r"(?:n|no\.?|number|count|frequency|patients|participants|cases)\s*(?:/\s*(?:n|total))?\s*"
         r"[(\[,]\s*%\s*[)\]]?|(?:n|no\.?)\s*\(\s*percent(?:age)?\s*\)|n\s*,\s*%")
_OPEN = r"[(\[,;]?\s*"
_CLOSE = r"\s*[)\]]?"

_STAT_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.I)) for name, pattern in (
        ("mean_ci", rf"\b{_MEAN}\s*(?:scores?\s*)?(?:change\s*)?{_OPEN}\(?\s*{_CI}{_CLOSE}"),
        ("mean_sd", rf"\b{_MEAN}\s*(?:scores?\s*)?(?:change\s*)?(?:±|\+/-|\(\s*±\s*|{_OPEN})\s*{_SD}\b{_CLOSE}"),
        ("mean_sd", rf"\b{_MEAN}\s*(?:±|\+/-)\s*{_SD}"),
        ("mean_se", rf"\b{_MEAN}\s*(?:scores?\s*)?(?:change\s*)?(?:±|\+/-|\(\s*±\s*|{_OPEN})\s*{_SE}\b{_CLOSE}"),
        ("median_iqr", rf"\bmedians?\s*(?:change\s*)?{_OPEN}\(?\s*{_IQR}"),
        ("median_range", rf"\bmedians?\s*(?:change\s*)?{_OPEN}\(?\s*{_RANGE}\b"),
        ("median_ci", rf"\bmedians?\s*(?:change\s*)?{_OPEN}\(?\s*{_CI}"),
        ("pct_n", r"%\s*[(\[]\s*n(?:\s*/\s*n)?\s*[)\]]|\bpercent(?:age)?\s*[(\[]\s*n(?:\s*/\s*n)?\s*[)\]]"),
        ("n_pct", rf"(?<![\w/]){_NPCT}"),
        ("n_pct", r"\bnumbers?\s+(?:and|\(|\[)\s*(?:percentages?|%)"),
        ("n_pct", r"\bcounts?\s+\(\s*%\s*\)|\bn\s*/\s*n\s*\(\s*%\s*\)"),
        ("ci", rf"\b{_CI}\b|\(\s*{_CI}\s*\)"),
        ("sd", rf"(?:±\s*|\b){_SD}\b|\(\s*{_SD}\s*\)"),
        ("se", rf"(?:±\s*|\b){_SE}\b"),
        ("iqr", rf"\b{_IQR}\b"),
        ("range", rf"\b{_RANGE}\b"),
        ("median", r"\bmedians?\b"),
        ("mean", rf"\b{_MEAN}\b"),
        ("pct", r"\(\s*%\s*\)|^\s*%|\bpercent(?:age)?s?\b|%\s*$|\bproportions?\b"),
        ("n", r"^\s*(?:n|no\.?|number)\s*$|\(\s*n\s*\)\s*$|,\s*n\s*$"),
    )
)
# A label that is only a statistic: "SD", "Mean ± SD", "n (%)", "Median (IQR)", "95% CI", "Mean".
_CHANGE_ONLY = re.compile(r"^(?:%|percent(?:age)?)\s*changes?$|^(?:(?:mean|adjusted|estimated|ls|least[-\s]squares)\s+)*"
                          r"(?:changes?|deltas?|Δ)(?:\s+(?:from|since|vs\.?|versus)\s+baseline)?(?:\s+estimates?)?$|(?-i:^[a-h]$)", re.I)
_STAT_WORDS = re.compile(
    rf"^(?:{_MEAN}|medians?|{_SD}|{_SE}|{_CI}|{_IQR}|{_RANGE}|n|no\.?|%|number|values?|data|estimate|"
    rf"percent(?:age)?|proportion|frequency|count|and|or|of|±|\+/-|[(),;:/\[\]\s-])+$", re.I)


# --------------------------------------------------------------------------------------------
# Timepoints.

# "pre-" glued to a word names a time only before a treatment, a test or an event ("Pre-RT", "pre-transplant");
# before anything else it names a thing ("Pre-eclampsia", "pre-filter replacement flow", "Pre-albumin")
_BASELINE = re.compile(
    r"\bbaseline\b|\bpre-?\s?(?:treatment|intervention|operative(?:ly)?|op|test|trial|randomi[sz]ation|study|dose|"
    r"infusion|surgery|exercise|training|program(?:me)?|therapy|supplementation|vaccination|operation|procedure|season|"
    r"chemo(?:therapy)?|radio(?:therapy)?|radiation|transplant(?:ation)?|(?:ha?emo)?dialysis|injection|delivery|"
    r"discharge|admission|intubation|an(?:a)?esthesia|block|bypass|induction|ablation|stimulation|session|"
    r"immuni[sz]ation|challenge|bleaching)\b|\bpre\b(?!-(?!post|follow)(?-i:[a-z])|\s?-?\s?eclampsia)|"
    r"\bbefore(?:\s+(?:the\s+)?(?:treatment|intervention|surgery|therapy|training|randomi[sz]ation|study))?\b|\bat\s+(?:study\s+)?entry\b|\bentry\b|"
    r"^\s*(?:at\s+)?screening(?:\s+visit)?\s*$|\b(?:week|day|month|visit)\s*0\b|\binitial\b|\bT0\b|(?:^\s*|\bat\s+(?:the\s+)?)start\s*$|\b(?:study|treatment|trial|therapy)\s+start\b|\bstart\s+of\s+(?:the\s+)?(?:study|treatment|"
    r"therapy|intervention|supplementation)\b|\benrol(?:l)?ment\b|\brandomi[sz]ation\b"
    # the time of an admission ("On ICU admission"), not an admission to a unit counted as an event ("Admission
    # to NICU", "Antenatal hospital admission", "ICU admission, n (%)", "attendance leading to admission")
    r"|\b(?:at|on|upon)\s+(?:the\s+)?(?:(?:icu|nicu|hospital)\s+)?admission\b"
    r"|(?<!\bto\s)(?<!icu\s)(?<!nicu\s)(?<!scbu\s)(?<!hospital\s)\badmission\b(?!\s+to\s+(?!randomi))", re.I)
# named points a caption may define ("at end point (12 weeks) and midpoint (6 weeks)")
NAMED_POINTS = _NAMED_POINTS = tuple(
    (key, re.compile(pattern, re.I)) for key, pattern in (
        ("midpoint", r"\bmid-?\s?(?:point|treatment|study|term|intervention|trial)\b|\binterim\b"),
        ("during", r"^\s*during(?:\s+(?:the\s+)?(?:treatment|intervention|therapy|session|procedure|infusion|"
                   r"surgery|exercise|bleaching|application))?\s*$"),
        ("end", r"\bend\s?-?\s?points?\b|\bend\s+of\s+(?:the\s+)?(?:study|treatment|trial|intervention|therapy|"
                r"follow-?\s?up|supplementation|program(?:me)?|training|period)\b|\bfinal(?:\s+(?:visit|assessment|"
                r"evaluation|measurement))?\b|\blast\s+(?:visit|observation|assessment)\b|\bpost-?\s?(?:treatment|"
                r"intervention|test|trial|exercise|training|program(?:me)?|therapy|supplementation|vaccination|operation|procedure)\b|\bpost\b(?![-–])|"
                r"\bafter\s+(?:the\s+)?(?:treatment|intervention|therapy|training|supplementation|program(?:me)?)\b|"
                r"^\s*(?:(?:immediately|directly|just)\s+)?after\b(?!\s+\d)|^\s*post-?\s?\w+\s*$|(?<!loss\sto\s)(?<!lost\sto\s)\bfollow-?\s?up\b|\bcompletion\b|^\s*end\s*$|^\s*post\s*[-–]\s*$|\bend\b(?=\s*\()"),
    )
)
# whole-label abbreviations: "D1", "POD 3", "W12", "M6", "Y1"
_SHORT_POINT = re.compile(
    r"^(?:(?P<d>POD|PO\s?D|D|Day)|(?P<w>W|Wk|Week)|(?P<m>M|Mo|Month)|(?P<y>Y|Yr|Year))\s?-?\s?(?P<v>\d{1,3})$"
    r"|^(?P<v2>\d{1,3})\s?(?:(?P<d2>d)|(?P<w2>w|wk)|(?P<m2>m|mo)|(?P<y2>y|yr)|(?P<h2>h))$", re.I)
# a whole label that is an ordinal period, after visit codes or not: "2nd month", "T0-T1 (1st month)"
_ORDINALS = {w: i for i, w in enumerate("first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
                                        "twelfth".split(), 1)}
_ORDINAL_POINT = re.compile(
    r"^\s*(?:T\d{1,2}\s*(?:[-–—]|to)\s*T\d{1,2}\s*)?\(?\s*(?P<v>\d{1,2}(?:st|nd|rd|th)|" + "|".join(_ORDINALS) +
    r")\s+(?P<u>day|week|month|year)\s*\)?\s*$", re.I)
# a heading that gives the unit of bare-number timepoints: "Time, months" over "0 | 6", "Week" over rows "0", "4", "12"
_UNIT_HEADING = re.compile(r"^\s*(?:(?:time|visits?|follow-?\s?up|period|time\s*points?)(?:\s+[a-z-]+){0,3}\s*"
                           r"[,(:]?\s*)?\(?\s*(?P<u>hours?|hrs?|h|days?|weeks?|wks?|months?|mos?|years?|yrs?)\s*\)?\s*$", re.I)
_UNIT_NAMES = {"h": "hour", "hr": "hour", "hour": "hour", "day": "day", "week": "week", "wk": "week", "month": "month",
               "mo": "month", "year": "year", "yr": "year"}
_BARE_NUMBER = re.compile(r"^\s*(?P<v>\d{1,3}(?:\.\d+)?)\s*$")


def heading_unit(text: str) -> str | None:
    """The time unit a heading gives its bare-number timepoints ("Time, months" -> "month"), or None."""
    m = _UNIT_HEADING.match(text or "")
    if not m:
        return None
    u = m.group("u").lower().rstrip("s") or "h"
    return _UNIT_NAMES.get(u)


def numbered_time(label: "Label", unit: str | None) -> "Label":
    """A bare number under a heading that gives its unit ("6" under "Time, months") is a timepoint."""
    if unit is None:
        return label
    m = _BARE_NUMBER.match(label.text)
    if not m:
        return label
    value = float(m.group("v"))
    return replace(label, name="", time=TimeRef(label.text, weeks_from(value, unit), baseline=value == 0,
                                                 span=(0, len(label.text))))


# a visit written as a code ("T1", "T2", "V3"): a timepoint the caption or a footnote dates ("T2 = 3-month follow-up")
VISIT_CODE = re.compile(r"^\s*(?:(?P<k>T|V)\s?|(?P<w>(?i:time\s*points?|timepoints?|visit))\s+)(?P<v>[1-9])\s*$")


def visit_key(kind: str | None, word: str | None, number: str) -> str:
    """The key of a visit code: "t2" for "T2" and "Time point 2", "v3" for "V3" and "Visit 3"."""
    letter = kind.lower() if kind else "v" if word and word.lower().startswith("visit") else "t"
    return f"{letter}{number}"


def gloss_time(text: str) -> TimeRef | None:
    """The time a gloss of a visit code gives ("T2 = 3-month follow-up", "time point 1: before start of
    intervention"), or None; "before" some other step ("before tracheal cannulation") is no baseline."""
    t = time_in_text(text)
    if t is None or t.weeks is None:
        return None
    if t.baseline and re.match(r"(?i)\s*(?:before|pre)\s*$", text[t.span[0]:t.span[1]] if t.span else "") \
            and not _BASELINE.search(text[t.span[1]:]):
        return None
    return t


def header_label(label: "Label", below_a_name: bool = False) -> "Label":
    """A column header "M" is the mean (beside "SD"); in a row label "M" is as likely male. A bare
    count of 10 or more under a named header ("Mannitol" over "627") is that column's n."""
    if label.text.strip() == "M":
        return replace(label, name="", stats=frozenset({"mean"}))
    if below_a_name and re.fullmatch(r"\s*\d{2,6}\s*", label.text) and label.n is None:
        return replace(label, name="", n=int(label.text))
    return visit_label(label)


def visit_label(label: "Label") -> "Label":
    """A column header that is a visit code ("T1", "T2", "V3") names a timepoint, dated by the caption
    or a footnote ("T2 = 3-month follow-up"); in a row label the same code may be a tumour stage."""
    code = VISIT_CODE.match(label.text)
    if code is None:
        return label
    return replace(label, name="", time=TimeRef(label.text, None, point=visit_key(code.group("k"), code.group("w"),
                                                                                   code.group("v")),
                                                 span=(0, len(label.text))), dimension=None)
_POD = re.compile(r"\b(?:POD|post-?\s?operative\s+day)\s?(?P<v>\d{1,3})\b", re.I)
# words that may sit around a timepoint in a label without making it a name
_TIME_FILLER = re.compile(
    r"\b(?:at|upon|after|to|from|in|on|by|of|the|until|through|over|within|during|since|up|week|weeks|wk|month|months|"
    r"day|days|year|years|visit|follow-?\s?up|post|time|timepoint|point|change|mean|score|scores|values?|and|vs\.?|"
    r"versus|months?'|period|assessment|measurement|end|start|baseline|contrast|primary|"
    r"outcome|secondary|primary outcome)\b|[(),;:/\-–—+%]|\s", re.I)
# a recall period or a duration, not a timepoint of the trial: "last 12 weeks", "24-h urine"
_NOT_A_POINT_BEFORE = re.compile(r"\b(?:last|past|previous|prior|preceding|per|every|each|for|aged?|duration)\s*$", re.I)
_COMPOUND_HOURS = re.compile(r"^\d+(?:\.\d+)?\s?-\s?(?:h|hr|hour|d|day)s?$", re.I)
_FROM_BASELINE = re.compile(r"\b(?:from|since|vs\.?|versus|over|relative\s+to)\s+baseline\b", re.I)
# (a bracketed "(0–10)" after a name is its scale's range, not a period from 0)
_CHANGE_RANGE = re.compile(r"\b(?:from\s+)?baseline\s*(?:to|[-–—])\s*\w|(?<![(\[])\b0\s*[-–—]\s*\d+(?!\d|\s*[)\]])|"
                           r"\bfrom\s+\S+\s+to\b", re.I)


@dataclass(frozen=True)
class TimeRef:
    """A timepoint a label names: in weeks where it says so, or a named point to resolve.

    `weeks` is None for a named point ("End point", "Post-treatment", "Midpoint") whose weeks the
    caption or the study give; `point` is its key ("end", "midpoint"); `baseline` is True for
    baseline, pre-treatment and preoperative values; `text` is the label as written.
    """

    text: str
    weeks: float | None
    baseline: bool = False
    point: str | None = None
    span: tuple[int, int] | None = None  # where in the label (for taking it out of a name)
    is_range: bool = False  # "0–3 months", "weeks 0-12": the weeks are the range's end


def _numeric_time(text: str) -> TimeRef | None:
    ordinal = _ORDINAL_POINT.match(text)
    if ordinal:
        v = ordinal.group("v").lower()
        count = _ORDINALS.get(v) or int(re.match(r"\d+", v).group(0))
        return TimeRef(text, weeks_from(float(count), ordinal.group("u").lower()), span=(0, len(text)))
    short = _SHORT_POINT.match(text.strip())
    if short:
        g = short.groupdict()
        unit = next(u for k, u in (("d", "day"), ("w", "week"), ("m", "month"), ("y", "year"), ("d2", "day"),
                                   ("w2", "week"), ("m2", "month"), ("y2", "year"), ("h2", "hour")) if g.get(k)) \
            if any(g.get(k) for k in ("d", "w", "m", "y", "d2", "w2", "m2", "y2", "h2")) else "year"
        weeks = weeks_from(float(g["v"] or g["v2"]), unit)
        return TimeRef(text, weeks, span=(0, len(text)), baseline=weeks == 0)
    pod = _POD.search(text)
    if pod:
        return TimeRef(text, weeks_from(float(pod.group("v")), "day"), span=pod.span())
    best = None
    for tp in find_timepoints(text):
        if tp.kind == "baseline":
            continue
        piece = text[tp.start:tp.end]
        if _COMPOUND_HOURS.match(piece) and re.match(r"\s+[A-Za-z]", text[tp.end:]) \
                and not _TIME_QUALIFIER.match(text[tp.end:]):
            continue  # "24-h urine", "7-day recall": part of a measure's name ("14-day follow-up" is a time)
        if _NOT_A_POINT_BEFORE.search(text[:tp.start]):
            continue
        if re.match(r"\s*(?:-|–)?\s*(?:old|of\s+age)\b|\s*(?:or\s+(?:more|less|longer|shorter|older|younger|above|"
                    r"below|over|under)|and\s+(?:over|above|older|more|less|under)|\+)", text[tp.end:], re.I) \
                or re.search(r"[<>≤≥]\s*$|\b(?:than|over|under|above|below|up\s+to)\s*$", text[:tp.start], re.I):
            continue  # a category ("5 years or less", "> 65 years"), not a timepoint
        best = TimeRef(text, tp.weeks, span=(tp.start, tp.end), is_range=tp.kind == "range",
                       baseline=tp.weeks == 0 and tp.kind != "range")  # "Week 0", "Day 0": the baseline
    if best is None:
        best = _minutes_point(text)
    return best


# minutes into a procedure or after a dose: "5 minutes after anesthesia", "Pain (5 minutes)", "at 30 min", "15 min"
_MINUTES = re.compile(r"(?:^\s*|\(\s*|\bat\s+)(?P<v>\d{1,3}(?:\.\d)?)\s*(?P<u>min|mins|minutes?)\b"
                      r"(?:\s*\)|\s+(?:after|post|following|from|into)\b|\s*$)", re.I)


def _minutes_point(text: str) -> TimeRef | None:
    """A time in minutes (in weeks to 4 decimals, so never the baseline's 0), or None for minutes
    that name a measure ("Apgar score at 5 min", "6 minute" walk) or a category ("<30 min")."""
    m = _MINUTES.search(text)
    if m is None or re.search(r"apgar", text, re.I) or (m.group("u").lower() == "minute" and m.group("v") != "1"
                                                        and not text[m.end("u"):].strip(" )")):
        return None
    if re.search(r"[<>≤≥]\s*$", text[:m.start("v")]):
        return None
    return TimeRef(text, round(float(m.group("v")) / (7 * 24 * 60), 4), span=(m.start("v"), m.end("u")))


_ANY_TIME = re.compile(
    r"\d|baseline|pre|before|entry|screening|initial|start|enrol|admission|randomi|mid|interim|end|final|last|post|"
    r"after|follow|completion|during", re.I)


def time_in_text(text: str) -> TimeRef | None:
    """The timepoint a label names, or None: numbers first ("Change at week 24"), then named
    points ("End of study", "Midpoint"), then baseline words. "Baseline" as the start of a change
    ("Change from baseline", "baseline to 12 weeks") is not a baseline value: such a label names
    the change's end point, unresolved ("end") when no number gives it."""
    if not _ANY_TIME.search(text) and not _ORDINAL_POINT.match(text):
        return None
    clean = number_text(text)
    change_start = bool(_CHANGE_RANGE.search(clean) or _FROM_BASELINE.search(clean))
    numeric = _numeric_time(clean) if any(ch.isdigit() for ch in clean) or _ORDINAL_POINT.match(clean) else None
    if numeric is not None:
        return numeric
    named = next(((key, m) for key, pattern in _NAMED_POINTS if (m := pattern.search(clean))), None)
    base = None if change_start else _BASELINE.search(clean)
    if base is not None and (named is None or base.start() < named[1].start()):
        return TimeRef(text, 0.0, baseline=True, span=base.span())
    if named is not None:
        return TimeRef(text, None, point=named[0], span=named[1].span())
    if change_start:
        return TimeRef(text, None, point="end")
    return None


# --------------------------------------------------------------------------------------------
# Roles.

_P_LABEL = re.compile(
    r"^\s*p\s*(?:$|[-–]?\s*values?\b|[\s(:,*]|(?<=p)[a-d]\b)|\bp[\s-]*values?\b|^\s*(?:statistical\s+)?significance\b|"
    r"^\s*sig\.?\s*$|\bp\s*(?:for|of)\s+(?:interaction|trend|difference)", re.I)
_EFFECTS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.I)) for kind, pattern in (
        ("SMD", r"\bsmd\b|\bstandardi[sz]ed\s+(?:mean\s+)?difference|\beffect\s+sizes?\b|\bcohen['’]?s\s+d\b|"
                r"\bhedges['’]?\s+g\b|(?<![\w.])es(?![\w.])|(?<![\w.])e\.\s?s\.?(?![\w.])"),
        ("OR", r"(?<![\w.])a?ors?\b(?!\s+\w+\s+(?:and|or)\b)(?=\s*(?:$|[(\[,;:=]|\d|95|\s+\(|\s+for\b|\s+vs))|\bodds\s+ratios?\b"),
        ("RR", r"(?<![\w.])rrs?\b|\b(?:relative\s+risk|risk\s+ratio)s?\b"),
        ("HR", r"(?<![\w.])a?hrs?\b(?=\s*(?:$|[(\[,;:=]|95|\s+\())|\bhazard\s+ratios?\b"),
        ("IRR", r"\birr\b|\b(?:incidence\s+)?rate\s+ratios?\b"),
        ("RD", r"\brisk\s+differences?\b|(?<![\w.])(?:arr|ard|rd)\b|\babsolute\s+risk\s+(?:reduction|difference)"),
        ("coefficient", r"\bcoefficients?\b|β|\bbeta\b"),
        ("MD", r"\bmean\s+differences?\b|(?<![\w.])md\b|\bdifferences?\b|\b(?:mean|groups?)\s+diff\b\.?|\b(?:treatment|intervention|group)\s+effects?\b"
               r"|\beffect\s+estimates?\b|\bbetween[-\s]+groups?\b|\bnet\s+(?:change|difference|effect)\b"
               r"|\b(?:vs\.?|versus)\s|\bcomparison\b(?!\s+(?:groups?|arms?|conditions?|cohorts?|clusters?|schools?|"
               r"sites?|mean|median|n\b))"),
    )
)
_ANY_EFFECT = re.compile(r"smd|standardi|effect|cohen|hedges|\bes\b|\be\.\s?s\b|\ba?ors?\b|odds|\brrs?\b|risk|\ba?hrs?\b|hazard|irr|"
                         r"rate|\bard?\b|\brd\b|coefficient|β|beta|\bmd\b|diff|between|net|\bvs\b|versus|"
                         r"comparison|—|−|–|-", re.I)
# a difference within one arm over time, not between arms
WITHIN_ARM = _WITHIN = re.compile(
    r"\bdifferences?\s+(?:from|since|to|vs\.?|versus)\s+baseline\b|\bwithin[-\s]+(?:groups?|arms?|patients?)(?!\s+correlat)|"
    r"\bbaseline\s*(?:[-–—]|to)\s*\w+\s+(?:contrast|difference)", re.I)
_ARM_WORD = r"(?:control|placebo|usual\s+care|sham|standard\s+care|intervention|treatment|experimental|pbo|tau)"
_DASH_CONTRAST = re.compile(r"^\s*[\w+ ]+?\s*[—–−-]\s*[\w+ ]+?\s*$")
_DASH_HAS_ARM = re.compile(rf"\b{_ARM_WORD}\b", re.I)
_CHANGE_CUE = re.compile(r"chang|Δ|delta|baseline|contrast", re.I)
_CHANGE = re.compile(
    r"\bchanges?\b|\bchanged\b|Δ|\bdelta\b|\bfrom\s+baseline\b|\bsince\s+baseline\b|\bbaseline\s*(?:to|[-–—])\s*\w|"
    r"\b(?:improvement|reduction|decrease|increase|decline|gain|loss)\s+(?:from|since|vs\.?|versus|over)\s+baseline\b|"
    r"\bcontrast\b", re.I)
_PERCENT_CHANGE = re.compile(
    r"%\s*(?:change|reduction|decrease|increase|improvement)|\bpercent(?:age)?\s+(?:change|reduction|decrease|increase|"
    r"improvement)|\bchanges?\s*[(\[,]\s*%\s*[)\]]?|\brelative\s+change|%\s*Δ|Δ\s*%", re.I)
_N_PART = re.compile(r"[(\[,;]?\s*\b[nN]\s*=\s*(\d[\d,]*)\s*[)\]]?|[(\[]\s*(\d[\d,]*)\s*(?:patients|participants|"
                     r"subjects)\s*[)\]]|[(\[]\s*[nN]\s*[:]?\s+(\d[\d,]*)\s*[)\]]")  # "(n = 20)", "(20 patients)", "(n 12)"
_N_LABEL = re.compile(
    r"^\s*(?:n|no\.?|number|total\s+n|sample\s+size|(?:no\.?|number)\s+of\s+(?:patients|participants|subjects|children|"
    r"cases|women|men|individuals|persons|eyes|infants)(?:\s+(?:randomi[sz]ed|analy[sz]ed|included|evaluated|treated|"
    r"enrolled))?|(?:patients|participants|subjects)\s*,?\s*\(?\s*n\s*\)?|n\s*(?:analy[sz]ed|randomi[sz]ed|evaluated|"
    r"included))\s*$", re.I)
_TEST_LABEL = re.compile(
    r"^\s*(?:F|t|z|U|H|W|Q|r|R2|R²|ρ|rho|τ|tau|κ|kappa|χ2|χ²|x2|chi-?\s?squared?|chi2|ms|ss|df|d\.f\.|wald|"
    r"(?:test\s+)?statistics?|[Ftz]\s*-?\s*(?:values?|ratio|statistic|test)|mann[-–\s]+whitney|wilcoxon|"
    r"corr(?:\.|elations?)?(?:\s+(?:coefficients?|with)\b.*)?|(?:pearson|spearman)(?:'s)?(?:\s+.*)?|icc|"
    r"f\s*\(\s*\d+\s*,\s*\d+\s*\)|t\s*\(\s*\d+\s*\)|χ2\s*\(\s*\d+\s*\)|[Ftzχ]2?\s*\(\s*df\s*\)|"
    # an analysis-of-variance effect's statistic: "Between subjects F", "Condition by time F"
    r"(?:(?:between|within)[-\s]+(?:subjects?|groups?)|\w+\s+(?:by|[x×])\s+(?:time|group|condition|treatment))"
    r"\s+(?:F|F[-\s]?values?|χ2|χ²|t))\s*$", re.I)
_TOTAL = re.compile(
    r"^\s*(?:total|overall|all|all\s+(?:patients|participants|subjects|children|women|cases|groups)|whole\s+(?:group|"
    r"sample|cohort|population)|entire\s+(?:sample|cohort|group|population)|combined|both\s+(?:groups|arms)|pooled|"
    r"total\s+(?:sample|group|population|cohort))\s*$", re.I)
# words naming a table's dimension (in a corner cell or over a stub column)
_DIMENSIONS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (dim, re.compile(pattern, re.I)) for dim, pattern in (
        ("time", r"^\s*(?:time\s*[,(]\s*(?:hours?|days?|weeks?|months?|years?)\s*\)?|time(?:\s*points?)?|timing|timepoints?|(?:study\s+)?visits?(?:\s+windows?)?|weeks?|months?|days?|periods?|"
                 r"assessment|time\s+of\s+(?:assessment|measurement)|follow-?\s?up)\s*$"),
        ("arm", r"^\s*(?:groups?|arms?|treatments?|treatment\s+(?:groups?|arms?)|study\s+(?:groups?|arms?)|"
                r"(?:treatment|study)\s+conditions?|interventions?|cohorts?|randomi[sz]ation\s+groups?|allocation|"
                r"condition|conditions|"
                r"(?:treatment\s+)?group\s+comparisons?|comparisons?)\s*$"),
        ("measure", r"^\s*(?:variables?|parameters?|characteristics?|(?:primary|secondary)?\s*outcomes?(?:\s+measures?)?|"
                    r"measures?|items?|indicators?|indices|index|factors?|end\s?points?|scales?|sub-?scales?|domains?|"
                    r"dimensions?|tests?|assessments?|(?:patient|baseline|clinical|demographic)s?'?\s+characteristics?|"
                    r"features?|symptoms?|findings?|results?|parameter|outcome\s+variables?)\s*$"),
    )
)
# dimensions named together over the columns: "Group and visit number", "Arm/visit" (not "Group × time", an
# interaction term)
_DIMENSION_JOIN = re.compile(r"\s+and\s+|\s*[/&]\s*", re.I)


def _dimension_of(text: str) -> str | None:
    """The dimension a heading names ("Group", "Visit", "Variable"), or the first of the dimensions
    it names together ("Group and visit number": the arms, with the visits under them); else None."""
    for dim, pattern in _DIMENSIONS:
        if pattern.match(text):
            return dim
    parts = _DIMENSION_JOIN.split(text)
    if len(parts) < 2:
        return None
    dims = [next((dim for dim, pattern in _DIMENSIONS if pattern.match(_VISIT_NUMBER.sub("", part))), None)
            for part in parts]
    return dims[0] if all(dims) and dims[0] == "arm" else None


_VISIT_NUMBER = re.compile(r"\s+numbers?\s*$", re.I)  # "visit number": the visit
_TIME_POINT_OF = re.compile(r"^\s*(?:time\s*points?|timepoints?|time|visits?)\s+(?:of|for)\s+(?P<m>.+)$", re.I)


@dataclass(frozen=True)
class Label:
    """What one label says (see the module docstring). `name` is "" when nothing is left."""

    text: str
    name: str
    stats: frozenset[str] = frozenset()
    time: TimeRef | None = None
    change: bool = False
    percent_change: bool = False
    is_p: bool = False
    effect: str | None = None  # the kind of a between-arm difference: MD, SMD, OR, RR, HR, ...
    is_n: bool = False  # the label is the n itself ("N", "Number of patients")
    is_total: bool = False  # a pooled column ("All patients", "Total")
    is_test: bool = False  # a test statistic or a correlation ("F", "t", "χ2", "r"), not a value
    dimension: str | None = None  # "time", "arm" or "measure": a word naming the rows or columns
    n: int | None = None  # "(n = 53)"
    of_measure: str | None = None  # "Time point of PAS score" -> "PAS score"
    dash_contrast: bool = False  # a difference only by its dash ("Drug–Placebo"): it may be one arm's name

    @property
    def is_empty(self) -> bool:
        return not self.text

    @property
    def is_stat_only(self) -> bool:
        """The label names a statistic and nothing else ("SD", "Mean ± SD", "n (%)")."""
        return bool(self.stats) and not self.name and self.time is None and not self.is_p and not self.effect

    @property
    def is_time_only(self) -> bool:
        return self.time is not None and not self.name and not self.is_p and not self.effect


_ANY_STAT = re.compile(
    r"mean|median|average|\bm\b|sd\b|s\.d|\bse|standard|ci\b|c\.i|confidence|credible|iqr|quartile|centile|range|"
    r"min|%|percent|proportion|\bn\b|no\.|number|count|frequenc|patients|participants|cases|±|\+/-|q1", re.I)


def _stats_of(text: str) -> frozenset[str]:
    if not _ANY_STAT.search(text):
        return frozenset()
    found: set[str] = set()
    for name, pattern in _STAT_RULES:
        if pattern.search(text):
            found.add(name)
    if found & {"mean_sd", "mean_se", "mean_ci"}:
        found -= {"sd", "se", "ci", "mean"}
    if found & {"median_iqr", "median_range", "median_ci"}:
        found -= {"iqr", "range", "median", "ci"}
    if "n_pct" in found or "pct_n" in found:
        found -= {"pct", "n"}
    if "mean" in found and "sd" in found:
        found = (found - {"mean", "sd"}) | {"mean_sd"}
    if "median" in found and "iqr" in found:
        found = (found - {"median", "iqr"}) | {"median_iqr"}
    return frozenset(found)


def declared_statistics(text: str) -> frozenset[str]:
    """The statistics a caption or footnote declares ("Data are means ± SD" -> {"mean_sd"})."""
    clean = normalise_space(text)
    found = set(_stats_of(clean))
    # "mean ± standard deviation", "median ± standard deviation": the dispersion makes the centre
    if re.search(rf"±\s*{_SD}|\({_SD}\)", clean, re.I) and not found & {"mean_se", "median_iqr", "median_range"}:
        found.add("mean_sd")
    if re.search(rf"±\s*{_SE}", clean, re.I):
        found.add("mean_se")
    return frozenset(found - {"mean", "median", "n", "sd", "se", "iqr", "range"} if len(found) > 1 else found)


def _strip(text: str, span: tuple[int, int]) -> str:
    return text[: span[0]] + " " + text[span[1]:]


_STAT_STRIP = re.compile(
    rf"[,;:]?\s*[(\[]?\s*(?:{_MEAN}|medians?)\s*(?:scores?\s*)?(?:change\s*)?(?:±|\+/-)?\s*[(\[]?\s*(?:{_SD}|{_SE}|{_CI}|{_IQR}|"
    rf"{_RANGE})\s*[)\]]?\s*[)\]]?|[,;:]?\s*[(\[]\s*(?:{_SD}|{_SE}|{_CI}|{_IQR}|{_RANGE}|%)\s*[)\]]|"
    rf"[,;:]\s*(?:{_NPCT})\s*[)\]]?|\s*%\s*[(\[]\s*n(?:\s*/\s*n)?\s*[)\]]|[,;:]?\s*\bn\s*/\s*n\s*\(\s*%\s*\)|[,;:]?\s*\(?\bn\s*\(\s*%\s*\)\)?|"
    rf"[,;:]\s*(?:{_MEAN}|medians?|n|no\.?|%)\s*$|±\s*{_SD}|^\s*(?:{_MEAN}|medians?)\s*$|\s*\(\s*n\s*\)\s*$|"
    rf"\s*[(\[]\s*(?:n|no\.?|number)\s*[(\[]\s*%\s*[)\]]\s*[)\]]",  # "(n [%])", "[no (%)]"
    re.I)
_LEAD_CHANGE = re.compile(r"^\s*(?:(?:mean|adjusted|ls|median)\s+)?(?:changes?|Δ)\s+(?:from\s+baseline\s+)?(?:in|of)\s+",
                          re.I)
_TRIM = " ,;:.-–—/"
_TEXT_MARKERS = " *†‡§¶#"  # footnote markers written as text after a label ("n *")


def _name_of(text: str, time: TimeRef | None) -> str:
    name = text
    if time is not None and time.span is not None:
        start, end = time.span
        before, piece, after = name[:start], name[start:end], name[end:]
        # take the timepoint out, with "at"/"after"/"week" words around it
        before = re.sub(r"\b(?:at|after|to|by|in|on|from|until|over|during|of|week|baseline)\s*$", "", before, flags=re.I)
        rest = before + " " + after
        name = rest if piece else name
    name = _LEAD_CHANGE.sub("", name)
    name = clean_measure_name(normalise_space(name))
    name = re.sub(r"\(\s*\)|\[\s*\]", " ", name)
    name = re.sub(r"\s*[(\[]\s*n\s*[)\]]", " ", name, flags=re.I)  # "Male (n [%])" less its "[%]": "(n )"
    name = normalise_space(name).strip(_TRIM + "+±")
    if name.count("(") == name.count(")") + 1 and name.rfind("(") > name.rfind(")"):
        name += ")"  # "Time to shock (s; mean ± SD)" less its statistic: "Time to shock (s)"
    for opener, closer in ("()", "[]"):
        if name.endswith(closer) and name.count(closer) == name.count(opener) + 1:
            name = name[:-1].rstrip(_TRIM)  # "Hepatomegaly ( n ) )" less its "( n )"
    if re.fullmatch(r"[(\[][^()\[\]]*[)\]]", name):
        return ""  # "Weeks 1–12 (double-blind portion)": a qualifier of the timepoint
    if time is not None and _TIME_FILLER.sub("", name) == "" or _STAT_WORDS.match(name or " ") \
            or _CHANGE_ONLY.match(name):
        return ""  # a statistic or "% change" alone names nothing: the label only says what the numbers are
    return name


@lru_cache(maxsize=8192)
def read_label(text: str) -> Label:
    """Read one table label (header, stub, section or corner text, footnote markers removed)."""
    text = normalise_space(text or "")
    if not text:
        return Label("", "")
    clean = number_text(text)
    n = None
    bare = clean
    if "=" in clean or "patients" in clean or "participants" in clean or "subjects" in clean or "(n" in clean \
            or "(N" in clean:
        n_match = _N_PART.search(clean)
        if n_match:
            digits = (n_match.group(1) or n_match.group(2) or n_match.group(3) or "").replace(",", "")
            n = int(digits) if digits.isdigit() else None
            bare = normalise_space(_N_PART.sub(" ", clean))
    lower = bare.lower()
    stat_cue = _ANY_STAT.search(bare) is not None
    stats = _stats_of(bare) if stat_cue else frozenset()
    is_p = ("p" in lower or "sig" in lower) and bool(_P_LABEL.search(bare))
    effect = None
    dash = False
    if _ANY_EFFECT.search(bare) and not _WITHIN.search(bare):
        for kind, pattern in _EFFECTS:
            m = pattern.search(bare)
            if m:
                if m.group(0).isupper() and len(m.group(0)) <= 4 and (_UNIT_PARENS.search(bare)
                                                                      or _RATE_UNIT_AFTER.match(bare, m.end())):
                    continue  # "HR (beats/min)", "RR (breaths/min)", "HR, bpm": heart rate, respiratory rate
                if m.group(0) in ("hr", "hrs"):
                    continue  # "Duration, hrs", "mL/hr", "24 hr": hours, not a hazard ratio
                effect = kind
                break
        if effect is None and _DASH_CONTRAST.match(bare) and _DASH_HAS_ARM.search(bare) \
                and re.search(r"\w\s?[—−–]\s?\w|\s-\s", bare):
            effect, dash = "MD", True
    if is_p and effect == "MD" and re.search(r"\b(?:vs\.?|versus|between)\b", bare, re.I) \
            and not re.search(r"differences?|\bmd\b|effects?\b", bare, re.I):
        effect = None  # "P vs PBO + MET", "P between groups": a P value, not a difference
    core = normalise_space(_STAT_STRIP.sub(" ", bare)) if stat_cue else bare
    time = time_in_text(core)
    dimension = None
    of_measure = None
    short = len(bare) <= 60
    if short:
        dimension = _dimension_of(bare)
        if dimension is None and stat_cue and _dimension_of(core) in ("arm", "measure"):
            # "Treatment group, mean (SD)", "Variable, n (%)"; a time word beside a statistic dates its column
            # ("Follow-up (95% CI)")
            dimension = _dimension_of(core)

        m = _TIME_POINT_OF.match(bare) if "of" in lower or "for" in lower else None
        if m:
            dimension, of_measure, time = "time", clean_measure_name(m.group("m")).strip(_TRIM), None
    if dimension == "time":
        time = None
    change = _CHANGE_CUE.search(bare) is not None and bool(_CHANGE.search(bare)) \
        and not (effect and not _WITHIN.search(bare) and "change" not in lower)
    name = "" if dimension in ("time", "measure") or of_measure else _name_of(core, time)
    if time is not None and time.span is not None and not time.baseline and name and time.span[0] == 0 \
            and _TIME_QUALIFIER.match(core[time.span[1]:]):
        name = ""  # "15 weeks post-randomisation (in the postnatal period)": all of it says when
    if time is not None and name and _TOTAL.match(name):
        name = ""  # "Total 0-12 months": the whole period, no measure
    if time is not None and time.point is None and not time.baseline and name and not _time_stands_alone(core, time):
        # a number inside a name ("6-month mortality" keeps it; "HbA1c at week 24" does not)
        time = None
        name = _name_of(core, None)
    return Label(
        text=text, name=name, stats=stats, time=time, change=change,
        percent_change=("%" in bare or "percent" in lower or "relative" in lower or "Δ" in bare)
        and bool(_PERCENT_CHANGE.search(bare)), is_p=is_p and not effect, effect=effect,
        is_n=short and bool(_N_LABEL.match(bare.rstrip(_TEXT_MARKERS))),
        # a header that gives its n ("Tau (N = 35)") or "TAU" (treatment as usual) names a group, not a statistic
        is_test=short and n is None and core.strip() != "TAU" and bool(_TEST_LABEL.match(core or bare)),
        is_total=short and bool(_TOTAL.match(core.strip(_TRIM + " ") or bare)),
        dimension=dimension, n=n, of_measure=of_measure, dash_contrast=dash and effect == "MD",
    )


_TIME_QUALIFIER = re.compile(r"\s*[-–]?\s*(?:post(?!-?\s?prandial)|after|following|follow-?\s?up|from|since|of\s+(?:follow|treatment|"
                             r"therapy|the\s+study)|into|later|(?:visits?|assessments?|evaluations?|examinations?|"
                             r"outcomes?|results?)\s*$)", re.I)


def _time_stands_alone(text: str, time: TimeRef) -> bool:
    """A timepoint inside a longer label counts when words put it there ("HbA1c at week 24",
    "HDRS (at 32 weeks)", "Change at week 24") or when the label is mostly the timepoint."""
    assert time.span is not None
    before = text[: time.span[0]]
    piece = text[time.span[0]: time.span[1]]
    if re.search(r"(?:\b(?:at|after|to|by|until|through|over|in|on|during|within)|[(\[,;:]|[-–—])\s*(?:the\s+)?"
                 r"(?:first\s+|last\s+)?$", before, re.I):
        return True
    if time.is_range or re.match(r"(?i)(?:week|wk|month|day|year|visit)s?\b", piece) or _POD.search(piece):
        return True
    return False


# --------------------------------------------------------------------------------------------
# Arms and measures.

_ARM_LIKE = re.compile(
    r"\b(?:groups?|arms?|placebo|controls?|sham|vehicle|usual\s+care|standard\s+(?:of\s+)?care|treatment\s+as\s+usual|"
    r"tau|wait-?\s?list(?:ed)?|no\s+treatment|intervention|cohort|experimental|active|pbo|"
    r"therapy|treatment|treated|infusion|injection|supplementation|supplemented|regimen|diet|drug|app|program(?:me)?|"
    r"training|exercise|surgery|vaccine|vaccinated|dose|low-?dose|high-?dose|combination|alone|only|plus|"
    r"monotherapy|standard|conventional|routine|care)\b|\b\d+(?:\.\d+)?\s*(?:mg|µg|μg|mcg|g|iu|ml|mg/kg|µg/kg|mg/day|"
    r"mg/d)\b|\s\+\s|\bgroup\s+[a-z0-9ivx]+\b|^\s*(?:[a-z]|[ivx]+|\d)\s*$", re.I)
# a rate's unit after the abbreviation and a comma: "HR, bpm", "RR, breaths/min"
_RATE_UNIT_AFTER = re.compile(r"\s*,\s*(?:bpm|beats|breaths|/\s*min|min\s*-1|min⁻¹)\b", re.I)
_UNIT_PARENS = re.compile(
    r"\(\s*[^()]*\b(?:kg|cm|mm|m|mg|µg|g|l|ml|dl|mmol|µmol|umol|nmol|pmol|iu|u|bpm|beats|breaths|mmhg|min|s|sec|h|"
    r"hours?|days?|years?|points?|score|reps|cells|copies|log|units?)\b[^()]*\)|/\s*min\b", re.I)
_MEASURE_LIKE = re.compile(
    r"\(\s*(?:[^()]*\b(?:kg|cm|mm|m|mg|µg|g|l|ml|dl|mmol|µmol|umol|nmol|pmol|iu|u|bpm|beats|mmhg|min|s|sec|h|hours?|"
    r"days?|years?|points?|score|reps|n|cells|copies|log|units?)\b[^()]*|%)\s*\)|\b(?:scores?|scales?|index|indices|"
    r"levels?|counts?|rates?|ratios?|concentrations?|pressure|time|duration|volume|weight|height|bmi|pain|quality|"
    r"function(?:ing)?|questionnaire|test|distance|circumference|strength|events?|incidence|mortality|deaths?|"
    r"responses?|remission|serum|plasma|blood|urinary|glucose|hba1c|cholesterol|length|size|area|thickness|density|"
    r"total|subscale|domain|status|symptoms?|frequency|number|intensity|severity|satisfaction|swelling|opening|"
    r"mobility|anxiety|depression|fatigue|sleep|activity|capacity|consumption|use|visits?|admissions?|"
    r"hospitali[sz]ations?)\b|/(?:l|dl|ml|min|kg|day|h)\b", re.I)


def looks_like_arm(name: str, known: tuple[str, ...] = ()) -> bool:
    """True when a name reads as a study arm ("Group S", "Placebo + metformin", "DAPA 5 mg", a
    name of an arm the abstract gives) rather than a measure."""
    if not name:
        return False
    low = name.lower()
    for arm in known:
        a = arm.lower()
        if len(a) >= 3 and (a in low or low in a):
            return True
    return bool(_ARM_LIKE.search(name)) and not looks_like_measure(name)


@lru_cache(maxsize=8192)
def looks_like_measure(name: str) -> bool:
    """True when a name reads as a measure: a unit in brackets, a measure word, or a name of the
    canonical vocabulary (DAS28, HAQ, ...)."""
    if not name:
        return False
    if _MEASURE_LIKE.search(name):
        return True
    return vocabulary_measure(name) is not None


@lru_cache(maxsize=1)
def _vocabulary_words() -> frozenset[str]:
    from extract.lexer import load_rules
    words = set()
    for m in load_rules("measures")["measures"]:
        for phrase in m["phrases"]:
            first = re.findall(r"[a-z0-9]+", phrase.lower())
            if first:
                words.add(first[0])
    return frozenset(words)


@lru_cache(maxsize=16384)
def vocabulary_measure(name: str) -> str | None:
    """The canonical vocabulary's name for a measure name (extract.measures.canonical_measure),
    asked only when a word of the name begins a vocabulary phrase (most table labels do not)."""
    if not name or not _vocabulary_words().intersection(re.findall(r"[a-z0-9]+", name.lower())):
        return None
    from extract.measures import canonical_measure
    return canonical_measure(name)

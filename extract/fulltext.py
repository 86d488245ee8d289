"""Open-access full texts (JATS): outcome rows from the results sections and results tables.

- Sections whose path contains "result" are read like the abstract (extract.outcomes), with
  provenance "section:<path>" and offsets into that section's text.
- Every value cell of every table becomes one row (extract.table_model reads the table's layout,
  extract.table_rows reads each cell through it): measure (open vocabulary, with its canonical
  name where it has one), arm, timepoint, kind and numbers from that cell alone; a between-arm
  difference cell becomes a row with effect_size/effect_kind, its CI and the row's P value.
  Provenance: "table:<label> r<row> c<col>" (more columns when a row cites more cells: "c3 c4")
  with the verbatim cell text (cells joined by " | ").

A malformed or hostile XML (entities, DTD) never stops the extraction: the body is skipped and
the abstract is still extracted (extract.jats parses with entity resolution and network off).
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterator

from extract.document import analyse
from extract.evidence import OutcomeRow, Provenance
from extract.jats import Article, parse_jats
from extract.measures import clean_measure_name
from extract.outcomes import Context, outcome_rows
from extract.passages import split_sentences
from extract.quantities import find_timepoints
from extract.schedule import earlier_study_sentences, study_timepoints
from extract.table_cells import normalise_space
from extract.table_labels import time_in_text, vocabulary_measure
from extract.table_model import table_layout
from extract.table_rows import STUDY_FOLLOW_UP, TableReading, read_table
from extract.tables import header_parts

__all__ = ["assessment_time", "fulltext_rows", "parse_article", "perioperative", "single_session", "treatment_weeks",
           "visit_codes"]


def parse_article(xml: str) -> tuple[Article | None, str | None]:
    """The parsed article, or None and a warning saying why the body was skipped."""
    try:
        return parse_jats(xml), None
    except Exception as exc:  # noqa: BLE001 - any malformed full text: skip the body, keep the abstract
        return None, f"full text skipped: it is not readable JATS XML ({type(exc).__name__}: {str(exc)[:160]})"


def _table_rows(article: Article, record_id: str, ctx: Context) -> list[OutcomeRow]:
    """One outcome row per value cell of every results table (extract.table_rows), each citing
    its table, row and column and the verbatim cell(s); arms whose names nest ("GFD" in
    "GFD+P") are named in full from the article (see `_fuller_arm_names`)."""
    known = tuple(a.name for a in ctx.arms)
    # a table whose header is repeated inside the body is read block by block (extract.tables.header_parts)
    parts = [part for table in article.tables for part in header_parts(table)]
    layouts = [table_layout(table, known) for table, _ in parts]
    # named timepoints one caption defines ("midpoint (6 weeks)") hold in the article's other tables
    named: dict[str, float] = {}
    for layout in layouts:
        for key, weeks in layout.named_times:
            named.setdefault(key, weeks)
    if any(col.time is not None and col.time.point and col.time.point not in named
           for layout in layouts for col in layout.columns):
        for key, weeks in visit_codes(article):  # "after 3 weeks (T2)": the methods date a visit code
            named.setdefault(key, weeks)
    followup, followup_text = ctx.followup_weeks, STUDY_FOLLOW_UP
    if followup is None:  # the abstract gives no follow-up: the assessment time the methods state, if any
        stated = assessment_time(article)
        if stated is not None:
            followup = stated[0]
            followup_text = f"the study's assessment time the methods state ({stated[1]}); the table gives no timepoint"
        elif perioperative(article):
            followup = 0.0
            followup_text = ("the day of the procedure (a perioperative trial whose abstract and methods time "
                             "nothing later); the table gives no timepoint")
        elif single_session(article):
            followup = 0.0
            followup_text = ("the study's session (its abstract and methods time nothing a week or more); "
                             "the table gives no timepoint")
    treatment = treatment_weeks(article)
    per_table = [(layout, read_table(layout, ctx.default_arm, followup, tuple(named.items()), followup_text, treatment))
                 for layout in layouts]
    renames = _fuller_arm_names(per_table)
    out: list[OutcomeRow] = []
    for (layout, readings), (_, source_rows) in zip(per_table, parts):
        names = renames.get(layout.table.label, {})
        for reading in readings:
            out.append(_outcome_row(reading, record_id, names, source_rows))
    return out


def _outcome_row(reading: TableReading, record_id: str, renames: dict[str, str],
                 source_rows: tuple[int, ...] | None = None) -> OutcomeRow:
    def grid_row(r: int) -> int:  # the row of the whole table (a part of a table cut by header_parts)
        return source_rows[r] if source_rows is not None else r
    where = " ".join(f"c{c}" if r == reading.row else f"r{grid_row(r)} c{c}" for r, c, _ in reading.cells)
    location = f"table:{reading.table} r{grid_row(reading.row)} {where}"
    text = " | ".join(t for _, _, t in reading.cells)
    arm = reading.arm
    if arm in renames:
        arm = renames[arm]
    elif arm and reading.role == "difference":
        for short, full in renames.items():
            arm = re.sub(rf"(?<![\w+]){re.escape(short)}(?![\w+])", full, arm)
    measure = clean_measure_name(reading.measure) or reading.measure
    numbers = dict(reading.numbers)
    return OutcomeRow(
        measure=measure, measure_text=reading.measure_text, arm=arm, n=reading.n,
        timepoint_weeks=reading.weeks, timepoint=reading.timepoint,
        provenance=Provenance(record_id, location, text),
        measure_canonical=vocabulary_measure(measure) or vocabulary_measure(reading.measure_text),
        kind=reading.kind, statistic=reading.statistic, p_value=reading.p_value,
        effect_kind=reading.effect_kind, note=reading.note, flags=reading.flags, **numbers,
    )


_N_PART = re.compile(r"\s*[(\[]?\s*\b[nN]\s*=\s*\d+\s*[)\]]?")


def _fuller_arm_names(per_table) -> dict[str, dict[str, str]]:
    """Per table, arm names to write in full: an arm whose name sits inside another arm's name
    of the same table ("GFD" in "GFD+P", "Group I" in "Group II"), or is a bare label ("Group 1"),
    takes the fuller name the article gives it: another table's header that starts with it
    ("GFD only group (n=14)"), or the caption's or a footnote's gloss ("group I (Dexamethasone-
    diclofecac K)", "Group 1= Medical therapy")."""
    headers = []
    for layout, _ in per_table:
        for col in layout.columns:
            if col.role == "value" and col.arm_text:
                headers.append((layout.table.label, normalise_space(col.arm_text.split(" / ")[-1])))
    out: dict[str, dict[str, str]] = {}
    for layout, readings in per_table:
        arms = sorted({r.arm for r in readings if r.role == "arm" and r.arm})
        glosses = [layout.table.caption, *layout.table.footnotes]
        names: dict[str, str] = {}
        for arm in arms:
            low = arm.lower()
            siblings = [b for b in arms if b != arm and low in b.lower()]
            bare = bool(re.fullmatch(r"(?i)(?:group|arm|cohort)\s+[A-Z0-9IVX]{1,3}|[A-Z0-9]{1,2}", arm))
            if not siblings and not bare:
                continue
            if siblings:  # another table's header first: a gloss of "GFD" names "GFD+P"'s part too
                full = _other_header(arm, siblings, headers, layout.table.label) or _gloss(arm, glosses, "(")
            else:
                full = _gloss(arm, glosses, "(=:")
            if full and full.lower() != low:
                names[arm] = full
        if names:  # (the parts of a cut table share its label)
            out.setdefault(layout.table.label, {}).update(names)
    return out


def _gloss(arm: str, texts: list[str], forms: str) -> str | None:
    name = re.escape(arm)
    # a footnote starts with its marker glued to the word it explains: "aAF: Agoraphobia Free app"
    texts = [t[1:] if len(t) > 2 and t[0].islower() and t[1].isupper() else t for t in texts]
    for text in texts:
        m = re.search(rf"(?i)(?<![\w+]){name}\s*(\((?!\s*n\s*=)[^()]{{3,60}}\))", text)
        if m:
            return f"{arm} {m.group(1)}"
        if forms == "(":
            continue
        m = re.search(rf"(?i)(?<![\w+]){name}\s*[=:]\s*([^.;,()]{{3,60}})", text)
        if m:
            return f"{arm} ({m.group(1).strip()})"
    return None


def _other_header(arm: str, siblings: list[str], headers: list[tuple[str, str]], label: str) -> str | None:
    low = arm.lower()
    for where, header in headers:
        h = header.lower()
        if where == label or not h.startswith(low) or h == low:
            continue
        nxt = h[len(low):len(low) + 1]
        if nxt.isalnum() or nxt in "+-/":
            continue
        if any(h.startswith(s.lower()) for s in siblings):
            continue
        return _N_PART.sub("", header).strip() or None
    return None


_METHODS_SECTION = re.compile(r"(?i)method|design|outcome|assessment|measure|follow|procedure|protocol|data\s+collection"
                              r"|end\s*-?\s*point")
_NOT_METHODS = re.compile(r"(?i)result|discussion|background|introduction|conclusion|limitation|summary")
# a sentence that says when the outcomes were assessed ("The primary outcome was ... at 4 months",
# "Data were collected at baseline and at 4 months", "Follow-up visits at 6 and 12 months")
_ASSESSMENT_CUE = re.compile(
    r"(?i)\b(?:primary|main|secondary)\s+(?:outcome|end\s*-?\s*point|efficacy)"
    r"|\b(?:assess|measur|evaluat|collect|record|administer|examin)(?:ed|ment|ments|ion|ions)\b"
    r"|\bfollow[- ]?up\s+(?:visit|assessment|evaluation|examination|measurement|questionnaire)s?\b")
# the time is a point the assessment happens at ("at 6 and 12 months", "after 8 weeks"), not a
# duration ("for 12 weeks"), an interval ("every 4 weeks") or an eligibility rule ("at least 6 months")
_AT_POINT = re.compile(r"(?i)\b(?:at|after)\s+(?!least\b|most\b|(?:the\s+)?age\b|a\s+(?:dose|rate)\b)"
                       r"(?:(?!\b(?:for|during|over|within|every|each|per|lasting|than|of|up\s+to)\b)[^.;:])*$")
# (a pregnancy's own clock, "36 weeks' gestation", "6 weeks postnatal", is no time of the trial)
_NOT_ASSESSMENT_AFTER = re.compile(r"(?i)^\s*(?:of\s+(?:age|life|gestation)|old\b|prior\b|before\b|earlier\b|ago\b"
                                   r"|['’]?\s*(?:of\s+)?gestation\w*|(?:post-?\s?natal|post-?\s?partum|post[\s-]+delivery"
                                   r"|after\s+(?:the\s+)?(?:birth|delivery))\b"
                                   r"|intervals?\b|apart\b|cycles?\b"
                                   r"|of\s+(?:treatment|therapy|intervention)\s+(?:or|and)\b)")
# the rest of a list a number is an item of ("20" in "at 20, 28, 36 weeks' gestation"): what follows the list
_LIST_TAIL = re.compile(r"^(?:\s*(?:,|and|or|&)\s*\d+(?:\.\d+)?)+\s*(?:-|–)?\s*(?:weeks?|wks?|months?|days?|years?)\b")
# sentences about something else than the outcomes' assessment: fasting, eligibility, censoring, run-in
_NOT_ASSESSMENT = re.compile(r"(?i)\b(?:fast(?:ing)?|censor\w*|eligib\w*|inclusion|exclusion|wash-?\s*out|run-?\s*in"
                             r"|history|previous(?:ly)?|prior\s+to\s+(?:enrol|inclusion|screening|randomi))\b")
_MAX_METHODS_CHARS = 200_000


def _methods_texts(article: Article) -> Iterator[str]:
    """The texts of the article's methods sections, in order, up to _MAX_METHODS_CHARS in all."""
    seen = 0
    for sec in article.sections:
        if not _METHODS_SECTION.search(sec.path) or _NOT_METHODS.search(sec.path):
            continue
        seen += len(sec.text)
        if seen > _MAX_METHODS_CHARS:
            return
        yield sec.text


def assessment_time(article: Article) -> tuple[float, str] | None:
    """The study's last assessment time as its methods state it (weeks, the time as written), for
    tables that name no timepoint: a point ("at 4 months", "after 8 weeks") in a methods sentence
    that says the outcomes were assessed, measured or collected then, or names the primary
    outcome or the follow-up visits. Durations, intervals and ranges are not read; None when no
    methods sentence states one."""
    best: tuple[float, str] | None = None
    for text in _methods_texts(article):
        for a, b in split_sentences(text):
            sentence = text[a:b]
            if not _ASSESSMENT_CUE.search(sentence) or _NOT_ASSESSMENT.search(sentence):
                continue
            for tp in find_timepoints(sentence):
                if tp.kind != "point" or not tp.weeks or tp.weeks < 1 or not _AT_POINT.search(sentence[max(0, tp.start - 60):tp.start]) \
                        or _NOT_ASSESSMENT_AFTER.match(_LIST_TAIL.sub("", sentence[tp.end:tp.end + 60], count=1)[:30]):
                    continue
                if best is None or tp.weeks > best[0]:
                    # (a bare number from a list, "weeks 4, 8 and 20", is named by its weeks)
                    best = (tp.weeks, f"{tp.weeks:g} weeks" if re.fullmatch(r"[\d.]+", tp.text) else tp.text)
    return best or _short_assessment_time(article)


# a single session or dose timed in minutes, hours or days after it ("performed exactly 10 minutes
# after inhalation", "assessed 24 hours after surgery"); not a fast ("after a 10-hour fast")
_SHORT_POINT = re.compile(r"(?i)(?<![\w.-])(?P<n>\d+(?:\.\d+)?)\s*-?\s*(?P<unit>min(?:ute)?s?|h(?:ou)?rs?|h|hours?|days?)"
                          r"\s+(?:after|post|following)\b")
_SHORT_UNIT_WEEKS = {"m": 1 / 10080, "h": 1 / 168, "d": 1 / 7}
_SHORT_CUE = re.compile(r"(?i)\b(?:drawn|(?:perform|obtain|acquir|tak|test|rat|scor|record)(?:ed|en))\b")


def _short_assessment_time(article: Article) -> tuple[float, str] | None:
    """The latest time under a week at which a methods sentence says the outcomes were assessed,
    measured, performed or taken after the session or dose ("10 minutes after inhalation"), for
    studies whose methods state no longer assessment time; None when none is stated."""
    best: tuple[float, str] | None = None
    for text in _methods_texts(article):
        for a, b in split_sentences(text):
            sentence = text[a:b]
            if not (_ASSESSMENT_CUE.search(sentence) or _SHORT_CUE.search(sentence)) or _NOT_ASSESSMENT.search(sentence):
                continue
            for m in _SHORT_POINT.finditer(sentence):
                weeks = round(float(m.group("n")) * _SHORT_UNIT_WEEKS[m.group("unit")[0].lower()], 2)
                if weeks < 1 and (best is None or weeks > best[0]):
                    best = (weeks, m.group(0))
    return best


# a treatment's length: "for 6 weeks", "over a 4-week period", "a 5-week inpatient regimen", "12-week intervention"
_FOR_BEFORE = re.compile(r"(?i)\b(?:for|over|during|lasting)\s+(?:a\s+|an\s+|the\s+)?(?:total\s+of\s+)?$")
_LENGTH_NOUN = re.compile(r"(?i)^\s*-?\s*(?:long\s+)?(?:[\w-]+\s+){0,3}?(?:program(?:me)?|intervention|treatment|"
                          r"course|regimen|training|therapy|supplementation|period)s?\b")
_NOT_A_TREATMENT = re.compile(r"(?i)\bfollow(?:ed)?[- ]?up\b|\bfollowed\b|\brecruit\w*|\benrol\w*|\bwash-?\s*out\b"
                              r"|\brun-?\s*in\b|\bbetween\b|\bduration\s+of\s+(?:the\s+)?(?:disease|illness|symptoms)")


def treatment_weeks(article: Article) -> float | None:
    """The treatment's length the abstract states ("randomised to drug or placebo for 6 weeks", "over a
    4-week period", "a 5-week inpatient regimen"), in weeks (the longest such, at least a week), for the
    end of treatment ("Post-treatment", "Upon completion") of a study followed up longer; None when the
    abstract states none. A follow-up, recruitment, wash-out or run-in length is not the treatment's."""
    text = article.abstract
    best = None
    for tp in find_timepoints(text):
        if tp.kind != "point" or tp.weeks is None or tp.weeks < 1:
            continue
        before = text[max(0, tp.start - 40):tp.start]
        hyphenated = text[tp.end:tp.end + 1] == "-" or "-" in tp.text
        if not (_FOR_BEFORE.search(before) or hyphenated and _LENGTH_NOUN.match(text[tp.end:tp.end + 60])):
            continue
        if _NOT_A_TREATMENT.search(re.split(r"[.;:]\s", text[max(0, tp.start - 60):tp.start])[-1]):
            continue  # ("followed up for 6 months", "recruited over a 4-month period")
        best = tp.weeks if best is None else max(best, tp.weeks)
    return best


# an operation, an anaesthesia or an intubation named in the title ("... after total knee arthroplasty",
# "Laryngeal mask versus endotracheal intubation", "... at elective caesarean section")
_PROCEDURE = re.compile(r"(?i)\b(?:surger(?:y|ies)|surgical|operations?|(?:peri|intra|post)-?\s?operative(?:ly)?"
                        r"|an(?:a)?esthe(?:sia|tic|tized|tised)|intubat\w*|extubat\w*|ca?esarean|laparoscop\w*"
                        r"|endoscop\w*|bronchoscop\w*|tracheostom\w*|thoracotom\w*|catheteri[sz]ation|resections?"
                        r"|[a-z]{3,}ectom(?:y|ies)|[a-z]{3,}otom(?:y|ies)|[a-z]{3,}plast(?:y|ies))\b")


def perioperative(article: Article) -> bool:
    """True for a trial of an operation, an anaesthesia or an intubation (its title names one)
    whose abstract times nothing a week or more after it: its undated tables report the
    procedure's day (the operation, the hospital stay), a value under a week."""
    if not _PROCEDURE.search(article.title):
        return False
    if any(tp.weeks is not None and tp.weeks >= 1 for tp in find_timepoints(article.abstract)):
        return False
    for text in _methods_texts(article):  # "Patients were followed up for 6 months": a later follow-up
        for m in _FOLLOW_UP_WORD.finditer(text):
            window = text[m.start():m.start() + 120]
            if any(tp.weeks is not None and tp.weeks >= 1 for tp in find_timepoints(window)):
                return False
    return True


_FOLLOW_UP_WORD = re.compile(r"(?i)\bfollow(?:ed)?[- ]?up\b")
_MIN_METHODS_CHARS = 3000  # methods shorter than this say too little to tell a one-session study


def single_session(article: Article) -> bool:
    """True for a study whose abstract and methods (at least _MIN_METHODS_CHARS of them) name no
    time of a week or more (no duration, follow-up, age or period): an experiment or a procedure
    run in one session, whose undated tables report that session."""
    if _names_long_time(article.abstract):
        return False
    seen = 0
    for text in _methods_texts(article):
        if _names_long_time(text):
            return False
        seen += len(text)
    return seen >= _MIN_METHODS_CHARS


# any time of a week or more, also an interval or a range ("every 2-3 weeks", "two months"), but not an age
_LONG_TIME = re.compile(r"(?i)\b(?:\d+(?:[.,]\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
                        r"(?:\s*(?:-|–|to)\s*\d+(?:[.,]\d+)?)?\s*-?\s*(?:weeks?|wks?|months?|years?|yrs?)\b"
                        r"(?!\s*(?:-\s*)?(?:old|of\s+age))")
_AGE_BEFORE = re.compile(r"(?i)\b(?:aged?|ages|older|younger|over|under|between|above|below)\b[\s\d.,–-]*$")


def _names_long_time(text: str) -> bool:
    return any(not _AGE_BEFORE.search(text[max(0, m.start() - 30):m.start()]) for m in _LONG_TIME.finditer(text)) \
        or any(tp.weeks is not None and tp.weeks >= 1 for tp in find_timepoints(text))


# a visit code the methods date, in either order: "after 3 weeks (T2)", "T2 (3 weeks)"
_WHEN_CODE = re.compile(r"(?P<when>[^(),;.]{3,60}?)\s*\(\s*(?P<k>T|V)\s?(?P<v>[1-9])\s*\)")
_CODE_WHEN = re.compile(r"(?<![\w-])(?P<k>T|V)\s?(?P<v>[1-9])\s*\(\s*(?P<when>[^()]{3,60}?)\s*\)")


def visit_codes(article: Article) -> tuple[tuple[str, float], ...]:
    """Visit codes ("t2") the methods date, with their weeks: "after 3 weeks (T2)", "before the
    treatment (T1)", "T3 (6 weeks after the start)"; a code dated twice differently is dropped."""
    found: dict[str, set[float]] = {}
    for text in _methods_texts(article):
        for pattern in (_WHEN_CODE, _CODE_WHEN):
            for m in pattern.finditer(text):
                t = time_in_text(m.group("when"))
                if t is not None and t.weeks is not None:
                    found.setdefault(f"{m.group('k').lower()}{m.group('v')}", set()).add(t.weeks)
    return tuple((key, next(iter(weeks))) for key, weeks in found.items() if len(weeks) == 1)


def fulltext_rows(article: Article, record_id: str, ctx: Context
                  ) -> tuple[list[OutcomeRow], list[Provenance], list[str]]:
    """Rows from the results sections and tables, the safety statements, and warnings."""
    rows: list[OutcomeRow] = []
    safety: list[Provenance] = []
    for sec in article.sections:
        if "result" not in sec.path.lower():
            continue
        t = analyse(sec.text, f"section:{sec.path}")
        skip = earlier_study_sentences(t)
        sctx = replace(ctx, timepoints=tuple(study_timepoints(t, skip)), skip_sentences=skip)
        more, more_safety = outcome_rows(t, sctx)
        rows += more
        safety += more_safety
    warnings: list[str] = []
    try:
        rows += _table_rows(article, record_id, ctx)
    except Exception as exc:  # noqa: BLE001 - an unreadable table must not lose the rest of the record
        warnings.append(f"results tables skipped ({type(exc).__name__}: {str(exc)[:160]}); the text was extracted")
    return rows, safety, warnings

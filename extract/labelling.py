"""The label of a between-group result: did the intervention significantly increase, significantly
decrease, or not significantly change the outcome, relative to the comparator?

`label_features(text, terms, row)` turns one sentence or table row into the features the trained
label model reads: word 1-3-grams of the text with the arms and the outcome replaced by
placeholders (extract.comparison_cues.mark_arms), and rule features: the P values' verdicts, confidence
intervals that hold or exclude the null value, significance words, and direction words oriented by
the arm that is their subject ("INTV ... lower than COMP" is a decrease, "COMP ... lower than
INTV" an increase), the direction word nearest the outcome's own words as a feature of its own ("a
reduction in aggression and an enhancement in PA": PA's is the enhancement), and the values the
sentence pairs with each arm ("decreased by 3.3 in INTV": -3.3). For a table row, the arm columns (told by their header) and the P / effect
columns give the same rule features.

`rule_label(features)` is the label the rules alone give (used when no model is shipped, and as
the `label_basis` wording).
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import chain
from typing import NamedTuple, Sequence

from extract.comparison_cues import (VALENCE, ArmTerms, direction_cues, intervals, mark_arms, normalise, p_values,
                          significance_cues)
from extract.terms import stem

__all__ = ["LabelFeatures", "label_features", "rule_label"]

# Tokens after which an arm is the reference of a comparison, not its subject.
_REFERENCE_WORDS = frozenset({"than", "versus", "vs", "compared", "relative", "over", "against", "not", "comparison",
                              "opposed"})
_THAN = frozenset({"than", "versus", "vs", "compared", "opposed"})
_PAIRING = frozenset({"and", "or", "vs", "versus", "with"})
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_RESPECTIVELY = re.compile(r"\brespectively\b", re.I)


class LabelFeatures(NamedTuple):
    features: dict[str, float]
    basis: str  # the words the rule features rest on, for `Comparison.label_basis`
    p_value: str | None  # the first P value as written, normalised ("<0.05", "=0.31")


_WORD = re.compile(r"[^\W\d_]+")
_WHO = ("those", "patients", "participants", "subjects", "children", "women", "men", "people")
_WHO_CHARS = 20  # "among those receiving COMP": the arm is this much further from the word said of it
_IN_ARM = re.compile(r"\b(?:in|among|for|with)(?: the| both| all)?$|"
                     r"\b(?:%s) (?:receiving|given|taking)$" % "|".join(_WHO))


def text_before_arm(tokens: list[tuple[str, int]], offset: int) -> str:
    """The two tokens before the token at `offset`, joined."""
    i = next((k for k, (_, off) in enumerate(tokens) if off == offset), 0)
    return " ".join(t for t, _ in tokens[max(0, i - 2):i])


def _subject_signs(tokens: list[tuple[str, int]], dirs: list[tuple[int, int, int]]) -> list[int]:
    """For each direction word, +sign when the intervention is its subject, -sign when the
    comparator is, 0 when no arm is named in a way that tells."""
    arms: list[tuple[int, str, bool]] = []  # (offset, arm, is reference)
    for i, (tok, off) in enumerate(tokens):
        if tok in ("INTV", "COMP"):
            prev = [tokens[j][0] for j in range(max(0, i - 3), i)]
            ref = bool(_REFERENCE_WORDS.intersection(prev)) or (  # "different from COMP"
                "from" in prev and any(t.startswith("differ") for t, _ in tokens[max(0, i - 4):i]))
            arms.append((off, tok, ref))
    if not arms:  # (the pairs below only take arms away)
        return [0 for _ in dirs]
    # two arms listed as a pair ("of INTV and COMP", "INTV or COMP") are neither the subject
    pos = {off: i for i, (_, off) in enumerate(tokens)}
    paired = set()
    for k in range(len(arms) - 1):
        (a_off, a_arm, _), (b_off, b_arm, _) = arms[k], arms[k + 1]
        i, j = pos[a_off], pos[b_off]
        if a_arm != b_arm and j - i == 2 and tokens[i + 1][0] in _PAIRING:
            paired.update((k, k + 1))
    arms = [a for k, a in enumerate(arms) if k not in paired]
    if not arms:
        return [0 for _ in dirs]
    lead = tokens[0][0] if tokens else ""
    out = []
    for sign, start, _ in dirs:
        subject = None
        before = [a for a in arms if a[0] < start and not a[2]]
        # an arm after the direction word with "than" between is its reference ("more often than
        # did those in COMP")
        after = [(off, arm, ref or any(start < o < off and t in _THAN for t, o in tokens))
                 for off, arm, ref in arms if off > start]
        refs_before = [a for a in arms if a[0] < start and a[2]]
        near_after = [a for a in after if a[0] - start < 40 + _WHO_CHARS and not a[2]]
        said_of = _IN_ARM.search(text_before_arm(tokens, near_after[0][0])) if near_after else None
        if said_of and (near_after[0][0] - start < 40 or said_of.group().startswith(_WHO)):
            subject = near_after[0][1]  # "a 20% decrease in the COMP group", "a decline among those receiving COMP"
        elif before:
            subject = before[-1][1]
        elif after and not after[0][2]:
            subject = after[0][1]  # "lower in INTV than in COMP"
        elif after and after[0][2]:
            subject = "COMP" if after[0][1] == "INTV" else "INTV"  # "lower than COMP" with INTV implied
        elif refs_before and lead in ("compared", "relative", "versus", "vs", "in"):
            subject = "COMP" if refs_before[0][1] == "INTV" else "INTV"  # "Compared with COMP, ... lower"
        out.append(0 if subject is None else sign if subject == "INTV" else -sign)
    return out


_VALUE = re.compile(r"[-+]?\d+(?:\.\d+)?")  # "+0.05 kg in COMP": a signed change
_NOT_VALUE_BEFORE = re.compile(r"(?:±|\+/-|\bsd|\bse|\bsem|\bn\s*=|\bat|\bafter|\bbefore|\bwithin|\bweeks?|\bdays?|"
                               r"\bmonths?|\byears?|\bvisit|\bhours?|\btime|\bdose|(?<!compared )(?<!relative )(?<!opposed )\bto|\bof|-|\bt|\bf|\bdf|\bχ2|"
                               r"\bchi|\bz|\br|\bβ|\bor|\brr|\bhr|\bci)\s*[=:]?\s*[(\[]?\s*$", re.I)
_FELL_BY = re.compile(r"\b(?:(?:decrease[sd]?|decline[sd]?|reduc(?:ed|tions?|es)|fell|dropped|lowered|lost|"
                      r"(?:a\s+)?(?:decrease|reduction|decline|drop|fall|loss))\s+(?:by|of)|"
                      # a change verb's value without "by": "the MSC group reduced 2.84 times"
                      r"(?:decreased|declined|reduced|fell|dropped|lowered|lost))\s+(?:about\s+|approximately\s+)?$",
                      re.I)
# "from 3.5 ± 1.2 to 2.0 ± 1.0": the arm's value is where it went (b), not where it started (a)
_FROM_TO = re.compile(r"\bfrom\s+(?P<a>-?\d+(?:\.\d+)?)(?:[^\d;()]{0,24}?(?:±|\+/-)\s*\d+(?:\.\d+)?)?[^\d;()]{0,24}?"
                      r"\bto\s+(?P<b>-?\d+(?:\.\d+)?)", re.I)
# "(MSC: 93.97 ± 6.63; placebo: 93.01)", "Exercise Group=5.6": a value labelled with its arm (the text from
# the arm to its number)
_LABELLED = re.compile(r"[^\d:=;,()]{1,40}[:=]\s*")
_SD_BRACKET = re.compile(r"(?<![\w.])\d+(?:\.\d+)?\s*%?\s*[(\[]\s*$")  # "77.4% (26.3)": the bare number in brackets is an SD
_VS = re.compile(r"\b(?:vs|versus|v)\b|\bcompared (?:with|to)\b", re.I)
_DOWN_NOUNS = re.compile(r"\b(?:reduction|reductions|decrease|decreases|decline|loss|fall|drop|lowering)\b", re.I)


def _arm_numbers(norm: str, tokens: list[tuple[str, int]], skip: list[tuple[int, int]]) -> tuple[float, float] | None:
    """The values a sentence gives the intervention and the comparator, where it pairs a number
    with each arm: "(INTV: 93.97; COMP: 93.01)" (labelled), "12% in INTV and 30% in COMP" (number
    before arm), "in INTV was 12% and in COMP 30%" (arm before number). Numbers after "±", "n =", "at", inside P values and CIs
    (`skip`) are not values."""
    if not any(tok == "INTV" or tok == "COMP" for tok, _ in tokens):
        return None  # no arm to pair a number with (most table rows): the numbers need not be read
    seq: list[tuple[str, int, float | None]] = []
    starts, ends = set(), set()
    for m in _FROM_TO.finditer(norm):
        starts.add(m.start("a"))
        ends.add(m.start("b"))
    for tok, off in tokens:
        if tok in ("INTV", "COMP"):
            seq.append((tok, off, None))
        elif tok == "NUM":
            if off in starts or any(a <= off < b for a, b in skip):
                continue
            if _signed(norm, off) or (off - 1) in ends:  # "was -1.65 in INTV": a minus sign, not a range's dash
                off -= 1
            m = _VALUE.match(norm, off)
            if not m or (off not in ends and _NOT_VALUE_BEFORE.search(norm, max(0, off - 12), off)):
                continue
            if _SD_BRACKET.search(norm, max(0, off - 12), off) and not norm.startswith("%", m.end()):
                continue
            value = float(m.group())
            if value > 0 and _FELL_BY.search(norm, max(0, off - 30), off):
                value = -value  # "decreased by 3.34 cm in INTV and increased by 2.65 cm in COMP"
            seq.append(("NUM", off, value))
    arms = [i for i, x in enumerate(seq) if x[0] != "NUM"]
    nums = [i for i, x in enumerate(seq) if x[0] == "NUM"]
    if not arms or not nums:
        return None
    respectively = _respectively(norm, tokens, seq)
    if respectively is not None:
        return respectively
    labelled: dict[str, float] = {}
    for i in arms:
        if i + 1 < len(seq) and seq[i + 1][0] == "NUM" and seq[i][0] not in labelled and \
                _LABELLED.fullmatch(norm, seq[i][1], seq[i + 1][1]):
            labelled[seq[i][0]] = seq[i + 1][2]
    if len(labelled) == 2 and labelled["INTV"] != labelled["COMP"]:
        return labelled["INTV"], labelled["COMP"]
    values = (_numbers_before_arms if nums[0] < arms[0] else _numbers_after_arms)(norm, tokens, seq, arms, nums)
    if "INTV" in values and "COMP" in values and values["INTV"] != values["COMP"]:
        return values["INTV"], values["COMP"]
    return None


def _numbers_before_arms(norm, tokens, seq, arms, nums) -> dict[str, float]:
    """ "12% in INTV and 30% in COMP": each arm's value is the last number before it (and after the
    arm before it)."""
    values: dict[str, float] = {}
    prev = -1
    for i in arms:
        before = [j for j in nums if prev < j < i]
        if before and seq[i][0] not in values:
            values[seq[i][0]] = seq[before[-1]][2]
        prev = i
    return values


def _numbers_after_arms(norm, tokens, seq, arms, nums) -> dict[str, float]:
    """ "INTV was earlier than COMP (4.22 ± 1.01 vs 4.97 ± 1.67 d)": the values after both arms, joined
    by "vs", in the order subject then reference ("Compared to COMP, INTV had higher levels (79 vs
    69.7)" is INTV's 79); else "in INTV was 12% and in COMP 30%": each arm's value is the first
    number after it."""
    values: dict[str, float] = {}
    if nums[0] > arms[-1] and len({seq[i][0] for i in arms}) == 2 and len(nums) >= 2 and \
            _VS.search(norm, seq[nums[0]][1], seq[nums[1]][1]):
        order = list(dict.fromkeys(seq[i][0] for i in arms))
        refs = {arm for arm in order if _is_reference(tokens, next(seq[i][1] for i in arms if seq[i][0] == arm))}
        if len(refs) == 1:
            order.sort(key=lambda arm: arm in refs)
        return {order[0]: seq[nums[0]][2], order[1]: seq[nums[1]][2]}
    for k, i in enumerate(arms):
        nxt = arms[k + 1] if k + 1 < len(arms) else len(seq)
        after = [j for j in nums if i < j < nxt]
        if after and seq[i][0] not in values:
            values[seq[i][0]] = seq[after[0]][2]
    return values


def _is_reference(tokens: list[tuple[str, int]], offset: int) -> bool:
    """Whether the arm token at `offset` is the reference of a comparison ("than COMP", "compared
    with COMP"): a reference word among the three tokens before it."""
    i = next((k for k, (_, off) in enumerate(tokens) if off == offset), 0)
    return bool(_REFERENCE_WORDS.intersection(t for t, _ in tokens[max(0, i - 3):i]))


def _signed(norm: str, off: int) -> bool:
    """Whether the number at `off` has a sign of its own: "-" or "+" just before it, with no number
    before that ("change was -1.65", "(-0.11 cm)"; not "1.0-2.2" nor "1.0 - 2.2")."""
    if off == 0 or norm[off - 1] not in "-+":
        return False
    before = norm[max(0, off - 12):off - 1].rstrip()
    return not before or not (before[-1].isdigit() or before[-1] == "%" or before.endswith(("to", "and")))


def _respectively(norm: str, tokens: list[tuple[str, int]], seq: list[tuple[str, int, float | None]]
                  ) -> tuple[float, float] | None:
    """The values of "17 (27%) and 31 (50%) in the INTV and COMP groups, respectively" (or "INTV
    and COMP ... were 12% and 30%, respectively"): the values before the pair of arms (else after
    it, up to "respectively") split in two halves, the first value of each half for each arm."""
    m = _RESPECTIVELY.search(norm)
    if m is None:
        return None
    for k in range(len(tokens) - 2):
        a, b = tokens[k][0], tokens[k + 2][0]
        if {a, b} == {"INTV", "COMP"} and tokens[k + 1][0] in ("and", "or", "vs", "versus"):
            start, end = tokens[k][1], tokens[k + 2][1]
            values = [v for tok, off, v in seq if tok == "NUM" and off < start]
            if not values:
                values = [v for tok, off, v in seq if tok == "NUM" and end < off < m.start()]
            if len(values) < 2 or len(values) % 2:
                return None
            first, second = values[0], values[len(values) // 2]
            if first == second:
                return None
            return (first, second) if a == "INTV" else (second, first)
    return None


_NEAR = 60  # characters: a direction word this close to the outcome's words speaks of it


def _near_outcome(cues: list[tuple[int, int, int]], oriented: list[int], outcome_words: frozenset[int],
                  f: dict[str, float]) -> None:
    """The direction word nearest the outcome's words (within _NEAR characters), as its own feature: in
    "a reduction in aggression and an enhancement in PA", PA's direction is the enhancement."""
    if not cues or not outcome_words:
        return
    distance, best = min((min(abs(cue[1] - w) for w in outcome_words), k) for k, cue in enumerate(cues))
    if distance > _NEAR:
        return
    sign, o = cues[best][0], oriented[best]
    f[f"dir_near:{'up' if sign > 0 else 'down'}"] = 1.0
    if o:
        f[f"dir_near:intv_{'up' if o > 0 else 'down'}"] = 1.0


def _outcome_p(ps: list, outcome_words: frozenset[int]):
    """The P value that belongs to the outcome: the one after the stretch of text (from the P
    value before it) naming most outcome words; None without outcome words or P values."""
    if not ps or not outcome_words:
        return None
    best, best_count, prev = None, 0, -1
    for p in ps:
        count = sum(1 for w in outcome_words if prev < w < p.start)
        if count > best_count:
            best, best_count = p, count
        prev = p.end
    return best if best is not None else ps[-1]


# Words that compare an arm with itself (within-arm change), not the arms with each other.
_WITHIN = re.compile(r"\b(?:from baseline|(?:compared (?:with|to)|versus|vs\.?|than(?: at)?) baseline|"
                     r"within(?:[- ]group| each group| both groups| the group)|before and after|pre-? to post|"
                     r"in both (?:the )?groups|in each group|in all (?:three )?groups|both (?:groups|conditions|arms)|"
                     r"all treatments|over time)\b", re.I)


# An effect estimate named just before its interval: a ratio (null 1) or a difference (null 0),
# intervention against comparator unless the sentence names the comparator first ("placebo vs
# MSC: OR 2.1 (95% CI 1.2 to 3.5)"). Abbreviations are matched in capitals only ("or" is a word).
_RATIO_NAME = re.compile(r"(?-i:\b(?:[ah]?OR|[ah]?RR|[ah]?HR|HRR|IRR)\b)|\b(?:odds|risk|hazard|rate|incidence rate)"
                         r" ratios?\b|\brelative (?:risks?|rates?|odds)\b", re.I)
_HAZARD_NAME = re.compile(r"(?-i:\b(?:a?HRR?)\b)|\bhazard ratios?\b", re.I)
_DIFFERENCE_NAME = re.compile(r"(?-i:\b(?:MD|WMD|SMD|LSMD)\b)|\bdifferences?\b", re.I)
_ESTIMATE_WINDOW = 45  # characters before the interval that may name its estimate
_ORDER_WINDOW = 120  # characters before the interval whose arms may say which is the reference
_ORDER_WORDS = frozenset({"versus", "vs", "v", "compared", "relative", "against"})
# A hazard ratio of a time or survival outcome is the hazard of its event: above 1 the time is shorter.
_TIME_STEMS = frozenset(stem(w) for w in ("time", "times", "survival", "duration", "free", "latency", "onset", "until"))


# A time outcome ("time to recovery", "duration of labour") is lower when the event comes faster.
_DURATION_STEMS = frozenset(stem(w) for w in ("time", "times", "duration", "latency", "onset", "until", "interval"))
_SPEED_WORDS = frozenset({"faster", "quicker"})


_ORDER_GAP = 3  # tokens: "COMP group versus INTV", "COMP compared with INTV"; not "COMP as compared to 1 of 88 in INTV"


def _comparator_first(tokens: list[tuple[str, int]], start: int, end: int) -> bool:
    """Whether the arms named between `start` and `end` are in the order "COMP versus INTV": the two
    arms next to the order word (within _ORDER_GAP tokens each); a sentence that gives each arm its
    own values between them ("27% in COMP as compared to 1% in INTV (OR 0.03 ...)") says nothing of
    the estimate's order."""
    seq = [(k, t) for k, (t, off) in enumerate(tokens) if start <= off < end and (t in ("INTV", "COMP") or
                                                                                  t in _ORDER_WORDS)]
    pairs = [(a, c) for (i, a), (j, b), (k, c) in zip(seq, seq[1:], seq[2:])
             if b in _ORDER_WORDS and {a, c} == {"INTV", "COMP"} and j - i <= _ORDER_GAP and k - j <= _ORDER_GAP]
    return bool(pairs) and pairs[-1][0] == "COMP"


def _effect_signs(norm: str, cis: Sequence, tokens: list[tuple[str, int]], terms: ArmTerms) -> list[int]:
    """+1 where a named effect estimate's interval lies wholly above its null value for the
    intervention (a ratio above 1, a difference above 0), -1 below; one sign per such interval."""
    out = []
    for ci in cis:
        if not ci.side:
            continue
        before = norm[max(0, ci.start - _ESTIMATE_WINDOW):ci.start]
        names = list((_RATIO_NAME if ci.ratio else _DIFFERENCE_NAME).finditer(before))
        if not names:
            continue
        sign = ci.side
        if ci.ratio and _HAZARD_NAME.fullmatch(names[-1].group()) and terms.outcome & _TIME_STEMS:
            sign = -sign  # "PFS was shorter (HR 1.47; 95% CI 1.16-1.87)"
        if _comparator_first(tokens, max(0, ci.start - _ORDER_WINDOW), ci.start):
            sign = -sign
        out.append(sign)
    return out


def _first_number(text: str) -> float | None:
    m = _NUMBER.search(normalise(text))
    return float(m.group()) if m else None


_P_LABEL = re.compile(r"(?:^|[\s(/])p(?:[\s-]*values?)?\b|significance", re.I)
_P_CELL = re.compile(r"\s*[pP]")


# The column labels are the same for every row of a table, and the terms for every row of a record:
# which columns name an arm, and which hold P values, are read once per table, not once per row.
@lru_cache(maxsize=64)
def _arm_columns(columns: tuple[str, ...], terms: ArmTerms) -> tuple[int | None, int | None]:
    """(the intervention's column, the comparator's): the first whose label names that arm alone."""
    arm_cols: dict[str, int] = {}
    for col, label in enumerate(columns):
        tokens = {t for t, _ in mark_arms(label, terms)}
        if "INTV" in tokens and "COMP" not in tokens:
            arm_cols.setdefault("INTV", col)
        elif "COMP" in tokens and "INTV" not in tokens:
            arm_cols.setdefault("COMP", col)
    return arm_cols.get("INTV"), arm_cols.get("COMP")


@lru_cache(maxsize=64)
def _p_columns(columns: tuple[str, ...]) -> tuple[int, ...]:
    return tuple(col for col, label in enumerate(columns) if _P_LABEL.search(label))


def _row_features(cells: Sequence[str], columns: Sequence[str], terms: ArmTerms, f: dict[str, float]) -> list[str]:
    basis = []
    # the outcome only turns words that name no arm into OUTC: which columns name an arm does not
    # depend on it, and the rows of a table each have their own outcome
    intv, comp = _arm_columns(tuple(columns), terms._replace(outcome=frozenset()))
    if intv is not None and comp is not None:
        f["row:arms_found"] = 1.0
        a, b = _first_number(cells[intv]), _first_number(cells[comp])
        if a is not None and b is not None and a != b:
            f["row:intv_higher" if a > b else "row:intv_lower"] = 1.0
            basis.append(f"{cells[intv]} vs {cells[comp]}")
    for col in _p_columns(tuple(columns)):
        if col >= len(cells) or not cells[col]:
            continue
        cell = cells[col]
        ps = p_values(cell if _P_CELL.match(cell) else f"P {cell if cell[0] in '<>=≤≥' else '= ' + cell}")
        for p in ps:
            f["row:p_sig" if p.significant else "row:p_nonsig" if p.significant is False else "row:p_unclear"] = 1.0
            basis.append(f"P {cell}")
            break
    return basis


def label_features(text: str, terms: ArmTerms, cells: Sequence[str] = (), columns: Sequence[str] = ()
                   ) -> LabelFeatures:
    """The label model's features of one sentence or table row (see the module docstring)."""
    f: dict[str, float] = {}
    basis: list[str] = []
    tokens = mark_arms(text, terms)
    words = [t for t, _ in tokens]
    # the word 1-, 2- and 3-grams, in this order (zip and join in C)
    grams = map("w:".__add__, chain(words, map(" ".join, zip(words, words[1:])),
                                    map(" ".join, zip(words, words[1:], words[2:]))))
    f.update(dict.fromkeys(grams, 1.0))
    norm = normalise(text)
    ps = p_values(norm)
    first_p = None
    for p in ps:
        kind = "sig" if p.significant else "nonsig" if p.significant is False else "unclear"
        f[f"p:{kind}"] = f.get(f"p:{kind}", 0.0) + 1.0
        if first_p is None:
            first_p = p.written
            basis.append(norm[p.start:p.end])
    if ps:
        f["p:any"] = 1.0
        kinds = {p.significant for p in ps}
        if kinds == {True}:
            f["p:all_sig"] = 1.0
        elif kinds == {False}:
            f["p:all_nonsig"] = 1.0
        elif True in kinds and False in kinds:
            f["p:mixed"] = 1.0
    cis = intervals(norm)  # a pure function of the text: read once
    for ci in cis:
        f["ci:excludes_null" if ci.excludes_null else "ci:holds_null"] = 1.0
        if ci.side:  # a ratio or difference is most often written intervention against comparator
            f["ci:above_null" if ci.side > 0 else "ci:below_null"] = 1.0
        basis.append(norm[ci.start:ci.end])
    sig = significance_cues(norm)
    for name, s, e in sig:
        f[f"sig:{name}"] = f.get(f"sig:{name}", 0.0) + 1.0
        if name in ("sig", "nonsig"):
            basis.append(norm[s:e])
    outcome_words = frozenset(m.start() for m in _WORD.finditer(norm) if stem(m.group().lower()) in terms.outcome)
    dirs = direction_cues(norm, ignore=outcome_words)
    if terms.outcome & _DURATION_STEMS:  # "recovery was faster": the time to it is shorter
        dirs = [(-sign if norm[s:e].lower() in _SPEED_WORDS else sign, s, e) for sign, s, e in dirs]
    oriented = _subject_signs(tokens, dirs)
    for (sign, s, e), o in zip(dirs, oriented):
        f["dir:up" if sign > 0 else "dir:down"] = f.get("dir:up" if sign > 0 else "dir:down", 0.0) + 1.0
        if o:
            key = "dir:intv_up" if o > 0 else "dir:intv_down"
            f[key] = f.get(key, 0.0) + 1.0
            basis.append(norm[s:e])
    _near_outcome(dirs, oriented, outcome_words, f)
    vals = direction_cues(norm, VALENCE, outcome_words)
    for (sign, s, e), o in zip(vals, _subject_signs(tokens, vals)):
        if o:
            key = "val:intv_better" if o > 0 else "val:intv_worse"
            f[key] = f.get(key, 0.0) + 1.0
    for sign in _effect_signs(norm, cis, tokens, terms):
        f["effect:intv_higher" if sign > 0 else "effect:intv_lower"] = 1.0
    skip = [(p.start, p.end) for p in ps] + [(ci.start, ci.end) for ci in cis]
    pair = _arm_numbers(norm, tokens, skip)
    if pair:
        key = "num:intv_higher" if pair[0] > pair[1] else "num:intv_lower"
        f[key] = 1.0
        if _DOWN_NOUNS.search(norm):
            f[key + "_x_down_noun"] = 1.0
    near = _outcome_p(ps, outcome_words)
    if near is not None:
        f["p_outcome:" + ("sig" if near.significant else "nonsig" if near.significant is False else "unclear")] = 1.0
    for m in _WITHIN.finditer(norm):
        f["within:" + m.group().lower().split()[0]] = 1.0
        f["within:any"] = 1.0
    if _RESPECTIVELY.search(norm):
        f["respectively"] = 1.0
    if "INTV" in words:
        f["arm:intv"] = 1.0
    if "COMP" in words:
        f["arm:comp"] = 1.0
    if "OUTC" in words:
        f["arm:outc"] = 1.0
    if cells:
        basis += _row_features(cells, columns, terms, f)
    f["bias"] = 1.0
    seen: list[str] = []
    for b in basis:
        if b not in seen:
            seen.append(b)
    return LabelFeatures(f, "; ".join(seen[:4]), first_p)


def rule_label(f: dict[str, float]) -> str | None:
    """The label the rule features give on their own, or None when they do not tell."""
    sig = f.get("p:sig", 0) + f.get("sig:sig", 0) + f.get("ci:excludes_null", 0) + f.get("row:p_sig", 0)
    nonsig = f.get("p:nonsig", 0) + f.get("sig:nonsig", 0) + f.get("ci:holds_null", 0) + f.get("row:p_nonsig", 0)
    if nonsig > sig or (not sig and not nonsig):
        return "no significant difference" if nonsig else None
    up = f.get("dir:intv_up", 0) + f.get("num:intv_higher", 0) + f.get("row:intv_higher", 0)
    down = f.get("dir:intv_down", 0) + f.get("num:intv_lower", 0) + f.get("row:intv_lower", 0)
    if up > down:
        return "significantly increased"
    if down > up:
        return "significantly decreased"
    return None


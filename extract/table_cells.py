"""The form of one table cell: which numbers it holds and how they are written.

`parse_cell(text, markers)` recognises the spellings of a results-table cell and returns a
`CellValue` (its form and numbers) or None for a cell that holds no value ("N/A", "-", a word),
with the footnote markers it stripped. Forms (rules as data in `_FORMS`, tried in order):

    pm          "4.99 ± 0.88", "38.5 ±5.4", "2.80 +/- 0.15"          a ± b
                "8.6 ± 2 (70 ± 22)" (the same in a second unit)       a ± b
                "0.233 ± 0.050 m/s" (a unit after it)                 a ± b
                "Mean = 4.00 [sd = 2.04]", "M = 12.5, SD = 3.1"        a ± b
                "3.03 ± 1.59 (33)", "2.7 ± 0.4 (n = 12)"             a ± b (n): the n in `total`
    pm_interval "59.1 ± 4.4 (49.8–66.6)"                              a ± b (lo sep hi)
    count_of    "108/206 (52.4)", "3/7 (42.9%)", "52.4% (108/206)",   x/N (pct)
                "56.56 (138/244)" (without "%" only when it is x/N's percentage)
    count_pct   "12 (40%)", "12 [40%]"                                x (pct%)
    pct_count   "40% (12)"                                            pct% (x)
    interval    "64.87 (49.76, 79.99)", "0.2 (-0.5 to 0.9)", "2 (1-3)"  a (lo sep hi)
                "70% (59% to 81%)"
    paren       "−0.09 (0.39)", "0 (0)", "12 (40.0)"                  a (b)
                "206; 35.65 (11.85)" (n; mean (SD))                    a (b), the n in `total`
    bounds      "–1.96 to 3.20", "(−2.00–0.90)", "9-50"              lo sep hi
    fraction    "5/13"                                                x/N
    pct         "81.2%"                                               a%
    p           "<0.001", "p = 0.048", "P < .05", ".64"              a P value (op, a)
    ns          "NS", "n.s.", "ns (low number of events)"
    n_eq        "n = 20", "N=104"
    paren_only  "(1.09)"  (an SD or n in a column of its own)             a
    number      "0.38", "−2.15", "1,122"                              a

Before matching: Unicode spaces become " ", decimal commas in a cell without a decimal point become
points ("4,30 ± 0,45"), a minus written as U+2212, EN DASH, FIGURE DASH or
HYPHEN before a digit (or a space and the cell's first digit: "- 0.60") becomes "-", "·" as a
decimal point becomes ".", thousands separators
("1,122", "5,000"; "19 984" beside the slash of a count) and currency signs ("€6751") are dropped, and footnote markers glued to the
numbers are stripped: superscripts (given as `markers`), runs of "*", "†", "‡", "§", "¶", "#",
"‖", "|", and one letter a-h glued after the last digit or bracket ("0.08a").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

__all__ = ["CellValue", "normalise_space", "number_text", "parse_cell", "strip_markers"]

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_WS = re.compile(r"\s+")
_ZERO_WIDTH_RE = re.compile("[" + "".join(map(chr, _ZERO_WIDTH)) + "]")
# A minus sign written as U+2212, EN DASH, FIGURE DASH, HYPHEN or a full-width minus, when it
# starts a number (at the start or after a space, bracket, comma, "=", "<" ...).
_SIGN_MINUS = re.compile(r"(^|[\s(\[,;/=<>≤≥:€$£])[\u2212\u2013\u2012\u2010\u2011\ufe63\uff0d](?=\.?\d)")
_DECIMAL_DOT = re.compile(r"(?<=\d)\u00b7(?=\d)")
_THOUSANDS = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+)(?![\d.]|,\d)")
# a decimal comma: one or two digits after it, or a leading "0," ("0,005"); never "1,122" (thousands)
_DECIMAL_COMMA = re.compile(r"(?<![\d,])(0|\d+(?=,\d{1,2}(?![\d,]))),(\d+)(?![\d,])")
_CURRENCY = re.compile(r"[€$£¥](?=\s?[-.\d])")
# one number of a mean ± SD or mean (SD) typed with a decimal comma among full stops: "1,61 ± 0.4",
# "2.0 ± 0,2", "49,2 (11.6)" (one or two digits after the comma: never a thousands group)
_STRAY_COMMA = re.compile(r"^(\s*-?\d+),(\d{1,2})(?=\s*(?:±|\+/-|\())|(±\s*-?\d+),(\d{1,2})(?![\d.,])")
# a count or its denominator with its thousands set off by a (thin) space, next to the slash of
# x/N: "9238/19 984 (46%)", "10 746/19 984"
_SPACED_THOUSANDS = re.compile(r"(?<![\d.])\d{1,3}(?: \d{3})+(?=\s*/)|(?<=/)\s*\d{1,3}(?: \d{3})+(?![\d.])")
# a minus sign set off by a space inside the brackets: "18 (- 1 to 31)", "1.2 (-0.3, - 0.1)"
_INNER_SPACED_SIGN = re.compile(r"([(\[,;]\s*|\bto\s+)[-\u2212\u2013\u2012]\s+(?=\.?\d)")
# a space typed after the first number's decimal point: "83. 2 (11.4)"
_SPACED_POINT = re.compile(r"^(\s*-?\d+)\.\s+(\d+)(?=\s*[(\[±])")
# a first number's thousands set off by a (thin) space before its bracket: "10 727 (99%)"
_SPACED_LEAD_THOUSANDS = re.compile(r"^\s*\d{1,3}(?: \d{3})+(?=\s*[(\[])")
# a minus sign set off by a space before a cell's first number: "- 0.60 (0.14)"
_SPACED_SIGN = re.compile(r"^\s*[-\u2212\u2013\u2012\u2010\u2011\ufe63\uff0d]\s+(?=\.?\d)")
# a P value written after the values in their cell: "150.1(16.1)p = 0.034", "12.5 ± 3.1 (p < 0.05)"
_TRAILING_P = re.compile(r"(?<=[\d)\]%])\s*[,;]?\s*\(?\s*[pP]\s*(?:[<>=≤≥]|<=|>=)\s*0?\.\d+\s*\)?$")
_MARKER_CHARS = "*\u2217\u204e\u2020\u2021\u00a7\u00b6#\u2016\u2051|"
_MARKER_RUN = re.compile(rf"[{re.escape(_MARKER_CHARS)}]+")
_GLUED_LETTER = re.compile(r"(?<=[\d)\]%])[a-h]$")

_NUM = r"[-+]?(?:\d+(?:\.\d+)?|\.\d+)"
_INT = r"\d+"
_OPEN, _CLOSE = r"[(\[]", r"[)\]]"
_SEP = r"(?:\s*(?:to|,|;|–|—|‒|-|‑|−)\s*|\s+-\s*)"

# a unit written after the numbers: "0.233 ± 0.050 m/s", "61.27 ± 9.16 s", "12.1 ± 3.4 mg/dL"
_UNIT = r"\s+(?:[a-zA-Zµμ]{1,4}(?:/[a-zA-Zµμ0-9]{1,4}){0,2})"

_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("pm", re.compile(rf"^(?P<a>{_NUM})\s*(?:±|\+/-|\+-|\+/−)\s*(?P<b>{_NUM})(?:\s*%|\s*/\s*[A-Za-z]+|{_UNIT})?$")),
    ("pm", re.compile(rf"^(?P<a>{_NUM})\s*(?:±|\+/-|\+-|\+/−)\s*(?P<b>{_NUM})\s*{_OPEN}\s*(?:[nN]\s*=\s*)?(?P<tot>{_INT})\s*{_CLOSE}$")),
    # the same mean ± SD in a second unit in brackets ("8.6 ± 2 (70 ± 22)": HbA1c % and mmol/mol): the first
    ("pm", re.compile(rf"^(?P<a>{_NUM})\s*(?:±|\+/-|\+-|\+/−)\s*(?P<b>{_NUM})\s*{_OPEN}\s*{_NUM}\s*(?:±|\+/-|\+-|\+/−)\s*"
                      rf"{_NUM}\s*{_CLOSE}$")),
    # the mean and the SD each named: "Mean = 4.00 [sd = 2.04]", "M = 12.5, SD = 3.1", "mean 3.2 (SD 1.1)"
    ("pm", re.compile(rf"^(?:mean|m)\s*=?\s*(?P<a>{_NUM})\s*[,;]?\s*{_OPEN}?\s*(?:sd|s\.d\.)\s*=?\s*(?P<b>{_NUM})\s*"
                      rf"{_CLOSE}?$", re.I)),
    ("pm_interval", re.compile(rf"^(?P<a>{_NUM})\s*(?:±|\+/-|\+-|\+/−)\s*(?P<b>{_NUM})\s*{_OPEN}\s*(?P<lo>{_NUM})"
                               rf"(?P<sep>{_SEP})(?P<hi>{_NUM})\s*{_CLOSE}$")),
    ("count_of", re.compile(rf"^(?P<x>{_INT})\s*/\s*(?P<tot>{_INT})\s*{_OPEN}\s*(?P<b>{_NUM})\s*%?\s*{_CLOSE}$")),
    ("count_of", re.compile(rf"^(?P<b>{_NUM})\s*(?P<pc>%)?\s*{_OPEN}\s*(?P<x>{_INT})\s*/\s*(?P<tot>{_INT})\s*{_CLOSE}$")),
    ("count_pct", re.compile(rf"^(?P<x>{_INT})\s*{_OPEN}\s*(?P<b>{_NUM})\s*%\s*{_CLOSE}$")),
    ("pct_count", re.compile(rf"^(?P<b>{_NUM})\s*%\s*{_OPEN}\s*(?P<x>{_INT})\s*{_CLOSE}$")),
    ("interval", re.compile(rf"^(?P<a>{_NUM})\s*%?\s*{_OPEN}\s*(?P<lo>{_NUM})\s*%?(?P<sep>{_SEP})(?P<hi>{_NUM})\s*%?\s*"
                            rf"{_CLOSE}$")),
    ("paren", re.compile(rf"^(?P<a>{_NUM})\s*{_OPEN}\s*(?P<b>{_NUM})\s*{_CLOSE}$")),
    ("paren", re.compile(rf"^(?P<tot>{_INT})\s*;\s*(?P<a>{_NUM})\s*{_OPEN}\s*(?P<b>{_NUM})\s*{_CLOSE}$")),  # "n; mean (SD)"
    # (a percentage's CI keeps its "%" signs: "16.40% – 53.60%")
    ("bounds", re.compile(rf"^{_OPEN}?\s*(?P<lo>{_NUM})(?:\s*%)?(?P<sep>{_SEP})(?P<hi>{_NUM})\s*%?\s*{_CLOSE}?$")),
    ("fraction", re.compile(rf"^\(?\s*(?P<x>{_INT})\s*/\s*(?P<tot>{_INT})\s*\)?$")),  # "10/15", "(10/15)"
    ("pct", re.compile(rf"^(?P<a>{_NUM})\s*%$")),
    ("p", re.compile(rf"^(?:[pP]\s*(?:-?\s*values?)?\s*)?(?P<op>[<>≤≥=]|<=|>=)\s*(?P<a>{_NUM})$")),
    ("ns", re.compile(r"^(?:NS|N\.S\.|n\.s\.?|ns|not significant)(?:\s*[(\[].*)?$")),
    ("n_eq", re.compile(rf"^(?:[nN]|no\.)\s*=\s*(?P<a>{_INT})$")),
    ("paren_only", re.compile(rf"^{_OPEN}\s*(?P<a>{_NUM})\s*{_CLOSE}$")),
    ("number", re.compile(rf"^(?P<a>{_NUM})$")),
)


_BY_FORM = {}
for _form, _pattern in _FORMS:
    _BY_FORM.setdefault(_form, []).append((_form, _pattern))


def _forms_for(clean: str) -> list[tuple[str, re.Pattern[str]]]:
    """The forms a cell can take given the characters it holds (a fast dispatch)."""
    out: list[tuple[str, re.Pattern[str]]] = []
    if "±" in clean or "+/" in clean or "+-" in clean:
        return _BY_FORM["pm"] + _BY_FORM["pm_interval"]
    if clean[:1] in "mM" and ("sd" in clean or "SD" in clean or "Sd" in clean):
        return _BY_FORM["pm"]  # "Mean = 4.00 [sd = 2.04]"
    bracket = "(" in clean or "[" in clean
    if "/" in clean:
        out += _BY_FORM["count_of"] + _BY_FORM["fraction"]
    if bracket:
        out += _BY_FORM["count_pct"] + _BY_FORM["pct_count"] + _BY_FORM["interval"] + _BY_FORM["paren"] \
            + _BY_FORM["paren_only"]
    out += _BY_FORM["bounds"]
    if "%" in clean:
        out += _BY_FORM["count_of"] + _BY_FORM["pct"]
    out += _BY_FORM["p"] + _BY_FORM["ns"] + _BY_FORM["n_eq"] + _BY_FORM["number"]
    return out


@dataclass(frozen=True)
class CellValue:
    """The numbers of one cell and the form they are written in (see the module docstring).

    `a` is the first number (mean, median, estimate, P value, lone number), `b` the number in
    brackets or after "±" (or the percentage of a count), `lo`/`hi` an interval's bounds with
    `sep` the separator as written, `count`/`total` a count and its denominator, `op` the
    comparison of a P value ("<", "=").
    """

    form: str
    a: float | None = None
    b: float | None = None
    lo: float | None = None
    hi: float | None = None
    count: int | None = None
    total: int | None = None
    op: str | None = None
    sep: str | None = None
    markers: tuple[str, ...] = ()  # the footnote and significance markers stripped from the cell

    @property
    def is_value(self) -> bool:
        """True for a number or statistic (not a P value spelled "NS", not a "n = 20" cell)."""
        return self.form not in ("ns", "n_eq")


_PLAIN = re.compile(r"[ -~]*")


def normalise_space(text: str) -> str:
    """Map every Unicode space to " ", drop zero-width characters and collapse runs of spaces."""
    if _PLAIN.fullmatch(text) and "  " not in text:
        return text.strip()  # printable ASCII with single spaces: nothing to map
    # the Unicode spaces (U+00A0, U+2002-U+200A, U+202F, U+205F, U+3000) are white space, so \s+ maps
    # them with the runs; the zero-width characters, which are not, are dropped first (a substitution:
    # str.translate looked up every character of a paragraph)
    return _WS.sub(" ", _ZERO_WIDTH_RE.sub("", text)).strip()


_ARROW_SIGN = re.compile(r"^\s*([↓↑])\s*(?=\.?\d)")


def number_text(text: str) -> str:
    """Spaces normalised, dash-like minus signs written "-", "·" decimal points written ".", and a
    leading arrow read as the sign of a change ("↓ 13.72" is -13.72, "↑ 6.0" is 6.0)."""
    out = _SIGN_MINUS.sub(lambda m: m.group(1) + "-", normalise_space(text))
    if "↓" in out or "↑" in out:
        out = _ARROW_SIGN.sub(lambda m: "-" if m.group(1) == "↓" else "", out)
    return _DECIMAL_DOT.sub(".", out)


def strip_markers(text: str, sup_markers: Iterable[str] = ()) -> tuple[str, tuple[str, ...]]:
    """The text without footnote and significance markers, and the markers found (in order)."""
    found: list[str] = []
    out = text
    for sup in sup_markers:
        idx = out.rfind(sup) if sup else -1
        if idx >= 0:
            out = out[:idx] + " " + out[idx + len(sup):]
            found.append(sup)
    found.extend(_MARKER_RUN.findall(out))
    out = normalise_space(_MARKER_RUN.sub(" ", out))
    m = _GLUED_LETTER.search(out)
    if m:
        found.append(m.group(0))
        out = out[: m.start()]
    return out, tuple(found)


def _num(value: str | None) -> float | None:
    return float(value) if value is not None else None


def parse_cell(text: str, sup_markers: Iterable[str] = ()) -> tuple[CellValue | None, tuple[str, ...]]:
    """Recognise the numbers of a cell. Returns (CellValue or None, markers stripped from it)."""
    if not text or not any(ch.isdigit() for ch in text) and not text.strip().lower().startswith(("ns", "n.s", "not sig")):
        return None, ()
    clean, markers = strip_markers(number_text(_SPACED_SIGN.sub("-", text, count=1)), sup_markers)
    if " " in clean:
        clean = _INNER_SPACED_SIGN.sub(r"\1-", clean)
        clean = _SPACED_POINT.sub(r"\1.\2", clean)
        clean = _SPACED_LEAD_THOUSANDS.sub(lambda m: m.group(0).replace(" ", ""), clean)
    if "," in clean and "." not in clean:
        clean = _DECIMAL_COMMA.sub(r"\1.\2", clean)  # "4,30 ± 0,45", "0,005": European decimal commas
    elif "," in clean:
        clean = _STRAY_COMMA.sub(lambda m: f"{m.group(1)}.{m.group(2)}" if m.group(1) else f"{m.group(3)}.{m.group(4)}",
                                 clean)
    clean = _CURRENCY.sub("", _THOUSANDS.sub(lambda m: m.group(1).replace(",", ""), clean))
    if "p" in clean or "P" in clean:
        clean = _TRAILING_P.sub("", clean)  # "88.0 (7.6) p = 0.014": the values, their P after them
    if clean.endswith(".") and clean[-2:-1].isdigit():
        clean = clean[:-1]  # "13.5±4.": a stray full stop after the last number
    if "/" in clean:
        clean = _SPACED_THOUSANDS.sub(lambda m: m.group(0).replace(" ", ""), clean)
    for form, pattern in _forms_for(clean):
        m = pattern.match(clean)
        if not m:
            continue
        g = m.groupdict()
        value = CellValue(
            form=form, a=_num(g.get("a")), b=_num(g.get("b")), lo=_num(g.get("lo")), hi=_num(g.get("hi")),
            count=int(g["x"]) if g.get("x") else None, total=int(g["tot"]) if g.get("tot") else None,
            op=g.get("op"), sep=(g.get("sep") or "").strip() or None, markers=markers,
        )
        if form in ("count_of", "fraction") and value.count is not None and value.total is not None \
                and (value.total == 0 and not (form == "count_of" and value.count == 0 and value.b == 0)
                     or value.count > value.total):
            # "17/13" (female/male) is two counts, not a count of a total; "0/0 (0%)" is none of no one
            return None, markers
        if form == "count_of" and "pc" in g and not g["pc"] and value.b is not None and value.count is not None \
                and abs(value.b - 100 * value.count / value.total) > 0.6:
            continue  # "56.56 (138/244)" is a percentage of x/N only when it is x/N's percentage
        return value, markers
        return value, markers
    return None, markers

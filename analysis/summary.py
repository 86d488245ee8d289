"""Text rendering of a fitted model in metafor's printed layout (``print.rma.uni`` / ``summary.rma``).

A renderer only: :func:`format_rma` takes a :class:`analysis.pooling.MetaResult` and returns the
lines metafor 3.8 prints for the same model with its default 4 digits and significance stars,
space for space (checked against R's own output in tests/reference/print_reference.json).
``str(result)`` and ``result.summary()`` call it.
"""
from __future__ import annotations

import math

__all__ = ["SummaryText", "format_rma"]

DIGITS = 4
SIGNIF_LEGEND = "Signif. codes:  0 \u2018***\u2019 0.001 \u2018**\u2019 0.01 \u2018*\u2019 0.05 \u2018.\u2019 0.1 \u2018 \u2019 1"
_EPS10 = 10 * 2.220446049250313e-16


class SummaryText(str):
    """A str that a REPL shows as the text itself (not as a quoted repr), like R's printed summary."""

    def __repr__(self) -> str:
        return str(self)


def _fcf(x, digits: int = DIGITS) -> str:
    """metafor .fcf: fixed notation with `digits` decimals ("NA" when missing)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "NA"
    return f"{float(x):.{digits}f}"


def _pval(p, digits: int = DIGITS, showeq: bool = False, sep: str = "") -> str:
    """metafor .pval: "0.0123", or "<.0001" below 10^-digits; with showeq "= 0.0123" / "< .0001"."""
    if p is None or math.isnan(float(p)):
        return ("=" if showeq else "") + sep + "NA"
    cutoff = "." + "0" * (digits - 1) + "1"
    if p >= float(cutoff):
        return ("=" if showeq else "") + sep + f"{float(p):.{digits}f}"
    return "<" + sep + cutoff


def _stars(p: float) -> str:
    """R's symnum with metafor's cutpoints 0, .001, .01, .05, .1, 1."""
    if p is None or math.isnan(p):
        return ""
    if p <= 0.001:
        return "***"
    if p <= 0.01:
        return "**"
    if p <= 0.05:
        return "*"
    if p <= 0.1:
        return "."
    return " "


def _btt(p: int) -> str:
    """metafor .format.btt for the moderators 2..p: "2" or "2:p"."""
    return "2" if p == 2 else f"2:{p}"


def _round_df(dfs: float) -> str:
    value = round(float(dfs), 2)
    return f"{value:g}" if value != int(value) else str(int(value))


def _vector_lines(names: list[str], values: list[str]) -> list[str]:
    """metafor .print.vector (+ .print.table): one header line and one value line, columns as wide as
    the wider of name and value, right-justified, two spaces apart, each line ending in a space."""
    widths = [max(len(n), len(v)) for n, v in zip(names, values)]
    head = "  ".join(n.rjust(w) for n, w in zip(names, widths))
    row = "  ".join(v.rjust(w) for v, w in zip(values, widths))
    return [head + " ", row + " "]


def _frame_lines(row_names: list[str], columns: list[str], cells: list[list[str]]) -> list[str]:
    """R's print.data.frame(right = TRUE, print.gap = 2) (+ .print.table's trailing space)."""
    name_w = max(len(r) for r in row_names)
    widths = [max([len(c)] + [len(row[j]) for row in cells]) for j, c in enumerate(columns)]
    lines = [" " * name_w + "".join("  " + c.rjust(w) for c, w in zip(columns, widths)) + " "]
    for name, row in zip(row_names, cells):
        lines.append(name.ljust(name_w) + "".join("  " + v.rjust(w) for v, w in zip(row, widths)) + " ")
    return lines


def _fit_lines(res) -> list[str]:
    """The named vector logLik, deviance, AIC, BIC, AICc as R prints it (common width, trailing gap)."""
    names = ["logLik", "deviance", "AIC", "BIC", "AICc"]
    values = [_fcf(v) for v in (res.loglik, res.deviance, res.aic, res.bic, res.aicc)]
    w = max(len(s) for s in names + values)
    return ["".join(n.rjust(w) + "  " for n in names) + " ", "".join(v.rjust(w) + "  " for v in values) + " "]


def format_rma(res, *, showfit: bool = False, signif_stars: bool = True) -> str:
    """Return metafor's printed summary of `res` (print.rma.uni; with showfit, summary.rma's)."""
    fe = res.method == "FE"
    int_only = res.p == 1
    lines: list[str] = []
    if fe:
        title = "Fixed-Effects Model" if int_only else "Fixed-Effects with Moderators Model"
        lines.append(f"{title} (k = {res.k})")
    else:
        title = "Random-Effects Model" if int_only else "Mixed-Effects Model"
        lines.append(f"{title} (k = {res.k}; tau^2 estimator: {res.method})")
    if showfit:
        lines += [""] + _fit_lines(res)
    lines.append("")
    if not fe:
        tau2_digits = 0 if abs(res.tau2) <= _EPS10 else DIGITS
        se = "" if res.se_tau2 is None else f" (SE = {_fcf(res.se_tau2)})"
        tau = _fcf(math.sqrt(res.tau2), 0 if res.tau2 <= _EPS10 else DIGITS) if res.tau2 >= 0 else "NA"
        if int_only:
            lines.append(f"tau^2 (estimated amount of total heterogeneity): {_fcf(res.tau2, tau2_digits)}{se}")
            lines.append(f"tau (square root of estimated tau^2 value):      {tau}")
        else:
            lines.append(f"tau^2 (estimated amount of residual heterogeneity):     {_fcf(res.tau2, tau2_digits)}{se}")
            lines.append(f"tau (square root of estimated tau^2 value):             {tau}")
    if int_only:
        lines.append(f"I^2 (total heterogeneity / total variability):   {_fcf(res.i2, 2)}%")
        lines.append(f"H^2 (total variability / sampling variability):  {_fcf(res.h2, 2)}")
    else:
        lines.append(f"I^2 (residual heterogeneity / unaccounted variability): {_fcf(res.i2, 2)}%")
        lines.append(f"H^2 (unaccounted variability / sampling variability):   {_fcf(res.h2, 2)}")
        if res.r2 is not None:
            lines.append(f"R^2 (amount of heterogeneity accounted for):            {_fcf(res.r2, 2)}%")
    lines.append("")
    q_p = _pval(res.q_p, showeq=True, sep=" ")
    if int_only:
        lines += ["Test for Heterogeneity:", f"Q(df = {res.k - res.p}) = {_fcf(res.q)}, p-val {q_p}", ""]
    else:
        lines += ["Test for Residual Heterogeneity:", f"QE(df = {res.k - res.p}) = {_fcf(res.q)}, p-val {q_p}", ""]
    knha = res.dfs is not None
    if not int_only and res.qm is not None and not math.isnan(res.qm):
        m = res.p - 1
        lines.append(f"Test of Moderators (coefficient{' ' if m == 1 else 's '}{_btt(res.p)}):")
        qm_p = _pval(res.qm_p, showeq=True, sep=" ")
        if knha:
            lines.append(f"F(df1 = {m}, df2 = {_round_df(res.dfs)}) = {_fcf(res.qm)}, p-val {qm_p}")
        else:
            lines.append(f"QM(df = {m}) = {_fcf(res.qm)}, p-val {qm_p}")
        lines.append("")
    columns = ["estimate", "se", "tval" if knha else "zval"] + (["df"] if knha else []) + ["pval", "ci.lb", "ci.ub"]
    cells = []
    for j in range(res.p):
        row = [_fcf(res.beta[j]), _fcf(res.se_beta[j]), _fcf(res.stat[j])]
        if knha:
            row.append(_round_df(res.dfs))
        row += [_pval(res.pval_beta[j]), _fcf(res.ci_lb[j]), _fcf(res.ci_ub[j])]
        if signif_stars:
            row.append(_stars(float(res.pval_beta[j])))
        cells.append(row)
    if signif_stars:
        columns.append("")
    lines += ["Model Results:", ""]
    if int_only:
        lines += _vector_lines(columns, cells[0])
    else:
        lines += _frame_lines(list(res.names), columns, cells)
    if signif_stars:
        lines += ["", "---", SIGNIF_LEGEND]
    return "\n".join(lines)

# Reference output of metafor's print.rma.uni and summary.rma, and the fit statistics and R^2 behind them.
#
# Run:  cd tests/reference && Rscript print_reference.R      (writes print_reference.json)
#
# For each model below: the inputs (yi, vi, named moderators), the lines print(res) and
# print(summary(res)) write (capture.output, UTF-8 locale, default digits and significance stars),
# metafor's fit statistics (fit.stats: ll, dev, AIC, BIC, AICc for ML and REML) and R^2.
# The Python tests (tests/analysis/test_summary.py) render the same models with str(res) and
# res.summary() and compare them line by line.
suppressPackageStartupMessages({
  library(metafor)
  library(metadat)
  library(jsonlite)
})
invisible(Sys.setlocale("LC_CTYPE", "C.UTF-8"))

num <- function(x) if (is.null(x) || length(x) == 0) NULL else unname(as.numeric(x))

bcg <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
norm <- escalc(measure = "SMD", m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i,
               n2i = n2i, data = dat.normand1999)
homog <- list(yi = c(0.20, 0.21, 0.19, 0.20, 0.205), vi = c(0.04, 0.05, 0.03, 0.06, 0.05))

cases <- list(
  list(id = "bcg-REML", yi = bcg$yi, vi = bcg$vi, method = "REML", test = "z"),
  list(id = "bcg-DL-knha", yi = bcg$yi, vi = bcg$vi, method = "DL", test = "knha"),
  list(id = "bcg-FE", yi = bcg$yi, vi = bcg$vi, method = "FE", test = "z"),
  list(id = "bcg-ML", yi = bcg$yi, vi = bcg$vi, method = "ML", test = "z"),
  list(id = "bcg-PM-knha", yi = bcg$yi, vi = bcg$vi, method = "PM", test = "knha"),
  list(id = "bcg-ablat-REML", yi = bcg$yi, vi = bcg$vi, method = "REML", test = "z",
       mods = list(ablat = bcg$ablat)),
  list(id = "bcg-ablat-year-REML-knha", yi = bcg$yi, vi = bcg$vi, method = "REML", test = "knha",
       mods = list(ablat = bcg$ablat, year = bcg$year)),
  list(id = "bcg-ablat-FE", yi = bcg$yi, vi = bcg$vi, method = "FE", test = "z",
       mods = list(ablat = bcg$ablat)),
  list(id = "bcg-ablat-DL", yi = bcg$yi, vi = bcg$vi, method = "DL", test = "z",
       mods = list(ablat = bcg$ablat)),
  list(id = "bcg-year-ML-knha", yi = bcg$yi, vi = bcg$vi, method = "ML", test = "knha",
       mods = list(year = bcg$year)),
  list(id = "normand-EB", yi = norm$yi, vi = norm$vi, method = "EB", test = "z"),
  list(id = "normand-SJ-knha", yi = norm$yi, vi = norm$vi, method = "SJ", test = "knha"),
  list(id = "normand-HS", yi = norm$yi, vi = norm$vi, method = "HS", test = "z"),
  list(id = "normand-HE", yi = norm$yi, vi = norm$vi, method = "HE", test = "z"),
  list(id = "homogeneous-REML", yi = homog$yi, vi = homog$vi, method = "REML", test = "z"),
  list(id = "bcg-k2-REML", yi = bcg$yi[1:2], vi = bcg$vi[1:2], method = "REML", test = "z"),
  list(id = "single-FE", yi = 0.5, vi = 0.04, method = "FE", test = "z")
)

out_cases <- list()
for (case in cases) {
  args <- list(yi = as.numeric(case$yi), vi = as.numeric(case$vi), method = case$method, test = case$test)
  if (!is.null(case$mods)) {
    frame <- as.data.frame(lapply(case$mods, as.numeric))
    args$mods <- as.formula(paste("~", paste(names(case$mods), collapse = " + ")))
    args$data <- frame
  }
  res <- do.call(rma, args)
  fs <- res$fit.stats
  out_cases[[length(out_cases) + 1]] <- list(
    id = case$id, method = case$method, test = case$test,
    yi = num(case$yi), vi = num(case$vi),
    mods = if (is.null(case$mods)) NULL else lapply(case$mods, num),
    print = capture.output(print(res)),
    summary = capture.output(print(summary(res))),
    fit_stats_ml = num(fs$ML), fit_stats_reml = num(fs$REML),
    R2 = if (is.null(res$R2)) NULL else num(res$R2)
  )
}

out <- list(
  r_version = R.version.string,
  metafor_version = as.character(packageVersion("metafor")),
  note = paste("capture.output of print(res) and print(summary(res)) for metafor::rma with default",
               "settings; fit_stats_* = res$fit.stats (ll, dev, AIC, BIC, AICc)."),
  cases = out_cases
)
full_precision <- function(x) {
  if (is.list(x)) return(lapply(x, full_precision))
  if (is.numeric(x)) {
    txt <- ifelse(is.finite(x), sprintf("%.17g", x), "null")
    txt <- if (length(x) == 1L) txt else paste0("[", paste(txt, collapse = ","), "]")
    return(structure(txt, class = "json"))
  }
  x
}
writeLines(toJSON(full_precision(out), auto_unbox = TRUE, json_verbatim = TRUE, null = "null",
                  pretty = FALSE),
           "print_reference.json", useBytes = TRUE)
cat("wrote print_reference.json with", length(out_cases), "cases\n")

# Reference values for `trialsynth pool`: every measure x every estimator x {z, knha}, computed with metafor.
# Run:  cd tests/reference && Rscript pool_reference.R   (reads escalc_reference.json, writes pool_reference.json)
# For every escalc case with default arguments, metafor's own yi/vi are pooled with rma() under each tau²
# estimator and both tests; the Python test feeds the case's raw input columns through the CLI.
# tau2_ci_low/high: confint(control = list(tol = 1e-12)), with tau2.max raised tenfold while a bound lies
# beyond it (trialsynth widens its search the same way); tau2_ci_*_capped and tau2_ci_signs: what confint
# reports with its default tau2.max = max(100, 10 tau^2), where ">" marks a bound beyond that limit.
suppressPackageStartupMessages({library(metafor); library(jsonlite)})

ref <- fromJSON("escalc_reference.json", simplifyVector = FALSE)
methods <- c(FE = "FE", DL = "DL", REML = "REML", ML = "ML", PM = "PM", HS = "HS", SJ = "SJ", HE = "HE", EB = "EB")
num <- function(x) if (is.null(x) || length(x) == 0 || is.na(x)) NULL else as.numeric(x)

fits <- list()
for (case in ref$cases) {
  if (length(case$args) > 0) next                       # default escalc arguments only
  yi <- as.numeric(unlist(case$yi)); vi <- as.numeric(unlist(case$vi))
  if (any(!is.finite(yi)) || any(!is.finite(vi)) || any(vi <= 0)) next
  for (m in names(methods)) for (test in c("z", "knha")) {
    res <- tryCatch(rma(yi, vi, method = methods[[m]], test = test), error = function(e) NULL)
    if (is.null(res)) {
      fits[[length(fits) + 1]] <- list(case = case$id, measure = case$measure, method = m, test = test,
                                       error = TRUE)
      next
    }
    cif <- if (m == "FE") NULL else tryCatch(confint(res, control = list(tol = 1e-12)), error = function(e) NULL)
    ci <- if (is.null(cif)) NULL else cif$random["tau^2", ]
    # a bound beyond metafor's tau2.max = max(100, 10 tau^2) is marked ">" and reported as tau2.max;
    # metafor finds it with a larger tau2.max (raised tenfold until no bound is beyond it)
    wide <- ci
    cif0 <- cif
    if (!is.null(cif)) {
      tau2.max <- max(100, 10 * res$tau2)
      while (cif$ub.sign == ">" || cif$lb.sign == ">") {
        tau2.max <- 10 * tau2.max
        cif <- confint(res, control = list(tol = 1e-12, tau2.max = tau2.max))
      }
      wide <- cif$random["tau^2", ]
    }
    pr <- predict(res)
    fits[[length(fits) + 1]] <- list(
      case = case$id, measure = case$measure, method = m, test = test, error = FALSE, k = res$k,
      estimate = num(res$b[1]), se = num(res$se), ci_low = num(res$ci.lb), ci_high = num(res$ci.ub),
      p_value = num(res$pval), tau2 = num(res$tau2),
      tau2_ci_low = if (is.null(wide)) NULL else num(wide[["ci.lb"]]),
      tau2_ci_high = if (is.null(wide)) NULL else num(wide[["ci.ub"]]),
      tau2_ci_low_capped = if (is.null(ci)) NULL else num(ci[["ci.lb"]]),
      tau2_ci_high_capped = if (is.null(ci)) NULL else num(ci[["ci.ub"]]),
      tau2_ci_signs = if (is.null(cif0)) NULL else c(cif0$lb.sign, cif0$ub.sign),
      i2 = num(res$I2), h2 = num(res$H2), q = num(res$QE), q_p = num(res$QEp),
      pi_low = num(pr$pi.lb), pi_high = num(pr$pi.ub), weights = as.numeric(weights(res)))
  }
}
out <- list(generated_by = "tests/reference/pool_reference.R", r_version = R.version.string,
            metafor_version = as.character(packageVersion("metafor")), fits = fits)
writeLines(toJSON(out, auto_unbox = TRUE, digits = I(17), null = "null", pretty = FALSE), "pool_reference.json")
cat(sprintf("wrote %d fits\n", length(fits)))

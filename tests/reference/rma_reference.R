# Reference values for analysis/pooling.py (rma) and analysis/estimators.py (tau^2 estimators).
#
# Run:  cd tests/reference && Rscript rma_reference.R      (writes rma_reference.json)
#
# For every dataset below and every estimator (EE -> "FE" in trialsynth, DL, REML, ML, PM, HS, SJ,
# HE, EB) and test ("z", "knha") this records the inputs (yi, vi, moderators) and metafor's default
# output of rma(), predict() and confint().  confint() is recorded twice: with its default settings
# (uniroot tol = .Machine$double.eps^0.25, imprecise) and with control = list(tol = 1e-12); the Python
# tests compare the Q-profile CI of tau^2 against the tol = 1e-12 values ("tau2_ci_precise").
suppressPackageStartupMessages({
  library(metafor)
  library(metadat)
  library(jsonlite)
})

methods <- c("EE", "DL", "REML", "ML", "PM", "HS", "SJ", "HE", "EB")
tests <- c("z", "knha")

num <- function(x) if (is.null(x) || length(x) == 0) NULL else unname(as.numeric(x))

datasets <- list()

bcg <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
datasets$bcg <- list(measure = "RR", yi = num(bcg$yi), vi = num(bcg$vi),
                     mods = list(ablat = num(bcg$ablat), year = num(bcg$year)))

hack <- dat.hackshaw1998
datasets$hackshaw1998 <- list(measure = "OR", yi = num(hack$yi), vi = num(hack$vi))

raud <- dat.raudenbush1985
datasets$raudenbush1985 <- list(measure = "SMD", yi = num(raud$yi), vi = num(raud$vi))

norm <- escalc(measure = "SMD", m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i,
               n2i = n2i, data = dat.normand1999)
datasets$normand1999 <- list(measure = "SMD", yi = num(norm$yi), vi = num(norm$vi))

pritz <- escalc(measure = "PLO", xi = xi, ni = ni, data = dat.pritz1997)
datasets$pritz1997 <- list(measure = "PLO", yi = num(pritz$yi), vi = num(pritz$vi))

molloy <- escalc(measure = "ZCOR", ri = ri, ni = ni, data = dat.molloy2014)
datasets$molloy2014 <- list(measure = "GEN", yi = num(molloy$yi), vi = num(molloy$vi))

# two studies (the first two BCG trials): the upper tau^2 bound lies far beyond metafor's tau2.max = 100
datasets$bcg_k2 <- list(measure = "RR", yi = num(bcg$yi[1:2]), vi = num(bcg$vi[1:2]))

hine <- escalc(measure = "RD", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = dat.hine1989)
datasets$hine1989 <- list(measure = "RD", yi = num(hine$yi), vi = num(hine$vi))

# confint() stops at tau2.max = max(100, 10 tau^2) and marks a bound beyond it with ">"; metafor's own way
# to find such a bound is a larger tau2.max: raise it tenfold until no bound is marked
widened_ci <- function(res) {
  tau2.max <- max(100, 10 * res$tau2)
  ci <- confint(res, control = list(tol = 1e-12))
  while (ci$ub.sign == ">" || ci$lb.sign == ">") {
    tau2.max <- 10 * tau2.max
    ci <- confint(res, control = list(tol = 1e-12, tau2.max = tau2.max))
  }
  ci$random["tau^2", ]
}

fit_one <- function(dname, method, test, mods = NULL, level = 95) {
  d <- datasets[[dname]]
  out <- list(dataset = dname, method = ifelse(method == "EE", "FE", method),
              metafor_method = method, test = test, level = level,
              mods = if (is.null(mods)) NULL else mods)
  args <- list(yi = d$yi, vi = d$vi, method = method, test = test, level = level)
  if (!is.null(mods)) args$mods <- do.call(cbind, d$mods[mods])
  res <- try(do.call(rma, args), silent = TRUE)
  if (inherits(res, "try-error")) {
    out$error <- as.character(res)
    return(out)
  }
  out$k <- res$k
  out$p <- res$p
  out$beta <- num(res$beta)
  out$se <- num(res$se)
  out$stat <- num(res$zval)           # zval (test="z") or tval (test="knha")
  out$pval <- num(res$pval)
  out$ci_lb <- num(res$ci.lb)
  out$ci_ub <- num(res$ci.ub)
  out$dfs <- if (test == "knha") num(res$ddf) else NULL
  out$tau2 <- num(res$tau2)
  out$se_tau2 <- if (is.na(res$se.tau2)) NULL else num(res$se.tau2)
  out$I2 <- num(res$I2)
  out$H2 <- num(res$H2)
  out$QE <- num(res$QE)
  out$QEp <- num(res$QEp)
  out$QM <- num(res$QM)
  out$QMp <- num(res$QMp)
  out$QMdf <- num(res$QMdf[!is.na(res$QMdf)])
  out$weights <- num(weights(res))
  if (is.element(method, c("REML", "ML", "EB"))) {
    # metafor does not store the number of Fisher scoring iterations; read it from verbose output
    txt <- capture.output(suppressMessages(do.call(rma, c(args, verbose = TRUE))))
    hit <- regmatches(txt, regexpr("converged after [0-9]+ iterations", txt))
    out$iterations <- as.integer(gsub("[^0-9]", "", hit[1]))
  }
  if (is.null(mods)) {
    pr <- predict(res)
    out$pi_lb <- if (is.null(pr$pi.lb)) NULL else num(pr$pi.lb)
    out$pi_ub <- if (is.null(pr$pi.ub)) NULL else num(pr$pi.ub)
  }
  if (method != "EE") {   # confint() gives the Q-profile CI of (residual) tau^2 for meta-regressions too
    ci <- confint(res)
    out$tau2_ci <- num(ci$random["tau^2", ])                    # estimate, ci.lb, ci.ub
    cip <- confint(res, control = list(tol = 1e-12))
    out$tau2_ci_precise <- num(cip$random["tau^2", ])
    out$tau2_ci_signs <- c(cip$lb.sign, cip$ub.sign)            # ">" = beyond tau2.max = max(100, 10 tau^2)
    out$tau2_ci_wide <- num(widened_ci(res))
  }
  out
}

fits <- list()
for (dname in names(datasets)) {
  for (method in methods) {
    for (test in tests) {
      fits[[length(fits) + 1]] <- fit_one(dname, method, test)
    }
  }
}
for (mods in list("ablat", c("ablat", "year"))) {
  for (method in methods) {
    for (test in tests) {
      fits[[length(fits) + 1]] <- fit_one("bcg", method, test, mods = mods)
    }
  }
}
# a non-default confidence level
for (method in c("REML", "DL")) {
  for (test in tests) {
    fits[[length(fits) + 1]] <- fit_one("bcg", method, test, level = 90)
  }
}

out <- list(
  r_version = R.version.string,
  metafor_version = as.character(packageVersion("metafor")),
  metadat_version = as.character(packageVersion("metadat")),
  note = paste("Outputs of metafor::rma.uni with default settings; tau2_ci = confint() defaults,",
               "tau2_ci_precise = confint(control = list(tol = 1e-12)), tau2_ci_signs its lb.sign and",
               "ub.sign ('>' = beyond tau2.max), tau2_ci_wide = confint with tau2.max raised tenfold until",
               "no bound is beyond it. Method EE is reported as FE."),
  datasets = datasets,
  fits = fits
)
# jsonlite writes at most 15 significant digits; write every number with 17 (exact round trip)
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
           "rma_reference.json")
cat("wrote rma_reference.json with", length(fits), "fits\n")

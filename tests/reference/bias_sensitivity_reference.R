# Reference values for analysis/sensitivity.py, analysis/bias.py and analysis/subgroups.py.
# Run: cd tests/reference && Rscript bias_sensitivity_reference.R
# Writes bias_sensitivity_reference.json (inputs and metafor's default outputs); tests read the JSON,
# so the test run needs no R.
suppressPackageStartupMessages({library(metafor); library(jsonlite)})

num <- function(x) { x <- as.numeric(x); x[is.na(x)] <- NA; x }

l1o <- function(yi, vi, method, test) {
  fit <- rma(yi, vi, method = method, test = test)
  r <- leave1out(fit)
  list(method = method, test = test,
       estimate = num(r$estimate), se = num(r$se), stat = num(r[[3]]), pval = num(r$pval),
       ci_lb = num(r$ci.lb), ci_ub = num(r$ci.ub), Q = num(r$Q), Qp = num(r$Qp),
       tau2 = if (is.null(r$tau2)) NULL else num(r$tau2), I2 = num(r$I2), H2 = num(r$H2))
}

cml <- function(yi, vi, order, method, test) {
  fit <- rma(yi, vi, method = method, test = test)
  r <- suppressWarnings(cumul(fit, order = order))
  list(method = method, test = test, order = order,
       estimate = num(r$estimate), se = num(r$se), stat = num(r[[3]]), pval = num(r$pvals),
       ci_lb = num(r$ci.lb), ci_ub = num(r$ci.ub), Q = num(r$Q), Qp = num(r$Qp),
       tau2 = if (is.null(r$tau2)) NULL else num(r$tau2), I2 = num(r$I2), H2 = num(r$H2))
}

infl <- function(yi, vi, method, test) {
  fit <- rma(yi, vi, method = method, test = test)
  r <- influence(fit)
  list(method = method, test = test,
       rstudent = num(r$inf$rstudent), dffits = num(r$inf$dffits), cook_d = num(r$inf$cook.d),
       cov_r = num(r$inf$cov.r), tau2_del = num(r$inf$tau2.del), QE_del = num(r$inf$QE.del),
       hat = num(r$inf$hat), weight = num(r$inf$weight), dfbs = num(r$dfbs$intrcpt),
       is_infl = as.logical(r$is.infl))
}

reg <- function(yi, vi, method, test, predictor = "sei") {
  fit <- rma(yi, vi, method = method, test = test)
  r <- regtest(fit, predictor = predictor)
  list(method = method, test = test, predictor = predictor,
       stat = num(r$zval), pval = num(r$pval), ddf = if (is.na(r$ddf)) NULL else num(r$ddf),
       est = num(r$est), ci_lb = num(r$ci.lb), ci_ub = num(r$ci.ub),
       slope = num(coef(r$fit)[2]), tau2 = num(r$fit$tau2))
}

tf <- function(yi, vi, method, side = NULL, estimator = "L0") {
  fit <- rma(yi, vi, method = method)
  r <- if (is.null(side)) trimfill(fit, estimator = estimator) else trimfill(fit, side = side, estimator = estimator)
  list(method = method, side_arg = side, estimator = estimator,
       side = r$side, k0 = r$k0, se_k0 = num(r$se.k0), p_k0 = num(r$p.k0),
       k = r$k, estimate = num(r$beta), se = num(r$se), ci_lb = num(r$ci.lb), ci_ub = num(r$ci.ub),
       pval = num(r$pval), tau2 = num(r$tau2), Q = num(r$QE),
       yi = num(r$yi), vi = num(r$vi), fill = as.logical(r$fill))
}

out <- list(R_version = R.version.string, metafor_version = as.character(packageVersion("metafor")),
            metadat_version = as.character(packageVersion("metadat")),
            generated = format(Sys.time(), "%Y-%m-%d"))

# dat.bcg, log risk ratios (metafor escalc measure RR)
bcg <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
out$bcg <- list(yi = num(bcg$yi), vi = num(bcg$vi), year = bcg$year, ablat = bcg$ablat,
                alloc = as.character(bcg$alloc), labels = paste(bcg$author, bcg$year))

out$leave1out <- list()
out$cumul <- list()
for (m in c("REML", "DL", "FE")) for (t in c("z", "knha")) {
  if (m == "FE" && t == "knha") next
  key <- paste(m, t, sep = "_")
  out$leave1out[[key]] <- l1o(bcg$yi, bcg$vi, m, t)
  out$cumul[[key]] <- cml(bcg$yi, bcg$vi, bcg$year, m, t)
}
# two studies: leaving one out leaves k = 1 (metafor then fits with tau2 = 0 and a z test)
out$leave1out_k2 <- l1o(bcg$yi[1:2], bcg$vi[1:2], "REML", "knha")

out$influence <- list(REML_z = infl(bcg$yi, bcg$vi, "REML", "z"),
                      REML_knha = infl(bcg$yi, bcg$vi, "REML", "knha"),
                      DL_z = infl(bcg$yi, bcg$vi, "DL", "z"),
                      FE_z = infl(bcg$yi, bcg$vi, "FE", "z"))

# dat.hackshaw1998: log odds ratios (lung cancer, passive smoking)
hs <- dat.hackshaw1998
out$hackshaw <- list(yi = num(hs$yi), vi = num(hs$vi), labels = paste(hs$author, hs$year))
out$regtest <- list(hackshaw_REML_z = reg(hs$yi, hs$vi, "REML", "z"),
                    hackshaw_REML_knha = reg(hs$yi, hs$vi, "REML", "knha"),
                    hackshaw_FE_z = reg(hs$yi, hs$vi, "FE", "z"),
                    hackshaw_REML_vi = reg(hs$yi, hs$vi, "REML", "z", "vi"),
                    bcg_REML_z = reg(bcg$yi, bcg$vi, "REML", "z"),
                    bcg_DL_knha = reg(bcg$yi, bcg$vi, "DL", "knha"))

out$trimfill <- list(hackshaw_REML = tf(hs$yi, hs$vi, "REML"),
                     hackshaw_FE = tf(hs$yi, hs$vi, "FE"),
                     hackshaw_REML_R0 = tf(hs$yi, hs$vi, "REML", estimator = "R0"),
                     hackshaw_REML_Q0 = tf(hs$yi, hs$vi, "REML", estimator = "Q0"),
                     hackshaw_REML_right = tf(hs$yi, hs$vi, "REML", side = "right"),
                     hackshaw_mirror_REML = tf(-hs$yi, hs$vi, "REML"),
                     bcg_REML = tf(bcg$yi, bcg$vi, "REML"),
                     bcg_DL = tf(bcg$yi, bcg$vi, "DL"))

# small made-up data sets at the edges of trimfill (k = 7 and k = 5):
# L0 with a negative variance of Sr (metafor: se.k0 = NaN) and Q0 undefined (metafor stops with an error)
edge_nan <- list(yi = c(-0.2134, -0.3591, -0.3388, -2.4185, -0.0762, -0.3971, 0.275),
                 vi = c(0.3442, 0.1249, 0.3605, 0.2506, 0.3406, 0.471, 0.1244))
edge_q0 <- list(yi = c(-0.537, 0.5811, 0.3646, 0.2941, 0.0284), vi = c(0.4757, 0.0806, 0.4748, 0.1628, 0.2174))
out$trimfill_edge <- list(
  nan_se = c(edge_nan, list(result = suppressWarnings(tf(edge_nan$yi, edge_nan$vi, "REML")))),
  q0_fails = c(edge_q0, list(error = inherits(suppressWarnings(try(trimfill(rma(edge_q0$yi, edge_q0$vi),
                                                                   estimator = "Q0"), silent = TRUE)), "try-error"))))

# subgroups: dat.bcg by allocation; separate random-effects model per subgroup (own tau2) and the
# Cochrane test for subgroup differences (fixed-effect meta-analysis of the subgroup estimates)
sg <- list()
for (m in c("REML", "DL")) for (t in c("z", "knha")) {
  levs <- sort(unique(as.character(bcg$alloc)))
  per <- lapply(levs, function(g) {
    f <- rma(yi, vi, data = bcg, subset = alloc == g, method = m, test = t)
    list(group = g, k = f$k, estimate = num(f$beta), se = num(f$se), ci_lb = num(f$ci.lb),
         ci_ub = num(f$ci.ub), pval = num(f$pval), tau2 = num(f$tau2), I2 = num(f$I2), Q = num(f$QE))
  })
  est <- sapply(per, function(z) z$estimate); se <- sapply(per, function(z) z$se)
  fe <- rma(est, se^2, method = "FE")
  me <- rma(yi, vi, mods = ~ factor(alloc), data = bcg, method = m, test = t)
  sg[[paste(m, t, sep = "_")]] <- list(method = m, test = t, groups = per,
    Q_between = num(fe$QE), Q_between_df = fe$k - 1, Q_between_p = num(fe$QEp),
    QM = num(me$QM), QM_df = num(me$QMdf), QM_p = num(me$QMp), tau2_common = num(me$tau2),
    beta = num(me$beta), se_beta = num(me$se))
}
out$subgroups <- sg

mr <- list()
for (m in c("REML", "DL", "ML", "FE")) for (t in c("knha", "z")) {
  if (m == "FE" && t == "knha") next
  f <- rma(yi, vi, mods = ~ ablat, data = bcg, method = m, test = t)
  mr[[paste(m, t, sep = "_")]] <- list(method = m, test = t, beta = num(f$beta), se = num(f$se),
    ci_lb = num(f$ci.lb), ci_ub = num(f$ci.ub), pval = num(f$pval), tau2 = num(f$tau2),
    R2 = num(f$R2), QM = num(f$QM), QM_p = num(f$QMp), QE = num(f$QE),
    ddf = if (is.na(f$ddf)) NULL else num(f$ddf))
}
out$metareg <- mr

writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, null = "null", na = "null", pretty = TRUE),
           "bias_sensitivity_reference.json")
cat("wrote bias_sensitivity_reference.json\n")

# Reference values for analysis/effects.py and analysis/conversions.py, computed with metafor.
# Run:  cd tests/reference && Rscript escalc_reference.R   (writes escalc_reference.json)
# Each case stores its inputs as arrays, so the Python tests need no R.
suppressPackageStartupMessages({library(metafor); library(metadat); library(jsonlite)})

cases <- list()
datasets <- character(0)
add_case <- function(id, dataset, measure, inputs, es, note = NULL, args = list()) {
  cases[[length(cases) + 1]] <<- list(id = id, dataset = dataset, measure = measure, inputs = inputs,
                                      args = args, yi = as.numeric(es$yi), vi = as.numeric(es$vi),
                                      note = note)
  datasets <<- unique(c(datasets, dataset))
}

## 2x2 tables: dat.bcg (RR, OR, RD), both the ai,bi,ci,di and the ai,n1i,ci,n2i forms
bcg <- dat.bcg
for (m in c("RR", "OR", "RD")) {
  es <- escalc(measure = m, ai = tpos, bi = tneg, ci = cpos, di = cneg, data = bcg)
  add_case(paste0("bcg_", m, "_abcd"), "dat.bcg", m,
           list(ai = bcg$tpos, bi = bcg$tneg, ci = bcg$cpos, di = bcg$cneg), es)
  es <- escalc(measure = m, ai = tpos, n1i = tpos + tneg, ci = cpos, n2i = cpos + cneg, data = bcg)
  add_case(paste0("bcg_", m, "_n"), "dat.bcg", m,
           list(ai = bcg$tpos, n1i = bcg$tpos + bcg$tneg, ci = bcg$cpos, n2i = bcg$cpos + bcg$cneg), es)
}
## zero-cell variant (MODIFIED copy of dat.bcg): trial 1 tpos -> 0, trial 2 tpos and cpos -> 0 (double zero),
## trial 3 tneg and cneg -> 0 (all events in both arms); default add=1/2, to="only0", drop00=FALSE
bz <- dat.bcg
bz$tpos[1] <- 0; bz$tpos[2] <- 0; bz$cpos[2] <- 0; bz$tneg[3] <- 0; bz$cneg[3] <- 0
for (m in c("RR", "OR", "RD")) {
  es <- escalc(measure = m, ai = tpos, bi = tneg, ci = cpos, di = cneg, data = bz)
  add_case(paste0("bcg_zero_", m), "dat.bcg (modified: zero cells set in trials 1-3)", m,
           list(ai = bz$tpos, bi = bz$tneg, ci = bz$cpos, di = bz$cneg), es,
           note = "zero cells introduced on purpose; metafor adds 1/2 to all four cells of those tables")
}

## two-group means: dat.normand1999 (MD, SMD, ROM) and dat.curtis1998 (ROM, ratio-scale data)
nd <- dat.normand1999
mins <- list(m1i = nd$m1i, sd1i = nd$sd1i, n1i = nd$n1i, m2i = nd$m2i, sd2i = nd$sd2i, n2i = nd$n2i)
for (m in c("MD", "SMD", "ROM")) {
  es <- escalc(measure = m, m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i, n2i = n2i, data = nd)
  add_case(paste0("normand_", m), "dat.normand1999", m, mins, es)
}
for (vt in c("UB", "LS2", "AV")) {
  es <- escalc(measure = "SMD", m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i, n2i = n2i,
               data = nd, vtype = vt)
  add_case(paste0("normand_SMD_", vt), "dat.normand1999", "SMD", mins, es, args = list(vtype = vt))
}
es <- escalc(measure = "MD", m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i, n2i = n2i,
             data = nd, vtype = "HO")
add_case("normand_MD_HO", "dat.normand1999", "MD", mins, es, args = list(vtype = "HO"))
cu <- dat.curtis1998
es <- escalc(measure = "ROM", m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i, n2i = n2i, data = cu)
add_case("curtis_ROM", "dat.curtis1998", "ROM",
         list(m1i = cu$m1i, sd1i = cu$sd1i, n1i = cu$n1i, m2i = cu$m2i, sd2i = cu$sd2i, n2i = cu$n2i), es)
es <- escalc(measure = "SMD", m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i, n2i = n2i, data = cu)
add_case("curtis_SMD", "dat.curtis1998", "SMD",
         list(m1i = cu$m1i, sd1i = cu$sd1i, n1i = cu$n1i, m2i = cu$m2i, sd2i = cu$sd2i, n2i = cu$n2i), es)

## proportions: dat.pritz1997 (xi, ni) and dat.debruin2009 (xi, ni, includes 0 events? see data)
pz <- dat.pritz1997
for (m in c("PR", "PLN", "PLO", "PAS", "PFT")) {
  es <- escalc(measure = m, xi = xi, ni = ni, data = pz)
  add_case(paste0("pritz_", m), "dat.pritz1997", m, list(xi = pz$xi, ni = pz$ni), es)
}
## zero and all-event variant (MODIFIED copy of dat.pritz1997): study 1 xi -> 0, study 2 xi -> ni
pzz <- dat.pritz1997
pzz$xi[1] <- 0; pzz$xi[2] <- pzz$ni[2]
for (m in c("PR", "PLN", "PLO", "PAS", "PFT")) {
  es <- escalc(measure = m, xi = xi, ni = ni, data = pzz)
  add_case(paste0("pritz_zero_", m), "dat.pritz1997 (modified: study 1 no events, study 2 all events)", m,
           list(xi = pzz$xi, ni = pzz$ni), es, note = "zero/all events introduced on purpose")
}
for (m in c("PR", "PLO")) {
  es <- escalc(measure = m, xi = xi, ni = ni, data = dat.debruin2009)
  add_case(paste0("debruin_", m), "dat.debruin2009", m, list(xi = dat.debruin2009$xi, ni = dat.debruin2009$ni), es)
}

## single-group means: dat.senn2013 (MN) and the first arm of dat.normand1999
sn <- dat.senn2013
es <- escalc(measure = "MN", mi = mi, sdi = sdi, ni = ni, data = sn)
add_case("senn_MN", "dat.senn2013", "MN", list(mi = sn$mi, sdi = sn$sdi, ni = sn$ni), es)
es <- escalc(measure = "MN", mi = m1i, sdi = sd1i, ni = n1i, data = nd)
add_case("normand_MN_arm1", "dat.normand1999", "MN", list(mi = nd$m1i, sdi = nd$sd1i, ni = nd$n1i), es)

## pre-post (MC, SMCR, SMCC): metadat 1.2.0 has no pre-post raw-means dataset (no dat.morris2008), so the
## data of Morris (2008, Organizational Research Methods 11:364-386), Table 1, treatment and control groups,
## as printed in metafor's escalc help, are inlined here.
morrisT <- data.frame(m_pre = c(30.6, 23.5, 0.5, 53.4, 35.6), m_post = c(38.5, 26.8, 0.7, 75.9, 36.0),
                      sd_pre = c(15.0, 3.1, 0.1, 14.5, 4.7), sd_post = c(11.6, 4.1, 0.1, 4.4, 4.6),
                      ni = c(20, 50, 9, 10, 14), ri = c(0.47, 0.64, 0.77, 0.89, 0.44))
morrisC <- data.frame(m_pre = c(23.1, 24.9, 0.6, 55.7, 34.8), m_post = c(19.7, 25.3, 0.6, 60.7, 33.4),
                      sd_pre = c(13.8, 4.1, 0.2, 17.3, 3.1), sd_post = c(14.8, 3.3, 0.2, 17.9, 6.9),
                      ni = c(20, 42, 9, 11, 14), ri = c(0.47, 0.64, 0.77, 0.89, 0.44))
for (grp in c("T", "C")) {
  d <- if (grp == "T") morrisT else morrisC
  ds <- paste0("Morris 2008 Table 1 (", ifelse(grp == "T", "treatment", "control"), " group; inlined)")
  for (m in c("MC", "SMCR", "SMCC")) {
    es <- escalc(measure = m, m1i = m_post, m2i = m_pre, sd1i = sd_pre, sd2i = sd_post, ni = ni, ri = ri, data = d)
    inp <- list(m1i = d$m_post, m2i = d$m_pre, sd1i = d$sd_pre, sd2i = d$sd_post, ni = d$ni, ri = d$ri)
    if (m == "SMCR") inp$sd2i <- NULL
    add_case(paste0("morris", grp, "_", m), ds, m, inp, es)
    ## assumed correlation 0.5 for every study (scalar ri)
    es <- escalc(measure = m, m1i = m_post, m2i = m_pre, sd1i = sd_pre, sd2i = sd_post, ni = ni, ri = rep(0.5, nrow(d)), data = d)
    inp$ri <- 0.5
    add_case(paste0("morris", grp, "_", m, "_r05"), ds, m, inp, es, note = "ri is a scalar (assumed r = 0.5)")
  }
  es <- escalc(measure = "SMCR", m1i = m_post, m2i = m_pre, sd1i = sd_pre, ni = ni, ri = ri, data = d, vtype = "LS2")
  add_case(paste0("morris", grp, "_SMCR_LS2"), ds, "SMCR",
           list(m1i = d$m_post, m2i = d$m_pre, sd1i = d$sd_pre, ni = d$ni, ri = d$ri), es, args = list(vtype = "LS2"))
}

## generic: dat.bangertdrowns2004 (yi, vi), given as yi + vi and as yi + sei
bd <- dat.bangertdrowns2004
es <- escalc(measure = "GEN", yi = yi, vi = vi, data = bd)
add_case("bangert_GEN_vi", "dat.bangertdrowns2004", "GEN", list(yi = bd$yi, vi = bd$vi), es)
es <- escalc(measure = "GEN", yi = yi, sei = sqrt(vi), data = bd)
add_case("bangert_GEN_sei", "dat.bangertdrowns2004", "GEN", list(yi = bd$yi, sei = sqrt(bd$vi)), es)

## back-transforms: transf.ipft.hm (harmonic mean of ni), transf.iarcsin, transf.ilogit, exp
pft <- escalc(measure = "PFT", xi = xi, ni = ni, data = pz)
xs <- c(as.numeric(pft$yi), 0, 0.05, 0.5, 0.9, 1.2, 1.5, 1.6)
backtransforms <- list(
  list(measure = "PFT", dataset = "dat.pritz1997", ni = pz$ni, values = xs,
       result = transf.ipft.hm(xs, targs = list(ni = pz$ni))),
  list(measure = "PAS", values = c(-0.1, 0, 0.3, 0.7, 1.5, 1.6), result = transf.iarcsin(c(-0.1, 0, 0.3, 0.7, 1.5, 1.6))),
  list(measure = "PLO", values = c(-3, -0.5, 0, 2.2), result = transf.ilogit(c(-3, -0.5, 0, 2.2))),
  list(measure = "RR", values = c(-1, 0, 0.7), result = exp(c(-1, 0, 0.7))))

## conv.wald: metafor 3.8.1 (Debian) has no conv.wald (added in metafor 4.0). Its rule is that of
## Wald-type intervals: vi = ((ub - lb) / (2 * qnorm(1 - (1 - level/100)/2)))^2, and from a two-sided
## p-value vi = (yi / qnorm(p/2, lower.tail=FALSE))^2. So the reference runs it backwards from metafor's own
## output: summary.escalc() gives Wald CIs and p-values of escalc outcomes; converting them back must
## reproduce metafor's vi. (Uses conv.wald too when a metafor >= 4 is installed.)
has_conv <- exists("conv.wald", envir = asNamespace("metafor")) && exists("conv.fivenum", envir = asNamespace("metafor"))
wald <- list()
rr <- summary(escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = bcg))
wald[[1]] <- list(id = "bcg_RR_ci95_exp", dataset = "dat.bcg", out = exp(rr$yi), ci_lb = exp(rr$ci.lb),
                  ci_ub = exp(rr$ci.ub), level = 95, transf = "log", yi = as.numeric(rr$yi), vi = as.numeric(rr$vi))
rr90 <- summary(escalc(measure = "OR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = bcg), level = 90)
wald[[2]] <- list(id = "bcg_OR_ci90_exp", dataset = "dat.bcg", out = exp(rr90$yi), ci_lb = exp(rr90$ci.lb),
                  ci_ub = exp(rr90$ci.ub), level = 90, transf = "log", yi = as.numeric(rr90$yi), vi = as.numeric(rr90$vi))
md <- summary(escalc(measure = "MD", m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i, n2i = n2i, data = nd))
wald[[3]] <- list(id = "normand_MD_ci95", dataset = "dat.normand1999", out = as.numeric(md$yi), ci_lb = md$ci.lb,
                  ci_ub = md$ci.ub, level = 95, transf = "none", yi = as.numeric(md$yi), vi = as.numeric(md$vi))
wald[[4]] <- list(id = "normand_MD_pval", dataset = "dat.normand1999", out = as.numeric(md$yi), pval = md$pval,
                  level = 95, transf = "none", yi = as.numeric(md$yi), vi = as.numeric(md$vi))
wald[[5]] <- list(id = "bcg_RR_zval", dataset = "dat.bcg", out = as.numeric(rr$yi), zval = rr$zi,
                  level = 95, transf = "none", yi = as.numeric(rr$yi), vi = as.numeric(rr$vi))
if (has_conv) {
  for (j in seq_along(wald)) wald[[j]]$metafor_conv_wald <- TRUE
}

## conv.fivenum: not in metafor 3.8.1 either (added in 4.0). The reference values below are computed in R
## straight from the published estimators that conv.fivenum's default method ("luo/wan/shi", dist="norm",
## test=TRUE) uses: Luo et al. (2018) eqs 7, 11, 15 for means; Wan et al. (2014) eqs 9, 16 and Shi et al.
## (2020) eq 10 for SDs; skewness test of Shi et al. (2023); n < 5 gives NA. Input values: the example data
## of metafor's conv.fivenum help page style (one study per summary type) plus dat.normand1999-like n's.
fn_ref <- function(min, q1, median, q3, max, n) {
  k <- length(n); means <- rep(NA_real_, k); sds <- rep(NA_real_, k)
  for (i in seq_len(k)) {
    if (is.na(n[i]) || n[i] < 5) next
    c1 <- !is.na(min[i]) && is.na(q1[i]) && is.na(q3[i]) && !is.na(max[i])
    c2 <- is.na(min[i]) && !is.na(q1[i]) && !is.na(q3[i]) && is.na(max[i])
    c3 <- !is.na(min[i]) && !is.na(q1[i]) && !is.na(q3[i]) && !is.na(max[i])
    xi <- 2 * qnorm((n[i] - 0.375) / (n[i] + 0.25)); eta <- 2 * qnorm((0.75 * n[i] - 0.125) / (n[i] + 0.25))
    if (c1) {
      t <- abs((min[i] + max[i] - 2 * median[i]) / (max[i] - min[i])); cr <- 1 / log(n[i] + 9) + 2.5 / (n[i] + 1)
      if (isTRUE(t >= cr)) next
      w <- 4 / (4 + n[i]^0.75); means[i] <- w * (min[i] + max[i]) / 2 + (1 - w) * median[i]
      sds[i] <- (max[i] - min[i]) / xi
    }
    if (c2) {
      t <- abs((q1[i] + q3[i] - 2 * median[i]) / (q3[i] - q1[i])); cr <- 2.65 / sqrt(n[i]) - 6 / n[i]^2
      if (isTRUE(t >= cr)) next
      w <- 0.7 + 0.39 / n[i]; means[i] <- w * (q1[i] + q3[i]) / 2 + (1 - w) * median[i]
      sds[i] <- (q3[i] - q1[i]) / eta
    }
    if (c3) {
      t <- max(2.65 * log(0.6 * n[i]) / sqrt(n[i]) * abs((min[i] + max[i] - 2 * median[i]) / (max[i] - min[i])),
               abs((q1[i] + q3[i] - 2 * median[i]) / (q3[i] - q1[i])))
      cr <- 3 / sqrt(n[i]) - 40 / n[i]^3
      if (isTRUE(t >= cr)) next
      w1 <- 2.2 / (2.2 + n[i]^0.75); w2 <- 0.7 - 0.72 / n[i]^0.55
      means[i] <- w1 * (min[i] + max[i]) / 2 + w2 * (q1[i] + q3[i]) / 2 + (1 - w1 - w2) * median[i]
      w <- 1 / (1 + 0.07 * n[i]^0.6); sds[i] <- w * (max[i] - min[i]) / xi + (1 - w) * (q3[i] - q1[i]) / eta
    }
  }
  list(mean = means, sd = sds)
}
fdat <- data.frame(
  min    = c(2,  NA, 2,  10, NA,  5, 1,  NA, 3,  40, 0,  NA),
  q1     = c(NA, 3,  3,  NA, 20,  8, NA, 14, 4,  NA, NA, 30),
  median = c(4,  4,  4,  25, 25, 12, 7,  18, 5,  60, 50, 35),
  q3     = c(NA, 10, 10, NA, 31, 15, NA, 23, 6,  NA, NA, 40),
  max    = c(17, NA, 17, 41, NA, 20, 13, NA, 7,  80, 100, NA),
  n      = c(20, 20, 20, 60, 150, 35, 4, 500, 12, 8, 30, 1000))
if (has_conv) {
  fr <- metafor::conv.fivenum(min = min, q1 = q1, median = median, q3 = q3, max = max, n = n, data = fdat)
  fsrc <- paste("metafor", packageVersion("metafor"), "conv.fivenum")
  fres <- list(mean = fr$mean, sd = fr$sd)
} else {
  fsrc <- "published formulas in R (metafor 3.8.1 has no conv.fivenum); see comment in escalc_reference.R"
  fres <- fn_ref(fdat$min, fdat$q1, fdat$median, fdat$q3, fdat$max, fdat$n)
}
fivenum <- list(source = fsrc, inputs = as.list(fdat), mean = fres$mean, sd = fres$sd)

out <- list(
  generated_by = "tests/reference/escalc_reference.R",
  r_version = R.version.string,
  metafor_version = as.character(packageVersion("metafor")),
  metadat_version = as.character(packageVersion("metadat")),
  datasets = datasets,
  cases = cases,
  backtransforms = backtransforms,
  conv_wald = list(source = if (has_conv) "metafor conv.wald" else "round trip of metafor summary.escalc Wald CIs / p-values / z-values back to metafor's vi",
                   cases = wald),
  conv_fivenum = fivenum)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null", null = "null", pretty = TRUE),
           "escalc_reference.json")
cat("wrote escalc_reference.json with", length(cases), "escalc cases\n")

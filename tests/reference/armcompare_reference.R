# Reference values for trialsynth/armcompare.py: Fisher's exact test and Welch's t-test, from base R.
# Run:  cd tests/reference && Rscript armcompare_reference.R   (writes armcompare_reference.json)
# fisher: fisher.test(matrix(c(a, n1 - a, c, n2 - c), 2))$p.value for a grid of 2 x 2 tables.
# welch: t.test(x, y) (Welch, the default) on seeded normal samples; the test reads only each sample's
# mean, SD and n, and compares P and the 95% CI.
suppressPackageStartupMessages(library(jsonlite))
fisher <- list()
for (n1 in c(3, 7, 20, 46)) for (n2 in c(5, 7, 30)) for (a in unique(round(c(0, 1, n1 / 3, n1 / 2, n1 - 1, n1))))
  for (c in unique(round(c(0, 1, n2 / 4, n2 / 2, n2)))) {
    p <- fisher.test(matrix(c(a, n1 - a, c, n2 - c), 2))$p.value
    fisher[[length(fisher) + 1]] <- list(a = a, n1 = n1, c = c, n2 = n2, p = p)
  }
set.seed(20240501)
welch <- list()
for (i in 1:20) {
  n1 <- sample(3:40, 1); n2 <- sample(3:40, 1)
  x <- rnorm(n1, mean = 5, sd = runif(1, 0.2, 3)); y <- rnorm(n2, mean = 5 + rnorm(1, 0, 1.5), sd = runif(1, 0.2, 3))
  t <- t.test(x, y)
  welch[[i]] <- list(m1 = mean(x), sd1 = sd(x), n1 = n1, m2 = mean(y), sd2 = sd(y), n2 = n2, p = t$p.value,
                     ci_low = t$conf.int[1], ci_high = t$conf.int[2])
}
writeLines(toJSON(list(r_version = R.version.string, fisher = fisher, welch = welch), digits = NA, auto_unbox = TRUE),
           "armcompare_reference.json")

# Reference values for tests/stats/test_dist_tail.lua and test_desc_iris.lua (R 4.2).
# Run from the repository root: Rscript tests/ref/stats/make_tail.R
# Writes (17 significant digits):
#   dist_tail.csv  p functions (both tails, with and without log) in far tails:
#                  x = R's q at log p drawn log-uniformly in [log 1e-300, log 1e-6],
#                  parameters log-uniform in [0.1, 1e4] (norm: mean in [-50, 50],
#                  sd in [0.1, 100]). Codes as make_dist.R: 1 norm .. 6 gamma.
#   iris.csv, iris_desc.txt  correlations, cor.test and quantiles on iris (many ties)
out <- "tests/ref/stats"
f17 <- function(v) ifelse(is.na(v), "NaN", ifelse(is.infinite(v), ifelse(v > 0, "Inf", "-Inf"),
                                             sprintf("%.17g", v)))
set.seed(7)
N <- 60
lu <- function(n, lo, hi) exp(runif(n, log(lo), log(hi)))
tail <- NULL
for (code in 1:6) {
  a <- lu(N, 0.1, 1e4); b <- lu(N, 0.1, 1e4)
  lp <- -exp(runif(N, log(log(1e6)), log(log(1e300))))
  up <- runif(N) < 0.5
  if (code == 1) { a <- runif(N, -50, 50); b <- lu(N, 0.1, 100) }
  F <- switch(code,
   list(p = function(x, ...) pnorm(x, a, b, ...), q = function(x, ...) qnorm(x, a, b, ...)),
   list(p = function(x, ...) pt(x, a, ...), q = function(x, ...) qt(x, a, ...)),
   list(p = function(x, ...) pchisq(x, a, ...), q = function(x, ...) qchisq(x, a, ...)),
   list(p = function(x, ...) pf(x, a, b, ...), q = function(x, ...) qf(x, a, b, ...)),
   list(p = function(x, ...) pbeta(x, a, b, ...), q = function(x, ...) qbeta(x, a, b, ...)),
   list(p = function(x, ...) pgamma(x, a, b, ...), q = function(x, ...) qgamma(x, a, b, ...)))
  x <- ifelse(up, F$q(lp, lower.tail = FALSE, log.p = TRUE), F$q(lp, log.p = TRUE))
  tail <- rbind(tail, data.frame(dist = code, a = a, b = b, x = x,
    pl = F$p(x), pu = F$p(x, lower.tail = FALSE),
    lpl = F$p(x, log.p = TRUE), lpu = F$p(x, lower.tail = FALSE, log.p = TRUE)))
}
# keep points where R's q gave a usable x (finite, not 0) with finite log tails
tail <- tail[is.finite(tail$x) & tail$x != 0 & is.finite(tail$lpl) & is.finite(tail$lpu), ]
m <- sapply(tail, f17)
writeLines(c(paste(names(tail), collapse = ","), apply(m, 1, paste, collapse = ",")),
           file.path(out, "dist_tail.csv"))

X <- as.matrix(iris[, 1:4])
write.csv(X, file.path(out, "iris.csv"), row.names = FALSE)
lines <- character()
put <- function(key, v) {
  if (is.matrix(v)) v <- as.vector(t(v))
  lines <<- c(lines, paste(key, paste(f17(as.numeric(v)), collapse = " ")))
}
put("cor_pearson", cor(X)); put("cor_spearman", cor(X, method = "spearman"))
put("cor_kendall", cor(X, method = "kendall"))
O <- solve(cov(X)); P <- -O / sqrt(diag(O) %o% diag(O)); diag(P) <- 1
put("pcor", P)
for (m in c("pearson", "spearman", "kendall")) {
  ct <- suppressWarnings(cor.test(X[, 1], X[, 2], method = m, exact = FALSE))
  put(paste0("cortest12_", m), c(ct$estimate, ct$statistic, ct$p.value))
  # petal length and width: rho 0.94, p near 1e-70 (the far tail of t_148)
  ct <- suppressWarnings(cor.test(X[, 3], X[, 4], method = m, exact = FALSE))
  put(paste0("cortest34_", m), c(ct$estimate, ct$statistic, ct$p.value))
}
put("quantile_sl", quantile(X[, 1], c(0, 0.013, 0.25, 0.5, 0.77, 0.999, 1), type = 7, names = FALSE))
writeLines(lines, file.path(out, "iris_desc.txt"))

# densities at large parameters (dens_large.csv): R's saddle-point dbinom,
# dpois, dgamma (Loader 2000) near the mode and in the body, sizes 1e3..1e9
dl <- NULL
for (n in c(1e3, 1e4, 1e6, 1e8, 1e9)) {
  for (p in c(1e-6, 0.01, 0.5, 0.97)) {
    mu <- n * p; k <- unique(pmax(0, pmin(n, round(mu + c(-3, -1, 0, 1, 3) * sqrt(mu * (1 - p)) + 0.5))))
    dl <- rbind(dl, data.frame(dist = 7, a = n, b = p, x = k, logd = dbinom(k, n, p, log = TRUE)))
  }
  x <- unique(round(n + c(-3, 0, 2.5) * sqrt(n)))
  dl <- rbind(dl, data.frame(dist = 8, a = n, b = NA, x = x, logd = dpois(x, n, log = TRUE)))
  for (r in c(0.5, 3)) {
    x <- (n + c(-3, 0, 2.5) * sqrt(n)) / r
    dl <- rbind(dl, data.frame(dist = 6, a = n, b = r, x = x, logd = dgamma(x, n, rate = r, log = TRUE)))
  }
}
# beta and F: shapes log-uniform in [2, 1e8], x from p in [1e-300, 1 - 1e-6]
set.seed(11)
N <- 80
a <- lu(N, 2, 1e8); b <- lu(N, 2, 1e8); pr <- exp(runif(N, log(1e-300), log(1 - 1e-6)))
x <- qbeta(pr, a, b)
dl <- rbind(dl, data.frame(dist = 5, a = a, b = b, x = x, logd = dbeta(x, a, b, log = TRUE)))
x <- qf(pr, a, b)
dl <- rbind(dl, data.frame(dist = 4, a = a, b = b, x = x, logd = df(x, a, b, log = TRUE)))
dl <- dl[is.finite(dl$logd) & dl$x > 0, ]
m <- sapply(dl, f17)
writeLines(c(paste(names(dl), collapse = ","), apply(m, 1, paste, collapse = ",")),
           file.path(out, "dens_large.csv"))

# p functions of the beta family at large shapes (p_large.csv): pbinom at
# sizes 1e3..1e8 around the mean, pbeta and pf with shapes log-uniform in
# [200, 1e8], x from p in [1e-12, 1 - 1e-12]
set.seed(13)
pl <- NULL
for (n in c(1e3, 1e5, 1e6, 1e7, 1e8)) for (p in c(0.02, 0.3, 0.5, 0.97)) {
  mu <- n * p; k <- unique(pmax(0, pmin(n, floor(mu + c(-4, -1, 0, 2) * sqrt(mu * (1 - p))))))
  pl <- rbind(pl, data.frame(dist = 7, a = n, b = p, x = k, pl = pbinom(k, n, p),
    pu = pbinom(k, n, p, lower.tail = FALSE), lpl = pbinom(k, n, p, log.p = TRUE),
    lpu = pbinom(k, n, p, lower.tail = FALSE, log.p = TRUE)))
}
N <- 60
a <- lu(N, 200, 1e8); b <- lu(N, 200, 1e8); pr <- exp(runif(N, log(1e-12), log(1 - 1e-12)))
x <- qbeta(pr, a, b)
pl <- rbind(pl, data.frame(dist = 5, a = a, b = b, x = x, pl = pbeta(x, a, b),
  pu = pbeta(x, a, b, lower.tail = FALSE), lpl = pbeta(x, a, b, log.p = TRUE),
  lpu = pbeta(x, a, b, lower.tail = FALSE, log.p = TRUE)))
x <- qf(pr, a, b)
pl <- rbind(pl, data.frame(dist = 4, a = a, b = b, x = x, pl = pf(x, a, b),
  pu = pf(x, a, b, lower.tail = FALSE), lpl = pf(x, a, b, log.p = TRUE),
  lpu = pf(x, a, b, lower.tail = FALSE, log.p = TRUE)))
pl <- pl[is.finite(pl$x) & pl$x > 0 & is.finite(pl$lpl) & is.finite(pl$lpu), ]
# the region dist.c computes itself (both shapes large, x away from 0 and 1;
# for pf, d1 x / d2 in (0.01, 99)); elsewhere GSL remains, see the test
xr <- ifelse(pl$dist == 4, pl$a * pl$x / (pl$b + pl$a * pl$x), ifelse(pl$dist == 5, pl$x, pl$b))
pl <- pl[pmin(pl$a, ifelse(pl$dist == 7, Inf, pl$b)) > 200 & xr > 0.0101 & xr < 0.9899 &
         (pl$dist != 7 | (pl$x > 100 & pl$a - pl$x > 100)), ]
m <- sapply(pl, f17)
writeLines(c(paste(names(pl), collapse = ","), apply(m, 1, paste, collapse = ",")),
           file.path(out, "p_large.csv"))

# quantiles at large shapes (q_large.txt, T.ref): GSL's inverse never returned
# for qbeta(0.3, 1e6, 1e6). R's qf is left out: it is 1e-4 off at
# qf(0.3, 1e5, 1e6), as pf(qf(0.3, 1e5, 1e6), 1e5, 1e6) = 0.308 shows.
writeLines(c(
  paste("qbeta_03_1e6_1e6", f17(qbeta(0.3, 1e6, 1e6))),
  paste("qbeta_03_1e6_1e6_upper", f17(qbeta(0.3, 1e6, 1e6, lower.tail = FALSE))),
  paste("qbeta_07_1e8_1e8", f17(qbeta(0.7, 1e8, 1e8))),
  paste("qbeta_1em10_1e7_3e7", f17(qbeta(1e-10, 1e7, 3e7)))),
  file.path(out, "q_large.txt"))

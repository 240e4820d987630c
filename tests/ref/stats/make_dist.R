# Reference values for tests/stats/test_dist.lua.
# Run from the repository root: Rscript tests/ref/stats/make_dist.R
# Writes (17 significant digits):
#   dist_grid.csv   d, log d, p (both tails, log) at x = q(probs) over a grid of parameters
#   dist_q.csv      q from p (both tails) and from log p (both tails) on the same grid
#   dist_extreme.txt  key value lines for extreme arguments (T.ref)
# Distribution codes follow modules/stats/dist.h: 1 norm, 2 t, 3 chisq, 4 f,
# 5 beta, 6 gamma, 7 binom, 8 pois.
out <- "tests/ref/stats"
f17 <- function(v) ifelse(is.na(v), "NaN", ifelse(is.infinite(v), ifelse(v > 0, "Inf", "-Inf"),
                                             sprintf("%.17g", v)))
probs <- c(1e-6, 1e-4, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 1 - 1e-4, 1 - 1e-6)
shapes <- c(0.1, 0.5, 1, 2.5, 10, 100)

specs <- list()
add <- function(code, p1, p2 = NA) specs[[length(specs) + 1]] <<- c(code, p1, p2)
for (ms in list(c(0, 1), c(-2, 0.1), c(50, 100), c(3, 2.5))) add(1, ms[1], ms[2])
for (df in shapes) add(2, df)
for (df in shapes) add(3, df)
for (d1 in c(0.1, 1, 10, 100)) for (d2 in c(0.1, 1, 10, 100)) add(4, d1, d2)
for (a in shapes) for (b in shapes) add(5, a, b)
for (s in shapes) for (r in c(0.1, 1, 100)) add(6, s, r)
for (n in c(1, 10, 100)) for (p in c(0.1, 0.5, 0.9)) add(7, n, p)
for (l in c(0.1, 1, 10, 100)) add(8, l)

fns <- function(code, a, b) switch(code,
  list(d = function(x, ...) dnorm(x, a, b, ...), p = function(x, ...) pnorm(x, a, b, ...), q = function(x, ...) qnorm(x, a, b, ...)),
  list(d = function(x, ...) dt(x, a, ...), p = function(x, ...) pt(x, a, ...), q = function(x, ...) qt(x, a, ...)),
  list(d = function(x, ...) dchisq(x, a, ...), p = function(x, ...) pchisq(x, a, ...), q = function(x, ...) qchisq(x, a, ...)),
  list(d = function(x, ...) df(x, a, b, ...), p = function(x, ...) pf(x, a, b, ...), q = function(x, ...) qf(x, a, b, ...)),
  list(d = function(x, ...) dbeta(x, a, b, ...), p = function(x, ...) pbeta(x, a, b, ...), q = function(x, ...) qbeta(x, a, b, ...)),
  list(d = function(x, ...) dgamma(x, a, rate = b, ...), p = function(x, ...) pgamma(x, a, rate = b, ...), q = function(x, ...) qgamma(x, a, rate = b, ...)),
  list(d = function(x, ...) dbinom(x, a, b, ...), p = function(x, ...) pbinom(x, a, b, ...), q = function(x, ...) qbinom(x, a, b, ...)),
  list(d = function(x, ...) dpois(x, a, ...), p = function(x, ...) ppois(x, a, ...), q = function(x, ...) qpois(x, a, ...)))

# R 4.2's qt (df < 1) and qf (df1 = 0.1) lose up to 8e-5 relative accuracy in
# places, which R's own pt/pf show. Where R's quantile q does not invert R's
# log distribution function to 1e-11 relative in x, it is replaced by the root
# of log F(x) = log p found by uniroot on u = log|x| (tolerance 1e-15), so the
# reference rests on R's distribution functions. Counted in 'npolished'.
npolished <- 0
polish <- function(F, q, lp, lower) {
  for (i in seq_along(q)) {
    x0 <- q[i]
    if (!is.finite(x0) || x0 == 0) next
    s <- sign(x0)
    g <- function(u) F$p(s * exp(u), lower.tail = lower, log.p = TRUE) - lp[i]
    u0 <- log(abs(x0)); w <- 1e-9
    repeat {
      lo <- u0 - w; hi <- u0 + w
      if (sign(g(lo)) != sign(g(hi))) break
      w <- w * 10
      if (w > 10) stop("polish: no bracket")
    }
    r <- uniroot(g, c(lo, hi), tol = 1e-15, maxiter = 1000)
    x1 <- s * exp(r$root)
    if (abs(x1 - x0) > 1e-11 * abs(x0)) {
      q[i] <- x1; npolished <<- npolished + 1
    }
  }
  q
}

grid <- NULL; qgrid <- NULL
for (s in specs) {
  code <- s[1]; a <- s[2]; b <- s[3]
  F <- fns(code, a, b)
  x <- F$q(probs)
  if (code >= 7) x <- sort(unique(c(x, x - 1)))   # counts: also the points just below
  # drop points where the distribution function is exactly 0 or 1 (nothing to test in log)
  pl <- F$p(x); pu <- F$p(x, lower.tail = FALSE)
  keep <- is.finite(x) & x > -Inf & pl > 0 & pu > 0
  x <- x[keep]
  grid <- rbind(grid, data.frame(dist = code, a = a, b = b, x = x,
    d = F$d(x), logd = F$d(x, log = TRUE),
    pl = F$p(x), pu = F$p(x, lower.tail = FALSE),
    lpl = F$p(x, log.p = TRUE), lpu = F$p(x, lower.tail = FALSE, log.p = TRUE)))
  if (code <= 6) {
    qd <- data.frame(dist = code, a = a, b = b, p = probs,
      ql = F$q(probs), qu = F$q(probs, lower.tail = FALSE),
      qll = F$q(log(probs), log.p = TRUE), qlu = F$q(log(probs), lower.tail = FALSE, log.p = TRUE))
    qd$ql <- polish(F, qd$ql, log(probs), TRUE)
    qd$qu <- polish(F, qd$qu, log(probs), FALSE)
    qd$qll <- polish(F, qd$qll, log(probs), TRUE)
    qd$qlu <- polish(F, qd$qlu, log(probs), FALSE)
    qgrid <- rbind(qgrid, qd)
  }
}
wr <- function(df, file) {
  m <- sapply(df, f17)
  lines <- c(paste(names(df), collapse = ","), apply(m, 1, paste, collapse = ","))
  writeLines(lines, file.path(out, file))
}
wr(grid, "dist_grid.csv")
wr(qgrid, "dist_q.csv")
cat("quantiles replaced by uniroot on R's p functions:", npolished, "\n")

# extreme arguments
ex <- list(
  pnorm_m40_log = pnorm(-40, log.p = TRUE),
  pnorm_40_upper_log = pnorm(40, lower.tail = FALSE, log.p = TRUE),
  pnorm_m1e3_log = pnorm(-1e3, log.p = TRUE),
  pnorm_m40 = pnorm(-40),
  pnorm_m38 = pnorm(-38),
  pnorm_10_log = pnorm(10, log.p = TRUE),
  qnorm_1em300 = qnorm(1e-300),
  qnorm_1em300_upper = qnorm(1e-300, lower.tail = FALSE),
  qnorm_logm1e4 = qnorm(-1e4, log.p = TRUE),
  qnorm_logm1em20 = qnorm(-1e-20, log.p = TRUE),
  pt_m1e10_df01 = pt(-1e10, 0.1),
  pt_1e10_df01_upper_log = pt(1e10, 0.1, lower.tail = FALSE, log.p = TRUE),
  pt_m1e300_df01_log = pt(-1e300, 0.1, log.p = TRUE),
  pt_m1e20_df30_log = pt(-1e20, 30, log.p = TRUE),
  qt_1em10_df01 = qt(1e-10, 0.1),
  qt_1em300_df5 = qt(1e-300, 5),
  qt_1em6_df01_upper = qt(1e-6, 0.1, lower.tail = FALSE),
  # far tail of t_n: P(T > t) = I_{n/(n+t^2)}(n/2, 1/2)/2 = (n/t^2)^(n/2) / (n B(n/2, 1/2)) (1 + O(n/t^2)),
  # exact in doubles at t ~ 1e56; R 4.2's qt is off by 1.7e-9 there
  qt_1em6_df01_upper_asym = sqrt(0.1) * exp(-10 * (log(0.1 * 1e-6) + lbeta(0.05, 0.5))),
  qgamma_05_shape1em3 = qgamma(0.5, 1e-3),
  qgamma_09_shape1em2 = qgamma(0.9, 1e-2),
  qgamma_1em5_shape1em2_rate10 = qgamma(1e-5, 1e-2, rate = 10),
  pgamma_1em300_shape01_log = pgamma(1e-300, 0.1, log.p = TRUE),
  pgamma_1e4_shape2_upper_log = pgamma(1e4, 2, lower.tail = FALSE, log.p = TRUE),
  pgamma_1em3_shape100_log = pgamma(1e-3, 100, log.p = TRUE),
  pchisq_1e5_df10_upper_log = pchisq(1e5, 10, lower.tail = FALSE, log.p = TRUE),
  qchisq_logm1e4_df10_upper = qchisq(-1e4, 10, lower.tail = FALSE, log.p = TRUE),
  pbeta_1em200_2_3_log = pbeta(1e-200, 2, 3, log.p = TRUE),
  pbeta_1m1em10_01_01_upper_log = pbeta(1 - 1e-10, 0.1, 0.1, lower.tail = FALSE, log.p = TRUE),
  qbeta_1em10_05_05 = qbeta(1e-10, 0.5, 0.5),
  qbeta_1em300_2_2 = qbeta(1e-300, 2, 2),
  pf_1em300_10_10_log = pf(1e-300, 10, 10, log.p = TRUE),
  pf_1e300_10_10_upper_log = pf(1e300, 10, 10, lower.tail = FALSE, log.p = TRUE),
  qf_1em300_5_5 = qf(1e-300, 5, 5),
  pbinom_m1 = pbinom(-1, 10, 0.5),
  pbinom_10_10 = pbinom(10, 10, 0.5),
  pbinom_0_p0 = pbinom(0, 10, 0),
  pbinom_5_p1 = pbinom(5, 10, 1),
  pbinom_2p5 = pbinom(2.5, 5, 0.3),
  pbinom_0_size0 = pbinom(0, 0, 0.5),
  pbinom_0_1000_09_log = pbinom(0, 1000, 0.9, log.p = TRUE),
  pbinom_999_1000_01_upper_log = pbinom(999, 1000, 0.1, lower.tail = FALSE, log.p = TRUE),
  dbinom_0_1000_09_log = dbinom(0, 1000, 0.9, log = TRUE),
  dbinom_1p5 = suppressWarnings(dbinom(1.5, 3, 0.5)),
  ppois_0_1000_log = ppois(0, 1000, log.p = TRUE),
  ppois_2000_10_upper_log = ppois(2000, 10, lower.tail = FALSE, log.p = TRUE),
  ppois_3_0 = ppois(3, 0),
  dpois_0_0 = dpois(0, 0),
  dt_1e300_5_log = dt(1e300, 5, log = TRUE),
  dnorm_40_log = dnorm(40, log = TRUE),
  pt_1e220_df0001 = pt(1e220, 0.001),
  qt_07_df0001 = qt(0.7, 0.001),
  pf_1e200_01_01_upper = pf(1e200, 0.1, 0.1, lower.tail = FALSE),
  pf_1em200_01_01 = pf(1e-200, 0.1, 0.1)
)
writeLines(paste(names(ex), sapply(ex, f17)), file.path(out, "dist_extreme.txt"))

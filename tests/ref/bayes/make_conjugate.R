# Reference for tests/bayes/test_conjugate.lua and test_niw.lua: posteriors,
# intervals, predictives and log marginal likelihoods of the conjugate
# families on small worked examples, computed from the textbook formulas
# with R's own qbeta/qgamma/qt/lbeta/lgamma. The log marginal likelihoods
# are computed by a second route where one exists (the chain rule of one-
# step predictive densities, a direct multivariate density, or numerical
# integration), not by the closed form the module uses.
# Run from the repository root: Rscript tests/ref/bayes/make_conjugate.R
out <- "tests/ref/bayes/conjugate.txt"
f <- function(v) paste(formatC(v, digits = 17, format = "g"), collapse = " ")
put <- function(key, v) cat(key, f(v), "\n")
# the shortest interval of mass lev for a unimodal law with quantile q
hpd <- function(q, lev) {
  o <- optimize(function(p) q(p + lev) - q(p), c(0, 1 - lev), tol = 1e-14)
  c(q(o$minimum), q(o$minimum + lev))
}
sink(out)
cat("# R", R.version$major, R.version$minor, "conjugate families\n")

# beta-binomial: prior Beta(2, 3), outcomes
y <- c(1, 0, 1, 1, 1, 0, 1, 0, 1, 1)
a <- 2 + sum(y); b <- 3 + sum(1 - y)
put("bb_post", c(a, b))
put("bb_mean", a / (a + b))
put("bb_var", a * b / ((a + b)^2 * (a + b + 1)))
put("bb_eq95", qbeta(c(0.025, 0.975), a, b))
put("bb_hpd90", hpd(function(p) qbeta(p, a, b), 0.9))
# the sequence probability by the chain rule of one-step predictives
lp <- 0; aa <- 2; bb <- 3
for (v in y) { p <- aa / (aa + bb); lp <- lp + log(if (v == 1) p else 1 - p); aa <- aa + v; bb <- bb + 1 - v }
put("bb_logml", lp)
# predictive of 5 new trials: beta-binomial pmf and cdf at 0..5
k <- 0:5
pmf <- choose(5, k) * beta(k + a, 5 - k + b) / beta(a, b)
put("bb_pred_pmf", pmf)
put("bb_pred_cdf", cumsum(pmf))

# gamma-Poisson: prior Gamma(2, rate 1), counts
x <- c(3, 4, 5, 0, 2)
sh <- 2 + sum(x); rt <- 1 + length(x)
put("gp_post", c(sh, rt))
put("gp_mean", sh / rt)
put("gp_var", sh / rt^2)
put("gp_eq95", qgamma(c(0.025, 0.975), sh, rt))
put("gp_hpd90", hpd(function(p) qgamma(p, sh, rt), 0.9))
lml <- log(integrate(function(l) sapply(l, function(li) prod(dpois(x, li)) * dgamma(li, 2, 1)),
                     0, Inf, rel.tol = 1e-13)$value)
put("gp_logml", lml)
put("gp_pred_pmf", dnbinom(0:6, size = sh, prob = rt / (rt + 1)))
put("gp_pred_cdf", pnbinom(0:6, size = sh, prob = rt / (rt + 1)))

# normal with known variance: prior N(0.5, 2^2) on the mean, sigma = 1.5
z <- c(1.2, 0.3, 2.5, 1.9, -0.4)
s2 <- 1.5^2; t02 <- 4
prec <- 1 / t02 + length(z) / s2
mn <- (0.5 / t02 + sum(z) / s2) / prec
put("nk_post", c(mn, sqrt(1 / prec)))
put("nk_eq95", qnorm(c(0.025, 0.975), mn, sqrt(1 / prec)))
# the direct route: z ~ N(0.5 1, s2 I + t02 11')
S <- diag(s2, length(z)) + t02
R <- chol(S)
r <- backsolve(R, z - 0.5, transpose = TRUE)
put("nk_logml", -length(z) / 2 * log(2 * pi) - sum(log(diag(R))) - sum(r^2) / 2)
put("nk_pred_pdf", dnorm(c(-1, 0, 1, 2), mn, sqrt(1 / prec + s2)))
put("nk_pred_cdf", pnorm(c(-1, 0, 1, 2), mn, sqrt(1 / prec + s2)))

# normal-inverse-gamma: prior mu0 = 0, kappa0 = 1, a0 = 2, b0 = 2, same z
m0 <- 0; k0 <- 1; a0 <- 2; b0 <- 2
n <- length(z); xb <- mean(z)
kn <- k0 + n; mn <- (k0 * m0 + n * xb) / kn; an <- a0 + n / 2
bn <- b0 + sum((z - xb)^2) / 2 + k0 * n * (xb - m0)^2 / (2 * kn)
put("nig_post", c(mn, kn, an, bn))
put("nig_mean", c(mn, bn / (an - 1)))
put("nig_var", c(bn / ((an - 1) * kn), bn^2 / ((an - 1)^2 * (an - 2))))
sc <- sqrt(bn / (an * kn))
put("nig_mu_eq95", mn + sc * qt(c(0.025, 0.975), 2 * an))
put("nig_s2_eq95", 1 / qgamma(c(0.975, 0.025), an, bn))
put("nig_s2_hpd90", hpd(function(p) 1 / qgamma(1 - p, an, bn), 0.9))
# chain rule: each point's Student t predictive given the points before it
lp <- 0; m <- m0; k <- k0; aa <- a0; bb <- b0
for (v in z) {
  s <- sqrt(bb * (k + 1) / (aa * k))
  lp <- lp + dt((v - m) / s, 2 * aa, log = TRUE) - log(s)
  bb <- bb + k * (v - m)^2 / (2 * (k + 1)); m <- (k * m + v) / (k + 1); k <- k + 1; aa <- aa + 1 / 2
}
put("nig_logml", lp)
ps <- sqrt(bn * (kn + 1) / (an * kn))
put("nig_pred_pdf", dt((c(-1, 0, 1, 2) - mn) / ps, 2 * an) / ps)
put("nig_pred_cdf", pt((c(-1, 0, 1, 2) - mn) / ps, 2 * an))

# Dirichlet: prior (1, 2, 3), counts (4, 5, 6)
al <- c(1, 2, 3); cn <- c(4, 5, 6); an <- al + cn; A <- sum(an)
put("dir_post", an)
put("dir_mean", an / A)
put("dir_var", an * (A - an) / (A^2 * (A + 1)))
put("dir_lo95", qbeta(0.025, an, A - an))
put("dir_hi95", qbeta(0.975, an, A - an))
# chain rule over one sequence with these counts
seq <- rep(1:3, cn); lp <- 0; cur <- al
for (j in seq) { lp <- lp + log(cur[j] / sum(cur)); cur[j] <- cur[j] + 1 }
put("dir_logml", lp)
sink()

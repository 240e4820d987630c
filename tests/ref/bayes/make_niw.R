# Reference for tests/bayes/test_niw.lua: the normal-inverse-Wishart posterior
# by the batch formulas, its log marginal likelihood by the chain rule of
# multivariate t one-step predictives, and the normal-inverse-gamma
# regression posterior with its log marginal likelihood from the direct
# multivariate t density of y; lm's prediction interval for the flat-prior limit.
# Run from the repository root: Rscript tests/ref/bayes/make_niw.R
out <- "tests/ref/bayes/niw.txt"
f <- function(v) paste(formatC(v, digits = 17, format = "g"), collapse = " ")
put <- function(key, v) cat(key, f(v), "\n")
X <- matrix(c(1.2, 0.4, -0.3, 2.2, 0.9, 1.7, 0.1, -1.1,
              0.5, 1.1, -0.8, 1.9, 0.2, 2.4, -0.5, 0.3), 8, 2)
mu0 <- c(0.5, -0.5); k0 <- 2; nu0 <- 5; psi0 <- matrix(c(2, 0.3, 0.3, 1), 2)
d <- 2; n <- nrow(X); xb <- colMeans(X); S <- crossprod(sweep(X, 2, xb))
kn <- k0 + n; nun <- nu0 + n; mun <- (k0 * mu0 + n * xb) / kn
psin <- psi0 + S + k0 * n / kn * tcrossprod(xb - mu0)
ldmvt <- function(x, df, loc, Sig) {
  R <- chol(Sig); z <- backsolve(R, x - loc, transpose = TRUE); p <- length(x)
  lgamma((df + p) / 2) - lgamma(df / 2) - p / 2 * log(df * pi) - sum(log(diag(R))) -
    (df + p) / 2 * log(1 + sum(z^2) / df)
}
lp <- 0; m <- mu0; k <- k0; nu <- nu0; ps <- psi0
for (i in 1:n) {
  df <- nu - d + 1
  lp <- lp + ldmvt(X[i, ], df, m, ps * (k + 1) / (k * df))
  ps <- ps + k / (k + 1) * tcrossprod(X[i, ] - m); m <- (k * m + X[i, ]) / (k + 1); k <- k + 1; nu <- nu + 1
}
sink(out)
cat("# R", R.version$major, R.version$minor, "normal-inverse-Wishart and NIG regression\n")
put("niw_mu", mun); put("niw_kappa", kn); put("niw_nu", nun); put("niw_psi", psin)
put("niw_logml", lp)
dfn <- nun - d + 1
put("niw_pred_logdens", ldmvt(c(0.3, 0.7), dfn, mun, psin * (kn + 1) / (kn * dfn)))
# without the last two rows (the downdate)
X6 <- X[1:6, ]; xb6 <- colMeans(X6)
put("niw6_mu", (k0 * mu0 + 6 * xb6) / (k0 + 6))
put("niw6_psi", psi0 + crossprod(sweep(X6, 2, xb6)) + k0 * 6 / (k0 + 6) * tcrossprod(xb6 - mu0))

# NIG regression: y on (1, x)
Z <- cbind(1, X[, 1]); y <- c(2.1, 1.0, 0.2, 3.9, 1.8, 3.1, 0.7, -0.9)
m0 <- c(0, 1); L0 <- matrix(c(0.5, 0.1, 0.1, 2), 2); a0 <- 3; b0 <- 2
Ln <- L0 + crossprod(Z); mn <- solve(Ln, L0 %*% m0 + crossprod(Z, y))
an <- a0 + n / 2; bn <- b0 + drop(sum(y^2) + t(m0) %*% L0 %*% m0 - t(mn) %*% Ln %*% mn) / 2
put("nigr_m", mn); put("nigr_L", Ln); put("nigr_a", an); put("nigr_b", bn)
# direct: y ~ t_{2 a0}(Z m0, (b0/a0)(I + Z L0^-1 Z'))
put("nigr_logml", ldmvt(y, 2 * a0, drop(Z %*% m0), b0 / a0 * (diag(n) + Z %*% solve(L0, t(Z)))))
x0 <- rbind(c(1, 0.5), c(1, 3))
sc <- sqrt(bn / an * (1 + rowSums((x0 %*% solve(Ln)) * x0)))
put("nigr_pred_mean", drop(x0 %*% mn)); put("nigr_pred_scale", sc)
put("nigr_pred_lower", drop(x0 %*% mn) - qt(0.975, 2 * an) * sc)
# the flat-prior limit: lm's 95% prediction interval (a0 -> -p/2, b0 -> 0, L0 -> 0)
fit <- lm(y ~ X[, 1])
pr <- predict(fit, newdata = data.frame(X = I(matrix(x0[, 2], 2, 2))), interval = "prediction")
nd <- x0[, 2]
pr <- cbind(1, nd) %*% coef(fit)
se <- summary(fit)$sigma * sqrt(1 + rowSums((cbind(1, nd) %*% solve(crossprod(Z))) * cbind(1, nd)))
put("ols_coef", coef(fit)); put("ols_lower", drop(pr) - qt(0.975, n - 2) * se)
put("ols_upper", drop(pr) + qt(0.975, n - 2) * se)
sink()

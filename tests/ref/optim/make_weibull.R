# Reference for tests/optim/test_optim.lua: the censored Weibull likelihood
# of survival::lung (time, status: 1 censored, 2 dead), parameters
# (log scale, log shape), minimised by R's optim (BFGS and Nelder-Mead) and
# fitted by survreg (the exact MLE: log scale = intercept, shape = 1/scale).
# Run from the repository root: Rscript tests/ref/optim/make_weibull.R
suppressPackageStartupMessages(library(survival))
out <- "tests/ref/optim/"
d <- data.frame(time = lung$time, dead = as.integer(lung$status == 2))
write.csv(d, paste0(out, "lung_weibull.csv"), row.names = FALSE)
nll <- function(p) {
  lam <- exp(p[1]); k <- exp(p[2]); z <- (d$time / lam)^k
  -sum(d$dead * (log(k) - log(lam) + (k - 1) * log(d$time / lam)) - z)
}
p0 <- c(log(mean(d$time)), 0)
fb <- optim(p0, nll, method = "BFGS", control = list(reltol = 1e-14, maxit = 1000))
fn <- optim(p0, nll, method = "Nelder-Mead", control = list(reltol = 1e-14, maxit = 5000))
s <- survreg(Surv(time, dead) ~ 1, data = d, dist = "weibull",
             control = survreg.control(rel.tolerance = 1e-13, maxiter = 100))
mle <- c(unname(coef(s)), -log(s$scale))
f <- function(v) paste(formatC(v, digits = 17, format = "g"), collapse = " ")
sink(paste0(out, "weibull.txt"))
cat("# R", R.version$major, R.version$minor, "Weibull NLL of lung (log scale, log shape)\n")
cat("start", f(p0), "\n")
cat("survreg_par", f(mle), "\n")
cat("survreg_nll", f(-s$loglik[1]), "\n")
cat("bfgs_par", f(fb$par), "\n")
cat("bfgs_value", f(fb$value), "\n")
cat("nm_par", f(fn$par), "\n")
cat("nm_value", f(fn$value), "\n")
sink()

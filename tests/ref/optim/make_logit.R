# Reference for tests/optim/test_optim.lua: the logistic-regression
# likelihood of am ~ hp + wt on mtcars, minimised by R's optim (BFGS with
# the analytic gradient and Nelder-Mead) and by glm (the exact MLE).
# Run from the repository root: Rscript tests/ref/optim/make_logit.R
out <- "tests/ref/optim/"
d <- mtcars[, c("am", "hp", "wt")]
write.csv(d, paste0(out, "mtcars_logit.csv"), row.names = FALSE)
X <- cbind(1, d$hp, d$wt); y <- d$am
nll <- function(b) { eta <- drop(X %*% b); sum(log1p(exp(eta)) - y * eta) }
gr <- function(b) { eta <- drop(X %*% b); drop(crossprod(X, plogis(eta) - y)) }
b0 <- c(0, 0, 0)
fb <- optim(b0, nll, gr, method = "BFGS", control = list(reltol = 1e-14, maxit = 1000))
fn <- optim(b0, nll, method = "Nelder-Mead", control = list(reltol = 1e-14, maxit = 20000))
g <- glm(am ~ hp + wt, family = binomial, data = d, control = glm.control(epsilon = 1e-14, maxit = 100))
# the exact Hessian X'WX at the MLE (optimHess, with its default ndeps = 1e-3,
# is off by 1e-3 in the hp direction)
w <- fitted(g) * (1 - fitted(g))
H <- crossprod(X * sqrt(w))
f <- function(v) paste(formatC(v, digits = 17, format = "g"), collapse = " ")
sink(paste0(out, "logit.txt"))
cat("# R", R.version$major, R.version$minor, "optim on the logit NLL of am ~ hp + wt (mtcars)\n")
cat("glm_coef", f(coef(g)), "\n")
cat("glm_nll", f(-as.numeric(logLik(g))), "\n")
cat("bfgs_par", f(fb$par), "\n")
cat("bfgs_value", f(fb$value), "\n")
cat("bfgs_convergence", fb$convergence, "\n")
cat("nm_par", f(fn$par), "\n")
cat("nm_value", f(fn$value), "\n")
cat("nm_convergence", fn$convergence, "\n")
cat("grad_at_0", f(gr(b0)), "\n")
cat("hessian_at_mle", f(H), "\n")
cat("vcov_glm", f(vcov(g)), "\n")
sink()

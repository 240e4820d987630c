# Reference values for tests/surv/test_fit_ws.lua: survreg with case
# weights, with strata() (a separate scale per stratum) and with a constant
# covariate (aliased: NA), on lung and ovarian.
# Run from the repository root:  Rscript tests/ref/surv/fit/make_fit_ws.R
# Writes tests/ref/surv/fit/fit_ws.txt (key v1 v2 ...).  Uses lung.csv and
# ovarian.csv written by make_survreg.R (survival::lung, survival::ovarian).
suppressMessages(library(survival))
out <- "tests/ref/surv/fit"
lung <- read.csv(file.path(out, "lung.csv"))
ovarian <- read.csv(file.path(out, "ovarian.csv"))
f17 <- function(x) formatC(x, digits = 17, format = "g")
con <- file(file.path(out, "fit_ws.txt"), "w")
emit <- function(key, x) writeLines(paste(key, paste(f17(x), collapse = " ")), con)
ctl <- survreg.control(rel.tolerance = 1e-13, toler.chol = 1e-15, maxiter = 200)

one <- function(tag, fit) {
  emit(paste0(tag, ".loglik"), fit$loglik[2])
  emit(paste0(tag, ".coef"), coef(fit))     # NA for an aliased column
  k <- length(coef(fit))   # fit$var has a row of zeros for an aliased column
  v <- sqrt(diag(fit$var))
  emit(paste0(tag, ".se"), v[seq_len(k)])
  emit(paste0(tag, ".logscale"), log(fit$scale))
  emit(paste0(tag, ".se_logscale"), v[-seq_len(k)])
}
# case weights (1, 1.5, 2 cycling)
lung$w <- 1 + (seq_len(nrow(lung)) %% 3) / 2
for (d in c("weibull", "lognormal", "loglogistic", "exponential"))
  one(paste0("w_", d), survreg(Surv(time, status) ~ age + sex, data = lung, weights = w,
                               dist = d, control = ctl))
# strata: one scale per sex
for (d in c("weibull", "lognormal", "loglogistic"))
  one(paste0("s_", d), survreg(Surv(time, status) ~ age + ph.ecog + strata(sex), data = lung,
                               dist = d, control = ctl))
one("sw_weibull", survreg(Surv(time, status) ~ age + strata(sex), data = lung, weights = w,
                          dist = "weibull", control = ctl))
# a constant covariate is aliased
ovarian$one <- 1
one("alias", survreg(Surv(futime, fustat) ~ age + one + rx, data = ovarian, dist = "weibull",
                     control = ctl))
close(con)

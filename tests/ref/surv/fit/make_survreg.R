# Reference values for surv.fit against R's survival::survreg.
# Run from the repository root:  Rscript tests/ref/surv/fit/make_survreg.R
# Writes tests/ref/surv/fit/survreg.txt (key v1 v2 ...) and the data it used:
# lung.csv (survival::lung; status 1 = censored, 2 = dead) and ovarian.csv.
# survreg's tolerance is tightened so that the references are the optimum to
# ~1e-10 relative and a 1e-6 comparison tests our fit, not R's stopping rule.
suppressMessages(library(survival))
out <- "tests/ref/surv/fit"
lung <- survival::lung[, c("time", "status", "age", "sex", "ph.ecog")]
write.csv(lung, file.path(out, "lung.csv"), row.names = FALSE, na = "NA")
ovarian <- survival::ovarian[, c("futime", "fustat", "age", "resid.ds", "rx", "ecog.ps")]
write.csv(ovarian, file.path(out, "ovarian.csv"), row.names = FALSE)

f17 <- function(x) formatC(x, digits = 17, format = "g")
con <- file(file.path(out, "survreg.txt"), "w")
emit <- function(key, x) writeLines(paste(key, paste(f17(x), collapse = " ")), con)
ctl <- survreg.control(rel.tolerance = 1e-13, toler.chol = 1e-15, maxiter = 200)
ps <- c(0.1, 0.5, 0.9)

one <- function(tag, formula, data, dist) {
  fit <- survreg(formula, data = data, dist = dist, control = ctl)
  emit(paste0(tag, ".loglik"), fit$loglik[2])
  emit(paste0(tag, ".coef"), coef(fit))          # AFT block, log-time scale
  emit(paste0(tag, ".se"), sqrt(diag(vcov(fit)))[seq_along(coef(fit))])
  if (dist != "exponential") {
    emit(paste0(tag, ".logscale"), log(fit$scale))
    emit(paste0(tag, ".se_logscale"), sqrt(diag(vcov(fit)))[length(coef(fit)) + 1])
  }
  q <- predict(fit, newdata = data[1:3, , drop = FALSE], type = "quantile", p = ps)
  for (i in 1:3) emit(paste0(tag, ".q", i), q[i, ])
  emit(paste0(tag, ".n"), c(fit$df.residual + length(coef(fit)) + (dist != "exponential"),
                            length(fit$na.action)))
}

one("lung_weib", Surv(time, status) ~ age + sex, lung, "weibull")
one("lung_weib_ecog", Surv(time, status) ~ age + sex + ph.ecog, lung, "weibull")
one("lung_exp", Surv(time, status) ~ age + sex, lung, "exponential")
one("lung_llog", Surv(time, status) ~ age + sex, lung, "loglogistic")
one("lung_lnorm", Surv(time, status) ~ age + sex, lung, "lognormal")
one("lung_weib0", Surv(time, status) ~ 1, lung, "weibull")
one("ov_weib", Surv(futime, fustat) ~ age + ecog.ps, ovarian, "weibull")
one("ov_exp", Surv(futime, fustat) ~ age, ovarian, "exponential")
one("ov_llog", Surv(futime, fustat) ~ age + rx, ovarian, "loglogistic")
one("ov_lnorm", Surv(futime, fustat) ~ age + resid.ds, ovarian, "lognormal")
close(con)

# Reference values for tests/surv/test_cox_exact.lua: coxph(ties = "exact"),
# the exact (discrete, conditional logistic) partial likelihood, on lung (its
# days, and months: many tied deaths), with strata, on veteran and on heart
# ((start, stop] data).  Run from this folder:   Rscript make_coxexact.R
# Writes coxexact_ref.txt with lines "key v1 v2 ..." (17 significant digits).
suppressPackageStartupMessages(library(survival))
cat("survival", as.character(packageVersion("survival")), "\n")
con <- file("coxexact_ref.txt", "w")
out <- function(key, x) {
  x <- as.numeric(x)
  s <- ifelse(is.na(x), "NA", formatC(x, digits = 17, format = "g"))
  writeLines(paste(key, paste(trimws(s), collapse = " ")), con)
}
ctl <- coxph.control(eps = 1e-11, toler.chol = 1e-13, iter.max = 50)
fit_out <- function(pre, f) {
  out(paste0(pre, ".coef"), coef(f)); out(paste0(pre, ".vcov"), f$var)
  out(paste0(pre, ".loglik"), f$loglik); out(paste0(pre, ".score"), f$score)
  out(paste0(pre, ".n"), c(f$n, f$nevent))
}
lung <- survival::lung
lung$month <- ceiling(lung$time / 30.44)
fit_out("lung", coxph(Surv(time, status) ~ age + sex + ph.ecog, data = lung, ties = "exact",
                      control = ctl))
fit_out("lung_month", coxph(Surv(month, status) ~ age + sex + ph.ecog, data = lung,
                            ties = "exact", control = ctl))
fit_out("lung_month_strata", coxph(Surv(month, status) ~ age + ph.ecog + strata(sex), data = lung,
                                   ties = "exact", control = ctl))
fit_out("vet", coxph(Surv(time, status) ~ karno + trt + age, data = survival::veteran,
                     ties = "exact", control = ctl))
# curves and cox.zph of an exact fit use Breslow's hazard (survfit.coxph's
# ctype 1 for method "exact")
f <- coxph(Surv(time, status) ~ age + sex, data = lung, ties = "exact", control = ctl)
s <- summary(survfit(f, newdata = data.frame(age = c(60, 70), sex = c(1, 2))), times = c(100, 300))
out("lung2_curve.surv", s$surv); out("lung2_curve.se", s$std.err)
z <- cox.zph(f)
out("lung2_zph.chisq", z$table[, "chisq"])
# (start, stop] data: R's agexact enumerates the subsets, so only few ties
fit_out("heart", coxph(Surv(start, stop, event) ~ age + surgery, data = survival::heart,
                       ties = "exact", control = ctl))
close(con)

# Reference values for tests/surv/test_cox_frailty.lua: gamma frailty Cox
# models, coxph(... + frailty(id, distribution = "gamma" [, theta =])), on
# kidney and rats (survival's data sets, written here as CSV).
# Run from this folder:   Rscript make_coxfrail.R
# Writes coxfrail_ref.txt with lines "key v1 v2 ..." (17 significant digits).
suppressPackageStartupMessages(library(survival))
cat("survival", as.character(packageVersion("survival")), "\n")
con <- file("coxfrail_ref.txt", "w")
out <- function(key, x) {
  x <- as.numeric(x)
  s <- ifelse(is.na(x), "NA", formatC(x, digits = 17, format = "g"))
  writeLines(paste(key, paste(trimws(s), collapse = " ")), con)
}
kidney <- survival::kidney
write.csv(kidney[, c("id", "time", "status", "age", "sex")], "kidney.csv", row.names = FALSE)
rats <- with(survival::rats, data.frame(litter = litter, rx = rx, time = time, status = status,
                                        female = as.integer(sex == "f")))
write.csv(rats, "rats.csv", row.names = FALSE)
# a tight inner loop: coxph's sparse Newton creeps to the optimum (at eps = 1e-12
# the kidney theta = 2 coefficients are still 3e-5 away), so eps = 1e-15
ctl <- coxph.control(eps = 1e-15, toler.chol = 1e-16, iter.max = 1000, outer.max = 30)
fr_out <- function(pre, f) {
  out(paste0(pre, ".coef"), f$coefficients)
  out(paste0(pre, ".var"), f$var); out(paste0(pre, ".var2"), f$var2)
  out(paste0(pre, ".loglik"), f$loglik); out(paste0(pre, ".penalty"), f$penalty[2])
  out(paste0(pre, ".frail"), f$frail); out(paste0(pre, ".theta"), f$history[[1]]$theta)
  out(paste0(pre, ".n"), c(f$n, f$nevent))
}
for (th in c(0.5, 2)) {
  fr_out(paste0("kidney_t", th), coxph(Surv(time, status) ~ age + sex +
    frailty(id, distribution = "gamma", theta = th), data = kidney, control = ctl))
}
fr_out("kidney_t0.5_breslow", coxph(Surv(time, status) ~ age + sex +
  frailty(id, distribution = "gamma", theta = 0.5), data = kidney, ties = "breslow", control = ctl))
fr_out("rats_t0.5", coxph(Surv(time, status) ~ rx + female +
  frailty(litter, distribution = "gamma", theta = 0.5), data = rats, control = ctl))
# theta estimated (coxph's defaults: R converges theta to ~1e-3)
fr_out("kidney", coxph(Surv(time, status) ~ age + sex + frailty(id, distribution = "gamma"),
                       data = kidney))
fr_out("rats", coxph(Surv(time, status) ~ rx + female + frailty(litter, distribution = "gamma"),
                     data = rats))
close(con)

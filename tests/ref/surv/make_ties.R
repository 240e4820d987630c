# Reference values for tests/surv/test_ties.lua: heavy ties and the tails,
# cases the main script (make_surv.R) does not cover.
#   bladder (first recurrence, survival::bladder enum == 1): 85 rows, many
#   tied months; lung with times rounded up to months (ceiling(time/30.5)),
#   so most event times are tied with other events and with censorings.
# Run from the repository root:  Rscript tests/ref/surv/make_ties.R
# Writes tests/ref/surv/ties_ref.txt, bladder1.csv and lung_month.csv.
suppressMessages(library(survival))
out <- "tests/ref/surv"
con <- file(file.path(out, "ties_ref.txt"), "w")
emit <- function(key, x) writeLines(paste(key, paste(formatC(x, digits = 17, format = "g"), collapse = " ")), con)

lm <- lung[, c("time", "status", "age", "sex", "ph.ecog")]
lm$mtime <- ceiling(lm$time / 30.5)
lm <- lm[complete.cases(lm), c("mtime", "status", "age", "sex", "ph.ecog")]
set.seed(20261126)
lm$w <- round(runif(nrow(lm), 0.5, 2), 3)
write.csv(lm, file.path(out, "lung_month.csv"), row.names = FALSE)
b <- bladder[bladder$enum == 1, c("stop", "event", "rx", "number", "size")]
write.csv(b, file.path(out, "bladder1.csv"), row.names = FALSE)

nd <- data.frame(age = 60, sex = 2, ph.ecog = 1)
for (tm in c("efron", "breslow")) {
  fits <- list(
    lm = coxph(Surv(mtime, status) ~ age + sex + ph.ecog, lm, ties = tm),
    bl = coxph(Surv(stop, event) ~ rx + number + size, b, ties = tm),
    # sex is constant within strata(sex): aliased (NA), as coxph
    cst = coxph(Surv(mtime, status) ~ age + sex + strata(sex), lm, ties = tm),
    # non-integer case weights with strata: coxph's default robust variance
    ws = coxph(Surv(mtime, status) ~ age + ph.ecog + strata(sex), lm, ties = tm, weights = w))
  for (k in names(fits)) {
    f <- fits[[k]]; tag <- paste0(k, "_", tm)
    emit(paste0(tag, ".coef"), coef(f))
    emit(paste0(tag, ".se"), sqrt(diag(vcov(f))))
    emit(paste0(tag, ".loglik"), f$loglik)
    emit(paste0(tag, ".concordance"), f$concordance[c("concordance", "std")])
  }
  z <- cox.zph(fits$ws, transform = "km", terms = FALSE)
  emit(paste0("ws_", tm, ".zph_chisq"), z$table[, "chisq"])
  s <- survfit(fits$lm, newdata = nd)
  emit(paste0("lm_", tm, ".pred_time"), s$time)
  emit(paste0("lm_", tm, ".pred_surv"), s$surv)
}

# Kaplan-Meier on the tied monthly times, and a small sample whose curve
# starts with tied events and ends at S = 0 (R gives NA/NaN limits there)
tt <- c(1, 1, 2, 3, 3, 4, 5, 5); ss <- c(1, 1, 0, 1, 1, 0, 1, 1)
for (ct in c("log", "log-log", "plain")) {
  for (d in list(list("lm", Surv(lm$mtime, lm$status)), list("zero", Surv(tt, ss)))) {
    s <- survfit(d[[2]] ~ 1, conf.type = ct)
    tag <- paste0("km_", d[[1]], "_", ct)
    emit(paste0(tag, ".surv"), s$surv)
    emit(paste0(tag, ".se"), s$std.err * s$surv)
    emit(paste0(tag, ".lower"), s$lower)
    emit(paste0(tag, ".upper"), s$upper)
    emit(paste0(tag, ".median"), summary(s)$table[c("median", "0.95LCL", "0.95UCL")])
  }
}
# log-rank and Peto-Peto, three groups within strata(sex), tied times
sub <- lm[lm$ph.ecog < 3, ]
for (rho in 0:1) {
  lr <- survdiff(Surv(mtime, status) ~ ph.ecog + strata(sex), sub, rho = rho)
  emit(paste0("lr_rho", rho, ".chisq"), lr$chisq)
  emit(paste0("lr_rho", rho, ".observed"), rowSums(lr$obs))
  emit(paste0("lr_rho", rho, ".expected"), rowSums(lr$exp))
}
close(con)

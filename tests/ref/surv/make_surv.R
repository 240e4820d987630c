# Reference values for tests/surv: R's survival package on lung, ovarian,
# veteran and heart (start, stop] data.  Run from this folder:
#   Rscript make_surv.R
# Writes the data sets as plain numeric CSV (NA for missing) and surv_ref.txt
# with lines "key v1 v2 ..." (17 significant digits).
suppressPackageStartupMessages(library(survival))
cat("survival", as.character(packageVersion("survival")), "\n")

con <- file("surv_ref.txt", "w")
out <- function(key, x) {
  x <- as.numeric(x)
  s <- ifelse(is.na(x), "NA", ifelse(is.infinite(x), ifelse(x > 0, "Inf", "-Inf"),
              formatC(x, digits = 17, format = "g")))
  writeLines(paste(key, paste(trimws(s), collapse = " ")), con)
}

# ---- data
lung <- survival::lung
write.csv(lung[, c("inst", "time", "status", "age", "sex", "ph.ecog", "ph.karno",
                   "pat.karno", "meal.cal", "wt.loss")], "lung.csv", row.names = FALSE, na = "NA")
ov <- survival::ovarian
write.csv(ov, "ovarian.csv", row.names = FALSE)
vet <- survival::veteran
write.csv(data.frame(trt = vet$trt, celltype = as.integer(vet$celltype), time = vet$time,
                     status = vet$status, karno = vet$karno, diagtime = vet$diagtime,
                     age = vet$age, prior = vet$prior), "veteran.csv", row.names = FALSE)
colon <- survival::colon
write.csv(data.frame(id = colon$id, rx = as.integer(colon$rx), sex = colon$sex, age = colon$age,
                     extent = colon$extent, node4 = colon$node4, nodes = colon$nodes,
                     time = colon$time, status = colon$status, etype = colon$etype),
          "colon.csv", row.names = FALSE, na = "NA")
heart <- survival::heart
write.csv(data.frame(start = heart$start, stop = heart$stop, event = heart$event,
                     age = heart$age, year = heart$year, surgery = heart$surgery,
                     transplant = as.integer(heart$transplant) - 1, id = heart$id),
          "heart.csv", row.names = FALSE)

# ---- Kaplan-Meier
km_out <- function(pre, fit) {
  s <- summary(fit, censored = TRUE)
  out(paste0(pre, ".time"), s$time); out(paste0(pre, ".surv"), s$surv)
  out(paste0(pre, ".se"), s$std.err); out(paste0(pre, ".lower"), s$lower)
  out(paste0(pre, ".upper"), s$upper); out(paste0(pre, ".n_risk"), s$n.risk)
  out(paste0(pre, ".n_event"), s$n.event)
  q <- quantile(fit, 0.5)
  out(paste0(pre, ".median"), c(q$quantile, q$lower, q$upper))
}
for (ct in c("log", "log-log", "plain")) {
  km_out(paste0("km_lung_", ct), survfit(Surv(time, status) ~ 1, data = lung, conf.type = ct))
}
km_out("km_lung_l90", survfit(Surv(time, status) ~ 1, data = lung, conf.int = 0.9))
f <- survfit(Surv(time, status) ~ sex, data = lung)
km_out("km_lung_sex1", f[1]); km_out("km_lung_sex2", f[2])
km_out("km_ovarian", survfit(Surv(futime, fustat) ~ 1, data = ov))
km_out("km_vet", survfit(Surv(time, status) ~ 1, data = vet))
# the midpoint rule: S = 0.5 exactly on [2, 3)
km_out("km_mid", survfit(Surv(c(1, 2, 3, 4, 5, 6), c(1, 1, 1, 0, 1, 1)) ~ 1))
km_out("km_mid2", survfit(Surv(c(1, 2, 3, 4), c(1, 1, 1, 1)) ~ 1))
s <- summary(survfit(Surv(time, status) ~ 1, data = lung), times = c(100, 365, 500.5))
out("km_lung_at.t", s$time); out("km_lung_at.surv", s$surv); out("km_lung_at.se", s$std.err)
out("km_lung_at.lower", s$lower); out("km_lung_at.upper", s$upper)

# ---- Nelson-Aalen
f <- survfit(Surv(time, status) ~ 1, data = lung, ctype = 1)
out("na_lung.time", f$time); out("na_lung.cumhaz", f$cumhaz); out("na_lung.se", f$std.chaz)

# ---- log-rank
lr_out <- function(pre, fit) {
  out(paste0(pre, ".chisq"), fit$chisq); out(paste0(pre, ".df"), length(fit$n) - 1)
  out(paste0(pre, ".p"), pchisq(fit$chisq, length(fit$n) - 1, lower.tail = FALSE))
  out(paste0(pre, ".observed"), fit$obs); out(paste0(pre, ".expected"), fit$exp)
}
lr_out("lr_lung_sex", survdiff(Surv(time, status) ~ sex, data = lung))
lr_out("lr_lung_sex_rho1", survdiff(Surv(time, status) ~ sex, data = lung, rho = 1))
lr_out("lr_lung_ecog", survdiff(Surv(time, status) ~ ph.ecog, data = lung))
lr_out("lr_ov_rx_strata", survdiff(Surv(futime, fustat) ~ rx + strata(ecog.ps), data = ov))
lr_out("lr_ov_rx_strata_rho1", survdiff(Surv(futime, fustat) ~ rx + strata(ecog.ps), data = ov, rho = 1))
lr_out("lr_vet_cell", survdiff(Surv(time, status) ~ celltype, data = vet))

# ---- Cox
cox_out <- function(pre, fit, zph = TRUE) {
  out(paste0(pre, ".coef"), coef(fit)); out(paste0(pre, ".se"), sqrt(diag(fit$var)))
  out(paste0(pre, ".vcov"), fit$var); out(paste0(pre, ".loglik"), fit$loglik)
  out(paste0(pre, ".n"), fit$n); out(paste0(pre, ".nevent"), fit$nevent)
  if (!is.null(fit$naive.var)) out(paste0(pre, ".naive_se"), sqrt(diag(fit$naive.var)))
  cc <- fit$concordance
  out(paste0(pre, ".concordance"), cc)
  s <- summary(fit)
  out(paste0(pre, ".lr"), s$logtest); out(paste0(pre, ".wald"), s$waldtest)
  out(paste0(pre, ".score"), s$sctest)
  if (!is.null(s$robscore)) out(paste0(pre, ".robscore"), s$robscore)
  out(paste0(pre, ".means"), fit$means)
  out(paste0(pre, ".iter"), fit$iter)
  if (is.null(fit$strata) && is.null(fit$call$strata)) {
    bh <- basehaz(fit, centered = TRUE)
    out(paste0(pre, ".bh_time"), bh$time); out(paste0(pre, ".bh_cumhaz"), bh$hazard)
  }
  if (zph) {
    z <- cox.zph(fit, terms = FALSE)
    out(paste0(pre, ".zph_chisq"), z$table[, 1]); out(paste0(pre, ".zph_df"), z$table[, 2])
    out(paste0(pre, ".zph_p"), z$table[, 3])
  }
}
lungc <- na.omit(lung[, c("time", "status", "age", "sex", "ph.ecog", "inst")])
for (ties in c("efron", "breslow")) {
  cox_out(paste0("cox_lung_", ties), coxph(Surv(time, status) ~ age + sex + ph.ecog, data = lung, ties = ties))
  cox_out(paste0("cox_lung_rob_", ties), coxph(Surv(time, status) ~ age + sex + ph.ecog, data = lung,
                                                ties = ties, robust = TRUE))
  cox_out(paste0("cox_lung_cl_", ties), coxph(Surv(time, status) ~ age + sex + ph.ecog, data = lungc,
                                               ties = ties, cluster = inst))
  w <- 1 + (seq_len(nrow(lung)) %% 3) / 2
  cox_out(paste0("cox_lung_w_", ties), coxph(Surv(time, status) ~ age + sex + ph.ecog, data = lung,
                                              ties = ties, weights = w))
  cox_out(paste0("cox_ov_", ties), coxph(Surv(futime, fustat) ~ age + ecog.ps + rx, data = ov, ties = ties))
  cox_out(paste0("cox_ov_strata_", ties), coxph(Surv(futime, fustat) ~ age + ecog.ps + strata(rx),
                                                 data = ov, ties = ties))
  cox_out(paste0("cox_vet_", ties), coxph(Surv(time, status) ~ karno + age + trt + prior, data = vet, ties = ties))
  cox_out(paste0("cox_heart_", ties), coxph(Surv(start, stop, event) ~ age + year + surgery + transplant,
                                             data = heart, ties = ties))
  cox_out(paste0("cox_heart_cl_", ties), coxph(Surv(start, stop, event) ~ age + year + surgery + transplant,
                                                data = heart, ties = ties, cluster = id))
}
# through formulas: factor terms, strata(), cluster as a column
fit <- coxph(Surv(time, status) ~ age + factor(ph.ecog) + strata(sex), data = lung)
cox_out("cox_lung_fac_efron", fit)
z <- cox.zph(fit)   # the default: one test per term
out("cox_lung_fac_efron.zphT_chisq", z$table[, 1]); out("cox_lung_fac_efron.zphT_df", z$table[, 2])
out("cox_lung_fac_efron.zphT_p", z$table[, 3])
cox_out("cox_heart_f_efron", coxph(Surv(start, stop, event) ~ age + surgery, data = heart, cluster = id))
# colon: many tied days, two event types per patient (strata), cluster(id)
cox_out("cox_colon_efron", coxph(Surv(time, status) ~ factor(rx) + extent + node4 + nodes + strata(etype),
                                 data = data.frame(colon, rx = as.integer(colon$rx)), cluster = id))
cox_out("cox_colon_breslow", coxph(Surv(time, status) ~ factor(rx) + extent + node4 + nodes + strata(etype),
                                   data = data.frame(colon, rx = as.integer(colon$rx)), cluster = id,
                                   ties = "breslow"))
lr_out("lr_colon_rx", survdiff(Surv(time, status) ~ rx + strata(etype), data = colon))
# a collinear column: aliased (NA), as lm
cox_out("cox_lung_alias", coxph(Surv(time, status) ~ age + I(2 * age) + sex, data = lung), zph = FALSE)
# prediction at the first three lung rows (complete cases), centred as predict.coxph
fit <- coxph(Surv(time, status) ~ age + sex + ph.ecog, data = lung)
nd <- lungc[1:3, ]
out("pred_lung.lp", predict(fit, newdata = nd, type = "lp"))
out("pred_lung.risk", predict(fit, newdata = nd, type = "risk"))
sf <- survfit(fit, newdata = nd)
out("pred_lung.surv_time", sf$time)
out("pred_lung.surv1", sf$surv[, 1]); out("pred_lung.surv3", sf$surv[, 3])
# monotone likelihood: a covariate that separates events from censoring
mono <- data.frame(time = c(1, 2, 3, 4, 5, 6, 7, 8), status = c(1, 1, 1, 1, 0, 0, 0, 0),
                   x = c(1, 1, 1, 1, 0, 0, 0, 0))
fit <- suppressWarnings(coxph(Surv(time, status) ~ x, data = mono))
out("cox_mono.coef", coef(fit)); out("cox_mono.iter", fit$iter)
close(con)

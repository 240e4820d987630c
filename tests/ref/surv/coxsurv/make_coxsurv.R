# Reference values for tests/surv/test_cox_survfit.lua: survival curves from
# Cox models at new covariate rows, as R's survfit(coxph, newdata) (default
# stype 2, ctype from the fit's ties, conf.type "log"), on lung, veteran and
# heart ((start, stop] data), with case weights and strata.  Run from this
# folder:   Rscript make_coxsurv.R
# Writes coxsurv_ref.txt with lines "key v1 v2 ..." (17 significant digits;
# matrices column by column).
suppressPackageStartupMessages(library(survival))
cat("survival", as.character(packageVersion("survival")), "\n")

con <- file("coxsurv_ref.txt", "w")
out <- function(key, x) {
  x <- as.numeric(x)
  s <- ifelse(is.na(x), "NA", ifelse(is.infinite(x), ifelse(x > 0, "Inf", "-Inf"),
              formatC(x, digits = 17, format = "g")))
  writeLines(paste(key, paste(trimws(s), collapse = " ")), con)
}
sf_out <- function(pre, sf) {
  out(paste0(pre, ".time"), sf$time)
  out(paste0(pre, ".n_risk"), sf$n.risk); out(paste0(pre, ".n_event"), sf$n.event)
  out(paste0(pre, ".n_censor"), sf$n.censor)
  out(paste0(pre, ".surv"), sf$surv); out(paste0(pre, ".cumhaz"), sf$cumhaz)
  out(paste0(pre, ".std_err"), sf$std.err)   # of the cumulative hazard
  out(paste0(pre, ".lower"), sf$lower); out(paste0(pre, ".upper"), sf$upper)
  if (!is.null(sf$strata)) out(paste0(pre, ".strata"), sf$strata)
}
lung <- survival::lung
vet <- survival::veteran
heart <- survival::heart

nd <- data.frame(age = c(50, 70), sex = c(1, 2), ph.ecog = c(0, 2))
for (ties in c("efron", "breslow")) {
  f <- coxph(Surv(time, status) ~ age + sex + ph.ecog, data = lung, ties = ties)
  sf <- survfit(f, newdata = nd)
  sf_out(paste0("lung_", ties), sf)
  s <- summary(sf, times = c(100, 365.5))
  out(paste0("lung_", ties, "_at.surv"), s$surv); out(paste0("lung_", ties, "_at.se"), s$std.err)
  out(paste0("lung_", ties, "_at.lower"), s$lower); out(paste0("lung_", ties, "_at.upper"), s$upper)
}
# one row, level 0.9, log-log and plain bands
f <- coxph(Surv(time, status) ~ age + sex + ph.ecog, data = lung)
sf_out("lung_one90", survfit(f, newdata = nd[2, ], conf.int = 0.9))
sf_out("lung_loglog", survfit(f, newdata = nd, conf.type = "log-log"))
sf_out("lung_plain", survfit(f, newdata = nd, conf.type = "plain"))

# veteran with non-integer case weights: coxph's robust variance, which
# survfit uses
w <- 1 + (seq_len(nrow(vet)) %% 3) / 2
f <- coxph(Surv(time, status) ~ karno + age, data = vet, weights = w)
sf_out("vet_w", survfit(f, newdata = data.frame(karno = c(30, 80), age = c(60, 60))))

# stratified: one curve per stratum at a row, and per-row strata
f <- coxph(Surv(time, status) ~ age + ph.ecog + strata(sex), data = lung)
sf <- survfit(f, newdata = data.frame(age = 60, ph.ecog = 1))
sf_out("lung_strata", sf)
sf <- survfit(f, newdata = data.frame(age = c(60, 70), ph.ecog = c(1, 2)))
sf_out("lung_strata2", sf)

# (start, stop] data
f <- coxph(Surv(start, stop, event) ~ age + surgery, data = heart)
sf_out("heart", survfit(f, newdata = data.frame(age = c(-10, 5), surgery = c(0, 1))))
close(con)

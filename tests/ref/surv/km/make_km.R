# Reference values for tests/surv/test_km_weights.lua: R's survival package,
# survfit with case weights, counting-process (start, stop] data (delayed
# entry), the restricted mean of print(survfit, rmean = tau) and
# summary(survfit, times =).  Data: survival's lung and heart, as written by
# ../make_surv.R (../lung.csv, ../heart.csv).  Run from this folder:
#   Rscript make_km.R
# Writes km.txt with lines "key v1 v2 ..." (17 significant digits).
suppressPackageStartupMessages(library(survival))
cat("survival", as.character(packageVersion("survival")), "\n")

con <- file("km.txt", "w")
out <- function(key, x) {
  x <- as.numeric(x)
  s <- ifelse(is.na(x), "NA", ifelse(is.infinite(x), ifelse(x > 0, "Inf", "-Inf"),
              formatC(x, digits = 17, format = "g")))
  writeLines(paste(key, paste(trimws(s), collapse = " ")), con)
}

lung <- read.csv("../lung.csv")
heart <- read.csv("../heart.csv")
# case weights: non-integer (survfit's default variance is then the
# infinitesimal jackknife) and integer (Greenwood on the weighted counts)
lung$w <- 1 + (seq_len(nrow(lung)) %% 3) / 2
lung$wi <- 1 + seq_len(nrow(lung)) %% 3
heart$w <- 0.5 + (heart$id %% 4) / 4

km_out <- function(pre, fit) {
  s <- summary(fit, censored = TRUE)
  out(paste0(pre, ".time"), s$time); out(paste0(pre, ".surv"), s$surv)
  out(paste0(pre, ".se"), s$std.err); out(paste0(pre, ".lower"), s$lower)
  out(paste0(pre, ".upper"), s$upper); out(paste0(pre, ".n_risk"), s$n.risk)
  out(paste0(pre, ".n_event"), s$n.event); out(paste0(pre, ".n_censor"), s$n.censor)
  out(paste0(pre, ".cumhaz"), fit$cumhaz); out(paste0(pre, ".se_cumhaz"), fit$std.chaz)
  q <- quantile(fit, 0.5)
  out(paste0(pre, ".median"), c(q$quantile, q$lower, q$upper))
}
rmean_out <- function(pre, fit, tau) {
  t <- summary(fit, rmean = tau)$table
  if (is.matrix(t)) { out(paste0(pre, ".rmean"), t[, "rmean"]); out(paste0(pre, ".se"), t[, "se(rmean)"]) }
  else { out(paste0(pre, ".rmean"), t[["rmean"]]); out(paste0(pre, ".se"), t[["se(rmean)"]]) }
}

# ---- weights
f <- survfit(Surv(time, status) ~ 1, data = lung, weights = w)
km_out("lung_w", f)
km_out("lung_w_ll", survfit(Surv(time, status) ~ 1, data = lung, weights = w, conf.type = "log-log"))
km_out("lung_w_plain", survfit(Surv(time, status) ~ 1, data = lung, weights = w, conf.type = "plain"))
km_out("lung_w_greenwood", survfit(Surv(time, status) ~ 1, data = lung, weights = w, robust = FALSE))
km_out("lung_wi", survfit(Surv(time, status) ~ 1, data = lung, weights = wi))
km_out("lung_robust", survfit(Surv(time, status) ~ 1, data = lung, robust = TRUE))
g <- survfit(Surv(time, status) ~ sex, data = lung, weights = w)
km_out("lung_w_sex1", g[1]); km_out("lung_w_sex2", g[2])
s <- summary(f, times = c(5, 100, 365, 500.5, 1022))
out("lung_w_at.t", s$time); out("lung_w_at.surv", s$surv); out("lung_w_at.se", s$std.err)
out("lung_w_at.lower", s$lower); out("lung_w_at.upper", s$upper)

# ---- counting process (start, stop]: delayed entry
h <- survfit(Surv(start, stop, event) ~ 1, data = heart)
km_out("heart", h)
km_out("heart_w", survfit(Surv(start, stop, event) ~ 1, data = heart, weights = w))
hg <- survfit(Surv(start, stop, event) ~ surgery, data = heart)
km_out("heart_surg0", hg[1]); km_out("heart_surg1", hg[2])

# ---- restricted mean (tau within the data: Orrery refuses tau beyond it)
rmean_out("rm_lung_500", survfit(Surv(time, status) ~ 1, data = lung), 500)
rmean_out("rm_lung_last", survfit(Surv(time, status) ~ 1, data = lung), 1022)
rmean_out("rm_lung_6", survfit(Surv(time, status) ~ 1, data = lung), 6)
rmean_out("rm_lung_w_500", f, 500)
rmean_out("rm_lung_wi_400", survfit(Surv(time, status) ~ 1, data = lung, weights = wi), 400)
rmean_out("rm_lung_sex_700", survfit(Surv(time, status) ~ sex, data = lung), 700)
rmean_out("rm_heart_500", h, 500)
rmean_out("rm_heart_surg_900", hg, 900)
close(con)

# Reference values for tests/surv/test_cif.lua: R's survival package, the
# Aalen-Johansen cumulative incidence of survfit(Surv(etime, event) ~ ...)
# with a factor status (competing risks), on survival's mgus2: progression
# to a plasma cell malignancy (pcm) or death first, as in the package's
# "compete" vignette.  Run from this folder:
#   Rscript make_cif.R
# Writes mgus2.csv (etime, event code 0 censored / 1 pcm / 2 death, sex,
# age, and a case weight w) and cif.txt with lines "key v1 v2 ..." (17
# significant digits; matrices column by column).
suppressPackageStartupMessages(library(survival))
cat("survival", as.character(packageVersion("survival")), "\n")

con <- file("cif.txt", "w")
out <- function(key, x) {
  x <- as.numeric(x)
  s <- ifelse(is.na(x), "NA", ifelse(is.infinite(x), ifelse(x > 0, "Inf", "-Inf"),
              formatC(x, digits = 17, format = "g")))
  writeLines(paste(key, paste(trimws(s), collapse = " ")), con)
}

m <- survival::mgus2
etime <- with(m, ifelse(pstat == 0, futime, ptime))
code <- with(m, ifelse(pstat == 0, 2 * death, 1))
event <- factor(code, 0:2, labels = c("censor", "pcm", "death"))
w <- 0.5 + (seq_len(nrow(m)) %% 5) / 4
d <- data.frame(etime = etime, event = code, sex = as.integer(m$sex == "M"), age = m$age, w = w)
write.csv(d, "mgus2.csv", row.names = FALSE)

# the states are "(s0)", "pcm", "death": columns 2 and 3 are the incidences
cif_out <- function(pre, fit) {
  out(paste0(pre, ".time"), fit$time)
  out(paste0(pre, ".n_risk"), fit$n.risk[, 1])
  out(paste0(pre, ".n_event"), fit$n.event[, 2:3])
  out(paste0(pre, ".n_censor"), fit$n.censor)
  out(paste0(pre, ".surv"), fit$pstate[, 1]); out(paste0(pre, ".surv_se"), fit$std.err[, 1])
  out(paste0(pre, ".cif"), fit$pstate[, 2:3]); out(paste0(pre, ".se"), fit$std.err[, 2:3])
  out(paste0(pre, ".lower"), fit$lower[, 2:3]); out(paste0(pre, ".upper"), fit$upper[, 2:3])
}
cif_out("mgus2", survfit(Surv(etime, event) ~ 1))
cif_out("mgus2_ll", survfit(Surv(etime, event) ~ 1, conf.type = "log-log"))
cif_out("mgus2_plain", survfit(Surv(etime, event) ~ 1, conf.type = "plain", conf.int = 0.9))
cif_out("mgus2_w", survfit(Surv(etime, event) ~ 1, weights = w))
g <- survfit(Surv(etime, event) ~ sex, data = data.frame(etime, event, sex = d$sex))
cif_out("mgus2_sex0", g[1, ]); cif_out("mgus2_sex1", g[2, ])
s <- summary(survfit(Surv(etime, event) ~ 1), times = c(12, 120, 240))
out("mgus2_at.cif", s$pstate[, 2:3]); out("mgus2_at.se", s$std.err[, 2:3])
close(con)

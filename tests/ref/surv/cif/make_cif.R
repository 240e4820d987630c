# Reference values for tests/surv/test_cif.lua: R's survival package on
# survival's mgus2, progression to a plasma cell malignancy (pcm) or death
# first, as in the package's "compete" vignette:
#  - the Aalen-Johansen cumulative incidence of survfit(Surv(etime, event)
#    ~ ...) with a factor status (cif.txt);
#  - the Fine-Gray model, finegray() then coxph(Surv(fgstart, fgstop,
#    fgstatus) ~ age + sex, weights = fgwt), for each cause, with and
#    without case weights, Efron and Breslow ties (finegray.txt).
# Run from this folder:
#   Rscript make_cif.R
# Writes mgus2.csv (etime, event code 0 censored / 1 pcm / 2 death, sex,
# age, and a case weight w), cif.txt and finegray.txt with lines "key v1
# v2 ..." (17 significant digits; matrices column by column).
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

# ---- Fine-Gray
con <- file("finegray.txt", "w")
d$ev <- factor(d$event, 0:2, labels = c("censor", "pcm", "death"))

fg_out <- function(pre, etype, ties = "efron", weighted = FALSE) {
  fg <- if (weighted) finegray(Surv(etime, ev) ~ ., data = d, etype = etype, weights = w)
        else finegray(Surv(etime, ev) ~ ., data = d, etype = etype)
  f <- coxph(Surv(fgstart, fgstop, fgstatus) ~ age + sex, weights = fgwt, data = fg, ties = ties)
  out(paste0(pre, ".nrow"), nrow(fg))
  out(paste0(pre, ".wt_head"), head(fg$fgwt, 200))
  out(paste0(pre, ".wt_sums"), c(sum(fg$fgwt), sum(fg$fgwt^2), sum(fg$fgstop * fg$fgwt)))
  out(paste0(pre, ".coef"), coef(f))
  out(paste0(pre, ".se"), sqrt(diag(f$var)))              # robust: coxph's default here
  out(paste0(pre, ".naive_se"), sqrt(diag(f$naive.var)))  # model-based
  out(paste0(pre, ".loglik"), f$loglik)
  out(paste0(pre, ".nevent"), f$nevent)
}
fg_out("fg_pcm", "pcm")
fg_out("fg_death", "death")
fg_out("fg_pcm_breslow", "pcm", ties = "breslow")
fg_out("fg_pcm_w", "pcm", weighted = TRUE)
# a time 0: finegray starts every row at -1 then (Orrery shifts all times by 1)
z <- data.frame(t = c(0, 1, 2, 3, 4, 5, 6, 7), s = factor(c(1, 2, 0, 1, 2, 1, 0, 1), 0:2),
                x = c(1, 3, 2, 5, 4, 6, 8, 7))
fz <- finegray(Surv(t, s) ~ ., data = z)
f <- coxph(Surv(fgstart, fgstop, fgstatus) ~ x, weights = fgwt, data = fz)
out("fg_zero.coef", coef(f)); out("fg_zero.se", sqrt(diag(f$var)))
out("fg_zero.naive_se", sqrt(diag(f$naive.var))); out("fg_zero.nrow", nrow(fz))
close(con)

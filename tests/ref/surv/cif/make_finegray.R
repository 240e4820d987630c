# Reference values for tests/surv/test_cif.lua's Fine-Gray tests: R's
# survival package, finegray() then coxph(Surv(fgstart, fgstop, fgstatus) ~
# age + sex, weights = fgwt) on mgus2.csv (written by make_cif.R), for each
# cause, with and without case weights, Efron and Breslow ties.  Run from
# this folder:
#   Rscript make_finegray.R
# Writes finegray.txt with lines "key v1 v2 ..." (17 significant digits).
suppressPackageStartupMessages(library(survival))
cat("survival", as.character(packageVersion("survival")), "\n")

con <- file("finegray.txt", "w")
out <- function(key, x) {
  x <- as.numeric(x)
  s <- ifelse(is.na(x), "NA", ifelse(is.infinite(x), ifelse(x > 0, "Inf", "-Inf"),
              formatC(x, digits = 17, format = "g")))
  writeLines(paste(key, paste(trimws(s), collapse = " ")), con)
}

d <- read.csv("mgus2.csv")
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

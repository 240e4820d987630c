# Reference values for tests/stats/test_desc.lua (R 4.2, MASS).
# Run from the repository root: Rscript tests/ref/stats/make_desc.R
# Writes mtcars.csv, airquality.csv (NA kept) and desc.txt (key v1 v2 ...,
# 17 significant digits; matrices row by row).
out <- "tests/ref/stats"
f17 <- function(v) ifelse(is.na(v), "NaN", ifelse(is.infinite(v), ifelse(v > 0, "Inf", "-Inf"),
                                             sprintf("%.17g", v)))
lines <- character()
put <- function(key, v) {
  if (is.matrix(v)) v <- as.vector(t(v))   # row by row
  lines <<- c(lines, paste(key, paste(f17(as.numeric(v)), collapse = " ")))
}
write.csv(mtcars, file.path(out, "mtcars.csv"), row.names = FALSE)
aq <- airquality
write.csv(aq, file.path(out, "airquality.csv"), row.names = FALSE, na = "NA")

# reductions on mtcars$mpg / hp
x <- mtcars$mpg
put("mean_mpg", mean(x)); put("var_mpg", var(x)); put("sd_mpg", sd(x))
put("median_mpg", median(x)); put("median_hp", median(mtcars$hp))
put("median_odd", median(x[-1]))
probs <- c(0, 0.1, 0.25, 1/3, 0.5, 0.9, 0.99, 1)
put("quantile_mpg", quantile(x, probs, type = 7, names = FALSE))
put("quantile_hp_0.37", quantile(mtcars$hp, 0.37, type = 7, names = FALSE))

# matrices on six columns
X <- as.matrix(mtcars[, c("mpg", "disp", "hp", "drat", "wt", "qsec")])
S <- cov(X)
put("cov", S)
put("cor_pearson", cor(X))
put("cor_spearman", cor(X, method = "spearman"))
put("cor_kendall", cor(X, method = "kendall"))
put("cov_mpg_wt", cov(mtcars$mpg, mtcars$wt))
put("cor_mpg_wt_kendall", cor(mtcars$mpg, mtcars$wt, method = "kendall"))
# partial correlations from the precision matrix (docs/methods/stats.md)
O <- solve(S)
P <- -O / sqrt(diag(O) %o% diag(O)); diag(P) <- 1
put("pcor", P)
# compositional: the six (positive) columns as parts; clr per row, Moore-Penrose inverse
clr <- log(X) - rowMeans(log(X))
put("clr_row1", clr[1, ]); put("clr_row32", clr[32, ])
Oc <- MASS::ginv(cov(clr))
Pc <- -Oc / sqrt(diag(Oc) %o% diag(Oc)); diag(Pc) <- 1
put("pcor_clr", Pc)

# missing values: airquality (Ozone and Solar.R have NA)
put("aq_mean_ozone_narm", mean(aq$Ozone, na.rm = TRUE))
put("aq_var_ozone_narm", var(aq$Ozone, na.rm = TRUE))
put("aq_median_ozone_narm", median(aq$Ozone, na.rm = TRUE))
put("aq_quantile_ozone_narm", quantile(aq$Ozone, c(0.1, 0.5, 0.9), na.rm = TRUE, names = FALSE))
A <- as.matrix(aq[, 1:4])
put("aq_cor_complete", cor(A, use = "complete.obs"))
put("aq_cor_spearman_complete", cor(A, use = "complete.obs", method = "spearman"))
put("aq_cor_kendall_complete", cor(A, use = "complete.obs", method = "kendall"))
put("aq_cov_complete", cov(A, use = "complete.obs"))
put("aq_cor_ozone_temp", cor(aq$Ozone, aq$Temp, use = "complete.obs"))

# cor.test, exact = FALSE
for (m in c("pearson", "spearman", "kendall")) {
  ct <- suppressWarnings(cor.test(mtcars$mpg, mtcars$wt, method = m, exact = FALSE))
  put(paste0("cortest_", m), c(ct$estimate, ct$statistic, ct$p.value))
  if (m == "pearson") { put("cortest_pearson_ci", ct$conf.int); put("cortest_pearson_df", ct$parameter) }
  ct <- suppressWarnings(cor.test(mtcars$hp, mtcars$qsec, method = m, exact = FALSE))
  put(paste0("cortest2_", m), c(ct$estimate, ct$statistic, ct$p.value))
}
ct <- cor.test(mtcars$mpg, mtcars$wt, conf.level = 0.9)
put("cortest_pearson_ci90", ct$conf.int)
ct <- suppressWarnings(cor.test(aq$Ozone, aq$Solar.R, method = "kendall", exact = FALSE))
put("cortest_aq_kendall", c(ct$estimate, ct$statistic, ct$p.value))

# control variates: y = mpg, h = (wt, hp) with "known" means (3, 150), via lm
mu <- c(3, 150)
fit <- lm(mpg ~ I(wt - mu[1]) + I(hp - mu[2]), data = mtcars)
sm <- summary(fit)
put("cv_estimate", coef(fit)[1]); put("cv_se", sm$coefficients[1, 2])
put("cv_r2", sm$r.squared); put("cv_beta", coef(fit)[-1])
# one control
fit1 <- lm(mpg ~ I(wt - 3.2), data = mtcars)
put("cv1", c(coef(fit1)[1], summary(fit1)$coefficients[1, 2], summary(fit1)$r.squared, coef(fit1)[2]))
# stratified by cyl (4, 6, 8): one fit per stratum, weights n_k / n
est <- 0; v <- 0; rss <- 0; tss <- 0; ests <- c(); ses <- c(); betas <- c()
n <- nrow(mtcars)
for (k in sort(unique(mtcars$cyl))) {
  d <- mtcars[mtcars$cyl == k, ]
  f <- lm(mpg ~ I(wt - 3), data = d)
  w <- nrow(d) / n
  est <- est + w * coef(f)[1]
  v <- v + w^2 * summary(f)$coefficients[1, 2]^2
  rss <- rss + sum(resid(f)^2); tss <- tss + sum((d$mpg - mean(d$mpg))^2)
  ests <- c(ests, coef(f)[1]); ses <- c(ses, summary(f)$coefficients[1, 2]); betas <- c(betas, coef(f)[2])
}
put("cvs", c(est, sqrt(v), 1 - rss / tss))
put("cvs_estimates", ests); put("cvs_ses", ses); put("cvs_betas", betas)
# stratum-specific known means (one row per stratum, ascending cyl)
mus <- c(2.3, 3.1, 4.0)
est <- 0; v <- 0; i <- 0
for (k in sort(unique(mtcars$cyl))) {
  i <- i + 1
  d <- mtcars[mtcars$cyl == k, ]
  f <- lm(mpg ~ I(wt - mus[i]), data = d)
  w <- nrow(d) / n
  est <- est + w * coef(f)[1]; v <- v + w^2 * summary(f)$coefficients[1, 2]^2
}
put("cvs_mus", c(est, sqrt(v)))

# two controls, stratum-specific means (rows: cyl 4, 6, 8; columns: wt, hp)
M <- rbind(c(2.3, 85), c(3.1, 120), c(4.0, 210))
est <- 0; v <- 0; rss <- 0; tss <- 0; i <- 0; betas <- c()
for (k in sort(unique(mtcars$cyl))) {
  i <- i + 1
  d <- mtcars[mtcars$cyl == k, ]
  f <- lm(mpg ~ I(wt - M[i, 1]) + I(hp - M[i, 2]), data = d)
  w <- nrow(d) / n
  est <- est + w * coef(f)[1]; v <- v + w^2 * summary(f)$coefficients[1, 2]^2
  rss <- rss + sum(resid(f)^2); tss <- tss + sum((d$mpg - mean(d$mpg))^2)
  betas <- c(betas, coef(f)[-1])
}
put("cvs2", c(est, sqrt(v), 1 - rss / tss))
put("cvs2_betas", betas)   # column per stratum: (wt, hp) for 4, then 6, then 8

writeLines(lines, file.path(out, "desc.txt"))

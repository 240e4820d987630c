# Reference values for regress.iv / ivl / anchor: AER::ivreg and sandwich on
# AER's CigarettesSW (Stock & Watson), the textbook IV example.
# Run from this folder: Rscript make_ivreg.R
suppressMessages({library(AER); library(sandwich)})
Sys.setlocale("LC_COLLATE", "C")
data("CigarettesSW", package = "AER")
d <- with(CigarettesSW, data.frame(
  lpacks = log(packs), lrprice = log(price / cpi),
  lrincome = log(income / population / cpi),
  tdiff = (taxs - tax) / cpi, rtax = tax / cpi,
  year95 = as.numeric(year == "1995"), state = as.numeric(state)))
write.csv(d, "cigarettes.csv", row.names = FALSE)
d <- read.csv("cigarettes.csv")  # compute on exactly the values the tests read

out <- file("ivreg.txt", "w")
put <- function(key, x) cat(key, formatC(as.numeric(x), digits = 17, format = "g"), "\n", file = out)

# the textbook model, both years, clustered by state
fm <- ivreg(lpacks ~ lrprice + lrincome | lrincome + tdiff + rtax, data = d)
put("coef", coef(fm))
put("se", sqrt(diag(vcov(fm))))
put("sigma", summary(fm)$sigma)
put("resid_head", residuals(fm)[1:5])
for (t in c("HC0", "HC1", "HC2", "HC3"))
  put(paste0("se_", t), sqrt(diag(vcovHC(fm, type = t))))
# the HC1 type, G/(G-1) (n-1)/(n-p), asked for explicitly (regress.iv's
# cluster_type = "HC1"); vcovCL's default for ivreg objects, HC0, is in
# ../make_sandwich.R
put("se_cluster", sqrt(diag(vcovCL(fm, cluster = ~ state, type = "HC1"))))
# first-stage F for lrprice: excluded instruments tdiff, rtax
fs <- lm(lrprice ~ lrincome + tdiff + rtax, data = d)
fs0 <- lm(lrprice ~ lrincome, data = d)
put("first_stage_f", anova(fs0, fs)$F[2])
s <- summary(fm, diagnostics = TRUE)
put("weak_instruments_f", s$diagnostics["Weak instruments", "statistic"])

# just-identified, no intercept
fm2 <- ivreg(lpacks ~ lrprice + lrincome - 1 | lrincome + tdiff - 1, data = d)
put("coef_noint", coef(fm2))
put("se_noint", sqrt(diag(vcov(fm2))))

# OLS for the IVL limit
put("coef_ols", coef(lm(lpacks ~ lrprice + lrincome, data = d)))

# IVL / anchor closed forms computed independently from the formulas of
# docs/methods/regress.md with explicit projection matrices (fine for n = 96)
X <- cbind(1, d$lrprice, d$lrincome); y <- d$lpacks
Z <- cbind(1, d$lrincome, d$tdiff, d$rtax)
P <- Z %*% solve(crossprod(Z), t(Z))
ivl <- function(alpha) { M <- P + alpha * diag(nrow(X)); solve(t(X) %*% M %*% X, t(X) %*% M %*% y) }
put("coef_ivl_1", ivl(1))
put("coef_ivl_0.1", ivl(0.1))
anchor <- function(gamma) { W <- diag(nrow(X)) - (1 - sqrt(gamma)) * P; coef(lm.fit(W %*% X, W %*% y)) }
put("coef_anchor_5", anchor(5))
put("coef_anchor_0.5", anchor(0.5))
close(out)

# Reference values for tests/regress/test_iv_diag.lua: summary(ivreg,
# diagnostics = TRUE) (weak instruments, Wu-Hausman, Sargan) and weighted
# ivreg, on AER's CigarettesSW (Stock & Watson), written with the state
# populations as cigarettes_w.csv. Run from this folder: Rscript make_ivdiag.R
suppressMessages({library(AER); library(sandwich)})
data("CigarettesSW", package = "AER")
d <- with(CigarettesSW, data.frame(
  lpacks = log(packs), lrprice = log(price / cpi),
  lrincome = log(income / population / cpi),
  tdiff = (taxs - tax) / cpi, rtax = tax / cpi,
  year95 = as.numeric(year == "1995"), state = as.numeric(state),
  pop = population / 1e6))
write.csv(d, "cigarettes_w.csv", row.names = FALSE)
d <- read.csv("cigarettes_w.csv")  # compute on exactly the values the tests read

out <- file("ivdiag.txt", "w")
put <- function(key, x) cat(key, formatC(as.numeric(x), digits = 17, format = "g"), "\n", file = out)
ivd <- function(tag, f) {
  dg <- summary(f, diagnostics = TRUE)$diagnostics
  for (i in seq_len(nrow(dg))) put(paste0(tag, ".diag", i), dg[i, ])
}
# one endogenous regressor, two excluded instruments (over-identified by one)
f1 <- ivreg(lpacks ~ lrprice + lrincome | lrincome + tdiff + rtax, data = d)
ivd("one", f1)
# two endogenous regressors, three excluded instruments
f2 <- ivreg(lpacks ~ lrprice + lrincome | tdiff + rtax + year95, data = d)
ivd("two", f2)
# exactly identified: Sargan NA
f3 <- ivreg(lpacks ~ lrprice + lrincome | lrincome + tdiff, data = d)
ivd("exact", f3)
# weighted by population
fw <- ivreg(lpacks ~ lrprice + lrincome | lrincome + tdiff + rtax, data = d, weights = pop)
put("w.coef", coef(fw))
put("w.se", sqrt(diag(vcov(fw))))
put("w.sigma", summary(fw)$sigma)
put("w.resid", residuals(fw))
for (t in c("HC0", "HC1", "HC2", "HC3")) put(paste0("w.", t), sqrt(diag(vcovHC(fw, type = t))))
put("w.cl", sqrt(diag(vcovCL(fw, cluster = ~ state))))
ivd("w", fw)
close(out)

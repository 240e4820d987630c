# Reference values for tests/sem/test_fit.lua: lavaan's ML fits (default
# settings: marker-variable identification, N in the likelihood, expected
# information for the SEs) on HolzingerSwineford1939 and PoliticalDemocracy.
# Run from this folder: Rscript make_lavaan.R  (writes the data as CSV and
# lavaan_ref.txt; lavaan version recorded in the output)
suppressMessages(library(lavaan))
hs <- HolzingerSwineford1939[, paste0("x", 1:9)]
write.csv(hs, "hs.csv", row.names = FALSE)
write.csv(PoliticalDemocracy, "politdem.csv", row.names = FALSE)

models <- list(
  hs = list(data = hs, fn = cfa, spec = "
    visual  =~ x1 + x2 + x3
    textual =~ x4 + x5 + x6
    speed   =~ x7 + x8 + x9"),
  pd = list(data = PoliticalDemocracy, fn = sem, spec = "
    ind60 =~ x1 + x2 + x3
    dem60 =~ y1 + a*y2 + b*y3 + c*y4
    dem65 =~ y5 + a*y6 + b*y7 + c*y8
    dem65 ~ ind60 + dem60
    dem60 ~ ind60
    y1 ~~ y5
    y2 ~~ y4 + y6
    y3 ~~ y7
    y4 ~~ y8
    y6 ~~ y8"),
  hsfix = list(data = hs, fn = cfa, spec = "
    visual  =~ x1 + 0.8*x2 + x3
    textual =~ x4 + l*x5 + l*x6
    speed   =~ x7 + x8 + x9
    visual ~~ 0*speed
    twol := 2*l"),
  hsmean = list(data = hs, fn = cfa, spec = "
    visual  =~ x1 + x2 + x3
    textual =~ x4 + x5 + x6
    speed   =~ x7 + x8 + x9
    x1 ~ 1"))

out <- file("lavaan_ref.txt", "w")
cat("# lavaan", as.character(packageVersion("lavaan")), "\n", file = out)
num <- function(x) paste(formatC(x, digits = 17, format = "g"), collapse = " ")
for (m in names(models)) {
  M <- models[[m]]
  # lavaan's defaults, except the optimiser's stopping rule: nlminb stops at
  # a relative change in F of 1e-10, which leaves estimates ~1e-5 from the
  # optimum on PoliticalDemocracy (and refuses tighter tolerances), so the
  # references come from lavaan's BFGS run to reltol 1e-15
  fit <- M$fn(M$spec, data = M$data, optim.method = "BFGS",
              control = list(reltol = 1e-15, maxit = 10000))
  stopifnot(lavInspect(fit, "converged"))
  pe <- parameterEstimates(fit)
  ss <- standardizedSolution(fit)
  key <- paste0(pe$lhs, pe$op, pe$rhs)
  cat(m, ".names ", paste(key, collapse = " "), "\n", sep = "", file = out)
  cat(m, ".est ", num(pe$est), "\n", sep = "", file = out)
  cat(m, ".se ", num(pe$se), "\n", sep = "", file = out)
  cat(m, ".std ", num(ss$est.std), "\n", sep = "", file = out)
  fm <- fitMeasures(fit, c("npar", "chisq", "df", "pvalue", "baseline.chisq",
    "baseline.df", "cfi", "tli", "rmsea", "rmsea.ci.lower", "rmsea.ci.upper",
    "rmsea.pvalue", "srmr", "logl", "unrestricted.logl", "aic", "bic", "ntotal"))
  for (k in names(fm)) cat(m, ".", k, " ", num(fm[[k]]), "\n", sep = "", file = out)
}
close(out)

# References for the formula functions R users reach for: poly, scale,
# pmin/pmax, as.numeric, interaction, C(f, sum|helmert|SAS|treatment), %in%
# in I(), round, and cbind(successes, failures) as a binomial glm response.
# Read by tests/formula/test_formula_r.lua (functions_cases.txt, same files as
# make_formula.R) and tests/formula/test_formula_functions.lua (glm_cbind.txt).
# Run from this directory:  Rscript make_functions.R
invisible(Sys.setlocale("LC_COLLATE", "C"))
source("helpers.R")
set.seed(7)

n <- 40
fun <- data.frame(
  y = round(rnorm(n, 10, 2), 3),
  x = c(1, 2.5, round(runif(n - 2, 0, 5), 2)),
  z = round(rnorm(n), 3),
  g = factor(sample(c("a", "b", "c", "d"), n, TRUE)),
  h = factor(sample(c("u", "v", "w"), n, TRUE)),
  s = rpois(n, 6) + 1,
  f = rpois(n, 4) + 1)
fun$y[c(5, 17)] <- NA   # rows dropped after poly and scale saw them (as R)
fun$z[9] <- NA
fun$x[12] <- 1          # %in% matches
# the combination d.u only in row 5, which is dropped: interaction() keeps it
# as a level; drop.unused.levels removes it, drop = FALSE gives zeros
fun$h[fun$g == "d" & fun$h == "u"] <- "v"
fun$g[5] <- "d"; fun$h[5] <- "u"
# new rows for predict: x outside the training range, a subset of levels
funnew <- data.frame(x = c(0.5, 2, 4.75, 6, 1), z = c(-1, 0, 0.5, 2, 1),
                     g = factor(c("a", "c", "c", "b", "d")),
                     h = factor(c("v", "u", "w", "w", "v")))
write_data("fun", fun)
write_data("funnew", funnew)
mtcars2 <- mtcars; rownames(mtcars2) <- NULL

fs <- c("y ~ poly(x, 2)",
        "y ~ poly(x, 3) + g",
        "y ~ poly(x, degree = 2, raw = TRUE)",
        "y ~ scale(x) + scale(z, scale = FALSE)",
        "y ~ pmin(x, 3) + pmax(z, x, 1)",
        "y ~ as.numeric(g) + as.numeric(x > 2)",
        "y ~ interaction(g, h)",
        "y ~ C(g, sum) + C(h, helmert)",
        "y ~ C(g, contr.sum) * x",
        "y ~ C(h, SAS) + C(g, treatment)",
        "y ~ I(g %in% c(\"a\", \"c\")) + I(x %in% c(1, 2.5))",
        "y ~ poly(x, 2):g",
        "y ~ round(x, 1) + I(round(z * 10, -1))",
        "y ~ scale(x) * h",
        "y ~ x + C(g, helmert):h",
        "y ~ interaction(h, g) - 1",
        "y ~ poly(x, 2) + scale(log(z + 3))")
cases <- character(0)
for (i in seq_along(fs)) mm_case(sprintf("fun%02d", i), "fun", fun, fs[i])
mm_case("fun18", "fun", fun, "y ~ interaction(g, h)", drop = FALSE)
mm_case("fun19", "mtcars", mtcars2, "mpg ~ poly(hp, 2) + scale(wt) + C(factor(cyl), sum)")

# new rows with the fit's poly coefficients and scale centres (makepredictcall)
pred_case <- function(id, ds, d, f, newds, nd) {
  mf <- model.frame(as.formula(f), data = d)
  tt <- delete.response(terms(mf))
  fitted <- model.matrix(terms(mf), mf)
  X <- model.matrix(tt, model.frame(tt, nd, xlev = .getXlevels(terms(mf), mf)),
                    contrasts.arg = attr(fitted, "contrasts"))
  write_case(id, paste0(ds, ":", newds), f, X, rep(0, nrow(X)), 0, kind = "pred")
}
pred_case("pred01", "fun", fun, "y ~ poly(x, 3) + g", "funnew", funnew)
pred_case("pred02", "fun", fun, "y ~ scale(x) * h + scale(z, center = FALSE)", "funnew", funnew)
pred_case("pred03", "fun", fun, "y ~ poly(x, 2, raw = TRUE) + C(g, sum)", "funnew", funnew)
writeLines(cases, "functions_cases.txt")

# cbind(successes, failures) ~ ...: a binomial glm
fit <- glm(cbind(s, f) ~ x + g, family = binomial, data = fun)
num <- function(v) paste(sprintf("%.17g", v), collapse = " ")
sm <- summary(fit)
out <- c(paste("coef", num(coef(fit))),
         paste("se", num(sm$coefficients[, 2])),
         paste("deviance", num(deviance(fit))),
         paste("null_deviance", num(fit$null.deviance)),
         paste("df_residual", num(fit$df.residual)),
         paste("aic", num(AIC(fit))),
         paste("n", nobs(fit)))
writeLines(out, "glm_cbind.txt")

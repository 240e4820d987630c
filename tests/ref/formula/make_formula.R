# Reference design matrices for tests/formula/test_formula_r.lua.
# Run from this directory:  Rscript make_formula.R  (edge_formulas.txt: one formula a line)
# Writes, for each data set, <ds>.csv (every column numeric: text columns as
# codes 1..K of their levels) and <ds>_levels.txt ("column level1 level2 ..."),
# and for each case <id>.csv (y, then the columns of x [, offset]) with
# <id>_names.txt (the column names of x, one a line) and a line of cases.txt.
Sys.setlocale("LC_COLLATE", "C")
suppressMessages(library(AER))
source("helpers.R")

iv_case <- function(id, ds, d, f) {
  fit <- ivreg(as.formula(f), data = d)
  X <- model.matrix(fit, component = "regressors")
  Z <- model.matrix(fit, component = "instruments")
  y <- model.response(model.frame(fit))
  write_case(id, ds, f, X, y, nrow(d) - length(y), kind = "x")
  write_case(paste0(id, "z"), ds, f, Z, y, nrow(d) - length(y), kind = "z")
}

mtcars2 <- mtcars; rownames(mtcars2) <- NULL
iris2 <- recode(iris)
warp <- recode(warpbreaks)
tooth <- recode(ToothGrowth)
air <- airquality
# a level ("d") seen only on rows that are dropped for a missing value
unused <- data.frame(y = c(1.5, 2.25, 3.5, 4, 5.75, 6.5, 7, 8.25, 9.5),
                     x = c(0.5, 1, 1.5, 2, NA, 3, 3.5, NA, 4.5),
                     g = factor(c("a", "b", "c", "a", "d", "b", "c", "d", "a")))

# small frame for the corners of R's coding rules
edge <- data.frame(y = c(1.5, 2, 3.25, 4, 5.5, 6, 7.75, 8, 9, 10),
                   x = c(0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5),
                   t = c(5, 6, 7, 8, 9, 5, 6, 7, 8, 9),
                   g = factor(c("b", "a", "b", "c", "a", "c", "c", "a", "b", "a")),
                   h = factor(c("u", "v", "u", "v", "u", "v", "u", "v", "v", "u")))

for (p in list(list("edge", edge), list("mtcars", mtcars2), list("iris", iris2), list("warpbreaks", warp),
               list("toothgrowth", tooth), list("airquality", air), list("unused", unused)))
  write_data(p[[1]], p[[2]])

mt <- c("mpg ~ wt + hp",
        "mpg ~ factor(cyl) + wt",
        "mpg ~ factor(cyl) * wt",
        "mpg ~ wt * hp",
        "mpg ~ .",
        "log(mpg) ~ log(hp) + I(wt^2) + sqrt(disp)",
        "mpg ~ factor(cyl) + factor(gear) - 1",
        "mpg ~ factor(cyl):factor(am)",
        "mpg ~ relevel(factor(cyl), \"6\") + wt",
        "mpg ~ wt + I(1/disp) + exp(-qsec/10)",
        "mpg ~ (wt + hp + qsec)^2",
        "mpg ~ factor(gear)/wt",
        "mpg ~ wt:factor(cyl)",
        "mpg ~ factor(cyl):wt + wt",
        "mpg ~ I(hp > 120) + wt",
        "mpg ~ 0 + wt + hp",
        "mpg ~ factor(cyl) * factor(am) + log1p(carb) + offset(log(wt))",
        "mpg ~ . - disp - drat + factor(cyl):hp",
        "mpg ~ factor(am):factor(vs):wt + factor(am)")
for (i in seq_along(mt)) mm_case(sprintf("mtcars%02d", i), "mtcars", mtcars2, mt[i])

ir <- c("Sepal.Length ~ Species",
        "Sepal.Length ~ Species * Petal.Length",
        "Sepal.Length ~ .",
        "Sepal.Length ~ Species - 1 + Petal.Width",
        "Sepal.Length ~ relevel(Species, \"virginica\") + Petal.Width",
        "Sepal.Length ~ Petal.Length:Species",
        "log(Sepal.Length) ~ Species + log1p(Petal.Width) + abs(Sepal.Width - 3)",
        "Species ~ Sepal.Length + Sepal.Width")
for (i in seq_along(ir)) mm_case(sprintf("iris%02d", i), "iris", iris2, ir[i])

wb <- c("breaks ~ wool * tension",
        "breaks ~ wool:tension",
        "breaks ~ tension:wool - 1",
        "log(breaks) ~ .",
        "breaks ~ relevel(tension, \"M\") + wool",
        "breaks ~ wool + tension - 1",
        "breaks ~ tension %in% wool")
for (i in seq_along(wb)) mm_case(sprintf("warpbreaks%02d", i), "warpbreaks", warp, wb[i])

tg <- c("len ~ supp * dose",
        "len ~ supp * factor(dose)",
        "len ~ factor(dose):supp",
        "len ~ supp + I(dose^2) + log(dose)",
        "len ~ (supp + factor(dose))^2 - 1",
        "len ~ supp:dose + I(dose == 1)")
for (i in seq_along(tg)) mm_case(sprintf("toothgrowth%02d", i), "toothgrowth", tooth, tg[i])

aq <- c("Ozone ~ Solar.R + Wind + factor(Month)",
        "log(Ozone) ~ Temp * Wind",
        "Ozone ~ .")
for (i in seq_along(aq)) mm_case(sprintf("airquality%02d", i), "airquality", air, aq[i])

mm_case("unused01", "unused", unused, "y ~ x + g")
mm_case("unused02", "unused", unused, "y ~ x + g", drop = FALSE)
mm_case("unused03", "unused", unused, "y ~ g:x - 1")

ed <- readLines("edge_formulas.txt")
for (i in seq_along(ed)) mm_case(sprintf("edge%02d", i), "edge", edge, ed[i])

iv_case("iv01", "mtcars", mtcars2, "mpg ~ wt + factor(cyl) | hp + factor(cyl)")
iv_case("iv02", "mtcars", mtcars2, "mpg ~ wt + hp | . - hp + qsec")
iv_case("iv03", "airquality", air, "log(Ozone) ~ Wind + Temp | Solar.R + Temp")

writeLines(cases, "cases.txt")

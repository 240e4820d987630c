# R's own formatting of awkward numbers, the reference for
# stdlib/printing.lua (tests/printing/test_printing.lua compares byte for
# byte). Run from the repository root:
#   Rscript tests/ref/printing/make_printing.R > tests/ref/printing/printing.txt
# Each case: "case <kind> <args>", its inputs ("in", "row", "col" lines,
# numbers with 17 significant digits, NA and NaN as such), R's output as
# "out [text]" lines, and "end".
options(digits = 7, scipen = 0, OutDec = ".", useFancyQuotes = FALSE, width = 80)

num <- function(v) paste(ifelse(is.na(v) & !is.nan(v), "NA", sprintf("%.17g", v)), collapse = " ")
out <- function(lines) for (l in lines) cat("out [", l, "]\n", sep = "")

fmt_case <- function(x, digits, nsmall = 0L) {
  cat("case format", digits, nsmall, "\n")
  cat("in", num(x), "\n")
  out(format(x, digits = digits, nsmall = nsmall))
  cat("end\n")
}

pval_case <- function(pv, digits, eps = .Machine$double.eps) {
  cat("case pval", digits, sprintf("%.17g", eps), "\n")
  cat("in", num(pv), "\n")
  out(format.pval(pv, digits = digits, eps = eps))
  cat("end\n")
}

# printCoefmat of a table; 'args' as text so that the case records them
coef_case <- function(m, args = "") {
  cat("case coefmat", args, "\n")
  cat("rows", paste(rownames(m), collapse = ";"), "\n")
  cat("cols", paste(colnames(m), collapse = ";"), "\n")
  for (j in seq_len(ncol(m))) cat("in", num(m[, j]), "\n")
  out(capture.output(eval(parse(text = paste0("printCoefmat(m", if (nzchar(args)) ", ", args, ")")))))
  cat("end\n")
}

matrix_case <- function(m, digits) {
  cat("case matrix", digits, "\n")
  cat("rows", paste(rownames(m), collapse = ";"), "\n")
  cat("cols", paste(colnames(m), collapse = ";"), "\n")
  for (j in seq_len(ncol(m))) cat("in", num(m[, j]), "\n")
  out(capture.output(print(m, digits = digits)))
  cat("end\n")
}

named_case <- function(x, digits) {
  cat("case named", digits, "\n")
  cat("names", paste(names(x), collapse = ";"), "\n")
  cat("in", num(unname(x)), "\n")
  out(capture.output(print(x, digits = digits)))
  cat("end\n")
}

vectors <- list(
  c(1, 10, 100),
  c(0.1, 0.123456, 12345.6789),
  c(1e-10, 1, 1e10),
  c(123456789, 1.5),
  c(9996, 1),
  c(0.00012345, 0.5),
  c(-3.2, 0.5, 1e-10),
  c(NA, 1.5, NaN, Inf, -Inf),
  c(0, -0, 1e-300),
  c(2.5, 3.5, -0.15, 0.285),
  c(1e-20, 1.5e-20),
  c(1e100, 1e-100),
  c(99999.5, 0.001),
  c(pi, exp(1), sqrt(2) * 1e5),
  c(0.1 + 0.2, 1/3, 2/3),
  c(-1, NA),
  c(NaN),
  c(1234.5678),
  c(0.0001234),
  c(7, 7.25, -7.125)
)
for (x in vectors) for (d in c(1, 3, 4, 7)) fmt_case(x, d)
fmt_case(c(1, 2.5), 4, 2L)
fmt_case(c(0.001, 123), 3, 5L)

pvs <- list(
  c(0.5, 0.05, 0.0001, 1e-5),
  c(1e-20, 0.5),
  c(0, 0.2),
  c(1e-20),
  c(0),
  c(2e-16, 3e-16),
  c(NA, 0.03, 1e-300),
  c(0.9999, 1),
  c(1.12e-06, 0.0123, 0.654, 1e-17),
  c(0.00051, 0.00049, 0.000099),
  c(0.1, 0.12345678),
  c(NA),
  c(4.4e-16, 1e-30, 0.04)
)
for (p in pvs) for (d in c(1, 2, 3, 4, 5)) pval_case(p, d)
pval_case(c(1e-5, 0.2), 3, 1e-4)
pval_case(c(1e-5), 2, 1e-4)

cm1 <- cbind(c(37.22727, -3.87783, -0.03177), c(1.59879, 0.63273, 0.00903),
             c(23.285, -6.129, -3.519), c(2e-16 / 10, 1.12e-06, 0.00145))
cm1[, 3] <- cm1[, 1] / cm1[, 2]
dimnames(cm1) <- list(c("(Intercept)", "wt", "hp"), c("Estimate", "Std. Error", "t value", "Pr(>|t|)"))
coef_case(cm1)
coef_case(cm1, "digits = 4")
cm2 <- rbind(cm1, x4 = NA)
coef_case(cm2, "digits = 4, na.print = \"NA\"")
cm3 <- cm1; cm3[, 4] <- c(0.5, 0.2, 0.7)
coef_case(cm3, "digits = 4")
cm4 <- cm1; cm4[2, 2:4] <- NaN
coef_case(cm4, "digits = 4")
cm5 <- cbind(c(1e-8, 2.5e-9), c(3e-9, 1e-9), c(3.33, 2.5), c(0.00087, 0.0124))
dimnames(cm5) <- list(c("a", "b"), c("Estimate", "Std. Error", "z value", "Pr(>|z|)"))
coef_case(cm5, "digits = 4")
cm6 <- cbind(c(0.5, -1.25, 1e-5), c(0.1, 0.3, 0.2), c(5, -4.1666, 5e-5), c(5.7e-7, 3.1e-5, 0.99996))
dimnames(cm6) <- list(c("x1", "x2", "x3"), c("Estimate", "Std. Error", "t value", "Pr(>|t|)"))
coef_case(cm6, "digits = 3")
coef_case(cm6, "digits = 5, signif.stars = FALSE")
cx <- cbind(c(0.5, -1.2), exp(c(0.5, -1.2)), c(0.12, 0.4), c(0.5, -1.2) / c(0.12, 0.4))
cx <- cbind(cx, pchisq(cx[, 4]^2, 1, lower.tail = FALSE))
dimnames(cx) <- list(c("age", "sex"), c("coef", "exp(coef)", "se(coef)", "z", "p"))
coef_case(cx, "digits = 4, P.values = TRUE, has.Pvalue = TRUE, signif.stars = FALSE")
cxr <- cbind(cx[, 1:3], `robust se` = c(0.13, 0.41), cx[, 4:5])
coef_case(cxr, "digits = 4, P.values = TRUE, has.Pvalue = TRUE, signif.stars = FALSE")
cz <- cbind(chisq = c(0.123, 2.5, 3.1), df = c(1, 1, 2), p = c(0.73, 0.11, 0.21))
rownames(cz) <- c("age", "sex", "GLOBAL")
coef_case(cz, "digits = 3, signif.stars = FALSE, P.values = TRUE, has.Pvalue = TRUE")
cs <- cbind(Value = c(7.1, -0.01, 1e-4), `Std. Error` = c(0.5, 0.004, 0.2), z = c(14.2, -2.5, 5e-4),
            p = c(1e-45, 0.0124, 0.9996))
rownames(cs) <- c("(Intercept)", "age", "Log(scale)")
coef_case(cs, "digits = 4, P.values = TRUE, has.Pvalue = TRUE")

m1 <- cbind(N = c(138, 90), Observed = c(112, 53), Expected = c(91.6, 73.4),
            `(O-E)^2/E` = c(4.55, 5.68), `(O-E)^2/V` = c(10.3, 10.3))
rownames(m1) <- c("sex=1", "sex=2")
matrix_case(m1, 4)
m2 <- cbind(n = c(228, 1e-3), events = c(165, NA), median = c(310, NaN))
rownames(m2) <- c("a", "bb")
matrix_case(m2, 3)

named_case(c(Min = -3.8980, `1Q` = -1.6005, Median = -0.4088, `3Q` = 1.4001, Max = 4.0245), 4)
named_case(c(a = 1e-10, b = 1, c = 123456), 4)

# print.anova's table (the heading dropped): nested lm and glm fits
anova_case <- function(a) {
  attr(a, "heading") <- NULL
  cat("case anova\n")
  cat("rows", paste(rownames(a), collapse = ";"), "\n")
  cat("cols", paste(colnames(a), collapse = ";"), "\n")
  for (j in seq_len(ncol(a))) cat("in", num(a[[j]]), "\n")
  out(capture.output(print(a)))
  cat("end\n")
}
anova_case(anova(lm(mpg ~ wt, mtcars), lm(mpg ~ wt + hp + qsec, mtcars), lm(mpg ~ wt + hp + qsec + am, mtcars)))
anova_case(anova(glm(am ~ wt, binomial, mtcars), glm(am ~ wt + hp, binomial, mtcars), test = "Chisq"))
anova_case(anova(lm(mpg ~ wt, mtcars), lm(mpg ~ wt + qsec, mtcars)))

# whole summaries of lm and glm fits on mtcars (the Call lines differ by
# design; the test compares from the residuals on, trailing blanks aside)
summary_case <- function(kind, formula, family = "") {
  mt <- read.csv("tests/ref/regress/mtcars.csv")
  fit <- if (kind == "lm") lm(as.formula(formula), mt) else
    glm(as.formula(formula), get(family), mt)
  cat("case summary", kind, family, "\n")
  cat("formula", formula, "\n")
  out(capture.output(summary(fit)))
  cat("end\n")
}
summary_case("lm", "mpg ~ wt + hp + qsec")
summary_case("lm", "mpg ~ wt + I(wt * 2) + qsec")
summary_case("lm", "mpg ~ wt", "")
summary_case("glm", "am ~ wt + hp", "binomial")
summary_case("glm", "carb ~ wt + hp", "poisson")
summary_case("glm", "mpg ~ wt + hp", "Gamma")

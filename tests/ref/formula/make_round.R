# R's round(x, digits) on a grid of about 1e5 values, for
# tests/formula/test_formula_round.lua. Run from this directory:
#   Rscript make_round.R      (writes round.txt: "x digits round(x, digits)")
# R >= 4.0.0 chooses, of the two decimals that bracket x, the one nearer to x;
# the grid holds the cases where that differs from scaling (x.xx5 written in
# decimal, which is rarely exact in binary), ties, negative digits, large x
# near the point where no rounding is left to do, and tiny x with many digits.
stopifnot(getRversion() >= "4.0.0")
set.seed(20240609)

# the shortest of %.15g, %.16g, %.17g that reads back to the same double
shortest <- function(x) {
  out <- sprintf("%.17g", x)
  for (d in 16:15) {
    s <- sprintf(paste0("%.", d, "g"), x)
    ok <- as.numeric(s) == x
    out[ok] <- s[ok]
  }
  out
}

xs <- numeric(0); ds <- numeric(0)
add <- function(x, d) { xs <<- c(xs, x); ds <<- c(ds, rep_len(d, length(x))) }

# x.xx5: the decimal halfway between two candidates, as typed
for (d in 1:7) {
  k <- c(0:999, sample.int(10^min(d + 2, 9), 1500, replace = TRUE))
  s <- paste0(k %/% 10^d, ".", formatC(k %% 10^d, width = d, flag = "0", format = "d"), "5")
  x <- as.numeric(s)
  add(x, d); add(-x, d)
}
# the same at digits 0: k + 0.5 (ties to even)
add(c(0:2000, sample.int(1e6, 2000)) + 0.5, 0)
# integers and ties with negative digits
for (d in -1:-5) {
  k <- c(0:999, sample.int(10^(6 - d), 1000))
  add(k * 10^(-d) / 2, d)
  add(k * 10^(-d) / 2 + 1, d)
  add(runif(500, 0, 10^(3 - d)), d)
}
# random values over many magnitudes and digits
for (d in 0:12) {
  e <- runif(2000, -6, 12)
  x <- 10^e * runif(2000, 1, 10)
  add(x, d); add(-x[1:500], d)
}
# near the point where x keeps all its digits: log10(x) + digits around 15
for (d in 1:14) {
  x <- 10^(15 - d + runif(1000, -1.5, 1.5))
  add(x, d)
}
# fractional digits are rounded first, as R does
add(c(2.345, 1.2345, 0.15, 2.5), c(1.6, 2.4, 0.5, -0.4))
# tiny values asking for digits beyond 308
add(c(1.234567e-300, 5.55e-305, 1e-310, 2.5e-308), c(302, 307, 312, 310))
# the examples R's help and the issue give
add(c(0.15, 2.45, 2.55, 3.45, 82.095, 5.015, 0.125, 0.375, 1e300, -2.675), 1)
add(c(82.095, 5.015, 2.675, 1.005), 2)

keep <- is.finite(xs) & !duplicated(cbind(xs, ds))
xs <- xs[keep]; ds <- ds[keep]
r <- round(xs, ds)
writeLines(paste(shortest(xs), as.character(ds), shortest(r)),
           "round.txt")
cat(length(xs), "values\n")

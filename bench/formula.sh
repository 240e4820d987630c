#!/bin/sh
# formula: the path users take, CSV to formula to fit, on N rows (default
# 1e6) of 5 numeric columns and 2 text columns (10 and 3 levels):
#   y ~ x1 + x2*g + log(abs(x3)+1) + I(x4^2) + x5 + h     (26 design columns)
# measured in the same run on the same file (written once by R with a fixed
# seed; reading it is not timed):
#   R model.matrix(f, d)         vs formula.model_frame(f, df)   target >= 10x
#   R summary(lm(f, d))          vs regress.lm{formula = f, data = df}
#                                                                target >= 10x
# and, for the fit alone, regress.lm on the model frame's matrix beside
# regress.lm on a Gaussian n x 20 matrix. One OpenBLAS thread everywhere.
# Best wall time of REPS (default 3; R's lm: RREPS, default 2). Prints the
# load (uptime): other work on the machine moves every figure.
cd "$(dirname "$0")/.." || exit 1
N=${N:-1000000}
REPS=${REPS:-3}
RREPS=${RREPS:-2}
ORRERY=${ORRERY:-./orrery}
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
D=build/bench
F=$D/formula_$N.csv
mkdir -p $D
if ! command -v Rscript > /dev/null; then
  echo "formula: Rscript not found (apt-get install r-base-core)"; exit 1
fi
if [ ! -f "$F" ]; then
  echo "generating $F"
  Rscript -e '
    args <- commandArgs(TRUE); n <- as.integer(args[2]); set.seed(1)
    d <- data.frame(y = rnorm(n), x1 = rnorm(n), x2 = rnorm(n), x3 = rnorm(n),
                    x4 = rnorm(n), x5 = rnorm(n),
                    g = sample(letters[1:10], n, TRUE), h = sample(c("p", "q", "r"), n, TRUE))
    d$y <- d$y + d$x1 + 0.5 * d$x2 * (d$g > "e") + log(abs(d$x3) + 1) - 0.2 * d$x4^2 + (d$h == "q")
    if (requireNamespace("data.table", quietly = TRUE)) data.table::fwrite(d, args[1]) else
      write.csv(d, args[1], row.names = FALSE)' "$F" "$N" || exit 1
fi
cat "$F" > /dev/null   # warm the page cache

o=$($ORRERY bench/formula_bench.lua "$F" "$REPS") || exit 1
r=$(Rscript -e '
  args <- commandArgs(TRUE); reps <- as.integer(args[2]); rreps <- as.integer(args[3])
  d <- if (requireNamespace("data.table", quietly = TRUE))
    as.data.frame(data.table::fread(args[1], stringsAsFactors = TRUE)) else
    read.csv(args[1], stringsAsFactors = TRUE)
  f <- y ~ x1 + x2*g + log(abs(x3)+1) + I(x4^2) + x5 + h
  best <- function(k, fn) min(replicate(k, { gc(); system.time(fn())[["elapsed"]] }))
  cat(sprintf("mm %.4f\n", best(reps, function() model.matrix(f, d))))
  cat(sprintf("lm %.4f\n", best(rreps, function() summary(lm(f, d)))))
  cat("coef", sprintf("%.17g", coef(lm(f, d))), "\n")' "$F" "$REPS" "$RREPS") || exit 1

get() { echo "$1" | awk -v k="$2" -v c="$3" '$1 == k { print $c }'; }
om=$(get "$o" model_frame 2); ol=$(get "$o" lm 2); of=$(get "$o" fit 2); o20=$(get "$o" fit20 2)
rm_=$(get "$r" mm 2); rl=$(get "$r" lm 2)
echo "formula n=$N: y ~ x1 + x2*g + log(abs(x3)+1) + I(x4^2) + x5 + h (26 columns), best wall seconds"
awk -v o="$om" -v r="$rm_" 'BEGIN {
  printf "  design   R model.matrix %7.3f   orrery model_frame %7.3f   R / orrery %6.1f  (target >= 10)\n", r, o, r / o }'
awk -v o="$ol" -v r="$rl" 'BEGIN {
  printf "  lm       R summary(lm)  %7.3f   orrery regress.lm  %7.3f   R / orrery %6.1f  (target >= 10)\n", r, o, r / o }'
awk -v f="$of" -v g="$o20" 'BEGIN {
  printf "  fit      orrery regress.lm on the 1e6 x 26 matrix %7.3f, on a Gaussian 1e6 x 20 matrix %7.3f\n", f, g }'
# the same model: coefficients agree
echo "$o" | awk '$1 == "coef"' | cut -d' ' -f2- > $D/formula_coef_o.txt
echo "$r" | awk '$1 == "coef"' | cut -d' ' -f2- > $D/formula_coef_r.txt
paste -d' ' $D/formula_coef_o.txt $D/formula_coef_r.txt | awk '{
  m = 0; k = NF / 2
  for (i = 1; i <= k; i++) { d = $i - $(i + k); if (d < 0) d = -d; s = $(i + k); if (s < 0) s = -s
    if (s > 0 && d / s > m) m = d / s }
  printf "  coefficients: %d, largest relative difference from R %.1e\n", k, m }'
echo "  load: $(uptime | sed 's/.*load average/load average/')"

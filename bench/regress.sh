#!/bin/sh
# regress on an n x p Gaussian design (default 10^6 x 20, plus intercept),
# measured in the same run against:
#   R       summary(lm(y ~ X))            target: orrery >= 10x faster
#   statsmodels OLS(y, X).fit() with params, bse, tvalues, pvalues, rsquared,
#           fvalue, llf touched (statsmodels computes them lazily)
#                                         target: orrery >= 4x faster
#   LAPACK  dgels alone (bench/regress_dgels.c)   target: orrery <= 1.5x
#   R       summary(glm(yb ~ X, binomial)) target: orrery >= 5x faster
# orrery's OLS includes every field regress.ols documents (coef, se, t, p, R2, F,
# loglik, AIC/BIC, vcov, residuals, fitted; leverage is computed on first
# use).  All sides run with one OpenBLAS thread; each side's best time over
# ROUNDS alternating rounds counts (REPS runs a round for R and statsmodels,
# OREPS for orrery and dgels).  On a loaded machine the ratios move by a
# factor of up to 2 between runs: run it on a quiet one.
cd "$(dirname "$0")/.." || exit 1
N=${N:-1000000}
P=${P:-20}
REPS=${REPS:-2}      # runs per round for R and statsmodels (seconds each)
OREPS=${OREPS:-5}    # runs per round for orrery and dgels (fractions of a second)
ROUNDS=${ROUNDS:-2}
ORRERY=${ORRERY:-./orrery}
PY=/usr/bin/python3
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
mkdir -p build/bench
BLAS_DIR=$(pkg-config --variable=libdir openblas)
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L $(pkg-config --cflags lapacke openblas) \
  bench/regress_dgels.c -o build/bench/regress_dgels -Wl,-Bstatic -llapacke \
  -L"$BLAS_DIR" -lopenblas -Wl,-Bdynamic -lgfortran -lpthread -lm || exit 1

min() { printf '%s\n' "$@" | awk 'NF { if (m == "" || $1 < m) m = $1 } END { print m }'; }

o_ols=""; o_glm=""; d_ols=""; r_ols=""; r_glm=""; s_ols=""
i=0
while [ $i -lt "$ROUNDS" ]; do
  out=$("$ORRERY" bench/regress_bench.lua "$N" "$P" "$OREPS") || exit 1
  o_ols="$o_ols $(echo "$out" | awk '$1 == "ols" { print $2 }')"
  o_glm="$o_glm $(echo "$out" | awk '$1 == "glm" { print $2 }')"
  d_ols="$d_ols $(build/bench/regress_dgels "$N" "$P" "$OREPS" | awk '{ print $2 }')"
  if command -v Rscript > /dev/null; then
    out=$(Rscript -e "
      set.seed(1); n <- $N; p <- $P
      X <- matrix(rnorm(n * p), n); eta <- drop(X %*% rep(0.1, p)); y <- eta + rnorm(n)
      yb <- as.numeric(runif(n) < plogis(eta))
      best <- function(f) min(replicate($REPS, { gc(); system.time(f())[['elapsed']] }))
      cat(sprintf('ols %.4f\n', best(function() summary(lm(y ~ X)))))
      cat(sprintf('glm %.4f\n', best(function() summary(glm(yb ~ X, family = binomial)))))")
    r_ols="$r_ols $(echo "$out" | awk '$1 == "ols" { print $2 }')"
    r_glm="$r_glm $(echo "$out" | awk '$1 == "glm" { print $2 }')"
  fi
  if "$PY" -c 'import statsmodels' 2> /dev/null; then
    s=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" -c "
import time, numpy as np, statsmodels.api as sm
g = np.random.default_rng(1); n, p = $N, $P
X = sm.add_constant(g.standard_normal((n, p))); y = X[:, 1:].sum(1) * 0.1 + g.standard_normal(n)
b = 1e300
for k in range($REPS):
    s = time.perf_counter(); r = sm.OLS(y, X).fit()
    _ = (r.params, r.bse, r.tvalues, r.pvalues, r.rsquared, r.rsquared_adj, r.fvalue, r.f_pvalue, r.llf, r.aic, r.bic, r.resid, r.fittedvalues)
    b = min(b, time.perf_counter() - s)
print('%.4f' % b)")
    s_ols="$s_ols $s"
  fi
  i=$((i + 1))
done

o1=$(min $o_ols); o2=$(min $o_glm); d1=$(min $d_ols)
echo "regress.ols n=$N p=$P: orrery $o1 s, dgels alone $d1 s"
awk -v o="$o1" -v d="$d1" 'BEGIN { printf "  orrery / dgels          %6.2f   (target <= 1.5)\n", o / d }'
if [ -n "$r_ols" ]; then
  r1=$(min $r_ols); r2=$(min $r_glm)
  echo "  R summary(lm) $r1 s"
  awk -v o="$o1" -v r="$r1" 'BEGIN { printf "  R lm / orrery           %6.2f   (target >= 10)\n", r / o }'
fi
if [ -n "$s_ols" ]; then
  s1=$(min $s_ols)
  echo "  statsmodels OLS $s1 s"
  awk -v o="$o1" -v s="$s1" 'BEGIN { printf "  statsmodels / orrery    %6.2f   (target >= 4)\n", s / o }'
fi
echo "regress.glm binomial n=$N p=$P: orrery $o2 s"
if [ -n "$r_glm" ]; then
  echo "  R summary(glm) $r2 s"
  awk -v o="$o2" -v r="$r2" 'BEGIN { printf "  R glm / orrery          %6.2f   (target >= 5)\n", r / o }'
fi

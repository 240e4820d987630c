#!/bin/sh
# sem: sampling N = 1e7 rows of a 20-node linear SEM (chain V1 -> ... -> V20
# with weights 0.5 plus skip edges V(i-2) -> Vi with 0.25, unit noise) against
# numpy (the noise draw plus one triangular solve, the same computation) and
# lavaan's simulateData (on 1e6 rows, scaled by 10: it is far slower); and
# sem.fit of the HolzingerSwineford CFA against lavaan's cfa. Best of REPS.
# Targets: sampling at least as fast as numpy and >= 20x faster than
# simulateData; the CFA >= 5x faster than cfa().
cd "$(dirname "$0")/.." || exit 1
ORRERY=${ORRERY:-./orrery}
REPS=${REPS:-3}
N=${N:-10000000}
PY=/usr/bin/python3
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
HS=tests/ref/sem/hs.csv
o=$($ORRERY bench/sem_bench.lua $N $REPS $HS) || exit 1
p=$($PY -c '
import time, sys
import numpy as np
from scipy.linalg import solve_triangular
reps, N, p = '$REPS', '$N', 20
B = np.zeros((p, p))
for i in range(1, p):
    B[i, i - 1] = 0.5
    if i > 1: B[i, i - 2] = 0.25
IB = np.eye(p) - B
rng = np.random.default_rng(1)
def best(f):
    b = float("inf")
    for _ in range(reps):
        s = time.perf_counter(); f(); b = min(b, time.perf_counter() - s)
    return b
res = {}
def sample():
    E = rng.standard_normal((N, p))
    # X (I - B)^T = E: solve (I - B) X^T = E^T, lower triangular
    res["X"] = solve_triangular(IB, E.T, lower=True).T
print("sample %.4f" % best(sample))
print("numpy var(V20) %.6g" % res["X"][:, -1].var(), file=sys.stderr)
') || exit 1
r=$(Rscript -e '
  suppressPackageStartupMessages(library(lavaan))
  best <- function(f) min(replicate('$REPS', system.time(f())[["elapsed"]]))
  p <- 20
  pop <- paste(c(sprintf("V%d ~ 0.5*V%d", 2:p, 1:(p - 1)),
                 sprintf("V%d ~ 0.25*V%d", 3:p, 1:(p - 2))), collapse = "\n")
  n <- '$N' / 10
  cat(sprintf("sample %.4f\n", 10 * best(function() simulateData(pop, sample.nobs = n))))
  hs <- read.csv("'$HS'")
  spec <- "visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9"
  f <- NULL
  cat(sprintf("cfa %.4f\n", best(function() f <<- cfa(spec, data = hs))))
  message(sprintf("R cfa chisq %.10g", fitMeasures(f, "chisq")))') || exit 1
get() { echo "$1" | awk -v k="$2" '$1 == k {print $2}'; }
to=$(get "$o" sample); tp=$(get "$p" sample); tr=$(get "$r" sample)
echo "$to $tp $tr" | awk -v n=$N '{printf "sem sample (%d x 20): orrery %.3f s, numpy %.3f s, lavaan simulateData %.3f s (x10 from n/10); numpy/orrery %.2fx, lavaan/orrery %.1fx\n", n, $1, $2, $3, $2/$1, $3/$1}'
to=$(get "$o" cfa); tr=$(get "$r" cfa)
echo "$to $tr" | awk '{printf "sem fit (HolzingerSwineford CFA): orrery %.4f s, lavaan cfa %.4f s; lavaan/orrery %.1fx\n", $1, $2, $2/$1}'

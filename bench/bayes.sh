#!/bin/sh
# bayes: NIW rank-one updates per second at d = 10 (target >= 1e6), binary
# 3-level HGF inputs per second (target >= 1e7), and the Bayesian bootstrap of
# a mean, n = 1e5, B = 1e4, against numpy (Dirichlet weights times x, in
# blocks of 100 draws), measured in the same run (target: >= 5x faster).
cd "$(dirname "$0")/.." || exit 1
ORRERY=${ORRERY:-./orrery}
REPS=${REPS:-3}
N=${N:-100000}
B=${B:-10000}
PY=/usr/bin/python3
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
o=$($ORRERY bench/bayes_bench.lua $REPS $N $B) || exit 1
p=$($PY -c '
import sys, time, numpy as np
reps, n, B = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
x = np.random.default_rng(1).standard_normal(n)
def run():
    g = np.random.default_rng(2)
    out = np.empty(B)
    for s in range(0, B, 100):
        w = g.dirichlet(np.ones(n), size=min(100, B - s))
        out[s:s + w.shape[0]] = w @ x
    return out
best = 1e300
for _ in range(reps):
    t = time.perf_counter(); d = run(); best = min(best, time.perf_counter() - t)
print("bboot %.4f" % best)
sys.stderr.write("numpy bootstrap sd %.6g\n" % d.std(ddof=1))
' $REPS $N $B) || exit 1
echo "$o" | grep -v bboot
ob=$(echo "$o" | awk '/^bboot/ {print $2}')
pb=$(echo "$p" | awk '/^bboot/ {print $2}')
echo "bootstrap n=$N B=$B: orrery ${ob}s numpy ${pb}s ratio $(echo "$pb $ob" | awk '{printf "%.2f", $1 / $2}')x"

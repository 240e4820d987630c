#!/bin/sh
# plot: a scatter plot of 1e6 points to PNG and to the terminal, against
# matplotlib (Agg backend, same data, same size and dpi), measured in the
# same run. Targets: PNG < 1 s, terminal < 0.2 s.
cd "$(dirname "$0")/.." || exit 1
ORRERY=${ORRERY:-./orrery}
REPS=${REPS:-3}
N=${N:-1000000}
PY=/usr/bin/python3
D=build/bench
mkdir -p $D
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
# the data: x then y as little-endian doubles, written by numpy
$PY -c '
import numpy as np, sys
n = int(sys.argv[1]); r = np.random.default_rng(1)
x = r.standard_normal(n); y = x + r.standard_normal(n)
np.concatenate([x, y]).astype("<f8").tofile(sys.argv[2])' $N $D/plot_xy.bin || exit 1
o=$($ORRERY bench/plot_bench.lua $D/plot_xy.bin $N $D/plot_orrery.png $REPS) || exit 1
p=$($PY -c '
import sys, time
import numpy as np
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
n, reps = int(sys.argv[1]), int(sys.argv[3])
v = np.fromfile(sys.argv[2], dtype="<f8"); x, y = v[:n], v[n:]
best = 1e9
for _ in range(reps):
    t0 = time.perf_counter()
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=100)
    ax.scatter(x, y, s=1, alpha=0.3, linewidths=0)
    ax.set_title("1e6 points")
    fig.savefig(sys.argv[4], dpi=100)
    plt.close(fig)
    best = min(best, time.perf_counter() - t0)
print("png %.4f" % best)' $N $D/plot_xy.bin $REPS $D/plot_mpl.png) || exit 1
op=$(echo "$o" | awk '/^png/ {print $2}'); ot=$(echo "$o" | awk '/^term/ {print $2}')
mp=$(echo "$p" | awk '/^png/ {print $2}')
echo "scatter of $N points, best of $REPS (load: $(uptime | sed 's/.*load average: //'))"
awk -v o="$op" -v m="$mp" 'BEGIN { printf "  PNG       orrery %.3f s  matplotlib %.3f s  (%.1fx)  target < 1 s: %s\n", o, m, m / o, (o < 1 ? "met" : "MISSED") }'
awk -v o="$ot" 'BEGIN { printf "  terminal  orrery %.3f s  target < 0.2 s: %s\n", o, (o < 0.2 ? "met" : "MISSED") }'

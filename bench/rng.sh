#!/bin/sh
# rng: r:normal(1e7) against numpy's default_rng().standard_normal(10**7)
# (PCG64 + 256-layer ziggurat), measured in the same run, alternating, each
# side the median of REPS timings (result allocation included on both sides).
# Target: orrery at least 1.5x faster. numpy's sampler does not use BLAS;
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are unset for the numpy command only,
# as the environment note asks for a fair numpy.
ORRERY=${ORRERY:-./orrery}
REPS=${REPS:-7}
N=10000000
PY=/usr/bin/python3

o_times=""; p_times=""
i=0
while [ $i -lt 3 ]; do
  o=$($ORRERY -e "
    local r = rng.new(1); local t = {}
    for k = 1, $REPS do
      collectgarbage(); local s = experiment.clock(); local x = r:normal($N)
      t[k] = experiment.clock() - s; x = nil
    end
    table.sort(t); io.write(string.format('%.6f', t[($REPS + 1) // 2]))")
  if "$PY" -c 'import numpy' 2> /dev/null; then
    p=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" -c "
import time, numpy as np
g = np.random.default_rng(1); t = []
for k in range($REPS):
    s = time.perf_counter(); x = g.standard_normal($N); t.append(time.perf_counter() - s); del x
t.sort(); print('%.6f' % t[($REPS - 1) // 2])")
  else p=""; fi
  o_times="$o_times $o"; p_times="$p_times $p"
  i=$((i + 1))
done
# the best of the three rounds' medians, for each side
o=$(echo $o_times | tr ' ' '\n' | sort -g | head -n 1)
echo "rng normal 1e7: orrery $(echo "$o" | awk '{printf "%.1f", $1 * 1000}') ms (xoshiro256++ + gsl_ran_gaussian_ziggurat)"
if [ -n "$(echo $p_times | tr -d ' ')" ]; then
  p=$(echo $p_times | tr ' ' '\n' | sort -g | head -n 1)
  echo "rng normal 1e7: numpy  $(echo "$p" | awk '{printf "%.1f", $1 * 1000}') ms (default_rng().standard_normal)"
  echo "rng normal 1e7: orrery is $(echo "$p $o" | awk '{printf "%.2f", $1 / $2}')x faster than numpy (target >= 1.5)"
else
  echo "rng normal 1e7: numpy not available at $PY, no ratio"
fi

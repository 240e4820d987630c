#!/bin/sh
# mat against BLAS/LAPACK called directly from C (bench/mat_direct.c) on the
# same 2000 x 2000 data: A:crossprod() vs dsyrk, A * B vs dgemm, A:solve(b)
# vs dgesv. The two programs run alternately ROUNDS times (REPS runs each
# time) and the best time of each side counts, so that load from other
# processes hits both alike. Both sides run with the same OpenBLAS thread
# count (THREADS, default 1: the experiment runner's setting). The wall
# times (experiment.clock() in Lua, CLOCK_MONOTONIC in C) are the measure;
# process CPU times are printed too, as they suffer less from a busy machine.
# Target: ratio <= 1.2.
cd "$(dirname "$0")/.." || exit 1
N=${N:-2000}
REPS=${REPS:-2}
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-1}
ORRERY=${ORRERY:-./orrery}
mkdir -p build/bench
BLAS_DIR=$(pkg-config --variable=libdir openblas)
# linked as the orrery program is: static LAPACKE and OpenBLAS
cc -O2 -std=c11 $(pkg-config --cflags lapacke openblas) bench/mat_direct.c \
  -o build/bench/mat_direct -Wl,-Bstatic -llapacke -L"$BLAS_DIR" -lopenblas \
  -Wl,-Bdynamic -lgfortran -lpthread -lm || exit 1
export OPENBLAS_NUM_THREADS="$THREADS" OMP_NUM_THREADS="$THREADS"
d=""; o=""; i=0
while [ $i -lt "$ROUNDS" ]; do
  d="$d
$(build/bench/mat_direct "$N" "$REPS")" || exit 1
  o="$o
$("$ORRERY" bench/mat_bench.lua "$N" "$REPS")" || exit 1
  i=$((i + 1))
done
for op in crossprod mul solve; do
  case $op in
    crossprod) peer=dsyrk; label=crossprod ;;
    mul) peer=dgemm; label="A*B" ;;
    solve) peer=dgesv; label=solve ;;
  esac
  # best wall and best cpu time of each side over all rounds
  to=$(echo "$o" | awk -v k=$op '$1 == k {if (w == "" || $2 < w) w = $2; if (c == "" || $3 < c) c = $3} END {print w, c}')
  td=$(echo "$d" | awk -v k=$op '$1 == k {if (w == "" || $2 < w) w = $2; if (c == "" || $3 < c) c = $3} END {print w, c}')
  echo "$to $td" | awk -v l="$label" -v n="$N" -v p="$peer" -v th="$THREADS" \
    '{printf "mat %s %d: orrery %.3f s, %s direct %.3f s, ratio %.2f (cpu %.3f s vs %.3f s, ratio %.2f; %d thread%s)\n", l, n, $1, p, $3, $1/$3, $2, $4, $2/$4, th, th == 1 ? "" : "s"}'
done

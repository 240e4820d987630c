#!/bin/sh
# Builds every tests/fuzz/fuzz_<name>.c as a libFuzzer target against the
# library compiled with clang and ASan+UBSan, then runs each for a bounded
# time on its seeds (tests/fuzz/seeds-<name>/) and prints "N passed, N failed"
# (one per target). A crash, sanitizer report, leak or hang is a failure; the
# input that caused it is left in build/fuzz/ and its path printed.
#   FUZZ_SECONDS   seconds per target (default 60)
#   FUZZ_TARGETS   names to run (default: every fuzz_*.c), e.g. "csv formula"
#   B              build directory (default build/fuzz)
# Run from the top of the tree: sh tests/fuzz/run.sh  (or make fuzz)
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
B=${B:-build/fuzz}
CC=${FUZZ_CC:-clang}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"

if ! command -v "$CC" >/dev/null 2>&1; then
  echo "fuzz: $CC not found (apt-get install clang libclang-rt-14-dev)"
  echo "0 passed, 1 failed"
  exit 1
fi

# The library, instrumented for coverage (fuzzer-no-link) and sanitizers.
if ! make -j2 B="$B" CC="$CC" STATIC=0 OPT=-O1 \
    SANITIZE="$SAN -fsanitize=fuzzer-no-link" "$B/liborrery.a" >"$B.log" 2>&1; then
  tail -n 30 "$B.log"
  echo "fuzz: building $B/liborrery.a failed (log: $B.log)"
  echo "0 passed, 1 failed"
  exit 1
fi

INC="-Ivm -Imodules $(for d in modules/*/; do printf -- '-I%s ' "${d%/}"; done)"
PKG_CFLAGS=$(pkg-config --cflags lua5.4 gsl lapacke openblas 2>/dev/null)
BLAS_DIR=$(pkg-config --variable=libdir openblas 2>/dev/null)
LIBS="-llua5.4 -lgsl -llapacke -L$BLAS_DIR -lopenblas -lgfortran -lpthread -lm -ldl"

passed=0; failed=0
for src in tests/fuzz/fuzz_*.c; do
  [ -f "$src" ] || continue
  name=$(basename "$src" .c); target=${name#fuzz_}
  if [ -n "${FUZZ_TARGETS:-}" ]; then
    case " $FUZZ_TARGETS " in *" $target "*) ;; *) continue ;; esac
  fi
  echo "== $name ($FUZZ_SECONDS s)"
  if ! $CC -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -O1 -g $SAN \
      -fsanitize=fuzzer $PKG_CFLAGS $INC -o "$B/$name" "$src" "$B/liborrery.a" $LIBS \
      >"$B/$name.build.log" 2>&1; then
    cat "$B/$name.build.log"
    echo "   FAIL: does not build"
    failed=$((failed + 1)); continue
  fi
  corpus="$B/corpus-$target"; seeds="tests/fuzz/seeds-$target"
  mkdir -p "$corpus" "$B/crashes-$target"
  [ -d "$seeds" ] || seeds=""
  # -timeout: one input taking over 10 s is a hang; -rss_limit_mb: a leak or
  # an unbounded allocation; the new inputs it finds stay in $corpus.
  "$B/$name" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
      -max_len=8192 -print_final_stats=1 \
      -artifact_prefix="$B/crashes-$target/" "$corpus" $seeds >"$B/$name.log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$B/$name.log")
  # cov counts the C edges; ft adds the features of the extra counters
  # (fuzz_formula's Lua line pairs), the only growth a Lua target shows
  cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$B/$name.log" | tail -n 1)
  if [ "$rc" -eq 0 ]; then
    echo "   ok: ${runs:-?} inputs, $cov"
    passed=$((passed + 1))
  else
    grep -E 'ERROR|SUMMARY|runtime error|Test unit written|fuzz_' "$B/$name.log" | head -n 20
    echo "   FAIL (exit $rc; log: $B/$name.log)"
    failed=$((failed + 1))
  fi
done
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

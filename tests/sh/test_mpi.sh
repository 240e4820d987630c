#!/bin/sh
# experiment under MPI (a program built with make MPI=1): 2 ranks on this
# host give the same frames, bit for bit, as the threaded run, and only
# rank 0 prints. Without an MPI build there is nothing to test.
. tests/sh/lib.sh
if ! grep -q ORRERY_MPI "$B/cflags" 2>/dev/null || ! command -v mpirun > /dev/null; then
  echo "(not an MPI build: make MPI=1 test runs this)"
  done_tests
  exit $?
fi
want=$($ORRERY tests/experiment/mpi_check.lua 2 2> "$TMP/err0")
expect_match "$want" "done" "the threaded run"
for ranks in 2 3; do
  got=$(mpirun --allow-run-as-root --oversubscribe -n $ranks \
        $ORRERY tests/experiment/mpi_check.lua 2> "$TMP/err")
  expect_eq "$got" "$want" "$ranks ranks give the threaded frames"
done
# rank 0 alone writes: one report of the failed replicate, not one a rank
expect_eq "$(grep -c 'replicate 11 failed' "$TMP/err")" "1" "one report on stderr"
done_tests

#!/bin/sh
# The bad-input sweep (tests/hostile/sweep.lua) in a child process: a crash
# or a hang of the program fails it, and the case it was running is named
# from the progress file. It runs in a temporary folder (nothing a call
# might write lands in the tree). HOSTILE_ARGS passes options to the sweep
# (e.g. "regress --pairs=all"); HOSTILE_SECONDS bounds the whole run.
. tests/sh/lib.sh

top=$(pwd)
tmp=$(mktemp -d)
prog="$top/${ORRERY#./}"
case $ORRERY in /*) prog=$ORRERY ;; esac
limit=${HOSTILE_SECONDS:-300}
# the sweep asks for 2^53-element arrays on purpose: under ASan (make check)
# such a request must fail as it does in the plain build, not abort
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}allocator_may_return_null=1"
out=$(cd "$tmp" && ln -s "$top/tools" tools && timeout "$limit" "$prog" "$top/tests/hostile/sweep.lua" \
      --progress="$tmp/progress" ${HOSTILE_ARGS:-} 2>&1)
rc=$?
printf '%s\n' "$out" | grep -E '^(FAIL|hostile sweep)' | head -n 40
if [ "$rc" -eq 0 ]; then
  pass
elif printf '%s\n' "$out" | grep -q '^[0-9]* passed, [0-9]* failed'; then
  fail "the sweep found failures (listed above)"
else
  fail "the program died (exit $rc) during: $(head -n 1 "$tmp/progress" 2>/dev/null)"
fi
rm -rf "$tmp"
done_tests

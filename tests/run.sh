#!/bin/sh
# Runs every test and prints the total as "N passed, N failed" (last line).
# Each part prints its own "N passed, N failed"; a part that fails without
# such a line counts as one failure.  Env: B (build dir), ORRERY (program).
B=${B:-build}
ORRERY=${ORRERY:-./orrery}
export B ORRERY
passed=0; failed=0
log=$(mktemp)

part() {  # part NAME COMMAND...
  name=$1; shift
  echo "== $name"
  "$@" > "$log" 2>&1
  rc=$?
  cat "$log"
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
  if [ -n "$line" ]; then
    p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed*}
    passed=$((passed + p)); failed=$((failed + f))
    [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && failed=$((failed + 1))
  else
    if [ "$rc" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
  fi
}

for t in "$B"/tests/test_*; do
  [ -x "$t" ] && part "$(basename "$t")" "$t"
done
part "embedding host" "$B/tests/embed_host" "$ORRERY"
for t in tests/sh/test_*.sh; do
  [ -f "$t" ] && part "$t" sh "$t"
done
part "lua tests" "$ORRERY" tests/run.lua $(find tests -name 'test_*.lua' | sort)
rm -f "$log"
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

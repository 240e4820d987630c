#!/bin/sh
# Runs every test and prints the total as "N passed, N failed" (last line).
# Each part prints its own "N passed, N failed" (the Lua runner may add
# ", N skipped"); a part that fails without such a line counts as one
# failure.  Env: B (build dir), ORRERY (program).
B=${B:-build}
ORRERY=${ORRERY:-./orrery}
export B ORRERY
passed=0; failed=0; skipped=0
log=$(mktemp)

part() {  # part NAME COMMAND...
  name=$1; shift
  echo "== $name"
  "$@" > "$log" 2>&1
  rc=$?
  cat "$log"
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$log" | tail -n 1)
  if [ -n "$line" ]; then
    p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed*}
    case $line in *skipped) s=${line##*failed, }; s=${s%% skipped}; skipped=$((skipped + s)) ;; esac
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
lua_tests=$(find tests -name 'test_*.lua' | sort)
part "lua tests" "$ORRERY" tests/run.lua $lua_tests
# The same suite under a stock lua5.4 loading orrery.so: every module must
# work without the program's globals. A sanitized orrery.so (make check)
# cannot be loaded into an uninstrumented lua5.4, so that build skips it.
if command -v lua5.4 > /dev/null && [ -f "$B/orrery.so" ] && ! ldd "$B/orrery.so" | grep -q libasan; then
  part "lua tests under stock lua5.4" env LUA_CPATH="$B/?.so" lua5.4 tests/run.lua $lua_tests
else
  echo "== lua tests under stock lua5.4: not run (no lua5.4, or a sanitized orrery.so)"
fi
rm -f "$log"
echo
[ "$skipped" -gt 0 ] && echo "($skipped tests that need the program were skipped under stock lua5.4)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

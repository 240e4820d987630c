#!/bin/sh
# The Jupyter kernel: tests/kernel/test_*.py with the system's python3 (which
# has jupyter_client and nbclient from Debian); each skips itself when they
# are missing.
ORRERY=${ORRERY:-./orrery}
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "skipped: no $PY"; echo "0 passed, 0 failed"; exit 0; }
p=0; f=0; rc=0
for t in tests/kernel/test_*.py; do
  out=$("$PY" "$t" "$ORRERY" 2>&1) || rc=1
  printf '%s\n' "$out"
  line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
  if [ -n "$line" ]; then
    p=$((p + ${line%% passed*})); n=${line#*passed, }; f=$((f + ${n%% failed*}))
  else f=$((f + 1)); fi
done
echo "$p passed, $f failed"
[ "$f" -eq 0 ] && [ "$rc" -eq 0 ]

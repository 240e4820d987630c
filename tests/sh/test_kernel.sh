#!/bin/sh
# The Jupyter kernel: tests/kernel/test_*.py with the system's python3 (which
# has jupyter_client and nbclient from Debian); each skips itself when they
# are missing.
ORRERY=${ORRERY:-./orrery}
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "skipped: no $PY"; echo "0 passed, 0 failed"; exit 0; }
p=0; f=0; rc=0
# The kernel is only in okernel.so: the program does not load ZeroMQ at
# start-up, and the library (what embeddings, sandboxed ones too, link)
# has no kernel entry point.
B=${B:-build}
if ldd "$ORRERY" | grep -q -e libzmq -e libjansson; then f=$((f + 1)); echo "FAIL: the program links the kernel's libraries"; else p=$((p + 1)); fi
for so in "$B/liborrery.so" "$B/orrery.so"; do
  if nm -D "$so" | grep -q -e orr_kernel -e zmq_ || ldd "$so" | grep -q libzmq; then
    f=$((f + 1)); echo "FAIL: $so has kernel code"
  else p=$((p + 1)); fi
done
if nm -D "$B/okernel.so" | grep -q " T orr_kernel_main"; then p=$((p + 1)); else f=$((f + 1)); echo "FAIL: okernel.so lacks its entry point"; fi
out=$("$ORRERY" --kernel /nonexistent.json 2>&1); st=$?
case "$st:$out" in 1:*nonexistent.json*) p=$((p + 1)) ;; *) f=$((f + 1)); echo "FAIL: a missing connection file: $st $out" ;; esac
printf '{"key": "", "shell_port": 1}' > /tmp/orrery_nokey.$$.json
out=$("$ORRERY" --kernel /tmp/orrery_nokey.$$.json 2>&1); st=$?
rm -f /tmp/orrery_nokey.$$.json
case "$st:$out" in 1:*"no key"*) p=$((p + 1)) ;; *) f=$((f + 1)); echo "FAIL: an unsigned kernel must be refused: $st $out" ;; esac
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

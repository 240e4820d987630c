#!/bin/sh
# data: data.read_csv on a 1e6 x 22 numeric CSV (~390 MB; numbers with 15-17
# significant digits, the shortest that read back exactly, as data.write_csv
# writes them; every fifth column integers) against pandas read_csv (C
# engine; its default parser and the exact float_precision="round_trip")
# and R's read.csv, in the same run on the same file, page cache warm.
# orrery and pandas: best of REPS; R once (it is slow). Wall and CPU time:
# on a shared machine the CPU time is the steadier figure. The column sums
# of orrery and exact pandas must agree to the last digit.
# Targets: at least as fast as pandas, 10x faster than read.csv.
#   ROWS (default 1000000), REPS (default 3), ORRERY (default ./orrery)
cd "$(dirname "$0")/.." || exit 1
ORRERY=${ORRERY:-./orrery}
REPS=${REPS:-3}
ROWS=${ROWS:-1000000}
PY=/usr/bin/python3
D=build/bench
F=$D/data_${ROWS}x22.csv
mkdir -p $D
if [ ! -f "$F" ]; then
  echo "generating $F"
  cat > $D/data_gen.lua <<'LUA'
    local path, n = arg[1], tonumber(arg[2])
    math.randomseed(20261126)
    local cols, names = {}, {}
    for j = 1, 22 do
      local x = {}
      local scale = 10 ^ (j % 7 - 3)
      for i = 1, n do
        -- a normal by Box-Muller, scaled so columns differ in magnitude
        local u, v = 1 - math.random(), math.random()
        x[i] = math.sqrt(-2 * math.log(u)) * math.cos(2 * math.pi * v) * scale
      end
      if j % 5 == 0 then for i = 1, n do x[i] = math.floor(x[i] * 1000) end end
      names[j] = "x" .. j
      cols[#cols + 1] = { names[j], mat.vec(x) }
    end
    local t0 = experiment.clock()
    data.write_csv(data.frame(cols), path)
    io.stderr:write(string.format("data.write_csv: %.2f s\n", experiment.clock() - t0))
LUA
  $ORRERY $D/data_gen.lua "$F" "$ROWS" || exit 1
fi
MB=$(( $(wc -c < "$F") / 1000000 ))
cat "$F" > /dev/null   # warm the page cache for everyone

# Each side prints "wall cpu" (best of REPS, seconds), then "nrow ncol sums".
cat > $D/data_read.lua <<'LUA'
  local path, reps = arg[1], tonumber(arg[2])
  local bw, bc, df = math.huge, math.huge
  for _ = 1, reps do
    df = nil; collectgarbage()
    local c0, t0 = os.clock(), experiment.clock()
    df = data.read_csv(path)
    local w, c = experiment.clock() - t0, os.clock() - c0
    if w < bw then bw = w end
    if c < bc then bc = c end
  end
  local sums = {}
  for _, name in ipairs(df:names()) do
    local s, c = 0, df[name]
    for i = 1, #c do s = s + c[i] end
    sums[#sums + 1] = string.format("%.17g", s)
  end
  print(string.format("%.4f %.4f", bw, bc))
  print(df:nrow() .. " " .. #df:names() .. " " .. table.concat(sums, " "))
LUA
o=$($ORRERY $D/data_read.lua "$F" "$REPS") || exit 1
# pandas: its default parser ("high" precision, not always exactly rounded)
# and float_precision="round_trip" (exact, as orrery); the sums come from
# the exact one.
p=$($PY -c '
import sys, time, math
import pandas as pd
path, reps = sys.argv[1], int(sys.argv[2])
for fp in (None, "round_trip"):
    bw = bc = math.inf
    for _ in range(reps):
        c0, t0 = time.process_time(), time.perf_counter()
        d = pd.read_csv(path, float_precision=fp)
        bw = min(bw, time.perf_counter() - t0); bc = min(bc, time.process_time() - c0)
    print("%.4f %.4f" % (bw, bc))
sums = []
for c in d.columns:
    s = 0.0
    for v in d[c].to_numpy(dtype=float): s += v   # the same order as orrery
    sums.append("%.17g" % s)
print("%d %d %s" % (d.shape[0], d.shape[1], " ".join(sums)))
' "$F" "$REPS") || exit 1
if [ "${SKIP_R:-0}" = 1 ]; then
  r="nan nan"
else
  r=$(Rscript -e '
    t <- system.time(d <- read.csv(commandArgs(TRUE)[1]))
    cat(sprintf("%.4f %.4f\n", t[["elapsed"]], t[["user.self"]] + t[["sys.self"]]))' "$F") || exit 1
fi
ot=$(echo "$o" | sed -n 1p)
echo "read_csv $ROWS x 22 ($MB MB), seconds (best of $REPS; R once), wall and CPU:"
echo "$ot
$(echo "$p" | sed -n 1p)
$(echo "$p" | sed -n 2p)
$r" | awk -v mb="$MB" '
  NR == 1 { ow = $1; oc = $2 }
  { name = (NR == 1) ? "orrery data.read_csv" : (NR == 2) ? "pandas read_csv" : \
           (NR == 3) ? "pandas, round_trip (exact)" : "R read.csv"
    if (NR == 1) printf "  %-28s %8.3f %8.3f   %4.0f MB/s wall\n", name, $1, $2, mb / $1
    else printf "  %-28s %8.3f %8.3f   %5.1fx slower (wall), %5.1fx (CPU)\n", name, $1, $2, $1 / ow, $2 / oc }'
echo "  targets: pandas read_csv / orrery >= 1, R read.csv / orrery >= 10"
if [ "$(echo "$o" | sed -n 2p)" = "$(echo "$p" | sed -n 3p)" ]; then
  echo "  column sums agree with pandas (round_trip) to 17 digits"
else
  echo "  MISMATCH with pandas round_trip:"; echo "$o" | sed -n 2p; echo "$p" | sed -n 3p
  exit 1
fi

#!/bin/sh
# data: data.read_csv on a 1e6 x 22 numeric CSV (~400 MB, numbers with 15-17
# significant digits, as write.csv and to_csv write them) against pandas
# read_csv (C engine) and R's read.csv, in the same run on the same file,
# page cache warm. orrery and pandas: best of REPS; R once (it is slow).
# Each side prints the sum of every column, which must agree to the last
# digit: the same numbers, exactly rounded.
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

cat > $D/data_read.lua <<'LUA'
  local path, reps = arg[1], tonumber(arg[2])
  local best, df = math.huge
  for _ = 1, reps do
    df = nil; collectgarbage()
    local t0 = experiment.clock()
    df = data.read_csv(path)
    local t = experiment.clock() - t0
    if t < best then best = t end
  end
  local sums = {}
  for _, name in ipairs(df:names()) do
    local s, c = 0, df[name]
    for i = 1, #c do s = s + c[i] end
    sums[#sums + 1] = string.format("%.17g", s)
  end
  print(string.format("%.4f", best))
  print(df:nrow() .. " " .. #df:names() .. " " .. table.concat(sums, " "))
LUA
o=$($ORRERY $D/data_read.lua "$F" "$REPS") || exit 1
p=$($PY -c '
import sys, time, math
import pandas as pd
path, reps = sys.argv[1], int(sys.argv[2])
best = math.inf
for _ in range(reps):
    t0 = time.perf_counter(); d = pd.read_csv(path); t = time.perf_counter() - t0
    best = min(best, t)
print("%.4f" % best)
sums = []
for c in d.columns:
    s = 0.0
    for v in d[c].to_numpy(dtype=float): s += v   # the same order as orrery
    sums.append("%.17g" % s)
print("%d %d %s" % (d.shape[0], d.shape[1], " ".join(sums)))
' "$F" "$REPS") || exit 1
if [ "${SKIP_R:-0}" = 1 ]; then
  r="NaN"
else
  r=$(Rscript -e '
    t <- system.time(d <- read.csv(commandArgs(TRUE)[1]))[["elapsed"]]
    cat(sprintf("%.4f\n", t))' "$F") || exit 1
fi
ot=$(echo "$o" | sed -n 1p); pt=$(echo "$p" | sed -n 1p)
echo "read_csv $ROWS x 22 ($MB MB): orrery $ot s, pandas $pt s, R read.csv $r s"
awk -v o="$ot" -v p="$pt" -v r="$r" 'BEGIN {
  printf "  pandas / orrery = %.2f (target >= 1)   read.csv / orrery = %.1f (target >= 10)\n", p / o, r / o
  printf "  orrery %.0f MB/s\n", '"$MB"' / o }'
if [ "$(echo "$o" | sed -n 2p)" = "$(echo "$p" | sed -n 2p)" ]; then
  echo "  column sums agree with pandas to 17 digits"
else
  echo "  MISMATCH with pandas:"; echo "$o" | sed -n 2p; echo "$p" | sed -n 2p
  exit 1
fi

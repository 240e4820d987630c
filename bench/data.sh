#!/bin/sh
# data: data.read_csv and data.write_csv on a 1e6 x 22 numeric CSV (~390 MB;
# numbers with 15-17 significant digits, the shortest that read back
# exactly, as data.write_csv writes them; every fifth column integers),
# against data.table's fread and fwrite (the same number of threads),
# pandas read_csv (C engine; its default parser and the exact
# float_precision="round_trip") and to_csv (the exact peer: repr's digits),
# and R's read.csv -- in the same run, on the same file, page cache warm.
# Best of REPS for orrery, fread, fwrite and pandas' reader; pandas' writer
# and read.csv once (they are slow). Wall and CPU time (all threads): on a
# shared machine the CPU time is the steadier figure, and the load at the
# time is printed. Checks: the column sums of orrery and exact pandas agree
# to the last digit; what orrery writes reads back bit for bit (fwrite's 15
# digits do not: the values it changes are counted).
# Targets: read_csv at least as fast as fread, write_csv at least as fast
# as fwrite (with the same threads); read.csv 10x slower.
#   ROWS (default 1000000), REPS (default 3), THREADS (default: nproc),
#   ORRERY (default ./orrery), SKIP_R=1, SKIP_PANDAS=1
cd "$(dirname "$0")/.." || exit 1
ORRERY=${ORRERY:-./orrery}
REPS=${REPS:-3}
ROWS=${ROWS:-1000000}
THREADS=${THREADS:-$(nproc 2>/dev/null || echo 2)}
PY=/usr/bin/python3
D=build/bench
F=$D/data_${ROWS}x22.csv
OUT=$D/data_out_$$
mkdir -p $D
trap 'rm -f "$OUT".*' EXIT
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
    data.write_csv(data.frame(cols), path)
LUA
  $ORRERY $D/data_gen.lua "$F" "$ROWS" || exit 1
fi
MB=$(( $(wc -c < "$F") / 1000000 ))
cat "$F" > /dev/null   # warm the page cache for everyone
LOAD0=$(uptime | sed 's/.*load average/load average/')

# orrery prints "read wall cpu", "write wall cpu", "sums ...", "exact k"
cat > $D/data_rw.lua <<'LUA'
  local path, out, reps, th = arg[1], arg[2], tonumber(arg[3]), tonumber(arg[4])
  local run_best = dofile "bench/best.lua"
  local function best(f) return run_best(reps, f) end
  local df
  local rw, rc = best(function() df = nil; df = data.read_csv(path, { threads = th }) end)
  local ww, wc = best(function() data.write_csv(df, out, { threads = th }) end)
  print(string.format("read %.4f %.4f", rw, rc))
  print(string.format("write %.4f %.4f", ww, wc))
  local sums = {}
  for _, name in ipairs(df:names()) do
    local s, c = 0, df[name]
    for i = 1, #c do s = s + c[i] end
    sums[#sums + 1] = string.format("%.17g", s)
  end
  print(df:nrow() .. " " .. #df:names() .. " " .. table.concat(sums, " "))
  -- what was written reads back to the same bits
  local back, bad = data.read_csv(out), 0
  for _, name in ipairs(df:names()) do
    local a, b = df[name], back[name]
    for i = 1, #a do if a[i] ~= b[i] then bad = bad + 1 end end
  end
  print("changed " .. bad)
LUA
o=$($ORRERY $D/data_rw.lua "$F" "$OUT.orrery.csv" "$REPS" "$THREADS") || exit 1
rm -f "$OUT.orrery.csv"

if [ "${SKIP_R:-0}" = 1 ]; then
  r="fread nan nan
fwrite nan nan
fwrite_changed nan
readcsv nan nan"
else
  r=$(Rscript -e '
    a <- commandArgs(TRUE); path <- a[1]; out <- a[2]; reps <- as.integer(a[3])
    th <- as.integer(a[4])
    best <- function(f) {
      w <- Inf; c <- Inf
      for (i in seq_len(reps)) {
        gc(); t <- system.time(f())
        w <- min(w, t[["elapsed"]]); c <- min(c, t[["user.self"]] + t[["sys.self"]])
      }
      c(w, c)
    }
    ok <- requireNamespace("data.table", quietly = TRUE)
    if (ok) {
      data.table::setDTthreads(th)
      d <- NULL
      f <- best(function() d <<- data.table::fread(path, nThread = th, showProgress = FALSE))
      g <- best(function() data.table::fwrite(d, out, nThread = th, showProgress = FALSE))
      back <- data.table::fread(out, nThread = th, showProgress = FALSE)
      changed <- sum(sapply(seq_along(d), function(j) sum(d[[j]] != back[[j]])))
      unlink(out)
      cat(sprintf("fread %.4f %.4f\nfwrite %.4f %.4f\nfwrite_changed %d\n", f[1], f[2], g[1], g[2], changed))
      rm(d, back); gc()
    } else cat("fread nan nan\nfwrite nan nan\nfwrite_changed nan\n")
    t <- system.time(d <- read.csv(path))
    cat(sprintf("readcsv %.4f %.4f\n", t[["elapsed"]], t[["user.self"]] + t[["sys.self"]]))
  ' "$F" "$OUT.fwrite.csv" "$REPS" "$THREADS" 2>/dev/null) || r="fread nan nan
fwrite nan nan
fwrite_changed nan
readcsv nan nan"
fi

if [ "${SKIP_PANDAS:-0}" = 1 ]; then
  p="pread nan nan
prt nan nan
pwrite nan nan
sums skipped"
else
  # pandas: its default parser ("high" precision, not always exactly
  # rounded) and float_precision="round_trip" (exact, as orrery); the sums
  # come from the exact one. to_csv writes repr's digits, as orrery.
  p=$($PY -c '
import sys, time, math
import pandas as pd
path, out, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
for name, fp in (("pread", None), ("prt", "round_trip")):
    bw = bc = math.inf
    for _ in range(reps):
        c0, t0 = time.process_time(), time.perf_counter()
        d = pd.read_csv(path, float_precision=fp)
        bw = min(bw, time.perf_counter() - t0); bc = min(bc, time.process_time() - c0)
    print("%s %.4f %.4f" % (name, bw, bc))
c0, t0 = time.process_time(), time.perf_counter()
d.to_csv(out, index=False)
print("pwrite %.4f %.4f" % (time.perf_counter() - t0, time.process_time() - c0))
sums = []
for c in d.columns:
    s = 0.0
    for v in d[c].to_numpy(dtype=float): s += v   # the same order as orrery
    sums.append("%.17g" % s)
print("sums %d %d %s" % (d.shape[0], d.shape[1], " ".join(sums)))
' "$F" "$OUT.pandas.csv" "$REPS") || exit 1
  rm -f "$OUT.pandas.csv"
fi
LOAD1=$(uptime | sed 's/.*load average/load average/')

get() { echo "$1" | awk -v k="$2" '$1 == k { print $2, $3 }'; }
ratio() {  # ratio NAME "w c" "ow oc"
  echo "$2 $3" | awk -v name="$1" '{
    if ($1 == "nan") printf "  %-34s      n/a\n", name
    else printf "  %-34s %8.3f %8.3f   %5.2fx (wall) %5.2fx (CPU)\n", name, $1, $2, $1 / $3, $2 / $4 }'
}
ord=$(get "$o" read); owr=$(get "$o" write)
echo "read_csv $ROWS x 22 ($MB MB), $THREADS threads, seconds (best of $REPS; read.csv once):"
echo "                                        wall      CPU   peer / orrery"
echo "$ord $MB" | awk '{ printf "  %-34s %8.3f %8.3f   %4.0f MB/s wall\n", "orrery data.read_csv", $1, $2, $3 / $1 }'
ratio "data.table fread ($THREADS threads)" "$(get "$r" fread)" "$ord"
ratio "pandas read_csv" "$(get "$p" pread)" "$ord"
ratio "pandas read_csv, round_trip (exact)" "$(get "$p" prt)" "$ord"
ratio "R read.csv" "$(get "$r" readcsv)" "$ord"
echo "  targets: fread / orrery >= 1, read.csv / orrery >= 10"
echo "write_csv $ROWS x 22, $THREADS threads (best of $REPS; to_csv once):"
echo "$owr" | awk '{ printf "  %-34s %8.3f %8.3f\n", "orrery data.write_csv (exact)", $1, $2 }'
ratio "data.table fwrite (15 digits)" "$(get "$r" fwrite)" "$owr"
ratio "pandas to_csv (exact, repr)" "$(get "$p" pwrite)" "$owr"
echo "  targets: fwrite / orrery >= 1"
echo "  values changed by a write and read back: orrery $(echo "$o" | awk '$1 == "changed" { print $2 }')," \
     "fwrite $(echo "$r" | awk '$1 == "fwrite_changed" { print $2 }') (of $((ROWS * 22)))"
echo "  $LOAD0 (start), $LOAD1 (end), $(nproc) CPUs"
if [ "${SKIP_PANDAS:-0}" = 1 ]; then
  :
elif [ "$(echo "$o" | sed -n 3p)" = "$(echo "$p" | sed -n 's/^sums //p')" ]; then
  echo "  column sums agree with pandas (round_trip) to 17 digits"
else
  echo "  MISMATCH with pandas round_trip:"; echo "$o" | sed -n 3p; echo "$p" | sed -n 's/^sums //p'
  exit 1
fi
[ "$(echo "$o" | awk '$1 == "changed" { print $2 }')" = 0 ] || { echo "  write_csv did not read back exactly"; exit 1; }

#!/bin/sh
# Weibull regression on n = 1e5 rows x 10 covariates: surv.fit against R's
# survreg on the same data, made deterministically by both sides (golden-ratio
# sequences, no RNG), timed in the same run; prints both times and the ratio.
# usage: sh bench/survreg.sh   (ORRERY=path/to/orrery to pick a build)
# Both run with one BLAS thread: orrery is timed with os.clock (CPU time, which
# would count every BLAS thread), R with system.time's elapsed time.
ORRERY=${ORRERY:-./orrery}
N=${N:-100000}
P=10
REPS=${REPS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat > "$tmp/bench.lua" <<LUA
local n, p, reps = $N, $P, $REPS
local function frac(x) return x - math.floor(x) end
local X = mat.zeros(n, p)
local time, status = mat.zeros(n, 1), mat.zeros(n, 1)
for i = 1, n do
  local lp = 0
  for j = 1, p do
    local v = frac(i * (0.6180339887498949 + j * 0.1414213562373095)) - 0.5
    X:set(i, j, v); lp = lp + v * (j % 3 - 1) * 0.3
  end
  local u = frac(i * 0.7548776662466927) * 0.98 + 0.01
  local t = math.exp(2 + lp + 0.7 * math.log(-math.log(u)))
  local c = 5 + 40 * frac(i * 0.5698402909980532)
  time:set(i, 1, math.min(t, c)); status:set(i, 1, t <= c and 1 or 0)
end
local best = math.huge
local f
for r = 1, reps do
  local t0 = os.clock()
  f = surv.fit{ time = time, status = status, dist = "weibull", x = X }
  local dt = os.clock() - t0
  if dt < best then best = dt end
end
print(string.format("orrery %.6f %.10f", best, f.loglik))
LUA

cat > "$tmp/bench.R" <<RS
suppressMessages(library(survival))
n <- $N; p <- $P; reps <- $REPS
frac <- function(x) x - floor(x)
i <- 1:n
X <- sapply(1:p, function(j) frac(i * (0.6180339887498949 + j * 0.1414213562373095)) - 0.5)
lp <- drop(X %*% (((1:p) %% 3 - 1) * 0.3))
u <- frac(i * 0.7548776662466927) * 0.98 + 0.01
t <- exp(2 + lp + 0.7 * log(-log(u)))
c <- 5 + 40 * frac(i * 0.5698402909980532)
time <- pmin(t, c); status <- as.numeric(t <= c)
best <- Inf
for (r in 1:reps) {
  el <- system.time(fit <- survreg(Surv(time, status) ~ X, dist = "weibull"))["elapsed"]
  best <- min(best, el)
}
cat(sprintf("R %.6f %.10f\n", best, fit\$loglik[2]))
RS

o=$(OPENBLAS_NUM_THREADS=1 "$ORRERY" "$tmp/bench.lua")
r=$(OPENBLAS_NUM_THREADS=1 Rscript "$tmp/bench.R")
echo "$o"
echo "$r"
echo "$o $r" | awk '{ printf "survreg weibull n=%d p=10: orrery %.4f s, R survreg %.4f s, speed-up %.2fx (loglik %s vs %s)\n", '"$N"', $2, $5, $5 / $2, $3, $6 }'

#!/bin/sh
# make bench: runs every bench/*.sh (each prints its own ratios against the
# peers, measured in the same run). Never part of make test.
cd "$(dirname "$0")/.." || exit 1
mkdir -p build/bench
for b in bench/*.sh; do
  [ "$b" = bench/run.sh ] && continue
  echo "== $b"
  sh "$b" || echo "($b failed)"
done

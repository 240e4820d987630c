#!/bin/sh
# Start-up: orrery -e '' against lua5.4 -e '', python3 -c '' and Rscript -e ''
# (where installed), each the mean wall time of N runs measured back to back.
N=${N:-200}
ORRERY=${ORRERY:-./orrery}
t() {  # t CMD... -> mean milliseconds per run
  s=$($ORRERY -e 'io.write(experiment.clock())')
  i=0; while [ $i -lt "$N" ]; do "$@" > /dev/null 2>&1; i=$((i + 1)); done
  e=$($ORRERY -e 'io.write(experiment.clock())')
  echo "$s $e $N" | awk '{printf "%.3f", ($2 - $1) * 1000 / $3}'
}
o=$(t $ORRERY -e '')
l=$(t lua5.4 -e '')
echo "startup orrery -e '': $o ms"
echo "startup lua5.4 -e '': $l ms   ratio $(echo "$o $l" | awk '{printf "%.2f", $1/$2}') (target <= 2)"
if command -v /usr/bin/python3 > /dev/null; then
  N=$((N / 4)); p=$(t /usr/bin/python3 -c ''); echo "startup python3 -c '': $p ms   orrery is $(echo "$p $o" | awk '{printf "%.1f", $1/$2}')x faster"
fi
if command -v Rscript > /dev/null; then
  N=10; r=$(t Rscript -e 'NULL'); echo "startup Rscript -e 'NULL': $r ms   orrery is $(echo "$r $o" | awk '{printf "%.1f", $1/$2}')x faster"
fi

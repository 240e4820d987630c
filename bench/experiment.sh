#!/bin/sh
# experiment.replicate's overhead per replicate against a bare Lua loop, and
# a CPU-bound sweep with 2 workers against 1 (bench/experiment_bench.lua).
# The load of the machine is printed first: the speed-up needs idle cores.
ORRERY=${ORRERY:-./orrery}
echo "load: $(uptime | sed 's/.*load average: //') on $(nproc) cores"
$ORRERY bench/experiment_bench.lua "$@"

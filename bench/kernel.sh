#!/bin/sh
# The Jupyter kernel against ipykernel (and IRkernel where installed):
# start-up to the kernel_info reply, and the execute round trip per cell
# (bench/kernel_bench.py). Needs /usr/bin/python3 with jupyter_client.
ORRERY=${ORRERY:-./orrery}
if ! /usr/bin/python3 -c 'import jupyter_client' 2> /dev/null; then
  echo "kernel: skipped (no jupyter_client: apt-get install python3-jupyter-client)"; exit 0
fi
echo "load: $(uptime)"
exec /usr/bin/python3 bench/kernel_bench.py "$ORRERY" "${STARTS:-10}" "${CELLS:-1000}"

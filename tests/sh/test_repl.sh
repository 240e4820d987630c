#!/bin/sh
# The REPL through a pseudo-terminal (tests/sh/repl_driver.py).
PY=$(command -v python3 || echo /usr/bin/python3)
exec "$PY" tests/sh/repl_driver.py "${ORRERY:-./orrery}"

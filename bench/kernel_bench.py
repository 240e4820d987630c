"""Jupyter kernels: start-up to the kernel_info reply, and the round trip of
an execute request (the per-cell overhead), for orrery --kernel beside
ipykernel (and IRkernel where R has it), measured in the same run.

A small client of our own (a DEALER socket that retries its connection
every millisecond, jupyter_client's Session for signing) so that what is
timed is the kernel, not KernelClient's polling or ZeroMQ's default 100 ms
reconnect interval.

Usage: /usr/bin/python3 bench/kernel_bench.py ORRERY [STARTS] [CELLS]
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

import zmq
from jupyter_client.connect import write_connection_file
from jupyter_client.session import Session

ORRERY = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "./orrery")
STARTS = int(sys.argv[2]) if len(sys.argv) > 2 else 10
CELLS = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
tmp = tempfile.mkdtemp()


def start(argv_of):
    """Starts a kernel; returns (process, shell socket, session, seconds to
    the kernel_info reply)."""
    conn = os.path.join(tmp, "k%d.json" % time.monotonic_ns())
    path, info = write_connection_file(conn, ip="127.0.0.1", key=uuid.uuid4().hex.encode())
    key = info["key"] if isinstance(info["key"], bytes) else info["key"].encode()
    session = Session(key=key)
    ctx = zmq.Context.instance()
    sock = ctx.socket(zmq.DEALER)
    sock.setsockopt(zmq.RECONNECT_IVL, 1)
    sock.setsockopt(zmq.LINGER, 0)
    t0 = time.perf_counter()
    p = subprocess.Popen(argv_of(path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sock.connect("tcp://127.0.0.1:%d" % info["shell_port"])
    session.send(sock, "kernel_info_request", {})
    if not sock.poll(60000):
        raise RuntimeError("no kernel_info reply from %s" % argv_of(path))
    sock.recv_multipart()
    return p, sock, session, time.perf_counter() - t0


def cputime(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stop(p, sock, session):
    """Shuts the kernel down; returns the CPU seconds its process used (a
    figure the machine's load does not inflate, unlike wall time)."""
    session.send(sock, "shutdown_request", {"restart": False})
    sock.poll(10000)
    sock.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            p.returncode = status
            return ru.ru_utime + ru.ru_stime
        time.sleep(0.001)
    p.kill()
    return float("nan")


def bench(name, argv_of, cell):
    starts, cpus = [], []
    for _ in range(STARTS):
        p, sock, session, t = start(argv_of)
        starts.append(t)
        cpus.append(stop(p, sock, session))
    p, sock, session, _ = start(argv_of)
    for _ in range(20):  # warm up
        session.send(sock, "execute_request", {"code": cell, "silent": False})
        sock.poll(60000)
        sock.recv_multipart()
    c0 = cputime(p.pid)
    t0 = time.perf_counter()
    for _ in range(CELLS):
        session.send(sock, "execute_request", {"code": cell, "silent": False})
        sock.poll(60000)
        sock.recv_multipart()
    per = (time.perf_counter() - t0) / CELLS
    cpu = (cputime(p.pid) - c0) / CELLS
    stop(p, sock, session)
    print("%-10s start + kernel_info: median %7.1f ms wall (min %.1f; %.1f ms CPU for start and shutdown)"
          % (name, 1000 * statistics.median(starts), 1000 * min(starts), 1000 * statistics.median(cpus)))
    print("%-10s execute round trip:  %.3f ms/cell wall, %.3f ms/cell kernel CPU (%d cells)"
          % (name, 1000 * per, 1000 * cpu, CELLS))
    return statistics.median(starts), per


o = bench("orrery", lambda f: [ORRERY, "--kernel", f], "x = 1")
ipy = None
try:
    import ipykernel  # noqa: F401
    ipy = bench("ipykernel", lambda f: ["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", f], "x = 1")
except ImportError:
    print("ipykernel: not installed (python3-ipykernel)")
r = subprocess.run(["Rscript", "-e", "library(IRkernel)"], capture_output=True) \
    if subprocess.run(["which", "Rscript"], capture_output=True).returncode == 0 else None
if r is not None and r.returncode == 0:
    bench("IRkernel", lambda f: ["R", "--slave", "-e", "IRkernel::main()", "--args", f], "x <- 1")
else:
    print("IRkernel: not installed")
print("orrery: start + kernel_info %s 100 ms (target < 100), execute round trip %s 1 ms/cell (target < 1)"
      % ("<" if o[0] < 0.1 else ">=", "<" if o[1] < 0.001 else ">="))
if ipy:
    print("ipykernel / orrery: start %.1fx, execute %.1fx" % (ipy[0] / o[0], ipy[1] / o[1]))

"""The Jupyter kernel (orrery --kernel) driven by jupyter_client, as a
notebook server drives it: the kernel is started by KernelManager from a
kernelspec written to a temporary JUPYTER_PATH, then every request type,
interrupt, restart, and bad input (raw messages on a socket of our own).

Usage: /usr/bin/python3 tests/kernel/test_kernel.py ORRERY
Prints "N passed, N failed"; skips (0 passed) without jupyter_client.
"""
import os
import sys
import time

import kspec

try:
    import zmq
    from jupyter_client import KernelManager
    from jupyter_client.session import Session
except ImportError:
    kspec.skip("jupyter_client", "python3-jupyter-client")

ORRERY = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "./orrery")
TIMEOUT = 60  # seconds: a bound on a hang, never a timing assertion
check = kspec.check


def run(kc, code, **kw):
    """Executes code; returns (reply content, [iopub messages of the request])."""
    msg_id = kc.execute(code, **kw)
    msgs = []
    while True:
        m = kc.get_iopub_msg(timeout=TIMEOUT)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        msgs.append(m)
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            break
    r = kc.get_shell_msg(timeout=TIMEOUT)
    assert r["parent_header"]["msg_id"] == msg_id
    return r["content"], msgs


def of(msgs, t):
    return [m["content"] for m in msgs if m["msg_type"] == t]


def stdout(msgs):
    return "".join(c["text"] for c in of(msgs, "stream") if c["name"] == "stdout")


# the committed kernel.json, with a cap on Lua's memory so that the cell
# that exhausts it is quick
tmp = kspec.install(ORRERY, {"ORRERY_KERNEL_MEMORY": "256M"})
log = open(os.path.join(tmp, "kernel.log"), "w+")
km = KernelManager(kernel_name="orrery")
km.start_kernel(stderr=log)
kc = km.client()
kc.start_channels()
kc.wait_for_ready(timeout=TIMEOUT)

# kernel_info
kc.kernel_info()
info = kc.get_shell_msg(timeout=TIMEOUT)["content"]
check(info["status"] == "ok" and info["implementation"] == "orrery", "kernel_info: %r" % info)
check(info["protocol_version"] == "5.3", "protocol 5.3")
check(info["language_info"]["name"] == "lua", "language lua")

# execute: a value, counts, streams
r, msgs = run(kc, "1 + 1")
res = of(msgs, "execute_result")
check(r["status"] == "ok" and len(res) == 1 and res[0]["data"]["text/plain"] == "2",
      "1 + 1 gives execute_result 2: %r" % res)
n1 = r["execution_count"]
check(res and res[0]["execution_count"] == n1, "execute_result carries the count")
check(of(msgs, "execute_input") and of(msgs, "execute_input")[0]["execution_count"] == n1,
      "execute_input carries the count")
check([m["content"]["execution_state"] for m in msgs if m["msg_type"] == "status"] == ["busy", "idle"],
      "busy, then idle")
r, msgs = run(kc, "x = 20\nprint('hello')\nx * 2")
check(r["execution_count"] == n1 + 1, "the count increases")
check(stdout(msgs) == "hello\n", "print is a stdout stream: %r" % stdout(msgs))
res = of(msgs, "execute_result")
check(res and res[0]["data"]["text/plain"] == "40", "the last line's value: %r" % res)
kinds = [m["msg_type"] for m in msgs]
check(kinds.index("stream") < kinds.index("execute_result"), "the stream comes before the result")
r, msgs = run(kc, "local t = {}\nfor i = 1, 3 do t[i] = i end")
check(r["status"] == "ok" and not of(msgs, "execute_result"), "statements have no result")
r, msgs = run(kc, "io.stderr:write('warn\\n'); io.write('a', 'b\\n')")
err = "".join(c["text"] for c in of(msgs, "stream") if c["name"] == "stderr")
check(err == "warn\n" and stdout(msgs) == "ab\n", "stderr and io.write: %r %r" % (err, stdout(msgs)))
r, msgs = run(kc, "x", silent=True)
check(r["status"] == "ok" and not of(msgs, "execute_result") and r["execution_count"] == n1 + 3,
      "silent: no result, no count")
r, msgs = run(kc, "print('\\xff\\xfe ok')")
check(stdout(msgs) == "\ufffd\ufffd ok\n", "bytes that are not UTF-8 are replaced: %r" % stdout(msgs))

# print, then an error
r, msgs = run(kc, "print('before')\nerror('boom')")
check(stdout(msgs) == "before\n", "the stream before the error")
e = of(msgs, "error")
check(r["status"] == "error" and "boom" in r["evalue"], "reply is an error: %r" % r)
check(e and "boom" in e[0]["evalue"] and any("stack traceback" in l for l in e[0]["traceback"]),
      "error message with a traceback: %r" % e)
check(e and e[0]["evalue"].startswith("[cell "), "the cell is named in the message")
kinds = [m["msg_type"] for m in msgs]
check("stream" in kinds and "error" in kinds and kinds.index("stream") < kinds.index("error"),
      "stream, then error")
r, msgs = run(kc, "for i = 1,")
check(r["status"] == "error" and r["ename"] == "SyntaxError", "syntax error: %r" % r.get("ename"))
r, msgs = run(kc, "error({})")
check(r["status"] == "error" and "table" in r["evalue"], "a non-string error object: %r" % r.get("evalue"))
r, msgs = run(kc, "x")
check(of(msgs, "execute_result")[0]["data"]["text/plain"] == "20", "state survives errors")

# complete: the REPL's completion
code = "ma"
kc.complete(code, len(code))
c = kc.get_shell_msg(timeout=TIMEOUT)["content"]
check("mat" in c["matches"] and c["cursor_start"] == 0 and c["cursor_end"] == 2,
      "complete ma: %r" % c)
code = "local f = regress.ol"
kc.complete(code, len(code))
c = kc.get_shell_msg(timeout=TIMEOUT)["content"]
check("regress.ols" in c["matches"] and c["cursor_start"] == len("local f = "),
      "complete regress.ol: %r" % c)
code = "é = mat.ey"  # cursor positions count characters, not bytes
kc.complete(code, len(code))
c = kc.get_shell_msg(timeout=TIMEOUT)["content"]
check("mat.eye" in c["matches"] and c["cursor_start"] == 4 and c["cursor_end"] == len(code),
      "complete after a non-ASCII character: %r" % c)
run(kc, "A = mat.eye(2)")
kc.complete("A:so", 4)
c = kc.get_shell_msg(timeout=TIMEOUT)["content"]
check(c["matches"] == ["A:solve"],
      "complete methods of userdata: %r" % c)

# inspect: help
code = "regress.ols"
kc.inspect(code, len(code))
c = kc.get_shell_msg(timeout=TIMEOUT)["content"]
check(c["found"] and "Least squ" in c["data"]["text/plain"], "inspect regress.ols: %r" % c)
code = "fit = regress.ols("
kc.inspect(code, len(code))
c = kc.get_shell_msg(timeout=TIMEOUT)["content"]
check(c["found"] and c["data"]["text/plain"].startswith("regress.ols"), "inspect after '('")
kc.inspect("nosuchname", 3)
c = kc.get_shell_msg(timeout=TIMEOUT)["content"]
check(c["status"] == "ok" and not c["found"], "inspect of an unknown name")

# is_complete
for code, want in [("for i = 1, 3 do", "incomplete"), ("for i = 1, 3 do end", "complete"),
                   ("x = 1\nx", "complete"), ("1 +", "invalid"), ("f(", "incomplete")]:
    kc.is_complete(code)
    c = kc.get_shell_msg(timeout=TIMEOUT)["content"]
    check(c["status"] == want, "is_complete %r: %r" % (code, c))

# interrupt: a Lua loop, then a C kernel; the state stays
run(kc, "kept = 41")
msg_id = kc.execute("while true do end")
while True:  # wait until it runs
    m = kc.get_iopub_msg(timeout=TIMEOUT)
    if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "execute_input":
        break
km.interrupt_kernel()
r = kc.get_shell_msg(timeout=TIMEOUT)["content"]
check(r["status"] == "error" and r["ename"] == "Interrupted", "interrupted loop: %r" % r)
r, msgs = run(kc, "40 + 2")
check(of(msgs, "execute_result")[0]["data"]["text/plain"] == "42", "40 + 2 after the interrupt")
r, msgs = run(kc, "kept + 1")
check(of(msgs, "execute_result")[0]["data"]["text/plain"] == "42", "globals kept after the interrupt")
# a C kernel that runs for seconds (qgamma costs microseconds an element):
# the interrupt is sent once the kernel has spent CPU time after the
# marker, which only qgamma can have spent, and stops it at its next poll


def cputime(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


pid = km.provisioner.process.pid
msg_id = kc.execute("local g = stats.qgamma; p = rng.new(1):uniform(4e6); print('kern' .. 'el');"
                    " q = g(p, 0.3, 1)")
while True:
    m = kc.get_iopub_msg(timeout=TIMEOUT)
    if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "stream":
        break
t0, w0 = cputime(pid), time.monotonic()
while cputime(pid) < t0 + 0.3 and time.monotonic() < w0 + TIMEOUT:
    time.sleep(0.01)
km.interrupt_kernel()
r = kc.get_shell_msg(timeout=TIMEOUT)["content"]
check(r["status"] == "error" and "qgamma: interrupted" in r["evalue"], "a C kernel stopped: %r" % r)
r, msgs = run(kc, "print(#p, q, kept)")
check(stdout(msgs) == "4000000\tnil\t41\n", "state intact after a C kernel stopped: %r" % stdout(msgs))

# twice: the second interrupt does not kill the kernel
msg_id = kc.execute("while true do end")
while True:
    m = kc.get_iopub_msg(timeout=TIMEOUT)
    if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "execute_input":
        break
km.interrupt_kernel()
r = kc.get_shell_msg(timeout=TIMEOUT)["content"]
km.interrupt_kernel()  # while idle: ignored
r, msgs = run(kc, "40 + 2")
check(r["status"] == "ok" and km.is_alive(), "an interrupt while idle is ignored")

# rich output: __svg / __html objects, shown or as a cell's value
rich = ("Pic = setmetatable({}, {__svg = function() return '<svg xmlns=\"http://www.w3.org/2000/svg\"/>' end,"
        " __html = function() return '<b>pic</b>' end, __tostring = function() return 'a picture' end})")
run(kc, rich)
r, msgs = run(kc, "Pic")
res = of(msgs, "execute_result")
check(res and res[0]["data"].get("image/svg+xml", "").startswith("<svg")
      and res[0]["data"].get("text/html") == "<b>pic</b>"
      and res[0]["data"]["text/plain"] == "a picture", "a rich value: %r" % res)
r, msgs = run(kc, "require('orrery.display').show(Pic); print('after')")
d = of(msgs, "display_data")
check(d and "image/svg+xml" in d[0]["data"] and stdout(msgs) == "after\n", "display.show: %r" % d)
r, msgs = run(kc, "print('first'); require('orrery.display').show(Pic)")
kinds = [m["msg_type"] for m in msgs]
check(kinds.index("stream") < kinds.index("display_data"), "output in order around display_data")
r, msgs = run(kc, "Bad = setmetatable({}, {__html = function() error('no html') end})\nBad")
check(r["status"] == "error" and "no html" in r["evalue"], "a failing __html is the cell's error")

# real objects: a plot (scene __svg), a frame and a matrix (__html tables)
r, msgs = run(kc, "P = plot.scatter({1, 2, 3}, {2, 4, 3}, {title = 'a <real> plot'})\nP")
res = of(msgs, "execute_result")
check(r["status"] == "ok" and res and res[0]["data"].get("image/svg+xml", "").startswith("<svg")
      and "a &lt;real&gt; plot" in res[0]["data"]["image/svg+xml"], "a plot as a cell's value: %r" % res)
r, msgs = run(kc, "plot.show(P); print('shown')")
d = of(msgs, "display_data")
check(r["status"] == "ok" and d and d[0]["data"].get("image/svg+xml", "").startswith("<svg")
      and stdout(msgs) == "shown\n", "plot.show(p): %r" % d)
r, msgs = run(kc, "F = data.frame{ x = {1, 2.5}, g = data.factor{'a<b', 'c'} }\nF")
res = of(msgs, "execute_result")
h = res[0]["data"].get("text/html", "") if res else ""
check(r["status"] == "ok" and "<table>" in h and "<td>a&lt;b</td>" in h and "<td>2.5</td>" in h
      and "a<b" in res[0]["data"]["text/plain"], "a frame as a cell's value: %r" % res)
r, msgs = run(kc, "mat.new(30, 2, 1)")
res = of(msgs, "execute_result")
h = res[0]["data"].get("text/html", "") if res else ""
check("<table>" in h and h.count("<tr>") == 21 and "30 x 2 matrix, showing 20 x 2" in h,
      "a matrix as a cell's value, truncated as printed: %r" % h[-200:])

# bad input: memory, then raw messages with our own socket
r, msgs = run(kc, "local t = {} for i = 1, 1e9 do t[i] = {i} end")
check(r["status"] == "error" and r["ename"] == "MemoryError" and "not enough memory" in r["evalue"],
      "a cell that exhausts memory: %r" % r)
r, msgs = run(kc, "40 + 2")
check(r["status"] == "ok", "the kernel runs after running out of memory")
# memory kept full by a global: requests may fail, the kernel must not
r, msgs = run(kc, "hog = {} for i = 1, 1e9 do hog[i] = {i} end")
check(r["status"] == "error" and r["ename"] == "MemoryError", "a global that fills memory")
for code in ["40 + 2", "x = ('y'):rep(1000)\nx"]:
    r, msgs = run(kc, code)
    check(r["status"] in ("ok", "error"), "a cell with memory full: %r" % r["status"])
kc.complete("ma", 2)
check(kc.get_shell_msg(timeout=TIMEOUT)["content"]["status"] == "ok", "complete with memory full")
r, msgs = run(kc, "hog = nil\ncollectgarbage()\n40 + 2")
check(r["status"] == "ok" and [c["data"]["text/plain"] for c in of(msgs, "execute_result")] == ["42"],
      "memory back after the global is dropped: %r" % r)

ci = km.get_connection_info(session=False)
ctx = zmq.Context.instance()
sock = ctx.socket(zmq.DEALER)
sock.connect("%s://%s:%d" % (ci["transport"], ci["ip"], ci["shell_port"]))
good = Session(key=ci["key"] if isinstance(ci["key"], bytes) else ci["key"].encode())
bad = Session(key=b"not the key")


def raw(session, msg_type, content, parts=None):
    m = session.msg(msg_type, content)
    if parts is None:
        parts = [session.pack(m["header"]), session.pack(m["parent_header"]),
                 session.pack(m["metadata"]), session.pack(m["content"])]
    sig = session.sign(parts) if session is not None else b""
    sock.send_multipart([b"<IDS|MSG>", sig] + parts)
    return m["header"]["msg_id"]


def answer():
    assert sock.poll(TIMEOUT * 1000)
    return good.deserialize(good.feed_identities(sock.recv_multipart())[1])


# a wrong signature and an unsigned message: dropped (the reply that comes is
# to the good kernel_info sent after them, on the same socket), not run
raw(bad, "execute_request", {"code": "hacked = 1", "silent": False})
m = good.msg("execute_request", {"code": "hacked = 2", "silent": False})
sock.send_multipart([b"<IDS|MSG>", b""] + [good.pack(m[k]) for k in
                    ("header", "parent_header", "metadata", "content")])
sock.send_multipart([b"<IDS|MSG>", b"abc"])
mid = raw(good, "kernel_info_request", {})
a = answer()
check(a["parent_header"]["msg_id"] == mid and a["msg_type"] == "kernel_info_reply",
      "badly signed messages get no answer: %r" % a["msg_type"])
r, msgs = run(kc, "hacked")
check(of(msgs, "execute_result")[0]["data"]["text/plain"] == "nil", "badly signed code did not run")
log.flush()
log.seek(0)
check("wrong signature" in log.read(), "the kernel logs the refused message")
# malformed JSON in a signed message
m = good.msg("execute_request", {})
parts = [good.pack(m["header"]), b"{}", b"{}", b"{not json"]
sock.send_multipart([b"<IDS|MSG>", good.sign(parts)] + parts)
a = answer()
check(a["msg_type"] == "execute_reply" and a["content"]["status"] == "error"
      and "not a JSON object" in a["content"]["evalue"], "malformed JSON: %r" % a["content"])
# unknown message type
mid = raw(good, "frobnicate_request", {})
a = answer()
check(a["msg_type"] == "frobnicate_reply" and a["content"]["status"] == "error"
      and "unknown message type" in a["content"]["evalue"], "unknown type: %r" % a["content"])
r, msgs = run(kc, "40 + 2")
check(r["status"] == "ok" and km.is_alive(), "alive after bad input")
# the heartbeat echoes
hb = ctx.socket(zmq.REQ)
hb.setsockopt(zmq.LINGER, 0)
hb.connect("%s://%s:%d" % (ci["transport"], ci["ip"], ci["hb_port"]))
hb.send(b"ping 123")
check(hb.poll(TIMEOUT * 1000) and hb.recv() == b"ping 123", "heartbeat echo")
hb.close()
# what front ends ask at start-up
raw(good, "comm_info_request", {})
a = answer()
check(a["msg_type"] == "comm_info_reply" and a["content"] == {"status": "ok", "comms": {}},
      "comm_info: %r" % a["content"])
raw(good, "history_request", {"hist_access_type": "tail", "n": 10})
a = answer()
check(a["msg_type"] == "history_reply" and a["content"]["history"] == [], "history: %r" % a["content"])

# restart: a new process with a fresh state
km.restart_kernel(now=False)
kc.wait_for_ready(timeout=TIMEOUT)
r, msgs = run(kc, "x")
check(r["status"] == "ok" and of(msgs, "execute_result")[0]["data"]["text/plain"] == "nil"
      and r["execution_count"] == 1, "after restart: fresh state and count: %r" % r)

kc.stop_channels()
km.shutdown_kernel(now=False)
check(not km.is_alive(), "shut down")
log.seek(0)
text = log.read()
check("Sanitizer" not in text and "runtime error" not in text,
      "no sanitizer report from the kernel (make check): %s" % text[-3000:])
log.close()
sock.close()
kspec.finish()

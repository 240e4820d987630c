"""What the kernel's tests share: the kernelspec (kernel.json for ORRERY in
a temporary JUPYTER_PATH, so that jupyter_client and nbclient start the
kernel under test, not an installed one), skipping when a Python package is
missing, and the "N passed, N failed" count."""
import json
import os
import sys
import tempfile

counts = {"passed": 0, "failed": 0}


def skip(what, package):
    """Prints why the test is skipped and ends it."""
    print("skipped: %s is not installed (apt-get install %s)" % (what, package))
    print("0 passed, 0 failed")
    sys.exit(0)


def check(cond, what):
    if cond:
        counts["passed"] += 1
    else:
        counts["failed"] += 1
        print("FAIL:", what)


def finish():
    """Prints the count and ends the process (os._exit: jupyter_client's
    destructors are noisy at interpreter teardown)."""
    print("%d passed, %d failed" % (counts["passed"], counts["failed"]))
    sys.stdout.flush()
    os._exit(1 if counts["failed"] else 0)


def install(orrery, env=None):
    """Writes the kernelspec 'orrery' under a new temporary directory, points
    JUPYTER_PATH and JUPYTER_RUNTIME_DIR there, and returns the directory."""
    root = tempfile.mkdtemp()
    d = os.path.join(root, "kernels", "orrery")
    os.makedirs(d)
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "..", "share", "jupyter", "kernels", "orrery", "kernel.json")) as f:
        spec = json.load(f)
    spec["argv"][0] = os.path.abspath(orrery)
    if env:
        spec["env"] = env
    with open(os.path.join(d, "kernel.json"), "w") as f:
        json.dump(spec, f)
    os.environ["JUPYTER_PATH"] = root
    os.environ["JUPYTER_RUNTIME_DIR"] = os.path.join(root, "runtime")
    return root

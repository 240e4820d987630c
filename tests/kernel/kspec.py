"""The tests' kernelspec: kernel.json for ORRERY in a temporary JUPYTER_PATH,
so that jupyter_client and nbclient start the kernel under test, not an
installed one."""
import json
import os
import tempfile


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

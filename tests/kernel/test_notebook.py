"""tests/kernel/veteran.ipynb executed by nbclient with the kernel under
test: no cell errs, the outputs hold the regression, the Kaplan-Meier
table, the KM plot as an SVG (surv.km:plot) and the experiment.sweep frame
as an HTML table (its __html); then nbconvert's HTML of the executed
notebook is opened by headless Chromium (where installed), whose DOM must
hold the same table and picture.

Usage: /usr/bin/python3 tests/kernel/test_notebook.py ORRERY
"""
import os
import shutil
import subprocess
import sys

import kspec

try:
    import nbformat
    from nbclient import NotebookClient
except ImportError:
    kspec.skip("nbclient", "python3-nbclient")


ORRERY = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "./orrery")
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
check = kspec.check


tmp = kspec.install(ORRERY)
nb = nbformat.read(os.path.join(HERE, "veteran.ipynb"), as_version=4)
client = NotebookClient(nb, timeout=120, kernel_name="orrery",
                        resources={"metadata": {"path": ROOT}})
try:
    client.execute()
    check(True, "executed")
except Exception as e:  # CellExecutionError names the cell and the error
    check(False, "the notebook runs without errors: %s" % e)

outs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
check(not [o for o in outs if o.output_type == "error"], "no error output")
text = "".join(o.get("text", "") for o in outs if o.output_type == "stream") + \
    "".join(o.get("data", {}).get("text/plain", "") for o in outs if "data" in o)
check("137 patients" in text, "the data set is read")
check("karno" in text and "Residual standard error" in text, "the regression table")
check("trt=1" in text or "trt" in text, "the Kaplan-Meier table")
check(" rep " in text and "137   1" in text, "the sweep frame's text: %r" % text[-400:])
html = [o.data["text/html"] for o in outs if "data" in o and "text/html" in o.data]
svg = [o.data["image/svg+xml"] for o in outs if "data" in o and "image/svg+xml" in o.data]
check(len(html) == 1 and "<table>" in html[0] and "<th>se</th>" in html[0]
      and "<td>137</td>" in html[0], "the sweep frame as an HTML table: %r" % html)
check(len(svg) == 1 and svg[0].startswith("<svg") and "Veteran trial: survival by treatment" in svg[0],
      "the KM plot as an SVG: %r" % [s[:200] for s in svg])
counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
check(counts == list(range(1, len(counts) + 1)), "execution counts 1..n: %r" % counts)

# nbconvert's HTML in headless Chromium. Debian's nbconvert 6.5 passes
# inline SVG through lxml's clean_html, which empties it (only <svg> is
# left), so the page is made with a template (lab's, with the SVG block
# writing the picture as it is: our own notebook, nothing to sanitize).
tpl = os.path.join(tmp, "templates", "orrery_svg")
os.makedirs(tpl)
with open(os.path.join(tpl, "conf.json"), "w") as f:
    f.write('{"base_template": "lab", "mimetypes": {"text/html": true}}')
with open(os.path.join(tpl, "index.html.j2"), "w") as f:
    f.write("{%- extends 'lab/index.html.j2' -%}\n"
            "{% block data_svg scoped -%}\n"
            "<div class=\"jp-RenderedSVG jp-OutputArea-output\">{{ output.data['image/svg+xml'] }}</div>\n"
            "{%- endblock data_svg %}\n")
try:
    import nbconvert  # noqa: F401
except ImportError:
    print("(nbconvert not installed: the HTML was not made; apt-get install python3-nbconvert)")
    kspec.finish()
out = os.path.join(tmp, "veteran.ipynb")
nbformat.write(nb, out)
conv = subprocess.run([sys.executable, "-m", "nbconvert", "--to", "html", "--template", "orrery_svg",
                       "--TemplateExporter.extra_template_basedirs=" + os.path.join(tmp, "templates"),
                       out], capture_output=True, text=True)
page = os.path.join(tmp, "veteran.html")
check(conv.returncode == 0 and os.path.exists(page), "nbconvert --to html: %s" % conv.stderr[-500:])
chromium = shutil.which("chromium") or shutil.which("chromium-browser")
if chromium and os.path.exists(page):
    dom = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                          "--dump-dom", "file://" + page],
                         capture_output=True, text=True, timeout=120).stdout
    check("<th>se</th>" in dom and "Veteran trial: survival by treatment</text>" in dom,
          "Chromium opens the page with the table and the picture")
else:
    print("(headless Chromium not installed: the HTML was not opened)")
kspec.finish()

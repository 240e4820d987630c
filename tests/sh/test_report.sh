#!/bin/sh
# orrery report: the demo's page is written, self-contained, and a real
# browser (headless Chromium) renders it to a screenshot that is not blank
# and finds its tables and SVG plots in the DOM. Skipped, with a message,
# when Chromium is absent.
. tests/sh/lib.sh

out="$TMP/demo.html"
if $ORRERY report scripts/demo.lua -o "$out" > "$TMP/log" 2>&1; then pass; else fail "report exited with an error: $(tail -n 3 "$TMP/log")"; fi
html=$(cat "$out" 2>/dev/null)
expect_match "$html" "<!DOCTYPE html>" "a page"
expect_match "$html" "<svg xmlns=" "inline SVG"
expect_match "$html" "<table>" "an HTML table"
expect_match "$html" "Cox proportional hazards model" "printed output"
expect_match "$html" "<summary>Source</summary>" "the source"
expect_match "$html" "wall time" "the footer"
expect_match "$html" 'name="viewport"' "readable on a phone"
# offline: no external resources
case "$html" in *"http://"*"<link"*|*"<script src"*|*"@import"*) fail "external resources" ;; *) pass ;; esac

# a script that fails still gets its page, with the error, and a non-zero exit
printf 'print("before")\nerror("boom")\n' > "$TMP/bad.lua"
if $ORRERY report "$TMP/bad.lua" -o "$TMP/bad.html" > "$TMP/log" 2>&1; then fail "a failing script must exit non-zero"; else pass; fi
expect_match "$(cat "$TMP/bad.html")" "boom" "the error is in the page"
expect_match "$(cat "$TMP/bad.html")" "before" "output before the error"
if $ORRERY report > "$TMP/log" 2>&1; then fail "report without a script"; else pass; fi
expect_match "$(cat "$TMP/log")" "usage: orrery report" "usage"
if $ORRERY report /nonexistent/x.lua -o "$TMP/x.html" > "$TMP/log" 2>&1; then fail "missing script"; else pass; fi
expect_match "$(cat "$TMP/log")" "cannot read" "missing script message"

browser=""
for b in chromium chromium-browser google-chrome; do
  if command -v "$b" > /dev/null 2>&1; then browser=$b; break; fi
done
if [ -z "$browser" ]; then
  echo "skipped: headless browser checks (no chromium on PATH; apt-get install chromium)"
  done_tests
  exit $?
fi
flags="--headless --disable-gpu --hide-scrollbars"
[ "$(id -u)" = 0 ] && flags="$flags --no-sandbox"   # Chromium refuses root without it
shot="$TMP/shot.png"
$browser $flags --window-size=900,1400 --screenshot="$shot" "file://$out" > "$TMP/chrome.log" 2>&1
if [ -s "$shot" ]; then
  pass
  stats=$(/usr/bin/python3 tests/plot/pngstats.py "$shot")
  set -- $stats
  expect_eq "$1 $2" "900 1400" "screenshot size"
  if awk -v v="$3" 'BEGIN { exit !(v > 100) }'; then pass; else fail "screenshot is blank (variance $3)"; fi
else
  fail "no screenshot: $(tail -n 3 "$TMP/chrome.log")"
fi
dom=$($browser $flags --dump-dom "file://$out" 2> "$TMP/chrome.log")
tables=$(printf '%s' "$dom" | grep -o "<table>" | wc -l)
svgs=$(printf '%s' "$dom" | grep -o "<svg xmlns" | wc -l)
if [ "$tables" -ge 3 ]; then pass; else fail "DOM has $tables tables, expected >= 3"; fi
if [ "$svgs" -ge 2 ]; then pass; else fail "DOM has $svgs SVGs, expected >= 2"; fi
done_tests

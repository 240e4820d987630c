#!/bin/sh
# The program's command line, and the Lua C module loaded by a stock lua5.4.
. tests/sh/lib.sh

out=$($ORRERY -e 'print(40 + 2)'); expect_eq "$out" "42" "-e runs a chunk"
out=$($ORRERY -e 'x = 1' -e 'print(x + 1)'); expect_eq "$out" "2" "-e twice"
printf 'print(arg[0], arg[1], arg[2], ...)\n' > "$TMP/a.lua"
out=$($ORRERY "$TMP/a.lua" p q); expect_eq "$out" "$TMP/a.lua	p	q	p	q" "script arguments in arg and ..."
out=$(echo 'print("stdin")' | $ORRERY -); expect_eq "$out" "stdin" "- reads stdin"
$ORRERY -x > /dev/null 2>&1; expect_eq "$?" "2" "unknown flag exits 2"
err=$($ORRERY -x 2>&1); expect_match "$err" "usage:" "unknown flag prints usage"
$ORRERY -e 'error("boom")' > /dev/null 2>&1; expect_eq "$?" "1" "error exits 1"
err=$($ORRERY -e 'error("boom")' 2>&1); expect_match "$err" "stack traceback" "error prints a traceback"
out=$($ORRERY -v); expect_match "$out" "Orrery" "-v prints the version"
out=$($ORRERY -l string -e 'print(type(string))'); expect_eq "$out" "table" "-l requires a module"
out=$($ORRERY --seed 7 -e 'print("seeded")'); expect_eq "$out" "seeded" "--seed N is accepted"
$ORRERY --seed x -e '' > /dev/null 2>&1; expect_eq "$?" "2" "--seed needs an integer"
out=$($ORRERY -e 'print(experiment.clock() > 0)'); expect_eq "$out" "true" "experiment.clock"
out=$($ORRERY -e 'help "mat.eye"'); expect_match "$out" "identity" "help by name"
out=$($ORRERY -e 'help(mat.eye)'); expect_match "$out" "identity" "help by function"

# the friendly layer can be overridden for development, only through
# ORRERY_STDLIB_DIR: package.path and the current directory never do it
mkdir -p "$TMP/orrery" "$TMP/dev" "$TMP/dev2/regress"
printf 'local M = ... ; M.overridden = true ; return M\n' > "$TMP/dev/help.lua"
printf 'local M = ... ; M.overridden = true ; return M\n' > "$TMP/orrery/help.lua"
printf 'local M = ... ; M.part_overridden = true\n' > "$TMP/dev2/regress/sketch.lua"
out=$(ORRERY_STDLIB_DIR="$TMP/dev" $ORRERY -e 'print(require("orrery.help").overridden)')
expect_eq "$out" "true" "ORRERY_STDLIB_DIR overrides the built-in stdlib"
out=$(ORRERY_STDLIB_DIR="$TMP/dev2" $ORRERY -e 'print(regress.part_overridden, regress.sketch)')
expect_eq "$out" "true	nil" "ORRERY_STDLIB_DIR overrides a part (stdlib/<ns>/<part>.lua)"
out=$(LUA_PATH="$TMP/?.lua;;" $ORRERY -e 'print(require("orrery.help").overridden)')
expect_eq "$out" "nil" "package.path does not override the built-in stdlib"
abs=$(readlink -f "$ORRERY")
out=$(cd "$TMP" && "$abs" -e 'print(require("orrery.help").overridden)')
expect_eq "$out" "nil" "the current directory does not override the built-in stdlib"

# a stock lua5.4 loads the C module; orrery.so must not carry its own liblua
if command -v lua5.4 > /dev/null && ! ldd "$B/orrery.so" | grep -q libasan; then
  out=$(LUA_CPATH="$B/?.so" lua5.4 -e 'local o = require "orrery"; print(o.mat.eye(2):det(), o.version)')
  expect_match "$out" "1.0	Orrery" "require 'orrery' from lua5.4"
  if ldd "$B/orrery.so" | grep -q liblua; then fail "orrery.so links liblua"; else pass; fi
fi
done_tests

-- luacheck configuration (Debian's lua-check), run by `make check` on
-- stdlib/ and scripts/.
std = "lua54"
max_line_length = 120

-- 581: 'not (x < y)' written on purpose: it is true for NaN, and the
-- numeric code relies on that to reject NaN along with out-of-range values.
ignore = { "581" }

-- The experiment scripts run in the program (orrery script.lua), which
-- loads the modules of API.md as globals on first use; a script may also
-- require them, which is what stock lua5.4 needs.
files["scripts/"] = {
  read_globals = { "mat", "rng", "stats", "data", "regress", "surv", "optim", "experiment" },
}

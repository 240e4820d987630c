-- LuaRocks: luarocks make orrery-0.1-1.rockspec  (builds orrery.so with make)
rockspec_format = "3.0"
package = "orrery"
version = "0.1-1"
source = { url = "git+file://." }
description = {
  summary = "Statistical modelling for Lua 5.4 on LAPACK/OpenBLAS and GSL",
  detailed = "Regression, survival, SEM simulation, preference models and Bayesian updates as a Lua C module: require 'orrery'.",
  license = "GPL-3.0-or-later",
}
dependencies = { "lua >= 5.4, < 5.5" }
external_dependencies = {
  GSL = { header = "gsl/gsl_math.h" },
  LAPACKE = { header = "lapacke.h" },
  CAIRO = { header = "cairo/cairo.h" },
}
build = {
  type = "make",
  build_target = "build/orrery.so",
  build_variables = { CFLAGS = "$(CFLAGS)" },
  install_target = "",  -- installed by the install table below
  install = { lib = { ["orrery"] = "build/orrery.so" } },
}

-- regress.anova beyond the nested lm and glm of test_regress_lm/glm: nested
-- Gamma glms (the larger model's dispersion scales the deviance, against R,
-- tests/ref/regress/make_weights_offsets.R, 1e-6) and fits it refuses.
local T = require "orrery.testing"
local R = T.ref("regress/weights_offsets.txt")

T.test("anova of nested Gamma glms: the larger model's dispersion scales the deviance", function()
  local d = data.read_csv("tests/ref/regress/mtcars.csv")
  local h1 = regress.glm{ formula = "mpg ~ wt", data = d, family = "gamma" }
  local h2 = regress.glm{ formula = "mpg ~ wt + hp + qsec", data = d, family = "gamma" }
  -- R 4.4's default for Gamma is F (test_glm_more.lua); the reference is test = "Chisq"
  local a = regress.anova(h1, h2, { test = "Chisq" })
  T.near({ a.ss[2], a.p[2] }, R.gamanova, 1e-6)
end)

T.test("anova refuses glm fits of different families (deviances on different scales)", function()
  local q = data.read_csv("tests/ref/regress/quine.csv")
  local p = regress.glm{ formula = "Days ~ EthN", data = q, family = "poisson" }
  local nb = regress.glm{ formula = "Days ~ EthN + SexM", data = q, family = "negbin" }
  T.errors(function() regress.anova(p, nb) end, "regress.anova: cannot compare glm fits of different families (poisson, negbin)")
end)

-- The command line shared by the experiment scripts: [reps] [--out dir].
-- Not a script itself; a script loads it from its own directory:
--   local cli = dofile((arg[0]:match("^(.*)/") or ".") .. "/cli.lua")
--   local reps, outdir = cli.options(100, "name.lua")
--   ... cli.figures(outdir)
-- --out dir is where figures will go once the plot module lands; until
-- then cli.figures says so and the script prints its tables only.
local M = {}

function M.options(default, name)
  local reps, outdir, i = default, nil, 1
  while arg and arg[i] do
    if arg[i] == "--out" then
      outdir = arg[i + 1] or error("usage: " .. name .. " [reps] [--out dir]: --out needs a directory")
      i = i + 2
    else
      reps = math.tointeger(tonumber(arg[i])) or error("usage: " .. name .. " [reps] [--out dir]")
      i = i + 1
    end
  end
  return reps, outdir
end

function M.figures(outdir)
  if outdir then
    print("--out " .. outdir .. ": figures need the plot module, which this build lacks; tables only")
  end
end

return M

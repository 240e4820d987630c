-- The command line shared by the experiment scripts: [reps] [--out dir].
-- Not a script itself; a script loads it from its own directory:
--   local cli = dofile((arg[0]:match("^(.*)/") or ".") .. "/cli.lua")
--   local reps, outdir = cli.options(100, "name.lua")
--   ... cli.figure(outdir, "name", function() return plot.new{...}:line(...) end)
-- --out dir: the directory (it must exist) where cli.figure saves the
-- script's figure as name.svg and name.png; without --out nothing is drawn
-- or written.
local M = {}

-- the positional arguments (numbers) and the --out directory; usage is the
-- command line shown in errors
function M.parse(usage)
  local pos, outdir, i = {}, nil, 1
  while arg and arg[i] do
    if arg[i] == "--out" then
      outdir = arg[i + 1] or error("usage: " .. usage .. ": --out needs a directory")
      i = i + 2
    else
      pos[#pos + 1] = math.tointeger(tonumber(arg[i])) or error("usage: " .. usage)
      i = i + 1
    end
  end
  return pos, outdir
end

-- [reps] [--out dir]: reps (default when absent) and the --out directory
function M.options(default, name)
  local usage = name .. " [reps] [--out dir]"
  local pos, outdir = M.parse(usage)
  if #pos > 1 then error("usage: " .. usage) end
  return pos[1] or default, outdir
end

-- when --out was given: build() -> a scene, saved as dir/name.svg and, when
-- cairo is there to draw it, dir/name.png; prints where it went
function M.figure(outdir, name, build)
  if not outdir then return end
  local p = build()
  local base = outdir .. "/" .. name
  p:save(base .. ".svg")
  local ok, err = pcall(p.save, p, base .. ".png")
  print(string.format("figure: %s.svg%s", base, ok and " and .png" or " (no PNG: " .. tostring(err) .. ")"))
end

return M

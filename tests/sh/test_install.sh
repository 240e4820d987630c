#!/bin/sh
# make install into a temporary prefix, then a C host built only with
# pkg-config runs orrery_openlibs and a script and makes a matrix through the
# public matrix API (<orrery/omat.h>), and a stock lua5.4 finds the installed
# orrery.so through LUA_CPATH.
. tests/sh/lib.sh

if ldd "$B/liborrery.so" | grep -q libasan; then
  echo "skipped: a sanitized liborrery.so cannot be loaded by uninstrumented hosts"
  done_tests; exit
fi
P="$TMP/inst"
if make -s install B="$B" PREFIX="$P" > "$TMP/install.log" 2>&1; then pass; else fail "make install"; cat "$TMP/install.log"; fi
for f in bin/orrery lib/liborrery.a lib/liborrery.so include/orrery.h include/orrery/omat.h \
         lib/pkgconfig/orrery.pc \
         lib/lua/5.4/orrery.so share/man/man1/orrery.1 share/orrery/scripts/demo.lua; do
  if [ -e "$P/$f" ]; then pass; else fail "installed $f"; fi
done
cat > "$TMP/host.c" <<'EOC'
#include <stdio.h>
#include "lua.h"
#include "lauxlib.h"
#include "lualib.h"
#include <orrery.h>
#include <orrery/omat.h>
int main (int argc, char **argv) {
  lua_State *L = luaL_newstate();
  omat *m;
  luaL_openlibs(L);
  orrery_openlibs(L);
  m = omat_new(L, 2, 2);  /* the host's own matrix, seen by the script */
  OMAT(m, 0, 0) = 2; OMAT(m, 0, 1) = 1; OMAT(m, 1, 0) = 1; OMAT(m, 1, 1) = 3;
  lua_setglobal(L, "A");
  if (luaL_dofile(L, argv[1]) != LUA_OK) {
    fprintf(stderr, "%s\n", lua_tostring(L, -1));
    return 1;
  }
  lua_close(L);
  (void)argc;
  return 0;
}
EOC
printf 'print(mat.from{{2, 1}, {1, 3}}:det(), A:det())\n' > "$TMP/s.lua"
flags=$(PKG_CONFIG_PATH="$P/lib/pkgconfig" pkg-config --cflags --libs orrery)
if cc -o "$TMP/host" "$TMP/host.c" $flags 2> "$TMP/cc.log"; then pass; else fail "host build with: $flags"; cat "$TMP/cc.log"; fi
out=$(LD_LIBRARY_PATH="$P/lib" "$TMP/host" "$TMP/s.lua" 2>&1)
expect_eq "$out" "$(printf '5.0\t5.0')" "pkg-config host runs a script with its own matrix"
out=$(LUA_CPATH="$P/lib/lua/5.4/?.so" lua5.4 -e 'print(require("orrery").mat.eye(3):det())' 2>&1)
expect_eq "$out" "1.0" "lua5.4 loads the installed orrery.so"
out=$("$P/bin/orrery" -e 'print(1)'); expect_eq "$out" "1" "installed program runs"
# the Jupyter kernelspec, pointing at the installed program, which finds
# its okernel.so (the connection file is missing: the kernel says so)
for f in lib/orrery/okernel.so share/jupyter/kernels/orrery/kernel.json \
         share/jupyter/kernels/orrery/logo-64x64.png share/jupyter/kernels/orrery/logo-32x32.png; do
  if [ -e "$P/$f" ]; then pass; else fail "installed $f"; fi
done
expect_match "$(cat "$P/share/jupyter/kernels/orrery/kernel.json")" "\"$P/bin/orrery\", \"--kernel\"" \
  "kernel.json runs the installed program"
out=$("$P/bin/orrery" --kernel "$TMP/none.json" 2>&1)
expect_match "$out" "none.json" "the installed program loads its kernel"
if command -v jupyter > /dev/null && jupyter kernelspec --version > /dev/null 2>&1; then
  out=$(JUPYTER_PATH="$P/share/jupyter" jupyter kernelspec list 2>&1)
  expect_match "$out" "$P/share/jupyter/kernels/orrery" "jupyter kernelspec list shows orrery"
fi
done_tests

#!/bin/sh
# The shared objects export exactly the functions the public headers declare
# with ORRERY_API (vm/orrery.h, modules/mat/omat.h): no kernel, binding or
# helper is reachable by a host. The program exports the same API plus Lua's
# own symbols (C modules loaded by require link against them) and nothing
# else of liborrery.
. tests/sh/lib.sh

# names the headers declare: "ORRERY_API type *name (" on one line
api=$(sed -n 's/^ORRERY_API[^(]*[ *]\([A-Za-z_][A-Za-z0-9_]*\) *(.*/\1/p' \
        vm/orrery.h modules/mat/omat.h | sort)
case "$api" in
  *orrery_new*omat_new*|*omat_new*orrery_new*) pass ;;
  *) fail "could not read the API from the headers: '$api'" ;;
esac

# defined dynamic symbols, without the ones a sanitizer runtime adds
exports() {
  nm -D --defined-only "$1" | awk '{print $NF}' |
    grep -v -E '^(__asan|__ubsan|__sanitizer|__lsan|___asan|_init$|_fini$|_edata$|_end$|__bss_start$)' | sort
}

for so in liborrery.so orrery.so; do
  if [ ! -f "$B/$so" ]; then fail "$B/$so not built"; continue; fi
  got=$(exports "$B/$so")
  extra=$(printf '%s\n' "$got" | grep -v -x -F "$api")
  missing=$(printf '%s\n' "$api" | grep -v -x -F "$got")
  expect_eq "$extra" "" "$so exports only the API"
  expect_eq "$missing" "" "$so exports the whole API"
done

# the program: the API and Lua are exported (unless Lua is a shared library,
# as in make check, which provides them itself), liborrery's internals are not
prog=$(exports "$ORRERY")
want="orrery_new orrery_reset_budget omat_new luaopen_orrery"
ldd "$ORRERY" | grep -q liblua || want="$want lua_pushnumber luaL_checkversion_"
for s in $want; do
  if printf '%s\n' "$prog" | grep -q -x "$s"; then pass; else fail "program does not export $s"; fi
done
internal=$(nm --defined-only "$B/liborrery.a" 2>/dev/null | awk '$2 ~ /^[TDBR]$/ {print $3}' |
           sort -u | grep -v -x -F "$api")
if [ -n "$internal" ]; then pass; else fail "no internal symbols found in liborrery.a"; fi
leaked=$(printf '%s\n' "$prog" | grep -x -F "$internal")
expect_eq "$leaked" "" "the program exports none of liborrery's internals"

done_tests

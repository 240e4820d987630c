#!/bin/sh
# The documentation in the repository: every public function has help, the
# committed reference manual (docs/reference) is what tools/gendoc.lua makes
# from the help strings now, every relative link of the documents leads to a
# file, and nothing points outside the repository.
. tests/sh/lib.sh

# 1. help for every function a script can reach (gendoc.lua --check names
#    each one without help, and where it is defined)
if out=$($ORRERY tools/gendoc.lua --check 2>&1); then
  pass
else
  fail "public functions without help (write it next to the code, then make doc):"
  echo "$out" | sed 's/^/  /'
fi

# 2. docs/reference is up to date: regenerate and compare
mkdir "$TMP/reference"
if out=$($ORRERY tools/gendoc.lua "$TMP/reference" 2>&1); then
  if d=$(diff -r docs/reference "$TMP/reference"); then
    pass
  else
    fail "docs/reference differs from the help strings: run make doc and commit docs/reference"
    echo "$d" | head -n 40 | sed 's/^/  /'
  fi
else
  fail "tools/gendoc.lua failed: $out"
fi

# 3. relative links in the documents lead to files of the repository
for md in README.md modules/README.md docs/*.md docs/*/*.md; do
  [ -f "$md" ] || continue
  dir=$(dirname "$md")
  for target in $(grep -o '](\([^)#: ]*\)[)#]' "$md" | sed 's/^](//; s/[)#]$//'); do
    [ -n "$target" ] || continue
    if [ -e "$dir/$target" ]; then pass; else fail "$md links to $target, which does not exist"; fi
  done
done

# 4. nothing refers to files outside the repository: the design notes that
#    preceded docs/ (API.md, METHODS.md, DESIGN.md) were kept beside it
hits=$(grep -rnI -e '\.\./shared' -e '/work/shared' -e 'API\.md' -e 'METHODS\.md' -e 'DESIGN\.md' \
  . --exclude-dir=.git --exclude-dir=build --exclude=test_docs.sh 2>/dev/null)
if [ -z "$hits" ]; then
  pass
else
  fail "references outside the repository (point them at docs/ instead):"
  echo "$hits" | sed 's/^/  /'
fi

done_tests

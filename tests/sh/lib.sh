# Assertions for the shell tests; sourced, prints "N passed, N failed" at the end.
ORRERY=${ORRERY:-./orrery}
B=${B:-build}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
_p=0; _f=0
pass() { _p=$((_p + 1)); }
fail() { _f=$((_f + 1)); echo "FAIL: $1"; }
expect_eq() { if [ "$1" = "$2" ]; then pass; else fail "$3: expected '$2', got '$1'"; fi; }
expect_match() { case "$1" in *"$2"*) pass ;; *) fail "$3: '$2' not in '$1'" ;; esac; }
done_tests() { echo "$_p passed, $_f failed"; [ "$_f" -eq 0 ]; }

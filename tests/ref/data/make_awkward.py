# Writes awkward.csv: doubles that are hard to write and read back exactly,
# one a row, as three columns: bits (the IEEE bits in hex, the truth), repr
# (Python's repr: the shortest decimal that reads back to the same double,
# which data.write_csv must write too, without repr's ".0" on whole
# numbers) and long (the same double in another spelling: 17 significant
# digits in e-notation, upper case, with a '+', as other writers put it).
# Subnormals, the extremes, 17-digit values, +-0, huge and tiny exponents,
# powers of two and ten and their neighbours, integers up to 2^53 and past
# it, sums like 0.1 + 0.2, then random bit patterns and random decimals.
# tests/data/test_csv.lua reads, writes and re-reads it and compares bits.
# Run: python3 make_awkward.py (any Python 3; deterministic).
import math
import random
import struct

def bits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]

def from_bits(b):
    return struct.unpack("<d", struct.pack("<Q", b))[0]

vals = [0.0, -0.0, 5e-324, -5e-324, 1e-323, 2.2250738585072009e-308,
        2.2250738585072014e-308, 2.2250738585072011e-308,
        1.7976931348623157e308, -1.7976931348623157e308, math.inf, -math.inf,
        0.1 + 0.2, 0.1, 0.2, 0.3, 1 / 3, 2 / 3, 1e23, 8.41e21, 9007199254740992.0,
        9007199254740993.0, 9007199254740994.0, 2.0 ** 53 - 1, 2.0 ** 63,
        2.0 ** 64, 123456789012345678.0, 1e15, 1e16, 1e17, 0.0001, 0.00001,
        1e-5 * 3, 5e-310, 4.9406564584124654e-324 * 3, 1.5e300, 1e308, 1e-308,
        7.038531e-26, 9.5e-5, 2.5e-4, 100.0, 1e22, 4.35679e-320, 3.14159265358979,
        2.718281828459045, 1.0000000000000002, 0.9999999999999999]
for e in range(-1074, 1024, 7):
    x = math.ldexp(1.0, e)
    vals += [x, math.nextafter(x, 0.0), math.nextafter(x, math.inf)] if hasattr(math, "nextafter") else [x]
for e in range(-323, 309, 5):
    x = float("1e%d" % e)
    vals += [x, -x]
for k in range(0, 54, 3):
    vals += [float(2 ** k), float(2 ** k + 1), -float(2 ** k - 1)]
rng = random.Random(20261204)
for _ in range(1200):
    b = rng.getrandbits(64)
    x = from_bits(b)
    if math.isfinite(x):
        vals.append(x)
for _ in range(600):
    d = rng.randint(1, 17)
    m = rng.randint(1, 10 ** d - 1)
    vals.append(float("%de%d" % (m, rng.randint(-30, 30))))
with open("awkward.csv", "w") as f:
    f.write("bits,repr,long\n")
    for x in vals:
        r = repr(x)
        if r.endswith(".0"):
            r = r[:-2]
        r = {"inf": "Inf", "-inf": "-Inf"}.get(r, r)
        lng = "%+.16E" % x if math.isfinite(x) else ("+INF" if x > 0 else "-Infinity")
        f.write("%016x,%s,%s\n" % (bits(x), r, lng))

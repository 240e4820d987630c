# Reference normal draws of r:normal (modules/rng/ziggurat.c) from a second,
# independent implementation: Python floats and integers, written from
# Marsaglia & Tsang (2000, J. Stat. Softw. 5(8)) and Marsaglia (1964,
# Ann. Math. Statist. 35) as documented in modules/rng/ziggurat.h. The table
# is built differently on purpose: the layer recurrence uses
# x' = sqrt(-2 log(f(x) + v/x)) (not the log1p form of the C code) and r is
# found by the secant method, not bisection; so the tables agree to
# rounding, not bit for bit, and the test compares with a tolerance.
# Run: /usr/bin/python3 tests/ref/rng/make_ziggurat.py > tests/ref/rng/ziggurat.txt
import math

M = (1 << 64) - 1

def splitmix(state):
    state = (state + 0x9e3779b97f4a7c15) & M
    z = state
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M
    return state, z ^ (z >> 31)

def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M

class Xoshiro:
    def __init__(self, seed):
        x, self.s = seed & M, []
        for _ in range(4):
            x, z = splitmix(x)
            self.s.append(z)
    def next(self):
        s = self.s
        out = (rotl((s[0] + s[3]) & M, 23) + s[0]) & M
        t = (s[1] << 17) & M
        s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t
        s[3] = rotl(s[3], 45)
        return out

f = lambda x: math.exp(-0.5 * x * x)
NL = 256

def area(r):
    return r * f(r) + math.sqrt(math.pi / 2) * math.erfc(r / math.sqrt(2))

def closing(r):
    """top-layer area minus v after 254 steps of the recurrence"""
    v, x = area(r), [r]
    for _ in range(NL - 2):
        t = f(x[-1]) + v / x[-1]
        if t >= 1:
            return None, None
        x.append(math.sqrt(-2 * math.log(t)))
    return x[-1] * (1 - f(x[-1])) - v, x

# regula falsi (Illinois) on r in a bracket found by scanning upwards from
# 3.6 in steps of 0.001 (below the root the layers reach the top early)
a = 3.6
while closing(a + 0.001)[0] is None or closing(a + 0.001)[0] < 0:
    a += 0.001
b = a + 0.001
ga, gb = closing(a)[0], closing(b)[0]
if ga is None:
    ga = -1.0  # any negative value keeps the bracket
side = 0
for _ in range(200):
    c = b - gb * (b - a) / (gb - ga)
    if not a < c < b:
        break
    gc = closing(c)[0]
    if gc is None or gc < 0:
        a, ga = c, (-1.0 if gc is None else gc)
        if side == -1: gb /= 2
        side = -1
    else:
        b, gb = c, gc
        if side == 1: ga /= 2
        side = 1
    if gc == 0 or b - a < 1e-15:
        break
r = a if abs(ga) < abs(gb) else b
v = area(r)
xs = [v / f(r)] + closing(r)[1] + [0.0]          # x[0..256]
fs = [f(x) for x in xs]
ks = [math.floor(xs[i + 1] / xs[i] * 2.0 ** 53) for i in range(NL)]

def draw(g, log):
    while True:
        b = g.next()
        i, neg, j = b & 0xff, (b >> 8) & 1, b >> 11
        x = j * 2.0 ** -53 * xs[i]
        if j < ks[i]:
            kind = "fast"
        elif i == 0:
            while True:
                a = -math.log(((g.next() >> 11) + 1) * 2.0 ** -53) / r
                c = -math.log(((g.next() >> 11) + 1) * 2.0 ** -53)
                if c + c >= a * a:
                    break
            x, kind = r + a, "tail"
        else:
            u = (g.next() >> 11) * 2.0 ** -53
            y = fs[i] + u * (fs[i + 1] - fs[i])
            if not y < f(x):
                continue
            kind = "wedge"
        log.append(kind)
        return -x if neg else x

print("# r and v of the table; then per seed: the first 10 draws, and the")
print("# (1-based index, value) of the first 3 tail and 3 wedge draws among")
print("# the first 20000 (r:normal(20000) from rng.new(seed))")
print("r %.17g" % r)
print("v %.17g" % v)
for seed in (1, 42, -7):
    g, log = Xoshiro(seed), []
    z = [draw(g, log) for _ in range(20000)]
    print("first_%d %s" % (seed, " ".join("%.17g" % t for t in z[:10])))
    for kind in ("tail", "wedge"):
        idx = [i for i, k in enumerate(log) if k == kind][:3]
        print("%s_%d %s" % (kind, seed, " ".join("%d %.17g" % (i + 1, z[i]) for i in idx)))

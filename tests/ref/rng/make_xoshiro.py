# Reference outputs of SplitMix64 seeding + xoshiro256++, from a second,
# independent implementation (Python integers, written from the paper:
# Blackman & Vigna 2021, and Steele, Lea & Flood 2014), for tests/c/test_rng.c.
# Run: /usr/bin/python3 tests/ref/rng/make_xoshiro.py > tests/ref/rng/xoshiro.txt
M = (1 << 64) - 1

def splitmix(state):
    state = (state + 0x9e3779b97f4a7c15) & M
    z = state
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M
    return state, z ^ (z >> 31)

def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M

def step(s):
    out = (rotl((s[0] + s[3]) & M, 23) + s[0]) & M
    t = (s[1] << 17) & M
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t
    s[3] = rotl(s[3], 45)
    return out

def seeded(seed):
    x, s = seed & M, []
    for _ in range(4):
        x, z = splitmix(x)
        s.append(z)
    return s

print("# seed: state words after SplitMix64 seeding, then the first 5 outputs (hex)")
for seed in (0, 42, -1):
    s = seeded(seed)
    print("state_%d %s" % (seed, " ".join("0x%016x" % w for w in s)))
    print("out_%d %s" % (seed, " ".join("0x%016x" % step(s) for _ in range(5))))
s = [1, 2, 3, 4]
print("out_1234 %s" % " ".join("0x%016x" % step(s) for _ in range(5)))

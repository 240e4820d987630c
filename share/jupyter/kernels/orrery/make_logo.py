"""Draws the kernel's logo (an orrery: a sun, an orbit, a planet) as
logo-64x64.png and logo-32x32.png beside this script, and logo-svg.svg, the
same drawing. Standard library only (zlib, struct); 4x4 supersampling for
smooth edges. Run: /usr/bin/python3 make_logo.py"""
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
# the drawing on a 64-unit square
SUN = (32, 32, 12, (242, 153, 28))
ORBIT = (32, 32, 25, 2.5, (70, 90, 130))
PLANET = (32 + 25 * 0.7071, 32 - 25 * 0.7071, 6, (38, 110, 200))


def pixel(x, y):
    """RGBA of the point (x, y) in drawing units."""
    cx, cy, r, col = PLANET
    if (x - cx) ** 2 + (y - cy) ** 2 <= r * r:
        return col + (255,)
    cx, cy, r, col = SUN
    if (x - cx) ** 2 + (y - cy) ** 2 <= r * r:
        return col + (255,)
    cx, cy, r, w, col = ORBIT
    d = ((x - cx) ** 2 + (y - cy) ** 2) ** 0.5
    if abs(d - r) <= w / 2:
        return col + (255,)
    return (0, 0, 0, 0)


def png(size, path):
    ss = 4
    rows = []
    for j in range(size):
        row = bytearray([0])  # filter: none
        for i in range(size):
            acc = [0, 0, 0, 0]
            for a in range(ss):
                for b in range(ss):
                    x = (i + (a + 0.5) / ss) * 64 / size
                    y = (j + (b + 0.5) / ss) * 64 / size
                    p = pixel(x, y)
                    for k in range(3):
                        acc[k] += p[k] * p[3]
                    acc[3] += p[3]
            alpha = acc[3] / (ss * ss)
            rgb = [round(acc[k] / acc[3]) if acc[3] else 0 for k in range(3)]
            row += bytes(rgb + [round(alpha)])
        rows.append(bytes(row))

    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xFFFFFFFF)

    data = (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
            + chunk(b"IEND", b""))
    with open(path, "wb") as f:
        f.write(data)


def svg(path):
    hexc = lambda c: "#%02x%02x%02x" % c
    with open(path, "w") as f:
        f.write('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">\n')
        f.write('  <circle cx="%g" cy="%g" r="%g" fill="none" stroke="%s" stroke-width="%g"/>\n'
                % (ORBIT[0], ORBIT[1], ORBIT[2], hexc(ORBIT[4]), ORBIT[3]))
        f.write('  <circle cx="%g" cy="%g" r="%g" fill="%s"/>\n' % (SUN[0], SUN[1], SUN[2], hexc(SUN[3])))
        f.write('  <circle cx="%.2f" cy="%.2f" r="%g" fill="%s"/>\n'
                % (PLANET[0], PLANET[1], PLANET[2], hexc(PLANET[3])))
        f.write('</svg>\n')


png(64, os.path.join(HERE, "logo-64x64.png"))
png(32, os.path.join(HERE, "logo-32x32.png"))
svg(os.path.join(HERE, "logo-svg.svg"))

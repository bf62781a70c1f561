#!/usr/bin/env python3
"""bench/iris/overlay.py — segmentation overlays for the weakest genuine pairs.

Reads `shanakht iris bench ... --scores S --circles C` output and writes, for
the N genuine pairs of highest HD, one small PNG per pair (both eyes side by
side, pupil circle green, limbus red) to OUT, plus a list of them with each
image's circles, so the causes can be read off (docs/iris.md).
    bench/iris/overlay.py SCORES CIRCLES OUT [N]
Only 8-bit greyscale, non-interlaced PNGs are read (the IITD images); the
Python standard library only (zlib), no image package.
"""
import math
import os
import struct
import sys
import zlib


def png_read(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        ln, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + ln]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, inter = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype != 0 or inter:
                raise ValueError("only 8-bit grey PNGs")
        elif kind == b"IDAT":
            idat += body
        pos += 12 + ln
    raw = zlib.decompress(idat)
    rows, prev, stride = [], bytearray(w), w + 1
    for y in range(h):
        ft, line = raw[y * stride], bytearray(raw[y * stride + 1:(y + 1) * stride])
        for x in range(w):
            a = line[x - 1] if x else 0
            b = prev[x]
            c = prev[x - 1] if x else 0
            if ft == 1:
                line[x] = (line[x] + a) & 255
            elif ft == 2:
                line[x] = (line[x] + b) & 255
            elif ft == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pr) & 255
        rows.append(line)
        prev = line
    return w, h, rows


def png_write(path, w, h, rgb):
    raw = b"".join(b"\x00" + bytes(rgb[y]) for y in range(h))

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def circle(rgb, w, h, x0, cx, cy, r, col):
    for k in range(int(2 * math.pi * r) + 8):
        t = 2 * math.pi * k / (int(2 * math.pi * r) + 8)
        x, y = int(round(cx + r * math.cos(t))), int(round(cy + r * math.sin(t)))
        if 0 <= x < w and 0 <= y < h:
            rgb[y][3 * (x0 + x):3 * (x0 + x) + 3] = bytes(col)


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: overlay.py SCORES CIRCLES OUT [N]")
    scores, circles, out = sys.argv[1:4]
    top = int(sys.argv[4]) if len(sys.argv) > 4 else 40
    circ = {}
    for line in open(circles):
        f = line.rstrip("\n").split("\t")
        circ[f[0]] = None if f[1] == "failed" else [float(v) for v in f[1:7]] + [int(f[7])]
    gen = []
    for line in open(scores):
        a, b, s, kind = line.rstrip("\n").split("\t")
        if kind == "genuine":
            gen.append((1 - float(s), a, b))
    gen.sort(reverse=True)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "list.tsv"), "w") as lst:
        for i, (hd, a, b) in enumerate(gen[:top]):
            wa, ha, ra = png_read(a)
            wb, hb, rb = png_read(b)
            W, H = wa + wb, max(ha, hb)
            rgb = [bytearray(3 * W) for _ in range(H)]
            for y in range(H):
                for x in range(wa):
                    v = ra[y][x] if y < ha else 0
                    rgb[y][3 * x:3 * x + 3] = bytes((v, v, v))
                for x in range(wb):
                    v = rb[y][x] if y < hb else 0
                    rgb[y][3 * (wa + x):3 * (wa + x) + 3] = bytes((v, v, v))
            for x0, wd, hd_, p in ((0, wa, ha, a), (wa, wb, hb, b)):
                c = circ.get(p)
                if c:
                    circle(rgb, x0 + wd, H, 0, x0 + c[0], c[1], c[2], (0, 255, 0))
                    circle(rgb, x0 + wd, H, 0, x0 + c[3], c[4], c[5], (255, 0, 0))
            name = "%02d_%.3f_%s_%s.png" % (i, hd, a.split("/")[-2] + "-" + a.split("/")[-1][:4],
                                              b.split("/")[-1][:4])
            png_write(os.path.join(out, name), W, H, rgb)
            lst.write("%s\t%.4f\t%s\t%s\t%s\t%s\n" % (name, hd, a, b, circ.get(a), circ.get(b)))


if __name__ == "__main__":
    main()

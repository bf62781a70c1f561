#!/usr/bin/env python3
"""bench/iris/split.py — the split-half check from one `iris bench --scores` file.

Scores the pairs whose two samples both belong to subjects A..B (the IITD
layout DIR/NNN/KK_E.png), e.g. 1-40 (where constants may be looked at) and
41-80 (held out), with the bench's own definitions: EER, FNMR at FMR 0.01%
(threshold = the score that at most 0.01% of impostors reach or exceed).
    bench/iris/split.py SCORES 1-40 41-80
"""
import sys


def subject(path):
    return int(path.rstrip("/").split("/")[-2])


def rates(gen, imp):
    gen, imp = sorted(gen), sorted(imp)
    # EER: the threshold where FNMR (gen < t) and FMR (imp >= t) cross
    best, ig, ii, ng, ni = (2.0, 0), 0, 0, len(gen), len(imp)
    for t in sorted(set(gen + imp)):
        while ig < ng and gen[ig] < t:
            ig += 1
        while ii < ni and imp[ii] < t:
            ii += 1
        fnmr, fmr = ig / ng, (ni - ii) / ni
        if abs(fnmr - fmr) < best[0]:
            best = (abs(fnmr - fmr), (fnmr + fmr) / 2)
    eer = best[1]
    k = int(ni * 1e-4)  # impostors allowed at or above the threshold
    thr = imp[ni - 1 - k] + 1e-7 if ni > k else imp[-1]
    fnmr01 = sum(1 for g in gen if g < thr) / ng
    return eer, fnmr01


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: split.py SCORES A-B [C-D ...]")
    ranges = [tuple(int(v) for v in r.split("-")) for r in sys.argv[2:]]
    data = {r: ([], []) for r in ranges}
    for line in open(sys.argv[1]):
        a, b, s, kind = line.rstrip("\n").split("\t")
        sa, sb = subject(a), subject(b)
        for r in ranges:
            if r[0] <= sa <= r[1] and r[0] <= sb <= r[1]:
                data[r][0 if kind == "genuine" else 1].append(float(s))
    for r in ranges:
        g, i = data[r]
        eer, f = rates(g, i)
        print("subjects %d-%d: genuine %d impostor %d EER %.3f%% FNMR at FMR 0.01%% %.3f%%"
              % (r[0], r[1], len(g), len(i), 100 * eer, 100 * f))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Rebuilds rules/aliases/given_names.tsv: given names with the sex they are borne by.

Source: the 1990 US Census first-name frequency lists (public domain, a work of the US
Government), as shipped in the `names` package on PyPI (version 0.3.0, MIT licence, its README
states the data files are public domain): names/dist.male.first and names/dist.female.first,
each line NAME, percent of people of that sex bearing it, cumulative percent, rank.

A name is `m` when at least RATIO times more common among men than among women, `f` the other
way round; names borne by both (Jean, Chris, Leslie) are left out. A name missing from one list
is counted at that list's smallest percentage (the lists stop at 90% coverage), so a rare name
is left out rather than guessed.

Usage: scripts/given-names.py [DIR]  (DIR: where to download the package; default target/names)
"""
import os
import subprocess
import sys
import tarfile

RATIO = 10.0
VERSION = "0.3.0"


def read(path):
    out = {}
    with open(path, encoding="ascii") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2:
                out[parts[0].lower()] = float(parts[1])
    return out


def main():
    root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    work = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "target", "names")
    os.makedirs(work, exist_ok=True)
    sdist = os.path.join(work, f"names-{VERSION}.tar.gz")
    if not os.path.exists(sdist):
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
             f"names=={VERSION}", "-d", work],
            check=True,
        )
    with tarfile.open(sdist) as t:
        t.extractall(work)
    data = os.path.join(work, f"names-{VERSION}", "names")
    male = read(os.path.join(data, "dist.male.first"))
    female = read(os.path.join(data, "dist.female.first"))
    male_floor, female_floor = min(male.values()), min(female.values())
    rows = []
    for name in sorted(set(male) | set(female)):
        m = male.get(name, male_floor)
        f = female.get(name, female_floor)
        sex = "m" if m >= RATIO * f else "f" if f >= RATIO * m else "u"
        if sex != "u":
            rows.append((name, sex))
    out = os.path.join(root, "rules", "aliases", "given_names.tsv")
    with open(out, "w", encoding="ascii", newline="\n") as w:
        w.write(
            "# Given names borne (almost) only by men (m) or only by women (f), lowercase ASCII;\n"
            "# names borne by both (Jean, Chris) or too rare to tell are not listed.\n"
            "# From the 1990 US Census first-name lists (public domain, US Government work) as\n"
            f"# shipped in the PyPI package `names` {VERSION} (MIT; its data files public domain).\n"
            f"# m: at least {RATIO:g} times more common among men than women; f: the reverse.\n"
            "# Regenerate with scripts/given-names.py. Matching reads it in src/dedupe/aliases.rs.\n"
            "name\tsex\n"
        )
        for name, sex in rows:
            w.write(f"{name}\t{sex}\n")
    counts = {s: sum(1 for _, x in rows if x == s) for s in "mf"}
    print(f"{out}: {len(rows)} names ({counts})")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Builds data/registry/befolkning-2020-inndeling.csv: population on 1 January 2024-2026 at 2020
borders, by adding up the 2024 municipalities that came from each 2020 municipality.

This is exact, never an apportionment: every 2024 municipality has exactly one 2020 predecessor
(the 2024 changes were splits, e.g. 2020 Ålesund 1507 -> 2024 Ålesund 1508 + Haram 1580), so a
2020 municipality is the sum of what it became. The script refuses if that stops being true.
"""
import collections
import csv
import pathlib

root = pathlib.Path(__file__).resolve().parents[2] / "data" / "registry"
transitions = [r for r in csv.DictReader(open(root / "kommunenummer-overgang.csv", encoding="utf-8"))
               if r["fra_inndeling"] == "2020"]
sources = collections.defaultdict(set)
for r in transitions:
    sources[r["kommunenummer_2024"]].add(r["kommunenummer_fra"])
merged = {code: s for code, s in sources.items() if len(s) != 1}
if merged:
    raise SystemExit(f"2024-kommuner med mer enn én 2020-forgjenger, kan ikke summeres: {merged}")

totals = collections.Counter()
for r in csv.DictReader(open(root / "befolkning-2024-inndeling.csv", encoding="utf-8")):
    (source,) = sources[r["kommunenummer"]]
    totals[(source, int(r["år"]))] += int(r["innbyggere"])

with open(root / "befolkning-2020-inndeling.csv", "w", encoding="utf-8", newline="") as out:
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["kommunenummer", "år", "innbyggere"])
    for (number, year), count in sorted(totals.items()):
        w.writerow([number, year, count])
for year in sorted({y for _, y in totals}):
    print(year, sum(c for (_, y), c in totals.items() if y == year))

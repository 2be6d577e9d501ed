#!/usr/bin/env python3
"""Wraps every <table> in a template that is not already inside a scrolling region in
<div class="table-wrap" tabindex="0" role="region" aria-label="…">, named after the table's
caption (or "Tabell"), so a wide table scrolls inside its own region at 320 px (WCAG 1.4.10).
Usage: scripts/dev/wrap-tables.py TEMPLATE..."""
import re, sys

for path in sys.argv[1:]:
    s = open(path).read()
    out, pos = [], 0
    for m in re.finditer(r'<table\b[^>]*>.*?</table>', s, re.S):
        before = s[max(0, m.start() - 200):m.start()]
        out.append(s[pos:m.start()])
        pos = m.end()
        if 'table-wrap' in before:
            out.append(m.group(0))
            continue
        cap = re.search(r'<caption[^>]*>(.*?)</caption>', m.group(0), re.S)
        name = re.sub(r'<[^>]+>', '', cap.group(1)).strip() if cap else 'Tabell'
        name = name.replace('"', '&quot;') or 'Tabell'
        out.append(f'<div class="table-wrap" tabindex="0" role="region" aria-label="{name}">\n{m.group(0)}\n</div>')
    out.append(s[pos:])
    new = ''.join(out)
    if new != s:
        open(path, 'w').write(new)
        print('wrapped', path)

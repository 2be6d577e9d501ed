#!/usr/bin/env python3
"""Checks that every acknowledged save in an acks file (JSON lines: id, version, value) is in
the database: the submission's version is at least the acknowledged one, the newest
acknowledged value is there when its version is the current one, and every acknowledged save
has its audit row. Prints 'acknowledged N, lost M' and exits 1 when anything is lost."""
import json, subprocess, sys, sqlite3

def rows(url, sql):
    if url.startswith("sqlite://"):
        with sqlite3.connect(url[len("sqlite://"):]) as c:
            return c.execute(sql).fetchall()
    out = subprocess.run(["psql", url, "-AtF", "\t", "-c", sql], check=True, capture_output=True, text=True).stdout
    return [tuple(line.split("\t")) for line in out.splitlines() if line]

def main(url, acks_path):
    acks = [json.loads(l) for l in open(acks_path) if l.strip()]
    newest, saves = {}, {}
    for a in acks:
        saves[a["id"]] = saves.get(a["id"], 0) + 1
        if a["version"] > newest.get(a["id"], {"version": -1})["version"]:
            newest[a["id"]] = a
    ids = ",".join(str(i) for i in newest) or "0"
    current = {int(i): (int(v), a) for i, v, a in rows(url, f"SELECT id, version, answers FROM submissions WHERE id IN ({ids})")}
    quoted = ",".join(f"'{i}'" for i in newest) or "'0'"
    audit_sql = f"SELECT record_id, COUNT(*) FROM audit_events WHERE record_type = 'innlevering' AND record_id IN ({quoted}) GROUP BY record_id"
    audited = {int(r): int(n) for r, n in rows(url, audit_sql)}
    lost = []
    for i, a in newest.items():
        version, answers = current.get(i, (-1, "{}"))
        if version < a["version"]:
            lost.append(f"innlevering {i}: versjon {version} < kvittert {a['version']}")
        elif version == a["version"]:
            value = json.loads(answers).get("digitalt_tilsyn_brukere", {})
            value = value.get("value") if isinstance(value, dict) else value
            if value != a["value"]:
                lost.append(f"innlevering {i}: verdi {value} ≠ kvittert {a['value']}")
        if audited.get(i, 0) < saves[i]:
            lost.append(f"innlevering {i}: {audited.get(i, 0)} loggrader for {saves[i]} kvitterte lagringer")
    print(f"acknowledged {len(acks)}, lost {len(lost)}")
    for l in lost[:20]:
        print("  " + l)
    sys.exit(1 if lost else 0)

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

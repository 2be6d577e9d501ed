#!/usr/bin/env python3
"""Concurrent writers against a running Samveis (loopback only): each client logs in with its own
session and CSRF token and saves its own draft submissions of one round through the JSON API,
for a bounded time. Prints throughput, p50/p95 latency and the answers per status; with --acks,
writes every acknowledged save (submission, version, value) as JSON lines for scripts/crash-test.
Standard library only."""
import argparse, http.client, json, threading, time, urllib.parse, http.cookies, sys

def session(host, port, email, password):
    conn = http.client.HTTPConnection(host, port, timeout=30)
    cookies = {}
    def request(method, path, body=None, headers=None):
        h = dict(headers or {})
        if cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        for value in r.headers.get_all("Set-Cookie") or []:
            c = http.cookies.SimpleCookie(value)
            for k, m in c.items():
                cookies[k] = m.value
        return r.status, data
    request("GET", "/logg-inn")
    form = urllib.parse.urlencode({"_csrf": cookies.get("samveis_csrf", ""), "epost": email, "passord": password})
    status, _ = request("POST", "/logg-inn", form, {"Content-Type": "application/x-www-form-urlencoded"})
    if status != 303:
        raise SystemExit(f"innlogging som {email} feilet: {status}")
    status, me = request("GET", "/api/v1/me")
    return request, json.loads(me)["csrf_token"]

def drafts(request, round_name, wanted):
    """Drafts of the named round first (saved with a value), then of the other rounds (saved
    unchanged) until every client has at least one; as (id, answers to save or None)."""
    _, rounds = request("GET", "/api/v1/rounds")
    rounds = sorted(json.loads(rounds), key=lambda r: r["name"] != round_name)
    found = []
    for r in rounds:
        _, subs = request("GET", f"/api/v1/submissions?round={r['id']}")
        valued = r["name"] == round_name
        found += [(s["id"], valued) for s in json.loads(subs) if s["state"] == "draft"]
        if len(found) >= wanted and not valued:
            break
    return found

def retrying(step, until):
    """Runs step() until it succeeds or the time is up (the server may be restarting)."""
    while time.time() < until:
        try:
            return step()
        except (OSError, http.client.HTTPException, SystemExit, ValueError, KeyError):
            time.sleep(0.2)
    return None

def client(args, ids, results, acks, lock, start_at):
    deadline = start_at + args.seconds
    def setup():
        request, token = session(args.host, args.port, args.email, args.password)
        versions = {i: json.loads(request("GET", f"/api/v1/submissions/{i}")[1])["version"] for i, _ in ids}
        return request, token, versions
    ready = retrying(setup, deadline)
    if ready is None:
        return
    request, token, versions = ready
    headers = {"Content-Type": "application/json", "X-CSRF-Token": token}
    while time.time() < start_at:
        time.sleep(0.001)
    n = 0
    while time.time() < deadline:
        i, valued = ids[n % len(ids)]
        value = n if valued else None
        answers = {"digitalt_tilsyn_brukere": value} if valued else {}
        body = json.dumps({"version": versions[i], "answers": answers, "submit": False})
        t0 = time.perf_counter()
        try:
            status, data = request("PUT", f"/api/v1/submissions/{i}", body, headers)
        except (OSError, http.client.HTTPException):
            status, data = "tilkobling", b""
            again = retrying(lambda: session(args.host, args.port, args.email, args.password), deadline)
            if again is None:
                break
            request, headers["X-CSRF-Token"] = again
        elapsed = time.perf_counter() - t0
        if status == 200:
            versions[i] = json.loads(data)["version"]
            if acks is not None and valued:
                with lock:
                    acks.write(json.dumps({"id": i, "version": versions[i], "value": value}) + "\n")
                    acks.flush()
        elif status in (409, "tilkobling"):
            # Someone (or a save whose answer was lost with the server) moved the version on.
            fresh = retrying(lambda: json.loads(request("GET", f"/api/v1/submissions/{i}")[1])["version"], deadline)
            if fresh is not None:
                versions[i] = fresh
        with lock:
            results.append((status, elapsed))
        n += 1

def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--url", default="http://127.0.0.1:8080")
    p.add_argument("--clients", type=int, default=4)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--round", default="Teknologistatus 2025")
    p.add_argument("--email", default="admin@samveis.demo")
    p.add_argument("--password", default="samveis-demo")
    p.add_argument("--acks")
    args = p.parse_args()
    u = urllib.parse.urlparse(args.url)
    if u.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("bare mot en server på denne maskinen (127.0.0.1)")
    args.host, args.port = u.hostname, u.port or 80
    request, _ = session(args.host, args.port, args.email, args.password)
    ids = drafts(request, args.round, args.clients)
    if len(ids) < args.clients:
        raise SystemExit(f"bare {len(ids)} utkast i runden, for {args.clients} klienter")
    share = [ids[k::args.clients] for k in range(args.clients)]
    results, lock = [], threading.Lock()
    acks = open(args.acks, "a") if args.acks else None
    start_at = time.time() + 1.0 + args.clients * 0.05
    threads = [threading.Thread(target=client, args=(args, share[k], results, acks, lock, start_at)) for k in range(args.clients)]
    for t in threads: t.start()
    for t in threads: t.join()
    total = len(results)
    ok = sorted(e for s, e in results if s == 200)
    by_status = {}
    for s, _ in results:
        by_status[str(s)] = by_status.get(str(s), 0) + 1
    pct = lambda q: (ok[min(len(ok) - 1, int(q * len(ok)))] * 1000) if ok else float("nan")
    errors = total - len(ok)
    print(json.dumps({
        "clients": args.clients, "seconds": args.seconds, "writes": total,
        "per_second": round(len(ok) / args.seconds, 1),
        "p50_ms": round(pct(0.50), 2), "p95_ms": round(pct(0.95), 2),
        "error_rate": round(errors / total, 4) if total else 0.0, "statuses": by_status,
    }))

if __name__ == "__main__":
    main()

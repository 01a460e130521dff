#!/usr/bin/env python3
"""Search as you type, one kind at a time: where a search's time goes.

    bench/load/search_kinds.py --base http://127.0.0.1:PORT --titles titles.txt [--queries 150]

Against a running `ampli serve` on a catalog generated as bench/load/run makes it, sends the same sample
of queries (a prefix of a known title, two letters up to the whole title, as bench/load's
search.lua makes them; seeded, so every run sends the same ones) one at a time, once per
kind (`type=songs`, `albums`, …) and once with every kind, and prints p50/p95/p99 of each.
The sample is sent once to warm the caches first. Run it against two binaries on the same
database, one after the other, to compare them. Standard library only.
"""

import argparse
import random
import statistics
import time
import urllib.parse
import urllib.request

KINDS = ["songs", "albums", "artists", "users", "playlists", None]


def sample(titles, count):
    rng = random.Random(7)
    queries = []
    for _ in range(count):
        title = rng.choice(titles)
        queries.append(title[: rng.randint(min(2, len(title)), len(title))])
    return queries


def timings(base, queries, kind):
    spent = []
    for query in queries:
        url = f"{base}/api/v1/search?limit=10&q={urllib.parse.quote(query)}"
        if kind:
            url += f"&type={kind}"
        started = time.perf_counter()
        with urllib.request.urlopen(url, timeout=30) as answer:
            answer.read()
        spent.append((time.perf_counter() - started) * 1000)
    return sorted(spent)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="the server, http://127.0.0.1:PORT")
    parser.add_argument("--titles", required=True, help="song titles, one a line")
    parser.add_argument("--queries", type=int, default=150)
    args = parser.parse_args()
    with open(args.titles, encoding="utf-8") as f:
        titles = [line.rstrip("\n") for line in f if line.strip()]
    queries = sample(titles, args.queries)
    for kind in KINDS:
        timings(args.base, queries, kind)  # warm-up
    print(f"| kind | p50 ms | p95 ms | p99 ms | mean ms |  ({len(queries)} queries)")
    print("|---|---|---|---|---|")
    for kind in KINDS:
        spent = timings(args.base, queries, kind)
        pick = lambda share: spent[min(len(spent) - 1, int(len(spent) * share))]
        print(f"| {kind or 'all kinds'} | {pick(0.5):.1f} | {pick(0.95):.1f} | "
              f"{pick(0.99):.1f} | {statistics.mean(spent):.1f} |")


if __name__ == "__main__":
    main()

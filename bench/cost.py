#!/usr/bin/env python3
"""Benchmark lemma on hostile sizes (issue "Nothing lost, nothing outside", class 6): work and
output must grow linearly with the input.

Generates one single-article site per case and times `lemma build` (release binary) on it:

- links:     an article holding SIZE MB of links (each paragraph a link, an image, a footnote),
             which the feed copies with every URL made absolute
- headings:  20,000 identical headings `## Proof` (ids proof, proof-1, …)
- footnotes: 20,000 footnotes, each cited twice
- problems:  20,000 broken links and 20,000 suspicious formulas on one line (errors and
             warnings; the report shows a few, each with a window of the line)

Prints wall time, peak RSS and the size of the report on stderr per case. Not part of
`cargo test`.

    python3 bench/cost.py [--size-mb 2] [--cases links,headings,footnotes,problems]
                          [--lemma PATH] [--work /tmp/lemma-cost-bench]

Without --lemma it builds the release binary first (into $CARGO_TARGET_DIR or target/).
"""
import argparse
import os
import shutil
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FRONT = "---\ntitle: A\ndate: 2024-01-01\nid: 1\n---\n"
COUNT = 20_000


def links_body(size_mb):
    paragraphs, notes, i = [], [], 0
    size = 0
    while size < size_mb * 1024 * 1024:
        paragraph = f"See [page {i}](/archives/1/) and ![figure {i}](/archives/1/)[^n{i}].\n\n"
        note = f"[^n{i}]: Note {i}, [back](#top).\n"
        paragraphs.append(paragraph)
        notes.append(note)
        size += len(paragraph) + len(note)
        i += 1
    return "## Top\n\n" + "".join(paragraphs) + "".join(notes)


def headings_body(_):
    return "## Proof\n\nText.\n\n" * COUNT


def footnotes_body(_):
    cited = "".join(f"Cited[^n{i}] and again[^n{i}].\n\n" for i in range(COUNT))
    return cited + "".join(f"[^n{i}]: Note {i}.\n" for i in range(COUNT))


def problems_body(_):
    return "[x](nope.md) $价$ " * COUNT + "\n"


CASES = {
    "links": links_body,
    "headings": headings_body,
    "footnotes": footnotes_body,
    "problems": problems_body,
}


def make_site(work, case, size_mb):
    site = os.path.join(work, case)
    shutil.rmtree(site, ignore_errors=True)
    os.makedirs(os.path.join(site, "content"))
    with open(os.path.join(site, "lemma.yaml"), "w") as f:
        f.write("title: bench\nbase_url: https://example.org/\n")
    with open(os.path.join(site, "content", "a.md"), "w", encoding="utf-8") as f:
        f.write(FRONT + CASES[case](size_mb))
    return site


def timed_build(lemma, site):
    """Wall seconds, peak RSS (MiB), report bytes and exit code of `lemma build`, via GNU time."""
    report = os.path.join(site, "report.txt")
    start = time.monotonic()
    with open(report, "w") as stderr:
        proc = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", os.path.join(site, "rss.txt"),
             lemma, "build", "--no-cache", "--root", site],
            stdout=subprocess.DEVNULL, stderr=stderr,
        )
    wall = time.monotonic() - start
    with open(os.path.join(site, "rss.txt")) as f:
        rss_kb = int(f.read().split()[-1])
    return wall, rss_kb / 1024, os.path.getsize(report), proc.returncode


def release_binary():
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "lemma"], cwd=REPO, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target"))
    return os.path.join(target, "release", "lemma")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=float, default=2.0)
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--lemma", help="the binary to time (default: build the release binary)")
    parser.add_argument("--work", default="/tmp/lemma-cost-bench")
    args = parser.parse_args()
    cases = args.cases.split(",")
    unknown = [c for c in cases if c not in CASES]
    if unknown:
        sys.exit(f"unknown case(s) {', '.join(unknown)}; known: {', '.join(CASES)}")
    lemma = args.lemma or release_binary()
    os.makedirs(args.work, exist_ok=True)
    print(f"{'case':<10} {'article':>10} {'wall':>9} {'peak RSS':>10} {'report':>12}  exit")
    for case in cases:
        site = make_site(args.work, case, args.size_mb)
        size = os.path.getsize(os.path.join(site, "content", "a.md"))
        wall, rss, report, code = timed_build(lemma, site)
        print(f"{case:<10} {size / 1e6:>8.2f} MB {wall:>7.2f} s {rss:>6.0f} MiB {report:>10} B  {code}")


if __name__ == "__main__":
    main()

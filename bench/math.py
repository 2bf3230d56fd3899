#!/usr/bin/env python3
"""Benchmark lemma's math pipeline against the floor (issue "Math").

Generates the shared synthetic corpus, builds it cold (no formula cache) and warm, and renders
the corpus's distinct formulas with bare katex::render_with_opts calls on all cores (the floor).
Prints one table, with the cost per distinct formula and the bytes of the pages. `--output`
sets `math.output` of the site (and KaTeX's `output` of the floor). Not part of `cargo test`:
it takes minutes.

    python3 bench/math.py [--articles 1000] [--seed 42] [--work /tmp/lemma-bench]
                          [--output htmlAndMathml|mathml|html]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(os.path.dirname(REPO), "shared", "bench", "gen_corpus.py")


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw)


def timed(cmd, env=None):
    """Wall seconds, CPU seconds and peak RSS (MiB) of a command, via GNU time; `env` adds
    environment variables."""
    start = time.monotonic()
    proc = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", *cmd], text=True, capture_output=True,
                          env={**os.environ, **(env or {})})
    wall = time.monotonic() - start
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{proc.stderr[-3000:]}")
    user, system, rss_kb = proc.stderr.strip().splitlines()[-1].split()
    return wall, float(user) + float(system), int(rss_kb) / 1024, proc.stderr, proc.stdout


def make_site(work, articles, seed, output):
    corpus = os.path.join(work, f"corpus-{articles}")
    manifest = os.path.join(work, f"manifest-{articles}.json")
    site = os.path.join(work, f"site-{articles}")
    if not os.path.exists(manifest):
        run([sys.executable, GEN, corpus, "--articles", str(articles), "--seed", str(seed), "--manifest", manifest])
    shutil.rmtree(site, ignore_errors=True)
    os.makedirs(os.path.join(site, "static", "images"))
    shutil.copytree(corpus, os.path.join(site, "content"))
    with open(os.path.join(site, "lemma.yaml"), "w") as f:
        f.write(f"title: bench\nbase_url: https://example.org/\nmath:\n  output: {output}\n")
    # The corpus references images it does not ship; lemma rightly rejects dangling links.
    for name in os.listdir(corpus):
        with open(os.path.join(corpus, name), encoding="utf-8") as f:
            for image in re.findall(r"\]\(/images/([^)]+)\)", f.read()):
                open(os.path.join(site, "static", "images", image), "w").close()
    return site, manifest


def output_bytes(public):
    """Bytes of the HTML pages under `public`, and of every file there."""
    html = total = 0
    for folder, _, files in os.walk(public):
        for name in files:
            size = os.path.getsize(os.path.join(folder, name))
            total += size
            html += size if name.endswith(".html") else 0
    return html, total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--work", default="/tmp/lemma-bench")
    parser.add_argument("--output", choices=["htmlAndMathml", "mathml", "html"], default="htmlAndMathml")
    args = parser.parse_args()
    if not os.path.exists(GEN):
        sys.exit(f"needs {GEN} (the shared corpus generator)")
    os.makedirs(args.work, exist_ok=True)
    run(["cargo", "build", "--release", "--quiet", "--bin", "lemma", "--example", "katex_floor"], cwd=REPO)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target"))
    lemma = os.path.join(target, "release", "lemma")
    floor_bin = os.path.join(target, "release", "examples", "katex_floor")
    site, manifest = make_site(args.work, args.articles, args.seed, args.output)

    shutil.rmtree(os.path.join(site, ".lemma-cache"), ignore_errors=True)
    build = [lemma, "build", "--drafts", "--root", site]
    cold = timed(build)
    warm = timed(build)
    _, floor_cpu, floor_rss, _, floor_out = timed([floor_bin, manifest, args.output])
    floor = json.loads(floor_out)
    rendered = int(re.search(r"(\d+) rendered", cold[3]).group(1))
    html_bytes, all_bytes = output_bytes(os.path.join(site, "public"))

    print(f"corpus: {args.articles} articles, seed {args.seed}; {os.cpu_count()} cores; math.output: {args.output}")
    print(cold[3].strip().splitlines()[-2])
    print(warm[3].strip().splitlines()[-2])
    print(f"floor: {floor['distinct']} distinct formulas, {floor['failures']} rejected by KaTeX")
    print()
    print("| run | wall s | CPU s | peak MiB |")
    print("|---|---:|---:|---:|")
    print(f"| cold build (no cache) | {cold[0]:.2f} | {cold[1]:.2f} | {cold[2]:.0f} |")
    print(f"| warm build | {warm[0]:.2f} | {warm[1]:.2f} | {warm[2]:.0f} |")
    print(f"| floor (bare KaTeX, all cores) | {floor['seconds']:.2f} | {floor_cpu:.2f} | {floor_rss:.0f} |")
    print()
    print(f"cold / floor = {cold[0] / floor['seconds']:.3f} (target <= 1.15)")
    print(
        f"per distinct formula: cold build {1000 * cold[1] / max(rendered, 1):.2f} ms CPU "
        f"({rendered} rendered), floor {1000 * floor_cpu / max(floor['distinct'], 1):.2f} ms CPU"
    )
    print(f"pages: {html_bytes / 2**20:.1f} MiB of HTML; whole output {all_bytes / 2**20:.1f} MiB")
    print(f"warm = {warm[0]:.2f} s (target <= 1 s); peak = {max(cold[2], warm[2]):.0f} MiB (target <= 300)")


if __name__ == "__main__":
    main()

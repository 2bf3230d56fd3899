#!/usr/bin/env python3
"""What the search index costs, and what making it in parts does to its answers.

Builds the shared synthetic corpus (formula cache warm, `--drafts`, as `bench/peers.py` does)
and reports wall time, peak memory (GNU time) and index size for: no search; the index in its
default parts; a rebuild with nothing changed; a rebuild after an edit to the newest article;
and the whole index as one part (`LEMMA_SEARCH_PART_BYTES`, what lemma did before parts).
Then asks the real search page of the one-part and the default build the same queries in
headless Chromium: each of 60 article titles (seeded), where the article with that title should
come first, and 30 made-up words, each planted in one article (seeded, across the archive),
where that article should: the case where parts that lack the word could crowd it out. Not part
of `cargo test`: it takes minutes.

    python3 bench/search.py [--articles 1000] [--seed 42] [--work /tmp/lemma-bench-search]
                            [--lemma target/release/lemma] [--chromium /usr/bin/chromium]
"""
import argparse
import collections
import importlib.util
import json
import os
import random
import re
import shutil
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ONE_PART = str(10**15)


def load_math_bench():
    spec = importlib.util.spec_from_file_location("math_bench", os.path.join(REPO, "bench", "math.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(bench, lemma, site, output, env=None):
    """Wall s, peak MiB and summary line of `lemma build --drafts` into `output`."""
    wall, _, peak, stderr, _ = bench.timed([lemma, "build", "--drafts", "--root", site, "--output", output], env)
    summary = next((line for line in stderr.splitlines() if line.startswith("built ")), "")
    return wall, peak, summary


def index_size(output):
    folder = os.path.join(output, "pagefind")
    sizes = [os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(folder) for f in files]
    return sum(sizes), len(sizes)


def articles_of(site):
    """(url, title, text) of each published article of the site."""
    found = []
    content = os.path.join(site, "content")
    for name in sorted(os.listdir(content)):
        text = open(os.path.join(content, name), encoding="utf-8").read()
        _, front, body = text.split("---", 2)
        if re.search(r"^draft: true", front, re.M):
            continue
        title = re.search(r'^title: "?(.*?)"?$', front, re.M).group(1)
        number = re.search(r"^id: (\d+)", front, re.M).group(1)
        found.append((f"/archives/{number}/", title, body))
    return found


def plant_words(site, seed, count=30):
    """Adds a made-up word to `count` articles (seeded): (word, [its article's URL]) each."""
    content = os.path.join(site, "content")
    names = sorted(os.listdir(content))
    rng = random.Random(seed)
    planted = []
    for n, name in enumerate(rng.sample(names, count)):
        path = os.path.join(content, name)
        text = open(path, encoding="utf-8").read()
        if re.search(r"^draft: true", text.split("---", 2)[1], re.M):
            continue
        word = "".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(4)) + "ite"
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"\n\nA note on {word}, which only this article mentions.\n")
        number = re.search(r"^id: (\d+)", text, re.M).group(1)
        planted.append((word, [f"/archives/{number}/"]))
    return planted


def title_queries(site, seed):
    """60 article titles (seeded), each with the URLs of the articles of that title."""
    by_title = collections.defaultdict(list)
    for url, title, _ in articles_of(site):
        by_title[title].append(url)
    titles = random.Random(seed).sample(sorted(by_title), 60)
    return [(title, by_title[title]) for title in titles]


def answers(lemma_outputs, queries, chromium, work):
    path = os.path.join(work, "queries.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump([q for q, _ in queries], f, ensure_ascii=False)
    script = os.path.join(REPO, "bench", "search-quality.mjs")
    sites = [f"{name}={out}" for name, out in lemma_outputs]
    proc = subprocess.run(["node", script, path, chromium, *sites], text=True, capture_output=True)
    if proc.returncode != 0:
        sys.exit(f"search-quality.mjs failed:\n{proc.stderr[-3000:]}")
    got = collections.defaultdict(dict)
    for line in proc.stdout.splitlines():
        row = json.loads(line)
        got[row["site"]][row["query"]] = (row["urls"], row["count"])
    return got


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--work", default="/tmp/lemma-bench-search")
    parser.add_argument("--lemma", default=os.path.join(REPO, "target", "release", "lemma"))
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    bench = load_math_bench()
    os.makedirs(args.work, exist_ok=True)
    site, _ = bench.make_site(args.work, args.articles, args.seed, "htmlAndMathml")
    planted = plant_words(site, args.seed)
    config = os.path.join(site, "lemma.yaml")
    base = open(config).read()
    out = lambda name: os.path.join(args.work, f"public-{name}")
    with open(config, "w") as f:
        f.write(base + "reader:\n  search: false\n")
    build(bench, args.lemma, site, out("warm-up"))
    rows = [("no search", *build(bench, args.lemma, site, out("none")), None)]
    with open(config, "w") as f:
        f.write(base)
    for name in ("parts", "one"):
        shutil.rmtree(out(name), ignore_errors=True)
    wall, peak, summary = build(bench, args.lemma, site, out("parts"))
    rows.append(("search, default parts", wall, peak, summary, index_size(out("parts"))))
    rows.append(("same, nothing changed", *build(bench, args.lemma, site, out("parts")), None))
    newest = max(articles_of(site), key=lambda a: int(a[0].split("/")[2]))
    content = os.path.join(site, "content")
    for name in os.listdir(content):
        path = os.path.join(content, name)
        if f"id: {newest[0].split('/')[2]}\n" in open(path, encoding="utf-8").read():
            with open(path, "a", encoding="utf-8") as f:
                f.write("\n\nOne more paragraph, added by the benchmark.\n")
    rows.append(("same, newest article edited", *build(bench, args.lemma, site, out("parts")), None))
    one = build(bench, args.lemma, site, out("one"), {"LEMMA_SEARCH_PART_BYTES": ONE_PART})
    rows.append(("search, one part", *one, index_size(out("one"))))
    print("| build | wall s | peak MiB | index | summary |")
    print("|---|---:|---:|---:|---|")
    for name, wall, peak, summary, size in rows:
        index = f"{size[0] / 1e6:.1f} MB, {size[1]} files" if size else ""
        summary = re.sub(r"^built .*?formulas \(.*?\), ", "", summary)
        print(f"| {name} | {wall:.2f} | {peak:.0f} | {index} | {summary} |")

    titles = title_queries(site, args.seed)
    got = answers([("one", out("one")), ("parts", out("parts"))], titles + planted, args.chromium, args.work)
    print()
    print("| queries | one part: expected first | parts: expected first | one part / parts: says it found exactly those |")
    print("|---|---:|---:|---:|")
    for name, queries in (("titles", titles), ("a word only one article has", planted)):
        first = {
            site: sum(1 for q, expected in queries if got[site].get(q, ([], 0))[0][:1] and got[site][q][0][0] in expected)
            for site in ("one", "parts")
        }
        exact = {
            site: sum(1 for q, expected in queries if got[site].get(q, ([], 0))[1] == len(expected))
            for site in ("one", "parts")
        }
        print(f"| {name} ({len(queries)}) | {first['one']} | {first['parts']} | {exact['one']} / {exact['parts']} |")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Benchmark `lemma serve` rebuilds (issue "lemma serve"): time from a file write to the new
page being served over HTTP.

Generates the shared synthetic corpus (as bench/math.py does), warms the formula cache with one
`lemma build`, starts `lemma serve` on it, then edits files and polls the article's page over
HTTP until the edit shows. Four kinds of edit, each repeated:

- text:     a sentence in the middle of an article (the article page and the feed change)
- excerpt:  the article's first paragraph (its listing entries change too)
- formula:  one formula, new to the cache (KaTeX renders it)
- template: templates/article.html (every page is rendered again)

Not part of `cargo test`: the first build takes minutes on a cold formula cache.

    python3 bench/serve.py [--articles 1000] [--seed 42] [--work /tmp/lemma-serve-bench] [--repeat 5]
"""
import argparse
import http.client
import importlib.util
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_math_bench():
    spec = importlib.util.spec_from_file_location("math_bench", os.path.join(REPO, "bench", "math.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Server:
    """`lemma serve` on a free port; collects its stderr."""

    def __init__(self, lemma, site):
        self.proc = subprocess.Popen(
            [lemma, "serve", "--root", site, "--port", "0"],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
        )
        self.lines = []
        self.url = None
        ready = threading.Event()

        def read():
            for line in self.proc.stderr:
                self.lines.append(line.rstrip("\n"))
                match = re.search(r"serving (http://\S+)", line)
                if match:
                    self.url = match.group(1)
                    ready.set()
            ready.set()

        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(900) or not self.url:
            self.stop()
            sys.exit("lemma serve did not start:\n" + "\n".join(self.lines[-30:]))
        match = re.match(r"http://([^/:]+):(\d+)(/.*)", self.url)
        self.host, self.port, self.base = match.group(1), int(match.group(2)), match.group(3)
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=10)

    def get(self, path):
        self.conn.request("GET", path)
        response = self.conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")

    def rss_mib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def timed_edit(server, path, write, needle, timeout=30.0, poll=0.001):
    """Seconds from the start of `write()` until GET `path` contains `needle`, asking every
    `poll` seconds (the polling itself takes CPU from the server on a small machine)."""
    start = time.perf_counter()
    write()
    while True:
        _, body = server.get(path)
        if needle in body:
            return time.perf_counter() - start
        if time.perf_counter() - start > timeout:
            sys.exit(f"{needle!r} never showed on {path}; last lines:\n" + "\n".join(server.lines[-20:]))
        time.sleep(poll)


def replace_in(path, old, new):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    assert old in text, f"{old!r} not in {path}"
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(old, new, 1))


def summary(name, seconds):
    ms = sorted(s * 1000 for s in seconds)
    return f"{name:<9} median {statistics.median(ms):7.1f} ms   min {ms[0]:7.1f}   max {ms[-1]:7.1f}   (n={len(ms)})"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--work", default="/tmp/lemma-serve-bench")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    math_bench = load_math_bench()
    if not os.path.exists(math_bench.GEN):
        sys.exit(f"needs {math_bench.GEN} (the shared corpus generator)")
    os.makedirs(args.work, exist_ok=True)
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "lemma"], cwd=REPO, check=True)
    lemma = os.path.join(REPO, "target", "release", "lemma")
    site, _ = math_bench.make_site(args.work, args.articles, args.seed)
    # A warm formula cache, as the figures assume (kept across runs in the work folder).
    cache = os.path.join(args.work, f"cache-{args.articles}")
    if os.path.isdir(cache):
        shutil.copytree(cache, os.path.join(site, ".lemma-cache"))
    started = time.perf_counter()
    subprocess.run([lemma, "build", "--drafts", "--root", site], check=True, capture_output=True)
    print(f"warm-up build: {time.perf_counter() - started:.1f} s")
    shutil.rmtree(cache, ignore_errors=True)
    shutil.copytree(os.path.join(site, ".lemma-cache"), cache)
    os.makedirs(os.path.join(site, "templates"), exist_ok=True)
    template = os.path.join(site, "templates", "article.html")
    shutil.copy(os.path.join(REPO, "templates", "article.html"), template)

    name = sorted(f for f in os.listdir(os.path.join(site, "content")) if f.endswith(".md"))[len(os.listdir(os.path.join(site, "content"))) // 2]
    article = os.path.join(site, "content", name)
    with open(article, encoding="utf-8") as f:
        text = f.read()
    article_id = re.search(r"^id: (\d+)", text, re.M).group(1)
    paragraphs = [p for p in text.split("\n\n") if p and not p.startswith(("---", "#", "$$", "!", "|", ">", "-", "```", "<!--")) and "$" not in p]

    started = time.perf_counter()
    server = Server(lemma, site)
    print(f"serve start-up (build in memory): {time.perf_counter() - started:.1f} s; {server.url}; RSS {server.rss_mib():.0f} MiB")
    page = f"{server.base}archives/{article_id}/"
    status, body = server.get(page)
    assert status == 200, (status, page)

    results = {"text": [], "excerpt": [], "formula": [], "template": []}
    middle = paragraphs[len(paragraphs) // 2][:20]
    first = paragraphs[0][:12]
    for n in range(args.repeat):
        token = f"编辑文字{n}x{os.getpid()}"
        results["text"].append(timed_edit(server, page, lambda: replace_in(article, middle, middle + token), token))
        middle = middle + token
        token = f"摘要改动{n}x{os.getpid()}"
        results["excerpt"].append(timed_edit(server, page, lambda: replace_in(article, first, first + token), token))
        first = first + token
        number = f"{os.getpid()}{n}{int(time.time() * 1000) % 100000}"
        anchor = middle
        formula = f" $x_{{k}} + {number}$"
        results["formula"].append(timed_edit(server, page, lambda: replace_in(article, anchor, anchor + formula), f"<mn>{number}</mn>"))
        middle = middle + formula
        marker = f"bench-template-{n}-{os.getpid()}"
        results["template"].append(timed_edit(server, page, lambda: replace_in(template, "{% block content %}", "{% block content %}<!-- " + marker + " -->"), marker, poll=0.01))
        time.sleep(0.3)
    rss = server.rss_mib()
    server.stop()
    print(f"corpus: {args.articles} articles, seed {args.seed}; {os.cpu_count()} cores; page {page}; RSS at the end {rss:.0f} MiB")
    print("load average (1, 5, 15 min):", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    for kind, seconds in results.items():
        print(summary(kind, seconds))
    rebuilds = [l for l in server.lines if l.startswith("rebuilt in")]
    print("server's own rebuild times (ms):", ", ".join(re.search(r"in (\d+) ms", l).group(1) for l in rebuilds[1:]))


if __name__ == "__main__":
    main()

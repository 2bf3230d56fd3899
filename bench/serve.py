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

Then memory: the server's resident set (RSS) at start, and across `--edits` consecutive edits
(the four kinds in turn, each waited for), sampled every `--every` edits once the server is at
rest (no CPU used for a second: the search index follows an edit on a thread of its own), and
the run's peak. Last, a cold start:
`lemma serve` on a copy of the site without `.lemma-cache/`, timed from the start of the process
to the first answer for an article page with its formulas rendered, and to the end of the
background rendering.

Not part of `cargo test`: the first build takes minutes on a cold formula cache.

    python3 bench/serve.py [--articles 1000] [--seed 42] [--work /tmp/lemma-serve-bench] [--repeat 5]
                           [--edits 200] [--every 20] [--lemma target/release/lemma] [--no-cold]
                           [--output htmlAndMathml|mathml|html] [--no-search]
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
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [lemma, "serve", "--root", site, "--port", "0"],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
        )
        self.lines = []
        self.stamps = []
        self.url = None
        ready = threading.Event()

        def read():
            for line in self.proc.stderr:
                self.lines.append(line.rstrip("\n"))
                self.stamps.append(time.perf_counter())
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

    def wait_line(self, prefix, timeout=1800):
        """Seconds from the start of the process to the line starting with `prefix`."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            for line, stamp in zip(list(self.lines), list(self.stamps)):
                if line.startswith(prefix):
                    return stamp - self.started
            time.sleep(0.1)
        self.stop()
        sys.exit(f"no line {prefix!r}:\n" + "\n".join(self.lines[-30:]))

    def rss_mib(self, field="VmRSS:"):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(field):
                    return int(line.split()[1]) / 1024
        return 0.0

    def cpu_ticks(self):
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])

    def rss_at_rest(self, quiet=1.0, limit=120.0):
        """RSS (MiB) once the server has used no CPU for `quiet` seconds: the search index of
        the last edit is made on a thread of its own, after the page shows."""
        deadline = time.monotonic() + limit
        last = self.cpu_ticks()
        while time.monotonic() < deadline:
            time.sleep(quiet)
            now = self.cpu_ticks()
            if now == last:
                break
            last = now
        return self.rss_mib()

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


def first_cold_page(lemma, site, page_of):
    """`lemma serve` on `site` without a formula cache: seconds from the process start to the
    first answer for an article page with its formulas rendered, to the end of the background
    work, and the RSS then."""
    shutil.rmtree(os.path.join(site, ".lemma-cache"), ignore_errors=True)
    server = Server(lemma, site)
    page = page_of(server)
    while True:
        status, body = server.get(page)
        if status == 200 and 'class="katex"' in body:
            break
        time.sleep(0.01)
    first = time.perf_counter() - server.started
    done = server.wait_line("formulas done")
    rss = server.rss_mib()
    server.stop()
    progress = [l for l in server.lines if l.startswith("formulas ")]
    return first, done, rss, progress


def edit_curve(server, page, article, template, edits, every):
    """RSS (MiB) at rest before the first edit and after every `every` edits of the four kinds
    in turn."""
    curve = [(0, server.rss_at_rest())]
    with open(article, encoding="utf-8") as f:
        text = f.read()
    body = text.split("\n---\n", 1)[1] if "\n---\n" in text else text
    anchor = next(p for p in body.split("\n\n") if p.strip() and "$" not in p and not p.startswith(("#", "!", "|", ">", "-", "<")))[:10]
    for n in range(1, edits + 1):
        kind = n % 4
        token = f"curve{n}x{os.getpid()}"
        if kind == 0:
            timed_edit(server, page, lambda: replace_in(template, "{% block content %}", "{% block content %}<!-- " + token + " -->"), token, poll=0.01)
        elif kind == 3:
            formula = f" $y_{{{n}}} + {os.getpid()}{n}$"
            timed_edit(server, page, lambda: replace_in(article, anchor, anchor + formula), f"<mn>{os.getpid()}{n}</mn>", poll=0.01)
        else:
            timed_edit(server, page, lambda: replace_in(article, anchor, anchor + token), token, poll=0.01)
        if n % every == 0:
            curve.append((n, server.rss_at_rest()))
    return curve


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
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--every", type=int, default=20)
    parser.add_argument("--lemma", help="a lemma binary (default: build target/release/lemma)")
    parser.add_argument("--no-cold", action="store_true", help="skip the cold start")
    parser.add_argument("--no-search", action="store_true", help="reader.search: false (no Pagefind index)")
    parser.add_argument("--output", default="htmlAndMathml", choices=["htmlAndMathml", "mathml", "html"],
                        help="math.output of the site")
    args = parser.parse_args()
    math_bench = load_math_bench()
    if not os.path.exists(math_bench.GEN):
        sys.exit(f"needs {math_bench.GEN} (the shared corpus generator)")
    os.makedirs(args.work, exist_ok=True)
    if args.lemma:
        lemma = os.path.abspath(args.lemma)
    else:
        subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "lemma"], cwd=REPO, check=True)
        target = os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target"))
        lemma = os.path.join(target, "release", "lemma")
    site, _ = math_bench.make_site(args.work, args.articles, args.seed, args.output)
    if args.no_search:
        with open(os.path.join(site, "lemma.yaml"), "a") as f:
            f.write("reader:\n  search: false\n")
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

    server = Server(lemma, site)
    serving = time.perf_counter() - server.started
    page = f"{server.base}archives/{article_id}/"
    status, body = server.get(page)
    assert status == 200, (status, page)
    first = time.perf_counter() - server.started
    ready = server.wait_line("formulas done")
    print(f"serve start-up (warm cache): serving after {serving:.2f} s, first article page after {first:.2f} s, "
          f"every page ready after {ready:.1f} s; {server.url}; RSS then {server.rss_mib():.0f} MiB, "
          f"at rest (search index made) {server.rss_at_rest():.0f} MiB")

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
    curve = edit_curve(server, page, article, template, args.edits, args.every)
    peak = server.rss_mib("VmHWM:")
    server.stop()
    print(f"corpus: {args.articles} articles, seed {args.seed}; {os.cpu_count()} cores; page {page}; RSS at the end {rss:.0f} MiB")
    print("load average (1, 5, 15 min):", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    for kind, seconds in results.items():
        print(summary(kind, seconds))
    rebuilds = [l for l in server.lines if l.startswith("rebuilt in")][:4 * args.repeat]
    print("server's own rebuild times (ms):", ", ".join(re.search(r"in (\d+) ms", l).group(1) for l in rebuilds))
    print(f"RSS at rest across {args.edits} edits (text, excerpt, formula, template in turn), MiB:")
    print("  " + "  ".join(f"{n}: {mib:.0f}" for n, mib in curve))
    low = curve[0][1]
    print(f"  growth: {100 * (max(m for _, m in curve) - low) / low:+.1f}% over the first sample; "
          f"peak RSS of the whole run {peak:.0f} MiB")
    if not args.no_cold:
        cold_site = os.path.join(args.work, f"cold-{args.articles}")
        shutil.rmtree(cold_site, ignore_errors=True)
        shutil.copytree(site, cold_site, ignore=shutil.ignore_patterns(".lemma-cache", "templates", "public"))
        first, done, cold_rss, progress = first_cold_page(lemma, cold_site, lambda s: f"{s.base}archives/{article_id}/")
        print(f"cold start (no .lemma-cache): first article page with its formulas after {first:.2f} s; "
              f"background done after {done:.1f} s; RSS then {cold_rss:.0f} MiB")
        for line in progress[:3] + (["…"] if len(progress) > 6 else []) + progress[-3:]:
            print("  " + line)


if __name__ == "__main__":
    main()

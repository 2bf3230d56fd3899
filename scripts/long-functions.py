#!/usr/bin/env python3
"""Lists the functions in src/ longer than a limit (80 lines by default), longest first.

A function's length runs from its `fn` line to the `}` at the same indent, both counted, as
in ../shared/STYLE.md. That relies on rustfmt's layout, so run `cargo fmt` first. Functions in
`#[cfg(test)]` modules are skipped (a test may be long) unless `--tests` is given.

    scripts/long-functions.py [--limit 80] [--tests] [FILE or DIR...]

Prints `path:line: name (N lines)` for each, and exits with status 1 if there is any, so it
can guard CI.
"""

import argparse
import os
import re
import sys

FN = re.compile(
    r"^(?P<indent>\s*)(?:pub(?:\([^)]*\))?\s+)?(?:(?:const|async|unsafe|extern\s+\"[^\"]*\")\s+)*"
    r"fn\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
)
TEST_MODULE = re.compile(r"^(?P<indent>\s*)(?:pub(?:\([^)]*\))?\s+)?mod\s+\w+\s*\{\s*$")


def indent_of(line):
    return len(line) - len(line.lstrip(" "))


def closing_line(lines, start, indent):
    """Index of the `}` closing the item opened at `start`, or None for a bodiless `fn …;`."""
    in_signature = True
    for i in range(start, len(lines)):
        line = lines[i].rstrip()
        at_item_indent = i == start or (line.strip() and indent_of(line) == indent)
        if in_signature and at_item_indent:
            if line.endswith(";"):
                return None
            if line.endswith("{") or line.endswith("}"):
                in_signature = False
                if line.endswith("}") and "{" in line and i == start:
                    return i  # `fn f() -> u8 { 1 }` on one line
                continue
        if i > start and at_item_indent and line.lstrip().startswith("}"):
            return i
    return None


def long_functions(path, limit, tests):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    found = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not tests and line.strip() == "#[cfg(test)]" and i + 1 < len(lines):
            module = TEST_MODULE.match(lines[i + 1])
            if module:
                end = closing_line(lines, i + 1, len(module.group("indent")))
                i = (end if end is not None else len(lines)) + 1
                continue
        match = FN.match(line)
        if match:
            end = closing_line(lines, i, len(match.group("indent")))
            if end is not None and end - i + 1 > limit:
                found.append((end - i + 1, path, i + 1, match.group("name")))
        i += 1
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", help="files or folders (default: the crate's src/)")
    parser.add_argument("--limit", type=int, default=80, help="longest allowed, in lines")
    parser.add_argument("--tests", action="store_true", help="include #[cfg(test)] modules")
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    paths = args.paths or [os.path.relpath(os.path.join(root, "src"))]
    found = []
    for top in paths:
        if os.path.isfile(top):
            found += long_functions(top, args.limit, args.tests)
        for folder, subfolders, files in os.walk(top):
            subfolders.sort()
            for name in sorted(files):
                if name.endswith(".rs"):
                    found += long_functions(os.path.join(folder, name), args.limit, args.tests)
    for length, path, line, name in sorted(found, key=lambda f: (-f[0], f[1], f[2])):
        print(f"{path}:{line}: {name} ({length} lines)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

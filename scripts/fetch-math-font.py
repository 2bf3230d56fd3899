#!/usr/bin/env python3
"""Writes static/math-font/: Latin Modern Math as WOFF2, the font `math.output: mathml` pages show
MathML with, and its licence.

The source is Debian's fonts-lmodern (`apt-get install fonts-lmodern`); the conversion needs
fontTools with brotli (`pip install fonttools brotli`). The font is converted, not changed: every
table is kept, and the script fails unless the WOFF2 still holds the OpenType MATH table that
browsers lay out MathML with.
"""
import argparse
import hashlib
import pathlib
import shutil
import sys

DEBIAN_FONT = "/usr/share/texmf/fonts/opentype/public/lm-math/latinmodern-math.otf"
DEBIAN_LICENCE = "/usr/share/texmf/doc/fonts/lm-math/GUST-FONT-LICENSE.txt"
REPO = pathlib.Path(__file__).resolve().parent.parent


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--font", default=DEBIAN_FONT, help="latinmodern-math.otf")
    parser.add_argument("--licence", default=DEBIAN_LICENCE, help="GUST-FONT-LICENSE.txt")
    parser.add_argument("--dest", default=str(REPO / "static" / "math-font"))
    args = parser.parse_args()
    for path in (args.font, args.licence):
        if not pathlib.Path(path).is_file():
            sys.exit(f"{path} is missing: apt-get install fonts-lmodern")
    try:
        from fontTools.ttLib import TTFont
        import brotli  # noqa: F401  (fontTools needs it to write WOFF2)
    except ImportError:
        sys.exit("fontTools with brotli is missing: pip install fonttools brotli")

    dest = pathlib.Path(args.dest)
    dest.mkdir(parents=True, exist_ok=True)
    woff2 = dest / "latinmodern-math.woff2"
    font = TTFont(args.font)
    if "MATH" not in font:
        sys.exit(f"{args.font} has no OpenType MATH table")
    tables = sorted(font.keys())
    font.flavor = "woff2"
    font.save(woff2)

    written = TTFont(woff2)
    missing = [t for t in tables if t not in written]
    if "MATH" not in written or missing:
        sys.exit(f"{woff2} lost tables: {missing or ['MATH']}")
    if written.flavor != "woff2":
        sys.exit(f"{woff2} is not WOFF2")
    shutil.copyfile(args.licence, dest / "GUST-FONT-LICENSE.txt")
    source = pathlib.Path(args.font).read_bytes()
    print(
        f"{woff2.relative_to(REPO) if woff2.is_relative_to(REPO) else woff2}: "
        f"{woff2.stat().st_size} bytes, MATH table kept, {len(tables)} tables; "
        f"from {args.font} (sha256 {hashlib.sha256(source).hexdigest()[:16]}…)"
    )


if __name__ == "__main__":
    main()

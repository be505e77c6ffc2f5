"""Rebuild the bundled CJK font (a developer tool; not imported by xsim).

Source: Noto Sans CJK SC Regular (SIL OFL 1.1, © 2014-2021 Adobe), face "Noto Sans CJK SC" of
``NotoSansCJK-Regular.ttc`` from Debian's ``fonts-noto-cjk`` package (upstream googlefonts/noto-cjk).

Kept: every character encodable in GBK (all 20,902 CJK Unified Ideographs U+4E00-U+9FA5 plus the 80
GBK additions, hence GB2312 levels 1 and 2 in full), ASCII, Latin-1, general punctuation, CJK
symbols and punctuation, full-width forms, arrows, maths operators, box drawing, enclosed
alphanumerics. Dropped: Hangul, kana-only Japanese extras, CJK Extension A/B and vertical forms, which
no Chinese figure label needs; this takes the file from ~16 MB (one face) to the size recorded in
README.md. The family is renamed "Noto Sans SC Xsim" so it never shadows a full system Noto Sans CJK
(OFL permits modified versions; Noto has no Reserved Font Name, the reserved "Source" is not used).

Usage:  python src/xsim/data/fonts/make_subset.py [/path/to/NotoSansCJK-Regular.ttc]
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

HERE = Path(__file__).resolve().parent
OUT = HERE / "NotoSansSC-Xsim-Regular.otf"
FAMILY = "Noto Sans SC Xsim"
EXTRA_RANGES = [
    (0x0020, 0x00FF),  # ASCII + Latin-1
    (0x2000, 0x206F),  # general punctuation
    (0x2100, 0x22FF),  # letterlike, number forms, arrows, maths operators
    (0x2460, 0x25FF),  # enclosed alphanumerics, box drawing, geometric shapes
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0xFF00, 0xFFEF),  # half-width and full-width forms
]


def gbk_codepoints() -> set[int]:
    cps = set()
    for cp in range(0x80, 0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        try:
            chr(cp).encode("gbk")
        except UnicodeEncodeError:
            continue
        cps.add(cp)
    return cps


def main(src: str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc") -> None:
    collection = TTCollection(src)
    font = next(f for f in collection.fonts if f["name"].getDebugName(4) == "Noto Sans CJK SC")
    unicodes = gbk_codepoints()
    for lo, hi in EXTRA_RANGES:
        unicodes.update(range(lo, hi + 1))
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False  # matplotlib renders through FreeType's autohinter anyway
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    names = font["name"]
    for rec in names.names:
        if rec.nameID in (1, 16):
            rec.string = FAMILY
        elif rec.nameID == 4:
            rec.string = f"{FAMILY} Regular"
        elif rec.nameID == 6:
            rec.string = "NotoSansSCXsim-Regular"
        elif rec.nameID == 3:
            rec.string = "NotoSansSCXsim-Regular;xsim-subset"
    font["CFF "].cff.fontNames = ["NotoSansSCXsim-Regular"]
    font.save(OUT)
    print(f"{OUT.name}: {OUT.stat().st_size / 1e6:.2f} MB, {len(unicodes)} code points requested")


if __name__ == "__main__":
    main(*sys.argv[1:])

"""A Chinese font for matplotlib figures, bundled with xsim.

matplotlib's default DejaVu Sans has no CJK glyphs: Chinese labels come out as boxes with
"Glyph ... missing from font(s)" warnings (which also break nbval). xsim ships
``data/fonts/NotoSansSC-Xsim-Regular.otf``, a subset of Noto Sans CJK SC (SIL OFL 1.1; licence in
``data/fonts/OFL.txt``, provenance in ``data/fonts/README.md``) that covers every GBK character,
hence GB2312 levels 1 and 2 in full. Only this module and ``xsim.plots`` import matplotlib.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["FONT_FAMILY", "LICENSE_FILE", "font_path", "use_chinese_font"]

#: family name of the bundled font (renamed so it never shadows a full system Noto Sans CJK)
FONT_FAMILY = "Noto Sans SC Xsim"
FONT_FILE = "NotoSansSC-Xsim-Regular.otf"
LICENSE_FILE = "OFL.txt"
#: Latin glyphs come from matplotlib's own font; CJK falls back to the bundled one.
LATIN_FAMILY = "DejaVu Sans"


def _fonts_dir() -> Path:
    return Path(str(resources.files("xsim") / "data" / "fonts"))


def font_path() -> Path:
    """Path of the bundled CJK font file."""
    return _fonts_dir() / FONT_FILE


def use_chinese_font() -> str:
    """Register the bundled CJK font with matplotlib and put it after the Latin font in rcParams.

    ``font.family`` becomes ["DejaVu Sans", "Noto Sans SC Xsim"] (matplotlib >= 3.6 falls back glyph
    by glyph along the list, so Latin text keeps matplotlib's look and Chinese uses Noto); the minus
    sign is drawn as a hyphen-minus, which both fonts have. Idempotent: calling it again changes
    nothing. Returns the CJK family name.
    """
    import matplotlib as mpl
    from matplotlib import font_manager

    path = str(font_path())
    known = {f.fname for f in font_manager.fontManager.ttflist}
    if path not in known:
        font_manager.fontManager.addfont(path)
    mpl.rcParams["font.family"] = [LATIN_FAMILY, FONT_FAMILY]
    mpl.rcParams["axes.unicode_minus"] = False
    return FONT_FAMILY

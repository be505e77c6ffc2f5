"""Chinese labels render with the bundled, licensed font (no missing-glyph warnings)."""

import fnmatch
import tomllib
import warnings
from pathlib import Path

import matplotlib
import pytest
from shared_copies import check_copy

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from xsim import fonts  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CHINESE = "城乡社区协商：加装电梯，议事会与线上平台比较（参与率）"


def _draw(tmp_path, text):
    fig, ax = plt.subplots()
    ax.set_title(text)
    ax.set_xlabel("协商形式 form")
    ax.set_ylabel("参与率 −0.5")
    ax.bar(["村民会议", "居民议事会", "听证会"], [0.3, 0.5, 0.4], label="居民（户籍）")
    ax.legend(title="图例")
    out = tmp_path / "fig.png"
    fig.savefig(out)
    plt.close(fig)
    return out


def test_chinese_figure_has_no_missing_glyphs(tmp_path):
    with matplotlib.rc_context():
        fonts.use_chinese_font()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            out = _draw(tmp_path, CHINESE)
    assert out.stat().st_size > 5_000


def test_without_the_font_matplotlib_warns(tmp_path):
    # the check above can fail: the default font really lacks these glyphs
    with (
        matplotlib.rc_context({"font.family": ["DejaVu Sans"]}),
        pytest.warns(UserWarning, match="missing from font"),
    ):
        _draw(tmp_path, CHINESE)


def test_use_chinese_font_is_idempotent():
    with matplotlib.rc_context():
        fonts.use_chinese_font()
        n_fonts = len(font_manager.fontManager.ttflist)
        family = list(matplotlib.rcParams["font.family"])
        assert fonts.use_chinese_font() == fonts.FONT_FAMILY
        assert len(font_manager.fontManager.ttflist) == n_fonts
        assert matplotlib.rcParams["font.family"] == family == ["DejaVu Sans", fonts.FONT_FAMILY]
        found = font_manager.findfont(fonts.FONT_FAMILY, fallback_to_default=False)
        assert Path(found) == fonts.font_path()


def test_font_covers_gb2312_and_the_notice():
    from fontTools.ttLib import TTFont

    cmap = TTFont(fonts.font_path(), lazy=True).getBestCmap()
    gb2312 = []
    for hi in range(0xB0, 0xF8):  # levels 1 and 2: rows 16-87
        for lo in range(0xA1, 0xFF):
            try:
                gb2312.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    assert len(gb2312) == 6763
    assert all(ord(c) in cmap for c in gb2312)
    # the notice as the project keeps it (checked against the steering text: tests/shared_copies.py)
    notice = ROOT / "src" / "xsim" / "data" / "notice-zh.txt"
    check_copy(notice, "seed/notice-zh.txt")
    missing = {c for c in notice.read_text(encoding="utf-8") if c.strip() and ord(c) not in cmap}
    assert not missing


def test_licence_travels_with_the_font():
    folder = fonts.font_path().parent
    licence = folder / fonts.LICENSE_FILE
    text = licence.read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in text and "Adobe" in text
    # both files are matched by the package-data globs, so wheels and sdists carry them
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = data["tool"]["setuptools"]["package-data"]["xsim"]
    for path in (fonts.font_path(), licence):
        rel = path.relative_to(ROOT / "src" / "xsim").as_posix()
        assert any(fnmatch.fnmatch(rel, g) for g in globs), rel


def test_plots_style_and_bar_with_ci(tmp_path):
    from xsim.plots import bar_with_ci, style

    with style(), warnings.catch_warnings():
        warnings.simplefilter("error")
        fig, ax = plt.subplots()
        bars = bar_with_ci(
            ax,
            ["议事会", "听证会"],
            [0.4, 0.6],
            [0.3, 0.5],
            [0.5, 0.7],
            ylabel="参与率",
            title="比较",
        )
        fig.savefig(tmp_path / "ci.png")
        plt.close(fig)
    assert len(bars) == 2
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="contain"):
        bar_with_ci(ax, ["a"], [0.5], [0.6], [0.7])
    with pytest.raises(ValueError, match="same length"):
        bar_with_ci(ax, ["a", "b"], [0.5], [0.4], [0.7])
    plt.close(fig)

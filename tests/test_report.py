"""`xsim report STUDY_DIR`: the decision memo (HTML and PDF) and its bad inputs."""

from __future__ import annotations

import json
import shutil

import pytest
from browser_support import require_chromium

from xsim.cli import main as xsim_main


@pytest.fixture(autouse=True)
def _chromium():
    require_chromium()  # the PDF is printed by Chromium: skipped without it, a failure under CI


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report") / "garbage"
    argv = [
        "compare",
        "garbage_station",
        "--forms",
        "hearing,compound",
        "--reps",
        "3",
        "--uncertainty",
        "4",
        "--executor",
        "in-process",
        "--no-progress",
        "--out",
        str(folder),
    ]
    assert xsim_main(argv) == 0
    return folder


def _copy(study, tmp_path):
    target = tmp_path / "copy"
    shutil.copytree(study, target)
    for name in ("memo-zh.html", "memo-zh.pdf", "memo-en.html", "memo-en.pdf"):
        (target / name).unlink(missing_ok=True)
    body = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    body["files"] = {k: v for k, v in body["files"].items() if not k.startswith("memo-")}
    (target / "manifest.json").write_text(json.dumps(body), encoding="utf-8")
    return target


def test_the_memo_is_written_into_the_study_in_chinese_with_every_section(study, capsys):
    assert xsim_main(["report", str(study)]) == 0
    page = (study / "memo-zh.html").read_text(encoding="utf-8")
    for heading in (
        "要决定的问题",
        "比较了什么",
        "主要结果",
        "结论有多稳健",
        "什么在左右结论",
        "模型能否重现实际观察到的规律",
        "假设与注意事项",
        "如何重现",
    ):
        assert heading in page
    assert "民主听证会" in page and "小区协商" in page and "的合理参数下" in page
    assert "data:image/png;base64," in page  # the study's own figure
    assert "--seed 0" in page and "xsim compare garbage_station" in page
    # what the model does not reproduce: one observation per item, not sentences glued by '；'
    caveats = page[page.index("假设与注意事项") : page.index("如何重现")]
    assert "模型目前还不能重现以下观察：<ul><li>" in caveats and "。；" not in page
    # the memo judges the targets as `xsim validate` (full variant) does, and each miss says the
    # model's number and which results it puts in doubt
    from xsim.report.html import _num
    from xsim.validation.evaluate import evaluate
    from xsim.validation.targets import load_targets

    full = evaluate([t for t in load_targets() if t.counted]).results
    assert f"{len(full)} 个验证目标中 {sum(r.holds for r in full)} 个成立" in page
    for r in full:
        line = f"（模型 {_num(r.estimate.value)}，"
        assert (line in caveats) == (not r.holds), r.target.id
        assert (f"{r.target.affects.zh}应谨慎看待。" in caveats) == (not r.holds), r.target.id
    pdf = (study / "memo-zh.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    listed = json.loads((study / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert {"memo-zh.html", "memo-zh.pdf"} <= set(listed)


def test_english_memo_with_lang_en(study, tmp_path):
    out = tmp_path / "memo"
    assert (
        xsim_main(["report", str(study), "--lang", "en", "--no-validation", "--out", str(out)]) == 0
    )
    page = (out / "memo-en.html").read_text(encoding="utf-8")
    assert "Decision memo" in page and "How robust the results are" in page
    assert (out / "memo-en.pdf").read_bytes().startswith(b"%PDF")


def _nothing_written(folder, before):
    names = {p.name for p in folder.iterdir()} if folder.exists() else set()
    return names == before and not any(n.startswith("memo-") for n in names)


@pytest.mark.parametrize(
    "damage",
    ["missing", "not_a_study", "other_kind", "bad_manifest", "damaged_part", "damaged_uncertainty"],
)
def test_bad_study_folders_exit_2_with_one_message_and_nothing_written(
    study, tmp_path, capsys, damage
):
    folder = _copy(study, tmp_path)
    manifest = folder / "manifest.json"
    if damage == "missing":
        folder = tmp_path / "nowhere"
    elif damage == "not_a_study":
        manifest.unlink()
    elif damage == "other_kind":
        body = json.loads(manifest.read_text(encoding="utf-8"))
        body["kind"] = "sweep"
        manifest.write_text(json.dumps(body), encoding="utf-8")
    elif damage == "bad_manifest":
        manifest.write_text("{ not json", encoding="utf-8")
    elif damage == "damaged_part":
        part = sorted(folder.glob("part-*.parquet"))[0]
        part.write_bytes(part.read_bytes()[:100])
    elif damage == "damaged_uncertainty":
        path = folder / "uncertainty.json"
        path.write_text(path.read_text(encoding="utf-8").replace("0", "1", 1), encoding="utf-8")
    before = {p.name for p in folder.iterdir()} if folder.exists() else set()
    assert xsim_main(["report", str(folder), "--no-validation"]) == 2
    err = capsys.readouterr().err.strip()
    assert err and "Traceback" not in err and len(err.splitlines()) == 1
    assert _nothing_written(folder, before)


def _made_up_memo(rows, **fields):
    """A memo whose summary has one row per (measure, form, mean), the interval equal to the mean."""
    from types import SimpleNamespace

    import pandas as pd

    table = pd.DataFrame(
        [{"measure": m, "variant": v, "mean": x, "ci_low": x, "ci_high": x} for m, v, x in rows]
    )
    return SimpleNamespace(summary=SimpleNamespace(table=table), **fields)


def test_headline_results_name_ties_and_do_not_judge_adoption():
    # a measure equal under every form has no best form; adoption has no better side (the measure
    # registry: adopting a bad plan is no success), so the memo says which form adopts most
    from xsim.report.html import _best_sentence

    memo = _made_up_memo(
        [
            ("adopted_unlawfully", "owners", 0.0),
            ("adopted_unlawfully", "hearing", 0.0),
            ("adopted", "owners", 0.15),
            ("adopted", "hearing", 0.25),
            ("participation", "owners", 0.9),
            ("participation", "hearing", 0.9),
            ("participation", "online", 0.2),
        ]
    )
    assert _best_sentence(memo, "adopted_unlawfully", "zh") == (
        "<li>违法作出的通过决定：各形式相同（0.000）</li>"
    )
    assert "民主听证会最高（0.250" in _best_sentence(memo, "adopted", "zh")
    assert "highest with" in _best_sentence(memo, "adopted", "en")
    assert "业主协商、民主听证会并列最好（0.900" in _best_sentence(memo, "participation", "zh")


def test_robustness_lists_the_pairs_of_every_form_named_best_and_skips_pairs_equal_everywhere():
    # the headline names tied forms together, so the robustness list covers each of them; for a
    # measure equal under every form it lists only pairs that some parameter set tells apart
    from xsim.report.html import _robust

    rows = [
        ("participation", "owners", 0.9),
        ("participation", "hearing", 0.9),
        ("participation", "online", 0.2),
        ("adopted_unlawfully", "owners", 0.0),
        ("adopted_unlawfully", "hearing", 0.0),
        ("adopted_unlawfully", "online", 0.0),
    ]

    def pair(a, b, measure, better, tie):
        said = f"{a}-{b}-{measure}"
        return {
            "a": a,
            "b": b,
            "measure": measure,
            "p_a_better": better + tie / 2,
            "p_tie": tie,
            "drivers": [],
            "sentence": {"zh": said, "en": said},
        }

    pairs = [
        pair("owners", "online", "participation", 1.0, 0.0),
        pair("hearing", "online", "participation", 1.0, 0.0),
        pair("owners", "hearing", "participation", 0.5, 0.0),
        pair("owners", "hearing", "adopted_unlawfully", 0.0, 1.0),
        pair("owners", "online", "adopted_unlawfully", 0.0, 0.9),
        pair("hearing", "online", "adopted_unlawfully", 0.0, 1.0),
    ]
    memo = _made_up_memo(
        rows, uncertainty={"n_parameter_sets": 10, "reps_per_set": 2, "pairs": pairs}
    )
    items = _robust(memo, "zh").split("<table")[0]
    for said in (
        "owners-online-participation",
        "hearing-online-participation",
        "owners-hearing-participation",
        "owners-online-adopted_unlawfully",
    ):
        assert f"<li>{said}</li>" in items
    assert "owners-hearing-adopted_unlawfully" not in items
    assert "hearing-online-adopted_unlawfully" not in items


def test_an_unreproduced_observation_says_the_models_side_of_the_band_and_what_it_puts_in_doubt():
    from types import SimpleNamespace

    from xsim.report.html import _miss
    from xsim.validation.targets import load_targets

    target = next(t for t in load_targets() if t.id == "M-DP-NET-CHANGE")
    low, high = target.tolerance.range

    def miss(value, lang):
        return _miss(SimpleNamespace(target=target, estimate=SimpleNamespace(value=value)), lang)

    assert f"（模型 {low - 0.1:.3f}，低于实际观察的 [{low:g}, {high:g}]）。" in miss(
        low - 0.1, "zh"
    )
    assert miss(low - 0.1, "zh").endswith("讨论后意见的变化（如支持率）应谨慎看待。")
    assert f"(model {high + 0.1:.3f}, above the observed [{low:g}, {high:g}])." in miss(
        high + 0.1, "en"
    )
    assert "Treat opinion change after discussion" in miss(high + 0.1, "en")
    assert "（模型 —，对照实际观察的" in miss(float("nan"), "zh")

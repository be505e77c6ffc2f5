"""`xsim validate`: the target table, the judging of tolerances, the kernel targets, the command."""

from __future__ import annotations

import json
import math

import pytest
import yaml

from xsim.cli import main as xsim_main
from xsim.validation.evaluate import evaluate_target
from xsim.validation.statistics import STATISTICS
from xsim.validation.targets import Tolerance, default_path, load_targets

TARGETS = load_targets()
KERNEL_TARGETS = [t for t in TARGETS if t.kind == "kernel"]


def test_the_table_has_at_least_ten_targets_from_every_family_the_issue_names():
    assert len(TARGETS) >= 10
    families = {t.family for t in TARGETS}
    assert {"kernels", "deliberation", "speaking", "attendance", "village", "poll"} <= families
    assert [t.kind for t in TARGETS[: len(KERNEL_TARGETS)]] == ["kernel"] * len(KERNEL_TARGETS)
    kernels = " ".join(t.source.author for t in KERNEL_TARGETS)
    for name in ("Hegarty", "Deffuant", "DeGroot", "Friedkin", "Granovetter"):
        assert name in kernels


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.id)
def test_every_target_has_a_source_a_registered_statistic_and_says_when_no_number_was_found(
    target,
):
    assert target.source.author and 1900 < target.source.year < 2030 and target.source.where
    assert target.statistic in STATISTICS
    assert STATISTICS[target.statistic].__doc__  # the definition printed in docs/validation.md
    assert (target.observed.value is not None) == target.observed.number_found
    if not target.observed.number_found:  # the text says what was looked for and not found
        assert "found" in target.observed.text.en and "未找到" in target.observed.text.zh
    assert target.pattern.zh and target.tolerance.why.zh
    if target.kind == "model":
        assert target.role in ("calibration", "validation", "plausibility")


COUNTED = [t for t in TARGETS if t.counted]


def test_every_counted_validation_target_quotes_an_observed_number_and_its_place():
    for t in COUNTED:
        assert t.observed.number_found and t.observed.value is not None, t.id
        assert t.mechanism, t.id
        # a page, table or figure: where in the publication the number is
        assert any(w in t.source.where for w in ("Table", "p.", "pp.", "abstract", "section")), t.id


def test_a_validation_target_must_say_which_results_a_miss_puts_in_doubt():
    # the memo's caveats read it (xsim.report.html._miss); a target without it does not load
    from pydantic import ValidationError

    from xsim.validation.targets import Target

    body = COUNTED[0].model_dump()
    assert body["affects"]["zh"] and body["affects"]["en"]
    body["affects"] = None
    with pytest.raises(ValidationError, match="affects"):
        Target.model_validate(body)


def test_at_least_eight_counted_validation_targets():
    assert len(COUNTED) >= 8


def test_no_validation_target_reuses_a_calibration_statistic_or_number():
    calibration = [t for t in TARGETS if t.role == "calibration"]
    assert {t.statistic for t in calibration}.isdisjoint({t.statistic for t in COUNTED})
    assert {t.observed.value for t in calibration}.isdisjoint({t.observed.value for t in COUNTED})


def test_inputs_are_not_targets():
    # the CNNIC internet shares describe the population the scenarios are built from
    assert not [t for t in TARGETS if "CNNIC" in t.source.author]


@pytest.mark.parametrize("target", KERNEL_TARGETS, ids=lambda t: t.id)
def test_kernel_targets_hold_in_the_fast_variant(target):
    result = evaluate_target(target, fast=True, seed=0)
    assert result.holds, result.to_dict()
    assert result.seconds < 20


def test_tolerances_judge_the_estimate_at_their_boundaries():
    why = {"en": "x", "zh": "x"}
    inside = Tolerance(range=(0.5, 1.0), why=why)
    assert inside.holds(0.5, 0.4, 0.6) and inside.holds(1.0, 0.9, 1.1)
    assert not inside.holds(0.4999, 0.45, 0.55) and not inside.holds(math.nan, 0, 1)
    above = Tolerance(above=1.0, why=why)
    assert above.holds(1.5, 1.01, 2.0) and not above.holds(1.5, 1.0, 2.0)  # the interval decides
    below = Tolerance(below=0.5, why=why)
    assert below.holds(0.4, 0.3, 0.49) and not below.holds(0.4, 0.3, 0.5)
    with pytest.raises(ValueError):
        Tolerance(range=(1.0, 0.0), why=why)
    with pytest.raises(ValueError):
        Tolerance(above=1.0, below=2.0, why=why)


def test_validate_json_lists_kernel_targets_with_sources_and_exits_0(capsys):
    assert xsim_main(["validate", "--fast", "--kind", "kernel", "--format", "json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["n_targets"] == len(KERNEL_TARGETS) == body["n_hold"]
    first = body["targets"][0]
    assert first["source"]["author"] and first["model"]["level"] == 0.95
    assert set(first) >= {"id", "pattern", "observed", "source", "model", "tolerance", "holds"}


def _table_with(tmp_path, **changes):
    data = yaml.safe_load(default_path().read_text(encoding="utf-8"))
    target = next(t for t in data["targets"] if t["id"] == "K-GRANOVETTER-PERTURBED")
    target.update(changes)
    data["targets"] = [target]
    path = tmp_path / "targets.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_failing_target_exits_1_and_says_by_how_much(tmp_path, capsys):
    path = _table_with(tmp_path, tolerance={"range": [5, 5], "why": {"en": "x", "zh": "x"}})
    assert xsim_main(["validate", "--targets", str(path), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "0 of 1 targets hold" in out and "NO" in out and "off by: 4" in out


def test_a_missed_validation_target_says_what_to_treat_with_caution_as_the_memo_does():
    from types import SimpleNamespace

    from xsim.validation.registry import Estimate
    from xsim.validation.report_text import report_text

    target = next(t for t in COUNTED if t.id == "M-DP-NET-CHANGE")

    def text(value, lang):
        e = Estimate(value, value, value, 30)
        result = SimpleNamespace(
            target=target,
            estimate=e,
            holds=target.tolerance.holds(value, value, value),
            gap=0.1,
            ablation=None,
        )
        report = SimpleNamespace(results=[result], counted=[result], fast=False, seed=0, ablate=())
        return report_text(report, lang)

    assert "应谨慎看待: 讨论后意见的变化（如支持率）" in text(0.3, "zh")
    assert "treat with caution: opinion change after discussion" in text(0.3, "en")
    assert "谨慎" not in text(0.72, "zh")  # a target that holds puts nothing in doubt
    # and the JSON of `xsim validate --format json` carries it for every validation target
    from xsim.validation.evaluate import evaluate_target

    assert evaluate_target(target, fast=True, seed=0).to_dict()["affects"]["zh"] == (
        "讨论后意见的变化（如支持率）"
    )


@pytest.mark.parametrize(
    ("changes", "argv", "says"),
    [
        ({"statistic": "no_such_statistic"}, [], "statistic"),
        ({"tolerance": {"why": {"en": "x", "zh": "x"}}}, [], "tolerance"),
        ({"family": "astrology"}, [], "family"),
        ({"role": "evidence"}, [], "role"),
        ({"kind": "model", "role": "validation"}, [], "mechanism"),
        ({"kind": "model", "role": "plausibility", "mechanism": "magic"}, [], "mechanism"),
        ({}, ["--only", "NOPE"], "--only"),
        ({}, ["--seed", "-1"], "--seed"),
        ({}, ["--ablate", "no_such_mechanism"], "--ablate"),
        ({}, ["--ablate", ","], "--ablate"),
    ],
)
def test_bad_input_exits_2_with_a_message(tmp_path, capsys, changes, argv, says):
    path = _table_with(tmp_path, **changes)
    assert xsim_main(["validate", "--targets", str(path), *argv]) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err


def test_a_missing_or_broken_targets_file_exits_2(tmp_path, capsys):
    assert xsim_main(["validate", "--targets", str(tmp_path / "none.yaml")]) == 2
    broken = tmp_path / "broken.yaml"
    broken.write_text("targets: [\n", encoding="utf-8")
    assert xsim_main(["validate", "--targets", str(broken)]) == 2
    assert "YAML" in capsys.readouterr().err


def test_ablations_report_the_mechanism_the_value_and_whether_the_target_still_holds(capsys):
    argv = ["validate", "--fast", "--only", "M-GP-LIKE-MINDED", "--ablations", "--format", "json"]
    code = xsim_main(argv)
    body = json.loads(capsys.readouterr().out)
    (target,) = body["targets"]
    assert target["role"] == "validation" and target["counted"] is True
    ablation = target["ablation"]
    assert ablation["mechanism"] == "talk" and set(ablation) >= {"mechanism", "value", "holds"}
    assert body["validation"]["n_counted"] == 1 and body["validation"]["n_ablated"] == 1
    # a counted target that still holds (or cannot be computed) without its mechanism is no
    # evidence: the command then exits 1
    evidence = ablation["value"] is not None and not ablation["holds"]
    assert code == (0 if target["holds"] and evidence else 1)

"""``xsim check`` and ``xsim rules`` as the contract of case-record.md says."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from xsim.cli import main
from xsim.rules import RULES
from xsim.rules.clauses import CLAUSES

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "examples" / "records"
CLEAN = str(EX / "01-elevator-compliant.yaml")
LATE = str(EX / "02-road-late-notice.yaml")

# example file -> the codes it must produce (the README and the demo rely on these)
EXPECTED = {
    "01-elevator-compliant.yaml": set(),
    "02-road-late-notice.yaml": {"PROC-NOTICE"},
    "03-market-tenants-left-out.yaml": {"SUBJ-MISSING"},
    "04-compensation-not-escalated.yaml": {"PROC-ESCALATE"},
    "05-villagers-meeting-no-quorum.yaml": {"PROC-QUORUM"},
    "06-park-never-publicized.yaml": {"RES-PUBLICIZE"},
    "07-married-out-women.yaml": {"PROC-BODY", "RES-EXCLUSION"},
    "10-lift-2018-property-law.yaml": set(),
    "11-group-compensation-real-record.yaml": {"RES-LEGAL", "RES-EXCLUSION"},
    "12-owners-self-governance.yaml": set(),
    "08-canal-cross-village-compliant.yaml": set(),
    "09-land-compensation-members-meeting.yaml": {"PROC-MAJORITY"},
}


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_every_example_is_listed():
    assert sorted(p.name for p in EX.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_examples_give_their_findings_and_exit_code(name, capsys):
    code, out, err = run(capsys, "check", str(EX / name), "--format", "json")
    result = json.loads(out)
    assert {f["code"] for f in result["findings"]} == EXPECTED[name]
    assert code == (0 if not EXPECTED[name] else 1)
    assert result["compliant"] is (code == 0)
    assert err == ""


def test_json_object_has_the_spec_keys(capsys):
    code, out, _ = run(capsys, "check", LATE, "--format", "json")
    result = json.loads(out)
    assert {"case", "compliant", "findings", "law_as_of"} <= set(result)
    assert result["case"] == "石坝村三组通组公路硬化协商"
    assert result["law_as_of"] == "2026-04-10"  # the consultation date: no deciding meeting
    assert result["law_versions"]["villagers_committees"] == "2025"
    [f] = result["findings"]
    assert {"code", "severity", "clause", "message_zh", "message_en", "where"} <= set(f)
    assert f == {
        **f,
        "code": "PROC-NOTICE",
        "clause": "local:rules.notice_days",  # names the local rule it applies, not the notice
        "where": "timeline.notified",
        "severity": "violation",
        "level": "local",
    }
    # the three layers: the decision's validity (law only), then the notice's procedure
    assert result["legal_validity"] == "no_decision" or result["legal_validity"] == "valid"
    assert result["validity_reasons"] == [] and result["compliant"] is False
    assert "提前2天通知，应至少提前5天" in f["message_zh"]
    assert f["basis"] == {
        "kind": "local",
        "file": "rules:",
        "source": "本记录填写的“协商通知至少提前天数”",
        "setting": "notice_days",
    }


def test_several_files_give_a_list_and_the_worst_exit_code(capsys):
    code, out, _ = run(capsys, "check", CLEAN, LATE, "--format", "json")
    results = json.loads(out)
    assert [r["compliant"] for r in results] == [True, False]
    assert code == 1
    code, out, _ = run(capsys, "check", CLEAN, str(EX / "08-canal-cross-village-compliant.yaml"))
    assert code == 0


def test_unreadable_file_among_others(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: [\n", encoding="utf-8")
    code, out, err = run(capsys, "check", CLEAN, str(bad), LATE, "--format", "json")
    assert code == 2
    assert [r["file"] for r in json.loads(out)] == [CLEAN, LATE]  # the others still checked
    assert err.count("\n") == 1 and str(bad) in err


def test_text_output_for_a_cadre(capsys):
    code, out, _ = run(capsys, "check", str(EX / "05-villagers-meeting-no-quorum.yaml"))
    assert code == 1
    lines = out.splitlines()
    # the court's question first: the decision's validity, then the notice's procedure
    assert lines[1] == "决定的合法性：无效或可撤销（违反法律：决定会议未达到法定人数）"
    assert "结论：不符合通知要求（违规1项" in lines[2]
    headings = [
        "一、提出协商议题",
        "二、确定协商主体",
        "三、组织开展协商",
        "四、实施与运用协商成果",
        "五、组织保障",
    ]
    positions = [next(i for i, ln in enumerate(lines) if ln.startswith(h)) for h in headings]
    assert positions == sorted(positions)
    [finding] = [ln for ln in lines if "PROC-QUORUM" in ln]
    assert lines.index(finding) > positions[2] and lines.index(finding) < positions[3]
    assert "《村民委员会组织法》第二十六条第一款（2025年修正）" in finding
    assert "470" in finding and "491" in finding
    assert "Organic Law" not in out  # trainee-facing text cites in Chinese
    assert lines[3].startswith(
        "适用法律：按2026-01-25施行的法律判断：《村民委员会组织法》（2025年修正）"
    )


def test_text_output_in_english(capsys):
    code, out, _ = run(capsys, "check", LATE, "--lang", "en")
    assert code == 1
    assert "Verdict: NOT COMPLIANT (1 violations" in out
    assert (
        "PROC-NOTICE [local rule given in the record (rules.notice_days)] Notified 2 days ahead; "
        "at least 5 required" in out
    )
    assert "Law applied: as in force on 2026-04-10" in out
    assert "3. Holding the consultation" in out


def test_summary_line_for_several_files(capsys):
    _, out, _ = run(capsys, "check", CLEAN, LATE)
    assert out.rstrip().endswith("共2份记录：符合1份，不符合1份，无法读取0份")


# --- bad input through the command: exit 2, one message, no traceback, nothing written/run -------

GOOD = Path(CLEAN).read_text(encoding="utf-8")
BAD = {
    "not_yaml.yaml": ("title: [unclosed\n", ""),
    "wrong_type.yaml": (
        GOOD.replace("residents: 420 ", 'residents: "many" '),
        "population.residents",
    ),
    "negative.yaml": (GOOD.replace("present: 30", "present: -3"), "assembly.present"),
    "unknown_field.yaml": (GOOD.replace("technical: true", "tecnical: true"), "topic.tecnical"),
    "bad_date.yaml": (
        GOOD.replace("consulted: 2026-03-10", "consulted: 2026-02-30"),
        "timeline.consulted",
    ),
    "bad_enum.yaml": (
        GOOD.replace("outcome: majority", "outcome: unanimous"),
        "consultation.outcome",
    ),
    "tag.yaml": ('title: !!python/object/apply:os.system ["touch PWNED"]\n', ""),
    "list.yaml": ("- a\n- b\n", ""),
    "empty.yaml": ("", ""),
    "no_title.yaml": (
        "\n".join(ln for ln in GOOD.splitlines() if not ln.startswith("title:")),
        "title",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bad_input_exit_2_one_message(name, lang, tmp_path, monkeypatch, capsys):
    text, field = BAD[name]
    monkeypatch.chdir(tmp_path)
    Path(name).write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "check", name, "--lang", lang, "--format", "json")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith(name)
    assert "Traceback" not in err
    if field:
        assert (f"'{field}'" if lang == "en" else f"「{field}」") in err
    assert sorted(os.listdir(tmp_path)) == [name]  # nothing written, the tag not executed


def test_a_date_before_the_earliest_law_held_names_file_line_and_field(
    tmp_path, monkeypatch, capsys
):
    """Refused after validation (the law of the record's date is not held): still one message
    with the file, the line and the field, exit 2, nothing written."""
    text = (
        "title: 组里分配征地补偿费\nsetting: village\n"
        "population: {residents: unknown, households: unknown}\nscope: group\n"
        "topic: {title: 征地补偿费分配, collective_matter: land_compensation}\n"
        "timeline:\n  decided: 2006-01-10\n"
        "results: {adopted: true, implemented: true}\n"
    )
    monkeypatch.chdir(tmp_path)
    Path("old.yaml").write_text(text, encoding="utf-8")
    for lang, field in (("zh", "「timeline.decided」"), ("en", "'timeline.decided'")):
        code, out, err = run(capsys, "check", "old.yaml", "--lang", lang)
        assert code == 2 and out == "" and err.count("\n") == 1
        assert err.startswith("old.yaml:7") and field in err and "2010-10-28" in err
    assert os.listdir(tmp_path) == ["old.yaml"]


def test_bad_input_in_a_real_process(tmp_path):
    (tmp_path / "tag.yaml").write_text(BAD["tag.yaml"][0], encoding="utf-8")
    (tmp_path / "date.yaml").write_text(BAD["bad_date.yaml"][0], encoding="utf-8")
    for name in ("tag.yaml", "date.yaml", "missing.yaml"):
        proc = subprocess.run(
            [sys.executable, "-m", "xsim.cli", "check", name],
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 2
        assert proc.stdout == "" and "Traceback" not in proc.stderr
        assert proc.stderr.count("\n") == 1 and proc.stderr.startswith(name)
    assert sorted(os.listdir(tmp_path)) == ["date.yaml", "tag.yaml"]


def test_check_path_imports_no_mesa_pandas_matplotlib():
    code = (
        "import sys\n"
        "from xsim.cli import main\n"
        f"rc = main(['check', {CLEAN!r}, {LATE!r}, '--format', 'json'])\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'mesa', 'pandas', "
        "'matplotlib', 'numpy', 'scipy', 'dask'})\n"
        "print('HEAVY', heavy, rc)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.strip().endswith("HEAVY [] 1"), proc.stdout[-300:] + proc.stderr


def test_the_program_ends_fast_with_all_its_output_and_its_exit_code(tmp_path):
    # `xsim check` as a program ends with os._exit after flushing (xsim.cli.FAST_EXIT): the whole
    # report must still arrive through a pipe, with the same exit code as main() returns
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # block-buffered
    for files, expected in (([CLEAN], 0), ([CLEAN, LATE], 1), ([CLEAN, "missing.yaml"], 2)):
        args = ["check", *files, "--format", "json"]
        proc = subprocess.run(
            [sys.executable, "-m", "xsim.cli", *args],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=env,
        )
        assert proc.returncode == expected, proc.stderr
        reports = json.loads(proc.stdout)
        in_process = subprocess.run(
            [sys.executable, "-c", f"from xsim.cli import main; raise SystemExit(main({args!r}))"],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=env,
        )
        assert in_process.returncode == expected and json.loads(in_process.stdout) == reports
    # a reader that goes away early: no traceback, no hang
    many = [CLEAN, LATE] * 200
    proc = subprocess.Popen(
        [sys.executable, "-m", "xsim.cli", "check", *many],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) in (0, 1) and "Traceback" not in err


def test_importtime_of_the_command_shows_no_heavy_module():
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "xsim.cli", "check", CLEAN],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0
    imported = {
        ln.split("|")[-1].strip().split(".")[0]
        for ln in proc.stderr.splitlines()
        if ln.startswith("import time:")
    }
    assert "xsim" in imported and "pydantic" in imported
    assert not imported & {"mesa", "pandas", "matplotlib"}


# --- xsim rules ----------------------------------------------------------------------------------


def test_rules_lists_every_code_one_line_each(capsys):
    code, out, _ = run(capsys, "rules")
    assert code == 0
    lines = out.splitlines()
    assert [ln.split()[0] for ln in lines] == list(RULES)


def test_rules_code_explains_with_the_clause_text(capsys):
    code, out, _ = run(capsys, "rules", "proc-notice")
    assert code == 0
    assert out.startswith("PROC-NOTICE")
    assert CLAUSES["§4.2"].text_zh in out
    code, out, _ = run(capsys, "rules", "PROC-QUORUM", "--lang", "en")
    assert "> half of adults" in out and "≥ 2/3 of the owners" in out
    assert CLAUSES["villagers_committees@2025 art. 26 para. 1"].text_zh in out
    assert "Organic Law of the Villagers' Committees (2025 amendment), art. 26 para. 1" in out
    code, out, _ = run(capsys, "rules", "PROC-QUORUM")
    assert "《村民委员会组织法》第二十六条第一款（2025年修正）" in out and "Organic Law" not in out


def test_rules_unknown_code_exit_2_with_valid_codes(capsys):
    code, out, err = run(capsys, "rules", "PROC-NOTIS")
    assert code == 2 and out == ""
    assert "PROC-NOTIS" in err and all(c in err for c in RULES)


# --- --as-of and --profile -------------------------------------------------------------------------


def test_as_of_switches_the_law_applied(capsys):
    code, out, _ = run(capsys, "check", LATE, "--as-of", "2025-12-20", "--format", "json")
    result = json.loads(out)
    assert result["law_as_of"] == "2025-12-20"
    assert result["law_versions"]["villagers_committees"] == "2018"
    _, out, _ = run(capsys, "check", LATE, "--as-of", "2025-12-20")
    assert "适用法律：按2025-12-20施行的法律判断：《村民委员会组织法》（2018年修正）" in out


def test_profile_by_name_and_by_file(capsys, tmp_path):
    code, out, _ = run(capsys, "check", LATE, "--profile", "chongqing", "--format", "json")
    assert json.loads(out)["profile"] == "xsim/data/profiles/chongqing.yaml"
    code, out, _ = run(capsys, "check", CLEAN, "--profile", "chongqing", "--format", "json")
    assert json.loads(out)["profile"] is None  # village measures: not applied to a community
    mine = tmp_path / "county.yaml"
    mine.write_text(
        "name: county\ntitle_zh: 某县\nsettings:\n  notice_days:\n    value: 9\n"
        "    source: {document: 某县城乡社区协商实施办法, article: 第五条}\n",
        encoding="utf-8",
    )
    record = tmp_path / "r.yaml"
    record.write_text(
        GOOD.replace("rules: {notice_days: 5, publicize_within_days: 30}", ""), "utf-8"
    )
    code, out, _ = run(capsys, "check", str(record), "--profile", str(mine))
    assert code == 1 and "按地方规定（《某县城乡社区协商实施办法》第五条）" in out


BAD_PROFILES = {
    "wrong_type.yaml": (
        "name: county\ntitle_zh: 某县\nsettings:\n  notice_days:\n    value: five\n"
        "    source: {document: 某县办法}\n",
        "settings.notice_days.value",
    ),
    "unknown_key.yaml": (
        "name: county\ntitle_zh: 某县\nsettings:\n  notice_dayz:\n    value: 5\n"
        "    source: {document: 某县办法}\n",
        "settings.notice_dayz",
    ),
    "unknown_article.yaml": (
        "name: county\ntitle_zh: 某县\nsettings:\n  notice_days:\n    value: 5\n"
        "    source: {law: civil_code, version: '2020', article: 999}\n",
        "settings.notice_days.source.article",
    ),
    "not_a_mapping.yaml": ("- a\n- b\n", ""),
}


@pytest.mark.parametrize("name", sorted(BAD_PROFILES))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bad_profile_exit_2_one_message_nothing_written(name, lang, tmp_path, monkeypatch, capsys):
    text, field = BAD_PROFILES[name]
    monkeypatch.chdir(tmp_path)
    Path(name).write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "check", CLEAN, "--profile", name, "--lang", lang)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(name) and "Traceback" not in err
    if field:
        assert (f"'{field}'" if lang == "en" else f"「{field}」") in err
    assert sorted(os.listdir(tmp_path)) == [name]


@pytest.mark.parametrize(
    "argv",
    [
        ["--as-of", "2026-02-30"],
        ["--as-of", "yesterday"],
        ["--profile", "atlantis"],
        ["--profile", "missing.yaml"],
    ],
)
def test_bad_options_exit_2_one_message(argv, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "check", CLEAN, *argv)
    assert code == 2 and out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert os.listdir(tmp_path) == []


def test_record_naming_an_unknown_profile_exit_2(tmp_path, capsys):
    bad = tmp_path / "r.yaml"
    bad.write_text(
        GOOD.replace("rules: {notice_days: 5", "rules: {profile: atlantis, notice_days: 5"), "utf-8"
    )
    code, out, err = run(capsys, "check", str(bad))
    assert code == 2 and out == "" and err.count("\n") == 1 and "atlantis" in err
    assert err.startswith(str(bad)) and "「rules.profile」" in err


def test_collective_matter_on_a_community_record_is_judged(tmp_path, capsys):
    # a 居委会 holding a former village group's collective property: accepted (issue 20)
    good = tmp_path / "r.yaml"
    good.write_text(
        GOOD.replace(
            "  wide_impact: false\n", "  wide_impact: false\n  collective_matter: charter\n", 1
        ),
        "utf-8",
    )
    code, out, err = run(capsys, "check", str(good), "--format", "json")
    assert code in (0, 1) and err == ""
    assert "rural_collective_economic_organizations" in json.loads(out)["law_versions"]


def test_readme_shows_the_real_json_output(capsys):
    """The README's `--format json` example (with law_as_of and basis) is what the command prints."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = "$ xsim check --format json examples/records/05-villagers-meeting-no-quorum.yaml\n"
    block = readme.split(command, 1)[1].split("```", 1)[0]
    shown = json.loads(block)
    assert "law_as_of" in shown and all("basis" in f for f in shown["findings"])
    _, out, _ = run(
        capsys, "check", "--format", "json", "examples/records/05-villagers-meeting-no-quorum.yaml"
    )
    assert json.loads(out) == shown

"""What the decision memo says, gathered from one comparison study folder.

A memo needs a folder written by ``xsim compare --out`` (manifest kind ``compare``): its rows give
the headline results with 95% intervals (at the scenario's parameters), ``uncertainty.json`` (from
``--uncertainty N``) their robustness and the parameter ranges that drive them, its PNG figures are
shown as they are, and the counted validation targets — the full check of ``xsim validate``, seed 0,
so that the memo and docs/validation.md agree — say which observed patterns the installed model
reproduces. A folder of another kind, or one whose files do not match its manifest,
is an :class:`xsim.errors.InputError`: nothing is written.
"""

from __future__ import annotations

import hashlib
import json
import platform
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xsim.errors import InputError

#: the measures of the results table, in this order, when the study has them
MEMO_MEASURES = (
    "adopted",
    "adopted_unlawfully",
    "participation",
    "fairness",
    "complaints",
    "person_hours",
)
FIGURES = ("comparison.png", "participation.png")


@dataclass
class Memo:
    folder: Path
    scenario: str
    title: str
    narrative: str
    forms: list[str]
    reps: int
    seed: int
    summary: Any  # xsim.experiments.summary.Summary over the runs at the scenario's parameters
    measures: list[str]
    uncertainty: dict | None
    ranges: dict
    figures: list[tuple[str, bytes]]
    validation: list = field(default_factory=list)  # xsim.validation.evaluate.Result
    versions: dict[str, str] = field(default_factory=dict)
    command: str = ""


def _refuse(folder: Path, en: str, zh: str, field_: str = "STUDY_DIR") -> InputError:
    return InputError(str(folder), field_, en, zh)


def _listed_file(folder: Path, body: dict, name: str) -> bytes | None:
    """A file the study wrote, checked against its manifest entry (None: the study has none)."""
    info = (body.get("files") or {}).get(name)
    if info is None:
        return None
    path = folder / name
    try:
        data = path.read_bytes()
    except OSError:
        raise _refuse(
            folder, f"{name} listed in manifest.json is missing", f"清单中的 {name} 不见了"
        ) from None
    if "sha256" in info and hashlib.sha256(data).hexdigest() != info["sha256"]:
        raise _refuse(
            folder,
            f"{name} as the study wrote it (its checksum differs from manifest.json: damaged)",
            f"{name} 与清单记录不符（已损坏）",
        )
    return data


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in ("xsim", "mesa", "numpy", "pandas", "scipy", "ema_workbench"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "—"
    return out


def _command(manifest: dict, forms: list[str], n_sets: int | None, folder: Path) -> str:
    argv = ["xsim", "compare", str(manifest.get("scenario")), "--forms", ",".join(forms)]
    varied: dict[str, list] = {}
    for variant in manifest.get("variants", []):
        if "@" in str(variant.get("name", "")):
            continue  # a parameter set of --uncertainty
        for key, value in (variant.get("overrides") or {}).items():
            varied.setdefault(key, [])
            if value not in varied[key]:
                varied[key].append(value)
    for key, values in varied.items():
        argv += ["--vary", f"{key}={','.join(str(v) for v in values)}"]
    argv += ["--reps", str(manifest.get("reps")), "--seed", str(manifest.get("seed"))]
    if n_sets:
        argv += ["--uncertainty", str(n_sets)]
    argv += ["--out", str(folder)]
    return " ".join(shlex.quote(a) for a in argv)


def gather(folder: str | Path, *, validate: bool = True) -> Memo:
    """Everything the memo shows, or an InputError when ``folder`` is not an intact comparison."""
    from xsim.experiments.parameter_ranges import load_ranges
    from xsim.experiments.storage import load_results, read_manifest
    from xsim.experiments.summary import summarize

    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise _refuse(folder, "a study folder written by xsim compare --out", "应为研究结果文件夹")
    body = read_manifest(folder)  # damaged JSON / a foreign manifest: InputError
    if body is None:
        raise _refuse(
            folder,
            "a study folder written by xsim compare --out (no manifest.json here)",
            "应为 xsim compare --out 写出的研究结果文件夹（此处没有 manifest.json）",
        )
    if body.get("kind") != "compare":
        raise _refuse(
            folder,
            f"a comparison study (xsim compare); this folder holds a '{body.get('kind')}' study",
            f"应为协商形式比较研究（xsim compare）；该文件夹是「{body.get('kind')}」研究",
        )
    manifest = body["study"]
    rows = load_results(folder)  # a damaged part: InputError
    if rows.empty or "form" not in rows.columns:
        raise _refuse(folder, "a study with finished runs", "研究中没有已完成的模拟")
    defaults = rows[~rows["variant"].astype(str).str.contains("@", regex=False)]
    if defaults.empty:
        raise _refuse(folder, "runs at the scenario's own parameters", "缺少默认参数下的模拟")
    forms = list(dict.fromkeys(str(f) for f in defaults["form"]))
    measures = [m for m in MEMO_MEASURES if m in defaults.columns and _has_label(m)]
    summary = summarize(defaults, n_boot=2000, seed=int(manifest.get("seed", 0)))
    raw = _listed_file(folder, body, "uncertainty.json")
    try:
        uncertainty = json.loads(raw) if raw is not None else None
    except ValueError:
        raise _refuse(
            folder, "uncertainty.json as JSON", "uncertainty.json 不是有效的 JSON"
        ) from None
    figures = [(n, d) for n in FIGURES if (d := _listed_file(folder, body, n)) is not None]
    title, narrative = _scenario_text(manifest)
    n_sets = uncertainty.get("n_parameter_sets") if uncertainty else None
    memo = Memo(
        folder=folder,
        scenario=str(manifest.get("scenario")),
        title=title,
        narrative=narrative,
        forms=forms,
        reps=int(manifest.get("reps", 0)),
        seed=int(manifest.get("seed", 0)),
        summary=summary,
        measures=measures,
        uncertainty=uncertainty,
        ranges=load_ranges(),
        figures=figures,
        versions=_versions() | {"kit (study)": str(manifest.get("kit_version"))},
        command=_command(manifest, forms, n_sets, folder),
    )
    if validate:
        from xsim.validation.evaluate import evaluate
        from xsim.validation.targets import load_targets

        # the full variant (30 replications, about 8 s): the fast one can judge a narrow target
        # differently from `xsim validate` and docs/validation.md
        memo.validation = evaluate([t for t in load_targets() if t.counted], fast=False).results
    return memo


def _has_label(measure: str) -> bool:
    """Only measures with a reader's name appear (the memo shows no code names)."""
    from xsim.experiments.labels import measure_label

    return measure_label(measure, "zh") != measure


def _scenario_text(manifest: dict) -> tuple[str, str]:
    """Title and narrative of the study's scenario when it is a bundled one with the same content."""
    from xsim.experiments.study import scenario_hash
    from xsim.sim.scenario import load_scenario

    name = str(manifest.get("scenario"))
    try:
        scenario = load_scenario(name)
    except InputError:
        return name, ""
    if scenario_hash(scenario) != manifest.get("scenario_hash"):
        return scenario.title, ""  # the file changed since: its story may not be this study's
    return scenario.title, (scenario.narrative or "").strip()

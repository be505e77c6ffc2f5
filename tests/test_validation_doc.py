"""docs/validation.md is generated from the target table and the kernel results (drift test)."""

from __future__ import annotations

from pathlib import Path

from xsim.validation.docs import render

ROOT = Path(__file__).resolve().parents[1]


def test_docs_validation_md_is_up_to_date():
    text = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    assert text == render(), "regenerate: python -m xsim.validation.docs > docs/validation.md"


def test_docs_validation_md_has_the_eight_trace_elements():
    text = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    for number, element in enumerate(
        (
            "Problem formulation",
            "Model description",
            "Data evaluation",
            "Conceptual model evaluation",
            "Implementation verification",
            "Model output verification",
            "Model analysis",
            "Model output corroboration",
        ),
        start=1,
    ):
        assert f"\n## {number}. {element}\n" in text

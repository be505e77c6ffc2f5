"""Lesson 09's capstone: the trainee organizes a whole consultation, files its documents and is scored.

- :mod:`~xsim.teaching.capstone.plan` — the trainee's choices (:class:`Plan`), the options
  offered (``capstone.yaml``) and the scenario overrides a plan stands for;
- :mod:`~xsim.teaching.capstone.scoring` — the rubric (``rubric.yaml``) and the scoring, a pure
  function of the plan's texts, the run's measures and the engine's findings; a law-level
  violation fails the plan (:func:`law_level`);
- :mod:`~xsim.teaching.capstone.case` — the trainee's drawn case and the model run of a plan;
- :mod:`~xsim.teaching.capstone.documents` — the four documents, worded by the case;
- :mod:`~xsim.teaching.capstone.widget` — the widget (:class:`Capstone`).

Names are imported from their modules on first use, so that importing the package costs nothing.
"""

from __future__ import annotations

from xsim._lazy import lazy_getattr

_LAZY = {
    "Capstone": "xsim.teaching.capstone.widget",
    "Plan": "xsim.teaching.capstone.plan",
    "CapstoneOptions": "xsim.teaching.capstone.plan",
    "load_options": "xsim.teaching.capstone.plan",
    "NO_MEETING": "xsim.teaching.capstone.plan",
    "Rubric": "xsim.teaching.capstone.scoring",
    "Assessment": "xsim.teaching.capstone.scoring",
    "load_rubric": "xsim.teaching.capstone.scoring",
    "law_level": "xsim.teaching.capstone.scoring",
    "score_run": "xsim.teaching.capstone.scoring",
    "assess": "xsim.teaching.capstone.case",
    "run_plan": "xsim.teaching.capstone.case",
    "draw_scenario": "xsim.teaching.capstone.case",
    "draw_trainee_case": "xsim.teaching.capstone.case",
    "trainee_case": "xsim.teaching.capstone.case",
    "documents": "xsim.teaching.capstone.documents",
}

__all__ = sorted(_LAZY)

__getattr__ = lazy_getattr(__name__, _LAZY)

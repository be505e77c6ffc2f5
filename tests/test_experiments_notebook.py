"""Local worker processes are safe from a real Jupyter kernel (Mesa's batch_run hangs there).

A runner *defined in the notebook* runs on ProcessExecutor, and so does the model imported from xsim;
the kernel must not hang (timeout) and the numbers must equal the in-process ones.
"""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

CELLS = [
    """import numpy as np
from xsim.experiments import ProcessExecutor, Study

class Sc:
    name = "nb"
    forms = ["a", "b"]

def runner(scenario, form=None, rules=None, seed=0, overrides=None):
    return {"x": float(np.random.default_rng(seed).random()), "is_a": form == "a"}

study = Study(Sc(), ["a", "b"], reps=5, seed=1, runner=runner)
there = study.run(ProcessExecutor(2), progress=False).rows
here = study.run("in-process", progress=False).rows
assert there.equals(here)
print("notebook runner ok", len(there))""",
    """from xsim.experiments import compare
a = compare("elevator_retrofit", ["owners", "online"], reps=2, seed=1, executor="processes",
            progress=False).rows
b = compare("elevator_retrofit", ["owners", "online"], reps=2, seed=1, progress=False).rows
assert a.equals(b)
print("model ok", len(a))""",
]


@pytest.mark.slow
def test_process_executor_runs_notebook_defined_and_xsim_runners_in_a_kernel(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in CELLS]
    NotebookClient(
        nb, timeout=240, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    texts = ["".join(o.get("text", "") for o in cell.outputs) for cell in nb.cells]
    assert "notebook runner ok 10" in texts[0]
    assert "model ok 4" in texts[1]

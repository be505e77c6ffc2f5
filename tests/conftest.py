"""Shared test settings."""

import pytest


@pytest.fixture(autouse=True)
def _progress_store_in_tmp(tmp_path, monkeypatch):
    """Widgets save a trainee's answers under the Jupyter data folder: never the tester's own."""
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "jupyter-data"))


@pytest.fixture(autouse=True)
def _no_double_click_window(monkeypatch):
    """Tests click a button several times in a row; in a room a click that soon after a run is a
    double click's second click and is ignored (``xsim.teaching.common.BUSY_SETTLE_S``)."""
    try:
        import xsim.teaching.common as common
    except ImportError:  # a test run without the widget dependencies
        return
    monkeypatch.setattr(common, "BUSY_SETTLE_S", 0.0)

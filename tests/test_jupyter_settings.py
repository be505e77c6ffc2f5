"""The Jupyter settings ``make lab`` / ``make present`` install into the environment (headless).

The browser test (tests/test_browser.py) shows their effect in Chromium; these check the files,
the installer and the Makefile's commands without starting a server.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
INSTALL = ROOT / "tools" / "install-jupyter-settings"
LAB_SCHEMAS = Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas"


def _install(prefix: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(INSTALL), str(prefix)], capture_output=True, text=True, timeout=60
    )


def test_installer_writes_into_the_prefix_only(tmp_path):
    prefix = tmp_path / "venv"
    prefix.mkdir()
    assert _install(prefix).returncode == 0
    written = sorted(p.relative_to(prefix).as_posix() for p in prefix.rglob("*") if p.is_file())
    assert "share/jupyter/lab/settings/overrides.d/xsim.json" in written
    assert "etc/jupyter/jupyter_server_config.json" in written
    assert "share/jupyter/xsim/custom/custom.css" in written
    assert "etc/jupyter/voila.json" in written
    assert "share/jupyter/voila/templates/xsim-zh/tree.html" in written
    assert all(w.startswith(("etc/jupyter/", "share/jupyter/")) for w in written)
    # again: same files, same content (idempotent)
    before = {w: (prefix / w).read_bytes() for w in written}
    assert _install(prefix).returncode == 0
    assert {w: (prefix / w).read_bytes() for w in written} == before


@pytest.mark.parametrize("args", [[], ["a", "b"], ["/no/such/prefix"]])
def test_installer_refuses_bad_arguments(args):
    done = subprocess.run(
        [sys.executable, str(INSTALL), *args], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_lab_overrides_select_chinese_and_no_news_against_the_installed_schemas():
    overrides = json.loads(
        (ROOT / "share/jupyter/lab/settings/overrides.d/xsim.json").read_text(encoding="utf-8")
    )
    assert overrides["@jupyterlab/translation-extension:plugin"]["locale"] == "zh_CN"
    if not LAB_SCHEMAS.is_dir():
        pytest.skip("JupyterLab schemas not installed")
    for plugin_id, values in overrides.items():
        package, plugin = plugin_id.split(":")
        schema = json.loads((LAB_SCHEMAS / package / f"{plugin}.json").read_text("utf-8"))
        for key, value in values.items():
            spec = schema["properties"][key]  # KeyError: a misspelt setting
            allowed = spec.get("enum")
            assert allowed is None or value in allowed, (plugin_id, key, value)
    # the zh_CN language pack this selects is installed
    from importlib.metadata import distribution

    assert distribution("jupyterlab-language-pack-zh-CN")


def test_server_config_fetches_nothing():
    config = json.loads(
        (ROOT / "etc/jupyter/jupyter_server_config.json").read_text(encoding="utf-8")
    )
    assert config["LabApp"]["news_url"] is None
    assert config["LabApp"]["check_for_updates_class"] == "jupyterlab.NeverCheckForUpdate"


# -- hidden code cells leave no placeholder row (custom CSS from the environment) -------------------
CUSTOM_CSS = "share/jupyter/xsim/custom/custom.css"


def _server_config_as_loaded(prefix: Path) -> dict:
    """The config Jupyter Server reads with ``prefix`` on its config path (a new process)."""
    code = (
        "import json; from jupyter_server.serverapp import ServerApp\n"
        "app = ServerApp(); app.load_config_file()\n"
        "c = app.config\n"
        "print(json.dumps({'custom_css': c.LabApp.get('custom_css'), 'news_url': "
        "c.LabApp.get('news_url', 'unset'), 'tornado': c.ServerApp.get('tornado_settings')}))"
    )
    env = dict(
        os.environ,
        JUPYTER_CONFIG_PATH=str(prefix / "etc" / "jupyter"),
        JUPYTER_CONFIG_DIR=str(prefix / "user-config"),  # not the tester's ~/.jupyter
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_installed_server_config_loads_the_course_css_from_the_prefix(tmp_path):
    prefix = tmp_path / "venv"
    prefix.mkdir()
    stale = prefix / "etc/jupyter/jupyter_server_config.d/xsim.json"  # an earlier install's
    stale.parent.mkdir(parents=True)
    stale.write_text("{}")
    own = prefix / "etc/jupyter/jupyter_server_config.json"  # the environment's own settings stay
    own.write_text(json.dumps({"ServerApp": {"tornado_settings": {"x": 1}, "port": 9999}}))
    assert _install(prefix).returncode == 0
    loaded = _server_config_as_loaded(prefix)
    css_dir = (prefix / CUSTOM_CSS).parent.resolve()
    assert loaded["custom_css"] is True and loaded["news_url"] is None
    assert loaded["tornado"] == {"x": 1, "static_custom_path": [str(css_dir)]}
    assert json.loads(own.read_text())["ServerApp"]["port"] == 9999
    assert not stale.exists()
    assert (css_dir / "custom.css").read_text(encoding="utf-8") == (ROOT / CUSTOM_CSS).read_text(
        encoding="utf-8"
    )


def test_custom_css_hides_exactly_the_collapsed_input_of_code_cells():
    css = (ROOT / CUSTOM_CSS).read_text(encoding="utf-8")
    rules = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    assert re.fullmatch(
        r"\s*\.jp-CodeCell \.jp-Cell-inputWrapper:has\(> \.jp-InputPlaceholder\) "
        r"\{\s*display: none;\s*\}\s*",
        rules,
    ), rules
    # the class names are those of the JupyterLab this environment runs (a rename breaks this)
    static = Path(sys.prefix) / "share" / "jupyter" / "lab" / "static"
    bundles = list(static.glob("jlab_core*.js"))
    if not bundles:
        pytest.skip("JupyterLab's static files not installed")
    code = "".join(b.read_text(encoding="utf-8", errors="replace") for b in bundles)
    for name in ("jp-InputPlaceholder", "jp-Cell-inputWrapper", "jp-CodeCell"):
        assert f'"{name}"' in code, name


def test_every_code_cell_of_the_built_course_is_hidden_so_the_css_applies():
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        pytest.skip("notebooks not built")
    for path in notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert cell["metadata"]["jupyter"]["source_hidden"] is True, path.name


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_running_jupyterlab_serves_the_course_css(tmp_path):
    """The mechanism end to end, without a browser: JupyterLab started on the installed prefix
    links /custom/custom.css in its page and serves the course's file there."""
    import time
    import urllib.request

    jupyter = Path(sys.executable).with_name("jupyter")
    if not jupyter.exists():
        pytest.skip("jupyter not installed next to this Python")
    prefix = tmp_path / "venv"
    prefix.mkdir()
    assert _install(prefix).returncode == 0
    (tmp_path / "nb").mkdir()
    port = _free_port()
    env = dict(
        os.environ,
        JUPYTER_CONFIG_PATH=str(prefix / "etc" / "jupyter"),
        JUPYTER_CONFIG_DIR=str(tmp_path / "user-config"),
        JUPYTER_DATA_DIR=str(tmp_path / "data"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
    )
    server = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", "--allow-root", f"--port={port}",
         "--IdentityProvider.token=xsim-test", f"--ServerApp.root_dir={tmp_path / 'nb'}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        page = ""
        for _ in range(120):  # up to 60 s on a busy machine
            try:
                with urllib.request.urlopen(f"{base}/lab?token=xsim-test", timeout=5) as r:
                    page = r.read().decode("utf-8")
                break
            except OSError:
                time.sleep(0.5)
        assert '<link rel="stylesheet" href="/custom/custom.css">' in page
        with urllib.request.urlopen(f"{base}/custom/custom.css", timeout=10) as r:
            served = r.read().decode("utf-8")
        assert served == (ROOT / CUSTOM_CSS).read_text(encoding="utf-8")
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=20)


def test_voila_template_has_no_internet_address():
    template = ROOT / "share/jupyter/voila/templates/xsim-zh"
    for path in template.iterdir():
        text = path.read_text(encoding="utf-8")
        for scheme in ("http://", "https://", "//cdn"):
            # the spinner's SVG carries XML namespace names, never fetched
            lines = [ln for ln in text.splitlines() if scheme in ln and "xmlns" not in ln]
            assert not lines, (path.name, lines)
    voila = json.loads((ROOT / "etc/jupyter/voila.json").read_text(encoding="utf-8"))
    assert voila["VoilaConfiguration"]["template"] == template.name


def test_voila_prepares_kernels_for_existing_notebooks_only():
    """The pre-heated pool names the capstone as Voilà does under ``make present`` (relative to
    ``notebooks/``, or the notebook's bare name when it is served alone: the same name), so a
    renamed lesson cannot silently lose its prepared kernel.
    The traits are Voilà's own (an unknown name would be ignored without a word)."""
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    from voila.configuration import VoilaConfiguration
    from voila.voila_kernel_manager import voila_kernel_manager_factory

    voila = json.loads((ROOT / "etc/jupyter/voila.json").read_text(encoding="utf-8"))
    assert voila["VoilaConfiguration"]["preheat_kernel"] is True
    assert set(voila["VoilaConfiguration"]) <= set(VoilaConfiguration.class_trait_names())
    manager = voila_kernel_manager_factory(
        AsyncMappingKernelManager, preheat_kernel=True, default_pool_size=0
    )
    assert set(voila["VoilaKernelManager"]) <= set(manager.class_trait_names())
    pools = voila["VoilaKernelManager"]["kernel_pools_config"]
    assert pools.pop("default") == {"pool_size": 0}
    assert pools and all(v["pool_size"] >= 1 for v in pools.values())
    for name in pools:
        assert (ROOT / "notebooks" / name).is_file(), name


def _make_n(target: str, tmp_path: Path) -> str:
    if shutil.which("make") is None:
        pytest.skip("make not installed")
    done = subprocess.run(
        ["make", "-n", target, f"VENV={tmp_path / 'venv'}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_make_lab_installs_settings_and_allows_root_only_as_root(tmp_path):
    out = _make_n("lab", tmp_path)
    assert "tools/install-jupyter-settings" in out
    lab_line = next(ln for ln in out.splitlines() if "bin/jupyter lab" in ln)
    assert "--ServerApp.root_dir=notebooks" in lab_line
    as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    assert ("--allow-root" in lab_line) == as_root
    assert ("root 身份" in out) == as_root
    nb = ROOT / "notebooks"
    homes = [
        *(p for p in (nb / "index.ipynb", nb / "首页.ipynb") if p.exists()),
        *sorted(nb.glob("00_*.ipynb")),
        *sorted(nb.glob("00_*/*.ipynb")),
    ]
    if homes:  # the course home page opens first
        assert f'"{homes[0]}"' in lab_line


def test_make_present_installs_settings(tmp_path):
    out = _make_n("present", tmp_path)
    assert "tools/install-jupyter-settings" in out
    assert "bin/voila --strip_sources=True notebooks/" in out


def test_the_venv_prefix_is_where_jupyter_looks():
    """`make lab` installs into the venv's prefix: JupyterLab's overrides folder, Jupyter's config
    path (server config, voila.json) and data path (Voilà templates) all include it."""
    from jupyter_core.paths import jupyter_config_path, jupyter_path
    from jupyterlab.labapp import LabApp

    prefix = Path(sys.prefix)
    assert Path(LabApp().app_settings_dir) == prefix / "share" / "jupyter" / "lab" / "settings"
    assert prefix / "etc" / "jupyter" in map(Path, jupyter_config_path())
    assert prefix / "share" / "jupyter" in map(Path, jupyter_path())

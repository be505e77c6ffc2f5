# xsim — quick start: `make demo` (set up and run the main job), `make test` (set up and run all tests).
# The virtual environment is .venv, made with a Python >= 3.12 found by tools/find-python.

VENV    := .venv
PY      := $(VENV)/bin/python
XSIM    := $(VENV)/bin/xsim
STAMP_BASE := $(VENV)/.stamp-base
STAMP_TEST := $(VENV)/.stamp-test
STAMP_JUPYTER := $(VENV)/.stamp-jupyter
# Exact versions of every package the environment installs (pip constraints), so that a clean clone
# tests with the tools it was made green with: a new ruff release cannot fail `ruff format --check`.
CONSTRAINTS := constraints.txt
JUPYTER_SETTINGS := $(shell find etc/jupyter share/jupyter -type f 2>/dev/null)

.PHONY: demo test lab trainer present lint bench setup clean notebooks handouts room room-proxy room-bench constraints

$(PY):
	@PYTHON_BIN=$$(tools/find-python) && echo "using $$PYTHON_BIN" && "$$PYTHON_BIN" -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip

$(STAMP_BASE): pyproject.toml $(CONSTRAINTS) | $(PY)
	$(PY) -m pip install --quiet -c $(CONSTRAINTS) -e .
	@touch $@

$(STAMP_TEST): pyproject.toml $(CONSTRAINTS) | $(PY)
	$(PY) -m pip install --quiet -c $(CONSTRAINTS) -e ".[test,present]"
	@touch $(STAMP_BASE) $@

## Update the pins: resolve pyproject.toml afresh in a scratch venv (no constraints), freeze it into
## constraints.txt. Then `make test` (which reinstalls from the new pins) and commit both when green.
constraints:
	@rm -rf .venv-pins
	@PYTHON_BIN=$$(tools/find-python) && "$$PYTHON_BIN" -m venv .venv-pins
	.venv-pins/bin/python -m pip install --quiet --upgrade pip
	.venv-pins/bin/python -m pip install --quiet -e ".[test,present,room]"
	@{ grep '^#' $(CONSTRAINTS); \
	  .venv-pins/bin/python -m pip freeze --exclude-editable; } > $(CONSTRAINTS).new
	@mv $(CONSTRAINTS).new $(CONSTRAINTS) && rm -rf .venv-pins
	@echo "constraints.txt updated: run make test, then commit it"

setup: $(STAMP_BASE)

## The main job: compare the forms of the bundled scenario (falls back to checking the example records).
demo: $(STAMP_BASE)
	@$(PY) -m xsim.demo

## The whole test suite: unit, property, literature and validity tests, then the notebooks (nbval).
## The hostile-input suite (tests/test_hostile_inputs.py) runs every case in a child process under a
## 4 GiB address-space limit (RLIMIT_AS) with a timeout: memory and hangs are tested, not hoped for.
test: $(STAMP_TEST)
	$(PY) -m ruff check src tests benchmarks
	$(PY) -m ruff format --check src tests benchmarks tools
	$(VENV)/bin/lint-imports
	$(PY) -m pytest
	@if ls notebooks/*.ipynb >/dev/null 2>&1; then \
	  JUPYTER_DATA_DIR="$$(mktemp -d)" $(PY) -m pytest --nbval notebooks trainer --nbval-sanitize-with tests/nbval-sanitize.cfg -p no:randomly -q; \
	fi

## Jupyter settings of this environment (zh-CN interface, no news or update checks, Voilà's Chinese
## offline template), from etc/jupyter and share/jupyter into .venv — never the user's home.
$(STAMP_JUPYTER): tools/install-jupyter-settings $(JUPYTER_SETTINGS) | $(PY)
	@$(PY) tools/install-jupyter-settings $(VENV)
	@touch $@

## Jupyter refuses to run as root without --allow-root; containers and training-room servers often
## run as root, so it is added only then, with a note.
IS_ROOT    = $(shell [ "$$(id -u)" = 0 ] && echo yes)
ROOT_NOTE  = 注意：正在以 root 身份运行，已加 --allow-root。培训教室的服务器请尽量用普通账号。 / Note: running as root (--allow-root); prefer an ordinary account on a shared server.
## The course home page, if there is one: opened first by `make lab`.
COURSE_HOME = $(firstword $(wildcard notebooks/index.ipynb notebooks/首页.ipynb notebooks/00_*.ipynb notebooks/00_*/*.ipynb))

## The course in JupyterLab (Chinese interface), opening the course home page.
lab: $(STAMP_BASE) $(STAMP_JUPYTER)
	@$(if $(IS_ROOT),echo "$(ROOT_NOTE)",true)
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=notebooks $(if $(IS_ROOT),--allow-root) $(if $(COURSE_HOME),"$(abspath $(COURSE_HOME))")

## The trainer's class summary (trainer/班级汇总.ipynb: merge the trainees' exported progress) in
## JupyterLab. notebooks/ holds the lessons only: it is what trainees see.
trainer: $(STAMP_BASE) $(STAMP_JUPYTER)
	@$(if $(IS_ROOT),echo "$(ROOT_NOTE)",true)
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=trainer $(if $(IS_ROOT),--allow-root) "$(abspath trainer/班级汇总.ipynb)"

## Presentation mode: a notebook as an app, without code, for a projector (Voilà, Chinese template).
## `make present` lists the lessons; `make present NB=notebooks/00_导读.ipynb` opens one directly.
present: $(STAMP_TEST) $(STAMP_JUPYTER)
	$(VENV)/bin/voila --strip_sources=True $(if $(NB),"$(NB)",notebooks/)

## The course (course/): execute every lesson into notebooks/*.ipynb; `make notebooks L="01 04"` for some.
notebooks: $(STAMP_TEST)
	$(PY) tools/build_course.py $(L)

## Printable PDFs in Chinese (lessons, trainer edition, notice, glossary, role cards) into build/handouts/.
handouts: $(STAMP_TEST)
	$(PY) tools/build_handouts.py

## A training room: JupyterHub serving the course to each trainee's own account on this machine
## (docs/room.md). Settings: room/room.toml (or ROOM=path). `make room` starts it, `make room STOP=1`
## stops everything it started, `make room STOP=1 PURGE=1` also deletes the room's accounts.
## The proxy (configurable-http-proxy, npm) is installed into .room/node_modules, never globally.
ROOM       ?= room/room.toml
ROOM_PROXY := .room/node_modules/.bin/configurable-http-proxy
STAMP_ROOM := $(VENV)/.stamp-room

$(ROOM_PROXY):
	@command -v npm >/dev/null 2>&1 || { echo "需要 npm 来安装代理（apt-get install nodejs npm）/ npm is needed"; exit 2; }
	npm install --prefix .room --no-audit --no-fund --loglevel=error configurable-http-proxy@4.6.3

room-proxy: $(ROOM_PROXY)

$(STAMP_ROOM): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -c $(CONSTRAINTS) -e ".[room]"
	@touch $(STAMP_BASE) $@

room: $(if $(STOP),,$(STAMP_ROOM) $(ROOM_PROXY))
	@if [ -n "$(STOP)" ]; then \
	  $(PY) room/roomctl.py stop --config "$(ROOM)" && \
	  if [ -n "$(PURGE)" ]; then $(PY) room/roomctl.py remove --config "$(ROOM)"; fi; \
	else \
	  $(PY) room/roomctl.py start --config "$(ROOM)"; \
	fi

## The room under load (benchmarks/bench_room.py, root): N = 10, 20, 40 trainees arriving over 120 s,
## run-all then 3 minutes of clicks each; figures into build/room-bench/n<N>.json (+ .detail.json).
## Needs the machine to itself (the figures are CPU-bound); `make room-bench N="40"` for one size.
N ?= 10 20 40
room-bench: $(STAMP_TEST) $(ROOM_PROXY)
	@mkdir -p build/room-bench
	@for n in $(N); do \
	  echo "N=$$n, load: $$(cut -d' ' -f1-3 /proc/loadavg)"; \
	  $(PY) benchmarks/bench_room.py --trainees $$n --arrival-s 120 --json build/room-bench/n$$n.json || exit 1; \
	done

lint: $(STAMP_TEST)
	$(PY) -m ruff check src tests benchmarks

bench: $(STAMP_BASE)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache

# Set-up and everyday commands. On a new machine `make run` and `make test` install what they need.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test eval bench bench-quick report install-browser clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@command -v $(PY) >/dev/null 2>&1 || { echo "need $(PY) (Python 3.11) on PATH"; exit 2; }
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	@touch $(STAMP)

run: install
	$(BIN)/python -m pipeline run corpus/articles --out outputs

test: install
	$(BIN)/python -m pytest

# `make eval BATCH=2` scores one batch of the dev set alone (first run on unseen articles)
eval: install
ifdef BATCH
	$(BIN)/python -m pipeline eval $(wildcard ../shared/corpus/dev) --batch $(BATCH) --json outputs/eval-batch$(BATCH).json
else
	$(BIN)/python -m pipeline eval corpus/golden $(wildcard ../shared/corpus/dev) --json outputs/eval.json
endif

bench: install
	-$(BIN)/python -m pipeline.bench --out outputs/bench.json

bench-quick: install
	-$(BIN)/python -m pipeline.bench --quick --out outputs/bench.json

install-browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -q && apt-get install -y -q chromium)

report: install install-browser
	$(BIN)/python -m pipeline report outputs --screenshot outputs/dashboard.png

clean:
	rm -rf outputs/json outputs/csv outputs/parquet outputs/parts outputs/corpus.duckdb outputs/corpus.duckdb.wal \
		outputs/report outputs/manifest.json outputs/.state

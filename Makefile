# Two commands on a fresh machine: `make run` (dashboard, embedded mode) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8501
APT_PACKAGES := chromium fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji libcairo2

.PHONY: install system-deps pages migrate run worker fleet fleetctl test bench models clean

$(STAMP): requirements.txt tests/fixtures/extraction/requirements.txt tests/fixtures/extraction/archives.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt
	$(PY) -m pip install --disable-pip-version-check -q --no-deps --require-hashes \
	  -r tests/fixtures/extraction/requirements.txt
	$(PY) -m bench.grown_pages fetch
	@touch $(STAMP)

install: $(STAMP)

# Debian packages: Chromium for the browser tests, Noto fonts for banners in every script.
# Installs only what is missing; needs root (or sudo) the first time.
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

migrate: install
	$(PY) -m db.migrate

run: install migrate
	$(VENV)/bin/streamlit run app.py --server.port $(PORT) --server.headless true

# Production worker (needs REDIS_URL and DATABASE_URL): any number, on any host.
worker: install
	$(VENV)/bin/dramatiq actors.worker --processes 1 --threads 4

# The production fleet of one host under supervisord (deploy/supervisord.conf): the dashboard
# on $(PORT) and $(WORKERS) workers of $(THREADS) threads, each restarted when it dies.
# Needs DATABASE_URL and REDIS_URL; `make migrate` once per release first. Foreground
# (stop with Ctrl-C / SIGTERM); logs, socket and pid file in $(RUN_DIR).
# DASHBOARD=false: a worker-only host. See deploy/README.md.
WORKERS ?= 2
THREADS ?= 4
DASHBOARD ?= true
RUN_DIR ?= data/run
FLEET_ENV = CTABS_VENV=$(abspath $(VENV)) CTABS_RUN_DIR=$(abspath $(RUN_DIR)) \
	CTABS_WORKERS=$(WORKERS) CTABS_WORKER_THREADS=$(THREADS) CTABS_DASHBOARD=$(DASHBOARD) PORT=$(PORT)

fleet: install
	@mkdir -p $(RUN_DIR)
	$(FLEET_ENV) exec $(VENV)/bin/supervisord -c deploy/supervisord.conf

# The running fleet: `make fleetctl` (status), `make fleetctl CMD="restart ctabs-worker:*"`.
fleetctl:
	@$(FLEET_ENV) $(VENV)/bin/supervisorctl -c deploy/supervisord.conf $(or $(CMD),status)

# The extraction test pages inside pinned releases (tests/fixtures/extraction/archives.txt):
# fetched once and checked by hash; tried again here when an install could not reach them.
pages: install
	$(PY) -m bench.grown_pages fetch

test: install system-deps pages
	$(PY) -m pytest -q $(PYTEST_ARGS)

# CLIP weights of CLIP_MODEL / CLIP_PRETRAINED (or an hf-hub:org/repo CLIP_MODEL) into the
# Hugging Face cache (HF_HOME; HF_ENDPOINT for a mirror), loaded once to check them. Run it
# where the workers run (same HF_HOME), or set CLIP_FETCH_AT_BOOT=1 on the workers instead.
models: install
	$(PY) -m core.models fetch --load

bench: install
	$(PY) -m bench.services

clean:
	rm -rf $(VENV) data .pytest_cache

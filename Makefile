# sohoa: `make demo` installs what it needs and archives a sample batch; `make test` runs
# every check. Both install their own dependencies: Debian packages (apt-get), Python
# packages from uv.lock, Java tools from Maven Central.

UV_VERSION := 0.13.9
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
VENV := .venv
STAMPS := .make
export UV_PYTHON_DOWNLOADS := never
# Bytecode compiled at install: each process, and every Airflow task, starts seconds faster.
export UV_COMPILE_BYTECODE := 1

.PHONY: demo test airflow opensearch check deps tools clean

demo: deps
	$(VENV)/bin/sohoa demo

test: deps tools
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	PYTHONPATH=dags $(VENV)/bin/lint-imports
	$(VENV)/bin/pytest -n 2 --dist loadfile  # two at once: much of the suite waits on servers

airflow: deps
	tools/airflow-standalone

opensearch: $(STAMPS)/opensearch
	tools/opensearch-node start

deps: $(STAMPS)/apt $(STAMPS)/python

tools: $(STAMPS)/verapdf $(STAMPS)/opensearch $(STAMPS)/eark-validator $(STAMPS)/test-apt

$(STAMPS)/apt: tools/install-system
	tools/install-system
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/python: pyproject.toml uv.lock
	uv --version 2>/dev/null | grep -q "uv $(UV_VERSION)" || python3 -m pip install -q "uv==$(UV_VERSION)"
	uv sync --frozen --extra airflow --extra cluster
	@mkdir -p $(STAMPS) && touch $@

# E-ARK's validator brings the METS and CSIP schemas the tests validate packages against; it
# pins its own lxml, so it has an environment of its own.
$(STAMPS)/eark-validator: tools/eark-validator/pyproject.toml tools/eark-validator/uv.lock $(STAMPS)/python
	UV_PROJECT_ENVIRONMENT=$(CURDIR)/.tools/eark-validator uv sync --frozen --project tools/eark-validator
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/test-apt: tools/install-test-system
	tools/install-test-system
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/java:
	command -v java >/dev/null || DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q default-jre-headless
	command -v mvn >/dev/null || DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q maven
	command -v curl >/dev/null || DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q curl
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/verapdf $(STAMPS)/opensearch: $(STAMPS)/%: tools/%/pom.xml $(STAMPS)/apt $(STAMPS)/java
	rm -rf .tools/$*/lib
	mvn -q -B -f tools/$*/pom.xml dependency:copy-dependencies -DoutputDirectory=$(CURDIR)/.tools/$*/lib
	@mkdir -p $(STAMPS) && touch $@

clean:
	rm -rf $(STAMPS) .tools var

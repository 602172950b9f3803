# 区人社局 法治政府建设年度报告 — reproducible build, one bureau at a time (BUREAU=<id>).
# Every target documents itself with a `## ` comment; `make help` lists them.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.ready

# A bureau is the name of its folder under params/ (profile bureau.yaml and its yearly params).
BUREAU ?= pudong
YEAR ?= 2021
YEARS ?= 2020 2021 2022
KIND ?= rule_of_law
DATA_DIR ?= data/raw/$(BUREAU)
OUT_DIR ?= reports
PARAMS ?= params/$(BUREAU)/$(YEAR).yaml
# The notebook that shapes the report; empty: the bureau's own (notebooks/<bureau>/), else the package's.
NOTEBOOK ?=

.DEFAULT_GOAL := help
.PHONY: help setup validate figures report reports new-year new-bureau data lab test lint bench clean

help: ## 列出所有命令 / list every target
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}'

$(READY): pyproject.toml scripts/install-system-deps.sh
	bash scripts/install-system-deps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

$(VENV)/.test-ready: $(READY) scripts/install-system-deps.sh
	bash scripts/install-system-deps.sh --test
	touch $@

setup: $(READY) ## 安装环境（系统字体与 Python 包）/ install system fonts and Python packages

validate: $(READY) ## 校验台账 / validate the ledgers in DATA_DIR
	$(BIN)/python -m helpers validate --bureau $(BUREAU) --data-dir $(DATA_DIR)

figures: $(READY) ## 输出年度数据 JSON / print the year's figures as JSON
	$(BIN)/python -m helpers figures --bureau $(BUREAU) --year $(YEAR) --data-dir $(DATA_DIR) --params $(PARAMS)

report: $(READY) ## 生成年度报告 / build the report: make report YEAR=2021 [KIND=disclosure] [BUREAU=] [DATA_DIR=] [OUT_DIR=] [PARAMS=] [NOTEBOOK=]
	$(BIN)/python -m helpers report --bureau $(BUREAU) --year $(YEAR) --data-dir $(DATA_DIR) --out-dir $(OUT_DIR) --params $(PARAMS) --kind $(KIND) $(if $(NOTEBOOK),--notebook $(NOTEBOOK))

reports: $(READY) ## 生成多年的各种报告与索引页 / every kind for several years: make reports YEARS="2020 2021 2022"
	$(BIN)/python -m helpers reports --bureau $(BUREAU) --years $(YEARS) --data-dir $(DATA_DIR) --out-dir $(OUT_DIR)

new-year: $(READY) ## 新建下一年度参数文件 / scaffold params/BUREAU/YEAR.yaml from the last year
	$(BIN)/python -m helpers new-year --bureau $(BUREAU) --year $(YEAR)

new-bureau: $(READY) ## 新建机关：档案与第一个年度的参数文件 / start a bureau: make new-bureau BUREAU=xinqu YEAR=2023
	$(BIN)/python -m helpers new-bureau --bureau $(BUREAU) --year $(YEAR)

data: $(READY) ## 重新生成样例台账 / regenerate the sample bureau's synthetic ledgers in data/raw/BUREAU
	$(BIN)/python -m helpers generate --bureau $(BUREAU) --out-dir data/raw/$(BUREAU)

# JupyterLab refuses to start as root unless told; the set-up runs as root on a bureau's server.
LAB_FLAGS ?= $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(READY) ## 打开 JupyterLab / open JupyterLab on the project's kernel
	$(BIN)/jupyter lab --notebook-dir=notebooks $(LAB_FLAGS)

lint: $(READY) ## 代码检查 / run ruff
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

test: $(VENV)/.test-ready lint ## 运行全部测试 / run ruff and the test suite
	$(BIN)/python -m pytest

bench: $(READY) ## 性能基准 / run the benchmark (1×, 10×, 100×), write bench/results.json and its table in bench/README.md
	$(BIN)/python bench/run.py
	$(BIN)/python bench/run.py --table --readme

clean: ## 删除生成的报告 / remove generated reports
	rm -rf $(OUT_DIR)

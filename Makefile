# 发票系统运维与应急手册：常用命令
# make serve      安装依赖并在 http://127.0.0.1:8000 预览
# make build      构建站点到 site/
# make test       安装系统软件包（缺少时）和测试依赖，运行全部测试
# make test-fast  不用浏览器、不完整构建手册的测试（约 20 秒，改代码时常用）
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1
# mkdocs-redirects 载入 properdocs 时的提示横幅（与构建无关）
export DISABLE_MKDOCS_2_WARNING := true
# pytest 把改写过断言的测试模块缓存在 __pycache__/（git 忽略）；环境里禁止写字节码时每次都要重新改写，收集慢几秒
unexport PYTHONDONTWRITEBYTECODE

# 仓库根目录有 package.json 时（eslint 等），测试前按 package-lock.json 安装
NODE_DEPS := $(if $(wildcard package.json),node_modules/.installed)

.PHONY: serve build test test-fast system-deps check-links check-external review-report dist bench clean

# 系统软件包（chromium、fonts-noto-cjk、poppler-utils、nodejs、npm、nginx）：缺少时 root 自动安装，否则一行说明命令
system-deps:
	@PYTHON=$(PYTHON) sh tools/system-deps.sh

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.site-deps: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.bench-deps: requirements-bench.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-bench.txt
	touch $@

$(VENV)/.test-deps: requirements-test.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	mkdir -p node_modules && touch $@

serve: $(VENV)/.site-deps
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

build: $(VENV)/.site-deps
	$(BIN)/mkdocs build --clean --site-dir site

test: system-deps $(VENV)/.test-deps $(NODE_DEPS)
	$(BIN)/python -m pytest

test-fast: system-deps $(VENV)/.test-deps $(NODE_DEPS)
	$(BIN)/python -m pytest -n 2 -m "not browser and not build"

check-links: build $(VENV)/.test-deps
	$(BIN)/python -m tools.linkcheck site --inventory

# 联网时逐个访问外部链接，按页面报告失效的链接（不属于 make test，测试保持离线）
check-external: build
	$(BIN)/python -m tools.check_external site

# 列出已过期和 DAYS 天内到期的页面；FAIL=1 时有过期页面即以非零状态退出
DAYS ?= 30
review-report: $(VENV)/.site-deps
	$(BIN)/python -m tools.review_report --days $(DAYS) $(if $(FAIL),--fail)

# 性能基准（约 17 分钟）：报告写到 bench/results/report.md 与 report.json（传输字节另见 transfer.md）
bench: system-deps $(VENV)/.test-deps $(VENV)/.bench-deps
	cd bench && npm ci --silent --no-audit --no-fund
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.search
	$(BIN)/python -m bench.transfer

# 内网站点、离线包（zip）和打印版 PDF，写到 dist/
dist: system-deps $(VENV)/.test-deps
	$(BIN)/python -m tools.dist --out dist

clean:
	rm -rf site dist .pytest_cache

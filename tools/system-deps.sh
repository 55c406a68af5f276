#!/bin/sh
# 测试、发布包和基准需要的 Debian 系统软件包。.ci/run、make test、make test-fast、make dist 和 make bench 都先运行它。
# 都在：什么也不做。缺少时：root 用 apt-get 安装；不是 root 就用一行写明要运行的命令，然后失败退出。
set -eu

PYTHON="${PYTHON:-python3}"
have() { command -v "$1" >/dev/null 2>&1; }

missing=""
need() { missing="$missing $1"; }
have make || need make
have chromium || have chromium-browser || need chromium
have fc-match || need fontconfig
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need fonts-noto-cjk
have pdftotext || need poppler-utils
have node || need nodejs
have npm || need npm
have nginx || [ -x /usr/sbin/nginx ] || need nginx          # tests/test_nginx.py 用 deploy/ 的配置起真实的 nginx
"$PYTHON" -c "import ensurepip, venv" 2>/dev/null || need python3-venv
missing="${missing# }"
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "缺少系统软件包，请先以 root 运行：apt-get install -y $missing" >&2
  exit 1
fi

echo "安装系统软件包：$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing

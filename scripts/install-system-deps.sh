#!/usr/bin/env bash
# Installs the Debian packages the report needs, only those missing:
# CJK fonts for charts, PDF and Word edition, poppler-utils for the PDF checks.
# With --test also Chromium, which the tests use to open the HTML report with the network cut off.
set -euo pipefail

packages=(fonts-noto-cjk fonts-lxgw-wenkai fontconfig poppler-utils)
if [ "${1:-}" = "--test" ]; then
    packages=(chromium util-linux)
elif ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
    packages+=(python3-venv)  # Debian's own python3 ships venv without ensurepip
fi

need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for pkg in "${packages[@]}"; do
    have_pkg "$pkg" || need+=("$pkg")
done

if [ ${#need[@]} -eq 0 ]; then
    exit 0
fi
echo "安装系统软件包 / installing system packages: ${need[*]}"
if [ "$(id -u)" -ne 0 ]; then
    echo "错误：缺少系统软件包，请以 root 身份安装 / missing system packages, install as root:" >&2
    echo "    apt-get install ${need[*]}" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fc-cache -f >/dev/null 2>&1 || true

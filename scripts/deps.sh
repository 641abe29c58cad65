#!/usr/bin/env bash
# Install what scm needs to build, run, test and benchmark on Debian 12, only what is missing.
# Idempotent and fast when everything is already there (no apt-get, no pip calls then).
# Needs root for apt-get (it is run with sudo when available and we are not root).
set -euo pipefail

# The Swift toolchain is not a Debian package: say how to get it rather than fail in the build.
if ! command -v swift >/dev/null 2>&1; then
    printf '%s\n' >&2 \
        "deps: the Swift toolchain (swift 6) is not installed or not on PATH." \
        "Install it from https://www.swift.org/install/linux/ (Debian 12), for example with swiftly:" \
        "    curl -O https://download.swift.org/swiftly/linux/swiftly-\$(uname -m).tar.gz" \
        "    tar zxf swiftly-\$(uname -m).tar.gz && ./swiftly init --quiet-shell-followup" \
        "    . \"\${SWIFTLY_HOME_DIR:-\$HOME/.local/share/swiftly}/env.sh\"" \
        "then run make again."
    exit 1
fi

# Debian package -> a command or file that shows it is installed (checked before dpkg -s,
# because a tool may also come from elsewhere, e.g. a pyenv python3).
apt_packages=(
    nginx-light libfcgi-dev libcmark-dev libssl-dev libsqlite3-dev
    wrk chromium zip unzip curl jq sqlite3 openssl python3-pip ca-certificates
)
missing=()
for pkg in "${apt_packages[@]}"; do
    if dpkg -s "$pkg" >/dev/null 2>&1; then
        continue
    fi
    case $pkg in
        # Any nginx flavour will do.
        nginx-light) command -v nginx >/dev/null 2>&1 && continue ;;
        python3-pip) python3 -m pip --version >/dev/null 2>&1 && continue ;;
        chromium) command -v chromium >/dev/null 2>&1 && continue ;;
    esac
    missing+=("$pkg")
done

if [ ${#missing[@]} -gt 0 ]; then
    echo "deps: installing ${missing[*]}" >&2
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        sudo="sudo"
    fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -q
    $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Python packages of the end-to-end suite: module name -> pip requirement.
declare -A py_modules=(
    [pytest]="pytest"
    [requests]="requests"
    [cryptography]="cryptography"
    [websocket]="websocket-client"
    [PIL]="Pillow"
    [huaweicloudsdkscm]="huaweicloudsdkscm==3.1.219"
)
py_missing=()
for mod in "${!py_modules[@]}"; do
    if ! python3 -c "import $mod" >/dev/null 2>&1; then
        py_missing+=("${py_modules[$mod]}")
    fi
done
# The SDK is pinned: reinstall when another version is present.
if python3 -c "import huaweicloudsdkscm" >/dev/null 2>&1; then
    have=$(python3 -m pip show huaweicloudsdkscm 2>/dev/null | sed -n 's/^Version: //p')
    if [ "$have" != "3.1.219" ]; then
        py_missing+=("huaweicloudsdkscm==3.1.219")
    fi
fi

if [ ${#py_missing[@]} -gt 0 ]; then
    echo "deps: pip installing ${py_missing[*]}" >&2
    pip_flags=(-q --disable-pip-version-check)
    # Debian's own python3 refuses system-wide pip installs (PEP 668) without this flag.
    if python3 -c 'import sys, sysconfig, os; sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")) else 1)'; then
        pip_flags+=(--break-system-packages)
    fi
    python3 -m pip install "${pip_flags[@]}" "${py_missing[@]}"
fi

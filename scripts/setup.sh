#!/usr/bin/env bash
# Create the two virtual environments from the lock files (idempotent).
#   .venv       Python 3.11: gateway, action server (rasa-sdk), knowledge, tests
#   .venv-rasa  Python 3.10: the Rasa 3.6 server only (it supports Python <= 3.10)
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {  # find_python 3.10 -> path of a working interpreter of that version
    local version=$1 candidate
    for candidate in "python$version" "$(pyenv root 2>/dev/null || echo /nonexistent)"/versions/"$version".*/bin/"python$version" \
                     "/usr/local/bin/python$version" "/usr/bin/python$version"; do
        if "$candidate" -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '$version'.split('.'))))" 2>/dev/null; then
            command -v "$candidate" 2>/dev/null || echo "$candidate"
            return 0
        fi
    done
    return 1
}

lock_hash() { sha256sum "$1" | cut -c1-16; }

make_env() {  # make_env DIR VERSION LOCK [packages to install first]
    local dir=$1 version=$2 lock=$3; shift 3
    local stamp="$dir/.installed-$(lock_hash "$lock")"
    [ -f "$stamp" ] && return 0
    local python
    if ! python=$(find_python "$version"); then
        echo "ERROR: Python $version is required for $dir but was not found." >&2
        echo "       Install it (e.g. 'pyenv install $version' or your OS package) and re-run 'make setup'." >&2
        exit 1
    fi
    echo "==> $dir (Python $version from $python)"
    [ -x "$dir/bin/python" ] || "$python" -m venv "$dir"
    "$dir/bin/python" -m pip install -q --upgrade "pip<26"
    if [ $# -gt 0 ]; then "$dir/bin/pip" install -q "$@"; fi
    "$dir/bin/pip" install -q -r "$lock"
    rm -f "$dir"/.installed-*
    touch "$stamp"
}

# torch first, pinned to the CPU build (a plain 'torch' requirement pulls a multi-GB CUDA build).
make_env .venv 3.11 requirements/main.lock "torch==2.13.0"
make_env .venv-rasa 3.10 requirements/rasa.lock
echo "==> environments ready"

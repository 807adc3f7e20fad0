#!/usr/bin/env bash
# Install what the tests need on a fresh machine, then run them all.
# PostgreSQL tests run when ATIP_TEST_DATABASE_URL is set (.ci/run sets it).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v pdftotext >/dev/null || missing+=(poppler-utils)
command -v soffice >/dev/null || missing+=(libreoffice-writer-nogui)
# weasyprint subsets fonts with HarfBuzz when it can (faster than its fontTools fallback)
ldconfig -p | grep -q libharfbuzz-subset || missing+=(libharfbuzz-subset0)
if ((${#missing[@]})); then
  echo "installing ${missing[*]}" >&2
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -e '.[test]'
.venv/bin/ruff check --quiet .
.venv/bin/ruff format --check --quiet .
.venv/bin/mypy
exec .venv/bin/python -m pytest -n 2 -q "$@"

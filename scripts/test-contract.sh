#!/usr/bin/env bash
# The contract's checks: lints api/openapi.yaml with Redocly (npm devDependency @redocly/cli),
# then runs Schemathesis against keyscope-sandbox (tests/contract, pytest): every operation of
# the contract, its documented error responses included; and drives the three front doors
# against a schema-driven mock of the contract (tests/contract/test_mock_front_doors.py: random
# type-valid bodies must decode, type-invalid ones must be DecodeErrors naming the JSON path).
# The front doors must be built: the CLI (built into build/native if absent), the wheel in
# build/python-venv (scripts/test-python.sh) and the npm package in bindings/wasm/dist
# (scripts/build-wasm.sh); scripts/test.sh builds both in its earlier stages.
# Installs what is missing (npm ci when node_modules lacks Redocly; a venv build/contract-venv
# with tests/contract/requirements.txt, re-installed when that file changes). Ends with pytest's
# summary line ("N passed ... in Ns"); exits non-zero on any failure.
# Env: KEYSCOPE_SANDBOX (sandbox binary; built into build/native if absent), KEYSCOPE_CLI,
# KEYSCOPE_WHEEL_PYTHON (a python with the wheel installed), KEYSCOPE_NPM_DIST (the package's
# index.js), PYTHON (default python3), KEYSCOPE_CONTRACT_EXAMPLES (Schemathesis examples per
# operation, default 100), KEYSCOPE_MOCK_CASES (mock bodies per operation, default 100),
# KEYSCOPE_MOCK_SEED (default: a new seed each run, printed in the summary).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-python3}"
VENV="$ROOT/build/contract-venv"
REQUIREMENTS="$ROOT/tests/contract/requirements.txt"
log() { printf '== test-contract: %s\n' "$*"; }

# 1. Redocly, from the repo's package-lock.json.
if [ ! -x node_modules/.bin/redocly ]; then
  log "npm ci (node_modules has no @redocly/cli)"
  npm ci --no-audit --no-fund || npm install --no-audit --no-fund
fi

# 2. Schemathesis and pytest in a venv of their own, installed again only when the pins change.
stamp="$VENV/.requirements.sha256"
want="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  log "installing tests/contract/requirements.txt into build/contract-venv"
  [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
  echo "$want" > "$stamp"
else
  log "build/contract-venv is up to date ($("$VENV/bin/python" -m pip show schemathesis 2>/dev/null | sed -n 's/^Version: /schemathesis /p'))"
fi

# 3. The sandbox the contract is checked against.
source "$ROOT/scripts/lib/native_tool.sh"
ensure_native_tool KEYSCOPE_SANDBOX keyscope-sandbox sandbox/keyscope-sandbox

# 4. The CLI the mock drives (the wheel and the npm package come from their own stages).
ensure_native_tool KEYSCOPE_CLI keyscope-cli cli/keyscope

status=0
# 5. Lint (redocly.yaml: the recommended rules, strict).
log "redocly lint api/openapi.yaml"
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
if node_modules/.bin/redocly lint api/openapi.yaml; then
  log "redocly lint: ok"
else
  log "redocly lint: FAILED"
  status=1
fi

# 6. Schemathesis against the sandbox, the front doors against the mock.
log "pytest tests/contract (Schemathesis against $KEYSCOPE_SANDBOX; the front doors against the mock)"
"$VENV/bin/python" -m pytest tests/contract -q -p no:cacheprovider || status=1
exit $status

#!/usr/bin/env bash
# A virtualenv with doccano 1.8.4 (its own import pipeline checks our doccano exports in
# tests/interop/test_doccano.py). Idempotent: quick when the venv already works.
# Usage: bash .ci/doccano-venv.sh [VENV]   (default /tmp/doccano-venv); prints the python path,
# to be exported as ANNOTATOR_DOCCANO_PYTHON.
set -euo pipefail
VENV="${1:-/tmp/doccano-venv}"
PY="${DOCCANO_BASE_PYTHON:-python3.11}"
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "import importlib.metadata as m; assert m.version('doccano') == '1.8.4'" 2>/dev/null; then
  echo "$VENV/bin/python"
  exit 0
fi
"$PY" -m venv "$VENV" >&2
"$VENV/bin/pip" install -q --upgrade pip >&2
# doccano 1.8.4 breaks with marshmallow >= 3.21 and numpy 2.
"$VENV/bin/pip" install -q "doccano==1.8.4" "marshmallow<3.21" "numpy<2" >&2
echo "$VENV/bin/python"

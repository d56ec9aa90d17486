#!/usr/bin/env bash
# A virtualenv with label-studio-sdk (its LabelInterface and Converter check our Label Studio
# exports in tests/interop/test_labelstudio.py); its own venv because it pins numpy and
# pydantic differently from the project. Idempotent: quick when the venv already works.
# Usage: bash .ci/labelstudio-venv.sh [VENV]  (default /tmp/labelstudio-venv); prints the
# python path, to be exported as ANNOTATOR_LABELSTUDIO_PYTHON.
set -euo pipefail
VENV="${1:-/tmp/labelstudio-venv}"
PY="${LABELSTUDIO_BASE_PYTHON:-python3.11}"
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "import importlib.metadata as m; m.version('label-studio-sdk')" 2>/dev/null; then
  echo "$VENV/bin/python"
  exit 0
fi
"$PY" -m venv "$VENV" >&2
"$VENV/bin/pip" install -q --upgrade pip >&2
"$VENV/bin/pip" install -q "label-studio-sdk>=2.0,<3" >&2
echo "$VENV/bin/python"

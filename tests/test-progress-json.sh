#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# --progress=FD --progress-format=json writes JSON lines ending phase "done".
source "$(dirname "$0")/functions.sh"
requires python3 --version

$NBDFERRY --progress=3 --progress-format=json sparse-random:512M null: \
  3>"$tmp/progress"
python3 - "$tmp/progress" <<'PY' || fail "bad JSON progress"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert lines, "no lines"
last = 0
for l in lines:
    for k in ("bytes", "size", "elapsed", "rate", "phase", "percent"):
        assert k in l, (k, l)
    assert l["size"] == 512 << 20, l
    assert l["bytes"] >= last, "not monotonic"
    last = l["bytes"]
assert lines[-1]["phase"] == "done", lines[-1]
assert lines[-1]["bytes"] == 512 << 20, lines[-1]
assert all(l["phase"] == "copying" for l in lines[:-1])
PY

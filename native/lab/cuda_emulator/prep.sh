#!/usr/bin/env bash
# Copies src/cuda/*.cu (not services.cu) to OUT_DIR/cuda with every `kernel<<<grid, block, ...>>>(args)`
# launch rewritten to `emu_launch(kernel, grid, block, ...)(args)`, so the kernels build as host C++.
# Usage: prep.sh SRC_CUDA_DIR OUT_DIR
set -euo pipefail
src="$1"; out="$2"
rm -rf "$out/cuda" && mkdir -p "$out/cuda"
for f in "$src"/*; do
  b=$(basename "$f")
  [ "$b" = services.cu ] && continue
  python3 - "$f" "$out/cuda/$b" <<'PY'
import re, sys
s = open(sys.argv[1]).read()
s = re.sub(r'^(\s*)(.+?)<<<(.+?)>>>\(', lambda m: f"{m.group(1)}emu_launch({m.group(2)}, {m.group(3)})(", s, flags=re.M)
open(sys.argv[2], 'w').write(s)
PY
done

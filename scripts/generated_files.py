"""Writes generated files, or with --check names the stale ones (exit 1): the one main() of
every generator in scripts/ (generate_models.py, generate_wasm_codes.py)."""
import sys
from pathlib import Path
from typing import Callable, Dict, List


def write_or_check(argv: List[str], usage: str, outputs: Callable[[], Dict[Path, str]], root: Path) -> int:
    check = argv[1:] == ["--check"]
    if argv[1:] and not check:
        print(usage, file=sys.stderr)
        return 2
    stale = []
    for path, text in outputs().items():
        if path.exists() and path.read_text() == text:
            continue
        if check:
            stale.append(path.relative_to(root))
        else:
            path.write_text(text)
            print(f"wrote {path.relative_to(root)}")
    if stale:
        print(f"stale generated files (run scripts/{Path(argv[0]).name}):", file=sys.stderr)
        for path in stale:
            print(f"  {path}", file=sys.stderr)
        return 1
    return 0

"""The committed shared vectors (tests/vectors/*.json) are what make_vectors.py writes today:
a case added to the script but not regenerated, or a vector edited by hand, fails here."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

VECTORS = Path(__file__).resolve().parents[1] / "vectors"


def test_committed_vectors_match_make_vectors(tmp_path: Path) -> None:
    script = tmp_path / "make_vectors.py"  # the script writes next to itself
    shutil.copy(VECTORS / "make_vectors.py", script)
    run = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    written = sorted(p.name for p in tmp_path.glob("*.json"))
    committed = sorted(p.name for p in VECTORS.glob("*.json"))
    assert written and written == committed
    stale = [name for name in written
             if (tmp_path / name).read_bytes() != (VECTORS / name).read_bytes()]
    assert not stale, f"re-run python3 tests/vectors/make_vectors.py and commit: {stale}"

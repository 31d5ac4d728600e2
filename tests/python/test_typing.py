"""mypy sees every public name of the installed wheel (py.typed + inline types + _core.pyi)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import keyscope

HERE = Path(__file__).resolve().parent


def test_py_typed_and_stub_installed() -> None:
    pkg = Path(keyscope.__file__).parent
    assert (pkg / "py.typed").is_file() and (pkg / "_core.pyi").is_file()


def test_all_names_exported() -> None:
    for name in keyscope.__all__:
        assert hasattr(keyscope, name), name


def test_mypy_strict_on_typed_usage(tmp_path) -> None:
    pytest.importorskip("mypy")
    target = tmp_path / "typed_usage.py"
    shutil.copy(HERE / "typed_usage.py", target)
    proc = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental",
                           "--cache-dir", str(tmp_path / ".mypy"), str(target)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr

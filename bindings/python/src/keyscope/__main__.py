"""``python -m keyscope ...``: runs the keyscope CLI shipped in the wheel (the same native
binary pip puts on PATH as ``keyscope``), with the same arguments and exit code."""

from __future__ import annotations

import os
import sys
import sysconfig
from importlib import metadata
from pathlib import Path
from typing import List, Optional

_NAME = "keyscope"


def find_cli() -> Optional[str]:
    """The installed CLI: as the wheel's file list (RECORD) places it, which holds for every
    install scheme (venv, --user, --prefix, --target); else the interpreter's scripts dir."""
    candidates: List[Path] = []
    try:
        for file in metadata.distribution("keyscope").files or ():
            if file.name == _NAME:
                candidates.append(Path(str(file.locate())))
    except metadata.PackageNotFoundError:
        pass
    candidates.append(Path(sysconfig.get_path("scripts")) / _NAME)
    # auditwheel moves an executable that needs bundled libraries to <package>.scripts/ and
    # leaves a Python shim in the scripts dir: prefer the binary itself (no second interpreter).
    candidates.sort(key=lambda path: path.parent.name != "keyscope.scripts")
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
    return None


def main() -> None:
    cli = find_cli()
    if cli is None:
        sys.stderr.write("keyscope: the keyscope CLI is not installed with this package "
                         "(a source checkout? build the wheel or scripts/build-native.sh)\n")
        sys.exit(2)
    os.execv(cli, [cli, *sys.argv[1:]])


if __name__ == "__main__":
    main()

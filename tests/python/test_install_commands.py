"""The READMEs' Python install commands, run as written in a fresh venv without extras: the wheel
installs, imports, and brings the keyscope CLI.

The commands are read from README.md's and bindings/python/README.md's "## Install" blocks, so a
README that changes them changes what runs here. The line is `scripts/build-wheel.sh && python3
-m pip install ...`: scripts/test-python.sh has just run scripts/build-wheel.sh (that is how it
builds the wheel these tests import), so the pip install part runs here, from the repository root
with the fresh venv's `python3` first on PATH, as for a user with the venv active. (Under
KEYSCOPE_SKIP_REPAIR=1 there is no repaired wheel, and the README's command fails here too.)
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

ROOT = Path(__file__).resolve().parents[2]
VERSION = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["version"]


def install_block(readme: str) -> List[str]:
    """The command lines (comments and blank lines dropped) of the first sh block after the
    README's "## Install" heading."""
    text = (ROOT / readme).read_text(encoding="utf-8")
    start = text.index("\n## Install\n")
    block = re.search(r"```sh\n(.*?)```", text[start:], re.S)
    assert block, f"{readme}: no sh block under ## Install"
    lines = [re.sub(r"\s+#.*$", "", line).strip() for line in block.group(1).splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def pip_line(readme: str) -> str:
    lines = [line for line in install_block(readme) if "pip install" in line]
    assert len(lines) == 1, f"{readme}: one pip install line under ## Install, got {lines}"
    return lines[0]


def venv_env(venv: Path) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV") and not k.startswith("KEYSCOPE_")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def sh(command: str, cwd: Path, env: Dict[str, str], timeout: float) -> str:
    done = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, f"`{command}` failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


BUILD = "scripts/build-wheel.sh && "


def test_both_readmes_give_the_same_install_command() -> None:
    assert pip_line("README.md") == pip_line("bindings/python/README.md")
    assert pip_line("README.md").startswith(BUILD)


def test_readme_install_commands_in_a_fresh_venv(tmp_path: Path, sandbox: Any) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    env = venv_env(venv)
    install = pip_line("README.md")[len(BUILD):]
    assert install.startswith("python3 -m pip install "), install

    sh(install, ROOT, env, timeout=300)

    # The package comes from the fresh venv, with no extras installed beside it.
    where = sh("python3 -c 'import keyscope; print(keyscope.__version__, keyscope.__file__)'",
               tmp_path, env, timeout=60).split()
    assert where[0] == VERSION
    assert Path(where[1]).resolve().is_relative_to(venv.resolve()), where[1]
    freeze = sh("python3 -m pip freeze", tmp_path, env, timeout=60).splitlines()
    assert [p for p in freeze if not p.lower().startswith("keyscope")] == [], freeze

    # The rest of bindings/python/README.md's block, as written: the CLI on PATH, and python3 -m.
    rest = [line for line in install_block("bindings/python/README.md") if "pip install" not in line]
    assert rest == ["keyscope --version", "python3 -m keyscope --version"]
    for command in rest:
        out = sh(command, tmp_path, env, timeout=60)
        assert out.strip() == f"keyscope {VERSION}", (command, out)
    assert Path(sh("command -v keyscope", tmp_path, env, timeout=10).strip()).parent == venv / "bin"

    # The installed package talks to a server, blocking and with asyncio (issue 11's "done when").
    script = (
        "import asyncio, keyscope\n"
        f"kw = dict(base_url={sandbox.base_url!r}, session_token={sandbox.token!r})\n"
        "print(len(keyscope.Client(**kw).list_keys()))\n"
        "async def main():\n"
        "    async with keyscope.AsyncClient(**kw) as client:\n"
        "        keys = await client.list_keys()\n"
        "        usages = await asyncio.gather(*(client.get_usage(k.id, days=7) for k in [k for k in keys if not k.revoked][:3]))\n"
        "        print(len(keys), sum(1 for u in usages if u.window_days == 7))\n"
        "asyncio.run(main())\n"
    )
    (tmp_path / "use.py").write_text(script, encoding="utf-8")
    out = sh("python3 use.py", tmp_path, env, timeout=60).split()
    assert out == [out[0], out[0], "3"] and int(out[0]) > 3, out

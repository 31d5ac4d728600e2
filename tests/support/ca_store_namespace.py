"""Runs a command as on a machine whose CA store is laid out differently: /etc/ssl replaced, for
that process only, by a directory of our own (a private mount namespace; `unshare -rm` needs no
privilege where user namespaces are enabled). The rest of the file system and the loopback
network are the host's."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from typing import Dict, List, Optional


def run_with_etc_ssl(files: Dict[str, str], argv: List[str], env: Optional[Dict[str, str]] = None,
                     timeout: float = 60) -> subprocess.CompletedProcess:
    """`files`: {path under /etc/ssl: file to copy there}; {} leaves /etc/ssl empty."""
    if shutil.which("unshare") is None:
        raise RuntimeError("unshare (util-linux) is needed to run with another /etc/ssl")
    with tempfile.TemporaryDirectory() as etc_ssl:
        for relative, source in files.items():
            target = os.path.join(etc_ssl, relative)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copyfile(source, target)
        # The other places of system CA bundles (ca_bundle.cpp in sdk/src/transport/curl) go
        # empty too, so that only what `files` lays out is found.
        hidden = [d for d in ("/etc/pki", "/usr/local/share/certs") if os.path.isdir(d)]
        script = 'mount --bind "$0" /etc/ssl' + "".join(
            f' && mount --bind "$0/.empty" {d}' for d in hidden) + ' && exec "$@"'
        os.makedirs(os.path.join(etc_ssl, ".empty"))
        return subprocess.run(["unshare", "-rm", "sh", "-c", script, etc_ssl, *argv],
                              capture_output=True, text=True, env=env, timeout=timeout)

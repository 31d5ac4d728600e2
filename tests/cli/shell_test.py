#!/usr/bin/env python3
"""The `keyscope` CLI in a user's shell: completion scripts (bash, zsh, fish), "did you mean",
the config file and its precedence, KEYSCOPE_DEBUG. Runs against a real keyscope-sandbox.

usage: shell_test.py PATH/TO/keyscope PATH/TO/keyscope-sandbox
Prints one line per check and `N passed, N failed` last; exits non-zero on any failure.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_test import TOKEN, Sandbox, check  # noqa: E402
import cli_test  # noqa: E402

COMMANDS = [["keys", "list"], ["keys", "show"], ["usage"], ["report"], ["anomalies"],
            ["chargeback"], ["logs", "summarize"], ["reconcile"]]


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    cli, sandbox_bin = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    for shell in ("bash", "zsh", "fish"):
        if not shutil.which(shell):
            print(f"FAIL  {shell} is not installed (scripts/install-deps.sh native installs it)")
            return 1
    sb = Sandbox(sandbox_bin)
    tmp = tempfile.TemporaryDirectory()
    home = os.path.join(tmp.name, "home")
    os.makedirs(home)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KEYSCOPE_") and k != "XDG_CONFIG_HOME"}
    clean["HOME"] = home

    def run(*args, env=None, timeout=60):
        e = dict(clean)
        e.update(env or {})
        p = subprocess.run([cli, *args], capture_output=True, text=True, env=e, timeout=timeout)
        return p.returncode, p.stdout, p.stderr

    def shell(*argv, stdin=None):
        p = subprocess.run(list(argv), input=stdin, capture_output=True, text=True, env=clean, timeout=60)
        return p.returncode, p.stdout, p.stderr

    try:
        # ---- one version: package.json's ---------------------------------------------------
        repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        with open(os.path.join(repo, "package.json")) as f:
            version = json.load(f)["version"]
        rc, out, err = run("--version")
        check("keyscope --version is package.json's version", rc == 0 and out == f"keyscope {version}\n", out)
        out = subprocess.run([sandbox_bin, "--version"], capture_output=True, text=True).stdout
        check("keyscope-sandbox --version is package.json's version", out == f"keyscope-sandbox {version}\n", out)

        # ---- did you mean -------------------------------------------------------------------
        rc, out, err = run("usgae")
        check("mistyped command: exit 2 and a suggestion", rc == 2 and "did you mean 'usage'?" in err, err)
        rc, out, err = run("keys", "lsit")
        check("mistyped subcommand: suggestion", rc == 2 and "did you mean 'list'?" in err, err)
        rc, out, err = run("report", "--concurency", "4")
        check("mistyped option: suggestion", rc == 2 and "did you mean '--concurrency'?" in err, err)
        rc, out, err = run("reconcile", "--tolerence", "5%")
        check("mistyped command option: suggestion", rc == 2 and "did you mean '--tolerance'?" in err, err)
        rc, out, err = run("frobnicate")
        check("a word close to nothing: no suggestion", rc == 2 and "did you mean" not in err and "unknown command" in err, err)

        # ---- completion -------------------------------------------------------------------------
        rc, bash_script, err = run("completion", "bash")
        check("completion bash: exit 0", rc == 0, err)
        rc, _, err = shell("bash", "-n", stdin=bash_script)
        check("completion bash: valid bash", rc == 0, err)

        def bash_complete(*words):
            quoted = " ".join("'" + w.replace("'", "'\\''") + "'" for w in words)
            script = (bash_script + f"\nCOMP_WORDS=(keyscope {quoted}); COMP_CWORD={len(words)}; _keyscope;"
                      ' printf "%s\\n" "${COMPREPLY[@]}"\n')
            rc, out, err = shell("bash", stdin=script)
            return set(out.split()) if rc == 0 else {"<error>", err}

        check("bash: first word", bash_complete("us") == {"usage"}, bash_complete("us"))
        check("bash: keys subcommands", bash_complete("keys", "") == {"list", "show"})
        check("bash: logs subcommands", bash_complete("logs", "") == {"summarize"})
        check("bash: command options after global ones",
              bash_complete("--days", "7", "report", "--c") == {"--concurrency", "--csv", "--ca-bundle"},
              bash_complete("--days", "7", "report", "--c"))
        check("bash: option values", bash_complete("logs", "summarize", "--format", "") == {"jsonl", "csv", "nginx"})
        check("bash: shells", bash_complete("completion", "") == {"bash", "zsh", "fish"})
        check("bash: usage offers --days, not report's options",
              "--days" in bash_complete("usage", "ID", "--") and "--concurrency" not in bash_complete("usage", "ID", "--"))

        # Every option completion offers for a command is one the command accepts.
        for words in COMMANDS:
            offered = sorted(o for o in bash_complete(*words, "--") if o not in
                             bash_complete("--"))  # the command's own, without the global ones
            refused = []
            for option in offered:
                rc, out, err = run(*words, option, "1")
                if "not an option of" in err or "unknown option" in err:
                    refused.append(option)
            check(f"bash: {' '.join(words)}: the {len(offered)} options offered are accepted",
                  not refused and (offered or words[0] == "keys"), refused)

        rc, zsh_script, err = run("completion", "zsh")
        zpath = os.path.join(tmp.name, "keyscope.zsh")
        with open(zpath, "w") as f:
            f.write(zsh_script)
        rc, _, err = shell("zsh", "-n", zpath)
        check("completion zsh: valid zsh", rc == 0, err)
        # zsh filters the candidates by the typed prefix itself; COMPREPLY holds the context's words.
        rc, out, err = shell("zsh", "-c", f"source {zpath}; COMP_WORDS=(keyscope --days 7 report --c); "
                             "COMP_CWORD=4; _keyscope; print -l -- $COMPREPLY")
        words = set(out.split())
        check("zsh: report's options in report's context", rc == 0 and "--concurrency" in words and "--bill" not in words,
              out + err)
        rc, out, err = shell("zsh", "-c", f"source {zpath}; COMP_WORDS=(keyscope keys ''); COMP_CWORD=2; "
                             "_keyscope; print -l -- $COMPREPLY")
        check("zsh: keys subcommands", rc == 0 and set(out.split()) == {"list", "show"}, out + err)

        rc, fish_script, err = run("completion", "fish")
        fpath = os.path.join(tmp.name, "keyscope.fish")
        with open(fpath, "w") as f:
            f.write(fish_script)

        def fish_complete(line):
            rc, out, err = shell("fish", "--no-config", "-c", f"source {fpath}; complete -C {json.dumps(line)}")
            return {l.split("\t")[0] for l in out.splitlines()} if rc == 0 else {"<error>", err}

        check("fish: first word", fish_complete("keyscope us") == {"usage"}, fish_complete("keyscope us"))
        check("fish: keys subcommands", fish_complete("keyscope keys ") == {"list", "show"}, fish_complete("keyscope keys "))
        check("fish: command option", "--days" in fish_complete("keyscope usage --d"))
        check("fish: option values", fish_complete("keyscope logs summarize --format ") == {"jsonl", "csv", "nginx"},
              fish_complete("keyscope logs summarize --format "))
        rc, out, err = run("completion", "powershell")
        check("completion of an unknown shell: exit 2", rc == 2 and "bash, zsh or fish" in err, err)

        # ---- the config file ----------------------------------------------------------------
        session = os.path.join(tmp.name, "session")
        with open(session, "w") as f:
            f.write(TOKEN + "\n")
        os.chmod(session, 0o600)
        config_dir = os.path.join(home, ".config", "keyscope")
        os.makedirs(config_dir)
        config = os.path.join(config_dir, "config.toml")

        def write_config(text):
            with open(config, "w") as f:
                f.write(text)

        write_config(f'# keyscope settings\nbase_url = "{sb.url}"\nsession_file = "{session}"\ntimeout = 5\nmax_retries = 1\n')
        rc, out, err = run("keys", "list", "--json")
        check("~/.config/keyscope/config.toml: base_url and session_file used", rc == 0 and len(json.loads(out or "[]")) == 13, err)
        dead = "http://127.0.0.1:9"
        rc, out, err = run("keys", "list", "--json", env={"KEYSCOPE_BASE_URL": dead})
        check("environment beats the config file", rc == 6, err)
        rc, out, err = run("keys", "list", "--json", "--base-url", sb.url, env={"KEYSCOPE_BASE_URL": dead})
        check("an option beats the environment", rc == 0, err)
        rc, out, err = run("keys", "list", env={"KEYSCOPE_TIMEOUT": "abc"})
        check("a bad environment value names its variable", rc == 2 and "KEYSCOPE_TIMEOUT" in err, err)
        xdg = os.path.join(tmp.name, "xdg")
        os.makedirs(os.path.join(xdg, "keyscope"))
        with open(os.path.join(xdg, "keyscope", "config.toml"), "w") as f:
            f.write(f'base_url = "{dead}"\nsession_file = "{session}"\n')
        rc, out, err = run("keys", "list", env={"XDG_CONFIG_HOME": xdg})
        check("XDG_CONFIG_HOME is where the config file is looked for", rc == 6, err)
        write_config(f'base_url = "{sb.url}"\nsession_file = "{session}"\ntimeout = -3\n')
        rc, out, err = run("keys", "list")
        check("a bad value names the key and the file", rc == 2 and "timeout in config file" in err and config in err, err)
        write_config(f'base_url = "{sb.url}"\nsesion_file = "{session}"\n')
        rc, out, err = run("keys", "list")
        check("an unknown key: exit 2, with a suggestion", rc == 2 and "did you mean 'session_file'?" in err, err)
        write_config(f'base_url = "{sb.url}"\nsession_token = "{TOKEN}"\n')
        rc, out, err = run("keys", "list")
        check("a token in the config file is refused, and not echoed", rc == 2 and "session_file" in err and TOKEN not in err, err)
        write_config('base_url = "unterminated\n')
        rc, out, err = run("keys", "list")
        check("malformed TOML: exit 2 naming the line", rc == 2 and "line 1" in err, err)
        rc, out, err = run("keys", "list", env={"KEYSCOPE_CONFIG": os.path.join(tmp.name, "nope.toml")})
        check("KEYSCOPE_CONFIG naming a missing file: exit 2", rc == 2 and "nope.toml" in err, err)
        os.remove(config)

        # ---- KEYSCOPE_DEBUG --------------------------------------------------------------------
        env = {"KEYSCOPE_BASE_URL": sb.url, "KEYSCOPE_SESSION": TOKEN}
        rc, out, err = run("keys", "list", env={**env, "KEYSCOPE_DEBUG": "1"})
        check("KEYSCOPE_DEBUG=1 logs the requests like --verbose", rc == 0 and "GET" in err and "-> 200" in err, err)
        check("KEYSCOPE_DEBUG=1: no token in the log", TOKEN not in err and TOKEN not in out)
        rc, out, err = run("keys", "list", env={**env, "KEYSCOPE_DEBUG": "0"})
        check("KEYSCOPE_DEBUG=0: quiet", rc == 0 and err == "", err)
    finally:
        sb.stop()
        tmp.cleanup()
    print(f"{cli_test.passed} passed, {cli_test.failed} failed")
    return 1 if cli_test.failed else 0


if __name__ == "__main__":
    sys.exit(main())

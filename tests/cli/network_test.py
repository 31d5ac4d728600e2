#!/usr/bin/env python3
"""The `keyscope` CLI on a company network: an HTTPS server signed by a private CA (a TLS front
relaying to a real keyscope-sandbox) and a CONNECT proxy on loopback (stdlib only).

usage: network_test.py PATH/TO/keyscope PATH/TO/keyscope-sandbox
Prints one line per check and `N passed, N failed` last; exits non-zero on any failure.
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "support"))

from cli_test import TOKEN, Sandbox  # noqa: E402
from connect_proxy import ConnectProxy  # noqa: E402
from private_ca import make_private_ca  # noqa: E402
from tls_front import TlsFront  # noqa: E402

PROXY_PASSWORD = "pr0xy-s3cret-7f2a"
CA_VARIABLES = ["KEYSCOPE_CA_BUNDLE", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"]
PROXY_VARIABLES = ["http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
                   "no_proxy", "NO_PROXY"]
results = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    results["passed" if ok else "failed"] += 1
    print(("ok    " if ok else "FAIL  ") + name + ("" if ok else f"\n      {str(detail)[:800]}"),
          flush=True)


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    cli, sandbox_bin = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    tmp = tempfile.TemporaryDirectory()
    sb = Sandbox(sandbox_bin)
    ca = make_private_ca(os.path.join(tmp.name, "corp"), "Corp Root CA")
    other = make_private_ca(os.path.join(tmp.name, "other"), "Someone else's CA")
    front = TlsFront(int(sb.url.split(":")[2].split("/")[0]), ca.server_cert, ca.server_key)
    https_url = front.url(sb.url)
    proxy = ConnectProxy()
    auth_proxy = ConnectProxy(credentials=("alice", PROXY_PASSWORD))
    # The user's environment must not decide these tests.
    base_env = {k: v for k, v in os.environ.items()
                if not k.startswith("KEYSCOPE_") and k not in CA_VARIABLES + PROXY_VARIABLES}

    def run(*args, env=None, url=https_url):
        e = dict(base_env, KEYSCOPE_BASE_URL=url, KEYSCOPE_SESSION=TOKEN, **(env or {}))
        p = subprocess.run([cli, *args], capture_output=True, text=True, env=e, timeout=60)
        return p.returncode, p.stdout, p.stderr

    def listed(rc, out):
        return rc == 0 and len(json.loads(out)) == 13

    try:
        # ---- a private CA -------------------------------------------------------------------
        rc, out, err = run("keys", "list", "--json", "--max-retries", "0")
        check("untrusted private CA: exit 6, tls_failed", rc == 6 and "code tls_failed" in err, err)
        check("tls_failed names the CAs trusted and how to add one",
              "trusted CAs: " in err and "--ca-bundle PATH or KEYSCOPE_CA_BUNDLE" in err
              and err.count("\n") == 1, err)
        rc, out, err = run("keys", "list", "--json", "--ca-bundle", ca.ca_cert)
        check("--ca-bundle: the private CA is trusted", listed(rc, out), err)
        for variable in CA_VARIABLES:
            rc, out, err = run("keys", "list", "--json", env={variable: ca.ca_cert})
            check(f"{variable}: the private CA is trusted", listed(rc, out), err)
        rc, out, err = run("keys", "list", "--json", "--ca-bundle", ca.ca_cert,
                           env={"KEYSCOPE_CA_BUNDLE": other.ca_cert})
        check("--ca-bundle wins over KEYSCOPE_CA_BUNDLE", listed(rc, out), err)
        rc, out, err = run("keys", "list", "--json", "--max-retries", "0",
                           env={"KEYSCOPE_CA_BUNDLE": other.ca_cert, "SSL_CERT_FILE": ca.ca_cert})
        check("KEYSCOPE_CA_BUNDLE wins over SSL_CERT_FILE", rc == 6 and "tls_failed" in err
              and other.ca_cert in err, err)
        rc, out, err = run("keys", "list", "--json", env={"SSL_CERT_FILE": ca.ca_cert,
                                                          "CURL_CA_BUNDLE": other.ca_cert})
        check("SSL_CERT_FILE wins over CURL_CA_BUNDLE", listed(rc, out), err)
        rc, out, err = run("keys", "list", "--verbose", "--ca-bundle", ca.ca_cert)
        check("--verbose says which CAs and where from",
              f"trusting the CAs in {ca.ca_cert} (--ca-bundle)" in err, err)
        rc, out, err = run("keys", "list", "--verbose", env={"SSL_CERT_FILE": ca.ca_cert})
        check("--verbose names the variable", f"{ca.ca_cert} (SSL_CERT_FILE)" in err, err)

        missing = os.path.join(tmp.name, "missing.pem")
        connections = front.connections
        rc, out, err = run("keys", "list", "--ca-bundle", missing)
        check("--ca-bundle missing file: exit 2 before any request, names it",
              rc == 2 and "invalid_ca_bundle" in err and missing in err
              and front.connections == connections, err)
        rc, out, err = run("keys", "list", env={"REQUESTS_CA_BUNDLE": missing})
        check("a missing file in the environment: exit 2, names the variable",
              rc == 2 and "(from REQUESTS_CA_BUNDLE)" in err and front.connections == connections,
              err)
        rc, out, err = run("keys", "list", "--ca-bundle", ca.server_key)
        check("--ca-bundle of a key, not certificates: exit 2", rc == 2 and "no PEM certificate" in err,
              err)

        rc, out, err = run("keys", "list", "--json", "--insecure")
        check("--insecure: works, and warns on every run",
              listed(rc, out) and "warning: --insecure" in err, err)
        rc, out, err = run("keys", "list", "--insecure", "--ca-bundle", ca.ca_cert)
        check("--insecure with --ca-bundle: usage error", rc == 2, err)

        # ---- a proxy ------------------------------------------------------------------------
        env = {"KEYSCOPE_CA_BUNDLE": ca.ca_cert}
        rc, out, err = run("keys", "list", "--json", env=dict(env, HTTPS_PROXY=proxy.url))
        check("HTTPS_PROXY: the request goes through the proxy",
              listed(rc, out) and proxy.tunnels == [f"127.0.0.1:{front.port}"], (err, proxy.tunnels))
        rc, out, err = run("keys", "list", "--json", env=dict(env, https_proxy=proxy.url,
                                                              NO_PROXY="127.0.0.1"))
        check("NO_PROXY: the host is reached directly", listed(rc, out) and len(proxy.tunnels) == 1,
              (err, proxy.tunnels))
        rc, out, err = run("keys", "list", "--json", "--proxy", proxy.url,
                           env=dict(env, HTTPS_PROXY="http://127.0.0.1:9"))
        check("--proxy wins over HTTPS_PROXY", listed(rc, out) and len(proxy.tunnels) == 2,
              (err, proxy.tunnels))
        rc, out, err = run("keys", "list", "--json", "--no-proxy", "127.0.0.1", "--proxy", proxy.url,
                           env=env)
        check("--no-proxy: the host is reached directly", listed(rc, out) and len(proxy.tunnels) == 2,
              (err, proxy.tunnels))
        rc, out, err = run("keys", "list", "--json", "--verbose",
                           env=dict(env, HTTPS_PROXY=proxy.url))
        check("--verbose names the proxy and its variable",
              f"proxy {proxy.url} (HTTPS_PROXY)" in err, err)

        with_password = f"http://alice:{PROXY_PASSWORD}@127.0.0.1:{auth_proxy.port}"
        wrong_password = f"http://alice:wrong-{PROXY_PASSWORD}@127.0.0.1:{auth_proxy.port}"
        rc, out, err = run("keys", "list", "--json", "--verbose",
                           env=dict(env, HTTPS_PROXY=with_password))
        check("a proxy with a password in HTTPS_PROXY: works",
              listed(rc, out) and len(auth_proxy.tunnels) == 1, (err, auth_proxy.tunnels))
        check("--verbose shows the proxy without its password",
              f"proxy http://127.0.0.1:{auth_proxy.port} (HTTPS_PROXY)" in err
              and PROXY_PASSWORD not in err, err)
        rc, out, err = run("keys", "list", "--verbose", "--max-retries", "0",
                           env=dict(env, HTTPS_PROXY=wrong_password))
        check("a refused CONNECT: exit 6, proxy_refused with its 407",
              rc == 6 and "code proxy_refused" in err and "HTTP 407" in err
              and auth_proxy.refused == [407], (err, auth_proxy.refused))
        check("no proxy password in any output", PROXY_PASSWORD not in err + out, err)
        rc, out, err = run("keys", "list", "--json", "--proxy", with_password, env=env)
        check("--proxy with a password: works, warns that ps shows it",
              listed(rc, out) and "visible to every user" in err and PROXY_PASSWORD not in err, err)
        rc, out, err = run("keys", "list", "--proxy", f"ftp://alice:{PROXY_PASSWORD}@proxy:21")
        check("--proxy of an unknown scheme: exit 2, invalid_proxy, no password",
              rc == 2 and "invalid_proxy" in err and PROXY_PASSWORD not in err, err)
        rc, out, err = run("keys", "list", "--max-retries", "0",
                           env=dict(env, HTTPS_PROXY=f"ftp://alice:{PROXY_PASSWORD}@proxy:21"))
        check("an unusable proxy in HTTPS_PROXY: exit 6, no password",
              rc == 6 and PROXY_PASSWORD not in err, err)

        rc, out, err = run("--help")
        check("--help lists the network options", all(
            option in out for option in ("--ca-bundle", "--proxy", "--no-proxy", "--insecure")), out)
    finally:
        for server in (proxy, auth_proxy, front):
            server.close()
        sb.stop()
        tmp.cleanup()

    print(f"{results['passed']} passed, {results['failed']} failed")
    return 0 if results["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

"""keyscope.Client on a company network: a server signed by a private CA (an HTTPS front relaying
to the real sandbox), CA bundles from arguments and the environment, a CONNECT proxy on
loopback, and the same choices honoured by the requests transport."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path
from typing import Any, Iterator

import pytest

import keyscope
from connect_proxy import ConnectProxy
from private_ca import make_private_ca

CA_VARIABLES = ["KEYSCOPE_CA_BUNDLE", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"]
PROXY_VARIABLES = ["http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
                   "no_proxy", "NO_PROXY"]
PROXY_PASSWORD = "pr0xy-s3cret-91c4"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The user's CA and proxy variables must not decide these tests."""
    for name in CA_VARIABLES + PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def other_ca(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A valid CA that did not sign the front's certificate."""
    return make_private_ca(str(tmp_path_factory.mktemp("other-ca")), "Someone else's CA")


@pytest.fixture()
def proxy() -> Iterator[ConnectProxy]:
    p = ConnectProxy()
    yield p
    p.close()


@pytest.fixture()
def auth_proxy() -> Iterator[ConnectProxy]:
    p = ConnectProxy(credentials=("alice", PROXY_PASSWORD))
    yield p
    p.close()


def list_keys(https_sandbox: Any, **options: Any) -> Any:
    options.setdefault("max_retries", 0)
    with keyscope.Client(https_sandbox.base_url, "T", timeout=10, **options) as client:
        return client.list_keys()


# ---- CA bundles, libcurl transport -----------------------------------------------------------

def test_a_private_ca_is_not_trusted_by_default(https_sandbox: Any) -> None:
    with pytest.raises(keyscope.ConnectionError) as caught:
        list_keys(https_sandbox)
    assert caught.value.code == "tls_failed"
    assert "trusted CAs: " in str(caught.value)


def test_ca_bundle_trusts_the_private_ca(https_sandbox: Any) -> None:
    assert len(list_keys(https_sandbox, ca_bundle=https_sandbox.ca.ca_cert)) == 13
    assert len(list_keys(https_sandbox, ca_bundle=Path(https_sandbox.ca.ca_cert))) == 13
    with keyscope.Client(https_sandbox.base_url, "T", ca_bundle=https_sandbox.ca.ca_cert) as c:
        assert c.ca_bundle == https_sandbox.ca.ca_cert


def test_verify_accepts_a_path_as_requests_does(https_sandbox: Any) -> None:
    assert len(list_keys(https_sandbox, verify=https_sandbox.ca.ca_cert)) == 13


@pytest.mark.parametrize("variable", CA_VARIABLES)
def test_the_environment_names_the_ca_bundle(https_sandbox: Any, variable: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(variable, https_sandbox.ca.ca_cert)
    assert len(list_keys(https_sandbox)) == 13


def test_the_argument_wins_over_the_environment(https_sandbox: Any, other_ca: Any,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEYSCOPE_CA_BUNDLE", other_ca.ca_cert)
    assert len(list_keys(https_sandbox, ca_bundle=https_sandbox.ca.ca_cert)) == 13


def test_the_environment_in_its_order(https_sandbox: Any, other_ca: Any,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", https_sandbox.ca.ca_cert)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", other_ca.ca_cert)
    assert len(list_keys(https_sandbox)) == 13
    monkeypatch.setenv("KEYSCOPE_CA_BUNDLE", other_ca.ca_cert)
    with pytest.raises(keyscope.ConnectionError) as caught:
        list_keys(https_sandbox)
    assert caught.value.code == "tls_failed" and other_ca.ca_cert in str(caught.value)


def test_a_missing_ca_bundle_is_a_validation_error_before_any_request(
        https_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    connections = https_sandbox.front.connections
    missing = str(tmp_path / "missing.pem")
    with pytest.raises(keyscope.ValidationError) as caught:
        keyscope.Client(https_sandbox.base_url, "T", ca_bundle=missing)
    assert caught.value.code == "invalid_ca_bundle" and missing in str(caught.value)
    monkeypatch.setenv("SSL_CERT_FILE", missing)
    with pytest.raises(keyscope.ValidationError, match=r"\(from SSL_CERT_FILE\)"):
        keyscope.Client(https_sandbox.base_url, "T")
    key_file = https_sandbox.ca.server_key
    with pytest.raises(keyscope.ValidationError, match="no PEM certificate"):
        keyscope.Client(https_sandbox.base_url, "T", ca_bundle=key_file)
    assert https_sandbox.front.connections == connections


@pytest.mark.parametrize("options", [
    {"ca_bundle": ""}, {"ca_bundle": 3}, {"verify": ""}, {"verify": 1.5},
    {"verify": False, "ca_bundle": "x.pem"}, {"verify": "a.pem", "ca_bundle": "b.pem"},
    {"proxy": ""}, {"proxy": 8080}, {"no_proxy": ["localhost"]},
])
def test_bad_network_arguments_are_validation_errors(options: Any) -> None:
    with pytest.raises(keyscope.ValidationError):
        keyscope.Client("https://127.0.0.1:9", "T", **options)


def test_verify_false_works_and_warns(https_sandbox: Any) -> None:
    with pytest.warns(keyscope.InsecureTLSWarning, match="not verified"):
        assert len(list_keys(https_sandbox, verify=False)) == 13


def test_verification_stays_on_without_the_warning(https_sandbox: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", keyscope.InsecureTLSWarning)
        assert len(list_keys(https_sandbox, ca_bundle=https_sandbox.ca.ca_cert)) == 13


# ---- proxies, libcurl transport --------------------------------------------------------------

def test_https_proxy_from_the_environment(https_sandbox: Any, proxy: ConnectProxy,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    assert len(list_keys(https_sandbox, ca_bundle=https_sandbox.ca.ca_cert)) == 13
    assert proxy.tunnels == [f"127.0.0.1:{https_sandbox.front.port}"]


def test_no_proxy_from_the_environment(https_sandbox: Any, proxy: ConnectProxy,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("https_proxy", proxy.url)
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    assert len(list_keys(https_sandbox, ca_bundle=https_sandbox.ca.ca_cert)) == 13
    assert proxy.tunnels == []


def test_the_proxy_argument_wins_over_the_environment(https_sandbox: Any, proxy: ConnectProxy,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")  # nothing listens there
    assert len(list_keys(https_sandbox, ca_bundle=https_sandbox.ca.ca_cert, proxy=proxy.url)) == 13
    assert len(proxy.tunnels) == 1
    assert len(list_keys(https_sandbox, ca_bundle=https_sandbox.ca.ca_cert, proxy=proxy.url,
                         no_proxy="127.0.0.1")) == 13
    assert len(proxy.tunnels) == 1


def test_a_proxy_with_credentials(https_sandbox: Any, auth_proxy: ConnectProxy) -> None:
    good = f"http://alice:{PROXY_PASSWORD}@127.0.0.1:{auth_proxy.port}"
    assert len(list_keys(https_sandbox, ca_bundle=https_sandbox.ca.ca_cert, proxy=good)) == 13
    assert len(auth_proxy.tunnels) == 1


def test_a_refused_tunnel_never_shows_the_password(https_sandbox: Any,
                                                   auth_proxy: ConnectProxy) -> None:
    wrong = f"http://alice:wrong-{PROXY_PASSWORD}@127.0.0.1:{auth_proxy.port}"
    with pytest.raises(keyscope.ConnectionError) as caught:
        list_keys(https_sandbox, ca_bundle=https_sandbox.ca.ca_cert, proxy=wrong)
    assert caught.value.code == "proxy_refused" and "407" in str(caught.value)
    assert auth_proxy.refused == [407]
    for text in (str(caught.value), repr(caught.value)):
        assert PROXY_PASSWORD not in text


def test_a_bad_proxy_url_is_a_validation_error_without_the_password() -> None:
    with pytest.raises(keyscope.ValidationError) as caught:
        keyscope.Client("https://127.0.0.1:9", "T", proxy=f"ftp://alice:{PROXY_PASSWORD}@p:21")
    assert caught.value.code == "invalid_proxy" and PROXY_PASSWORD not in str(caught.value)
    options = keyscope.NetworkOptions(proxy=f"http://alice:{PROXY_PASSWORD}@p:3128")
    assert PROXY_PASSWORD not in repr(options)


# ---- the requests transport honours the same choices -----------------------------------------

def requests_client(https_sandbox: Any, **options: Any) -> keyscope.Client:
    return keyscope.Client(https_sandbox.base_url, "T", timeout=10, max_retries=0,
                           transport=keyscope.RequestsTransport(), **options)


def test_requests_transport_untrusted_ca_is_tls_failed(https_sandbox: Any) -> None:
    with requests_client(https_sandbox) as client, pytest.raises(keyscope.ConnectionError) as caught:
        client.list_keys()
    assert caught.value.code == "tls_failed"


def test_requests_transport_ca_bundle_and_environment(https_sandbox: Any,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    with requests_client(https_sandbox, ca_bundle=https_sandbox.ca.ca_cert) as client:
        assert len(client.list_keys()) == 13
    monkeypatch.setenv("SSL_CERT_FILE", https_sandbox.ca.ca_cert)  # requests alone ignores it
    with requests_client(https_sandbox) as client:
        assert len(client.list_keys()) == 13


def test_requests_transport_verify_false(https_sandbox: Any) -> None:
    with pytest.warns(keyscope.InsecureTLSWarning):
        client = requests_client(https_sandbox, verify=False)
    with client, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # urllib3's own InsecureRequestWarning
        assert len(client.list_keys()) == 13


def test_requests_transport_proxy_and_no_proxy(https_sandbox: Any, proxy: ConnectProxy,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    ca = https_sandbox.ca.ca_cert
    with requests_client(https_sandbox, ca_bundle=ca, proxy=proxy.url) as client:
        assert len(client.list_keys()) == 13
    assert proxy.tunnels == [f"127.0.0.1:{https_sandbox.front.port}"]
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    with requests_client(https_sandbox, ca_bundle=ca, no_proxy="127.0.0.1") as client:
        assert len(client.list_keys()) == 13
    assert len(proxy.tunnels) == 1


def test_a_transport_without_configure_network_refuses_network_arguments(
        https_sandbox: Any) -> None:
    class Plain(keyscope.Transport):
        def send(self, request: keyscope.HttpRequest) -> keyscope.HttpResponse:
            raise AssertionError("never called")

    with pytest.raises(keyscope.ValidationError, match="configure_network"):
        keyscope.Client(https_sandbox.base_url, "T", transport=Plain(),
                        ca_bundle=https_sandbox.ca.ca_cert)


# ---- machines laid out differently: other system paths, no CA store at all -------------------

CLIENT_SCRIPT = textwrap.dedent("""
    import json, sys, keyscope
    with keyscope.Client(sys.argv[1], "T", timeout=10, max_retries=0) as client:
        try:
            keys = len(client.list_keys())
        except keyscope.KeyscopeError as exc:
            keys = exc.code
        print(json.dumps({"ca_bundle": client.ca_bundle, "keys": keys}))
""")


def client_in_namespace(https_sandbox: Any, files: Any, pythonpath: str = "") -> Any:
    from ca_store_namespace import run_with_etc_ssl

    env = {k: v for k, v in os.environ.items() if k not in CA_VARIABLES + PROXY_VARIABLES}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    done = run_with_etc_ssl(files, [sys.executable, "-c", CLIENT_SCRIPT, https_sandbox.base_url],
                            env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_system_bundle_is_found_where_other_distributions_keep_it(https_sandbox: Any) -> None:
    """Alpine's /etc/ssl/cert.pem: the bundled libcurl alone only looks for Debian's path."""
    seen = client_in_namespace(https_sandbox, {"cert.pem": https_sandbox.ca.ca_cert})
    assert seen == {"ca_bundle": "/etc/ssl/cert.pem", "keys": 13}


def test_certifi_when_the_system_has_no_ca_store(https_sandbox: Any, tmp_path: Path) -> None:
    import certifi

    seen = client_in_namespace(https_sandbox, {})
    assert seen["ca_bundle"] == certifi.where()
    assert seen["keys"] == "tls_failed"  # certifi's public CAs did not sign the private server
    # A certifi whose bundle holds the private CA: the request succeeds through it.
    (tmp_path / "certifi").mkdir()
    (tmp_path / "certifi" / "__init__.py").write_text(
        f"def where():\n    return {https_sandbox.ca.ca_cert!r}\n")
    seen = client_in_namespace(https_sandbox, {}, pythonpath=str(tmp_path))
    assert seen == {"ca_bundle": https_sandbox.ca.ca_cert, "keys": 13}


def test_subprocess_environment_reaches_the_client(https_sandbox: Any) -> None:
    """SSL_CERT_FILE set before the interpreter starts, as a shell profile would set it."""
    env = {k: v for k, v in os.environ.items() if k not in CA_VARIABLES + PROXY_VARIABLES}
    env["SSL_CERT_FILE"] = https_sandbox.ca.ca_cert
    done = subprocess.run([sys.executable, "-c", CLIENT_SCRIPT, https_sandbox.base_url],
                          capture_output=True, text=True, env=env, timeout=60)
    assert json.loads(done.stdout) == {"ca_bundle": https_sandbox.ca.ca_cert, "keys": 13}, done.stderr

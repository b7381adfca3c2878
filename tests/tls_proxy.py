"""nginx in front of the test OpenSearch node with TLS and a password, as production often
runs it: a certificate authority and a certificate for 127.0.0.1 are made with openssl."""

import getpass
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.services import free_port, listening, running

NGINX = "/usr/sbin/nginx"
CONFIG = """
daemon off;
user {user};
pid {work}/nginx.pid;
error_log {work}/error.log;
events {{}}
http {{
    access_log off;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    client_max_body_size 100m;
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {work}/server.pem;
        ssl_certificate_key {work}/server.key;
        auth_basic "sohoa";
        auth_basic_user_file {work}/users;
        location / {{ proxy_pass {upstream}; }}
    }}
}}
"""


@contextmanager
def tls_proxy(upstream: str, work: Path, user: str, password: str) -> Iterator[tuple[str, Path]]:
    """Yields the proxy's https URL (without credentials) and the CA file that verifies it."""
    _certificates(work)
    hashed = _run("openssl", "passwd", "-apr1", password).strip()
    (work / "users").write_text(f"{user}:{hashed}\n")
    port = free_port()
    config = work / "nginx.conf"
    # workers as this user, who can read the test's files (ignored when not run as root)
    me = getpass.getuser()
    config.write_text(CONFIG.format(work=work, port=port, upstream=upstream, user=me))
    nginx = [NGINX, "-p", str(work), "-c", str(config)]
    with running(nginx, dict(os.environ), work / "nginx.log", listening(port), 20):
        yield f"https://127.0.0.1:{port}", work / "ca.pem"


def _certificates(work: Path) -> None:
    _run(
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=sohoa test CA",
        "-keyout",
        f"{work}/ca.key",
        "-out",
        f"{work}/ca.pem",
    )
    _run(
        "openssl",
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        f"{work}/server.key",
        "-out",
        f"{work}/server.csr",
    )
    (work / "san.ext").write_text("subjectAltName=IP:127.0.0.1\n")
    _run(
        "openssl",
        "x509",
        "-req",
        "-in",
        f"{work}/server.csr",
        "-CA",
        f"{work}/ca.pem",
        "-CAkey",
        f"{work}/ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        f"{work}/san.ext",
        "-out",
        f"{work}/server.pem",
    )


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout

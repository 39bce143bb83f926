"""The production stack on one machine, from deploy/: nginx (Debian's) in front of two gunicorn
web nodes with production settings, a Celery worker and beat, PostgreSQL, a Redis of its own
and S3-compatible storage (moto in server mode). Each web node runs in an empty working folder
of its own, so no local file can be shared by accident. Everything listens on loopback."""

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import requests

from tests.object_storage import free_port, s3_client, storage_settings

from .smtp_sink import SmtpSink

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PG = "postgres://postgres@127.0.0.1:5432"
SEPAY_SECRET = "cluster-sepay-hmac-secret"

NGINX_CONF = """
user root;
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log {dir}/access.log;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream choso_web {{
        server 127.0.0.1:{a} max_fails=1 fail_timeout=10s;
        server 127.0.0.1:{b} max_fails=1 fail_timeout=10s;
        keepalive 8;
    }}
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {dir}/cert.pem;
        ssl_certificate_key {dir}/key.pem;
        set $choso_forwarded_proto https;
        # Which node answered: the tests read it to prove a journey crossed nodes.
        add_header X-Choso-Node $upstream_addr always;
        include {root}/deploy/nginx/choso-locations.conf;
    }}
}}
"""


def wait_for_port(port: int, timeout: float = 60, proc=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process for port {port} exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listens on {port}")


def self_signed(directory: Path) -> None:
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-keyout", str(directory / "key.pem"), "-out", str(directory / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip


@dataclass
class Stack:
    base: Path
    env: dict = field(default_factory=dict)
    procs: dict = field(default_factory=dict)
    ports: dict = field(default_factory=dict)
    database: str = ""
    bucket: str = ""
    smtp: SmtpSink | None = None

    # --- the parts ----------------------------------------------------------------------
    def start(self) -> "Stack":
        self.ports = {name: free_port() for name in ("nginx", "a", "b", "redis", "s3")}
        self.smtp = SmtpSink()
        self.database = f"choso_cluster_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.database}"')
        self.redis_start()
        self._spawn("s3", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.ports["s3"])], port="s3")
        endpoint = f"http://127.0.0.1:{self.ports['s3']}"
        self.bucket = f"choso-{uuid.uuid4().hex[:8]}"
        s3_client(endpoint).create_bucket(Bucket=self.bucket)
        self.env = self._environment(endpoint)
        for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"], ["site_configure"],
                        ["load_demo", "--allow-production"]):  # fmt: skip
            self.manage(*command)
        for node in ("a", "b"):
            self.node_start(node)
        self.worker_start()
        self._spawn("beat", [str(BIN / "celery"), "-A", "market", "beat", "--loglevel", "INFO",
                             "--schedule", str(self.base / "beat-schedule")], cwd=self._empty("beat"))  # fmt: skip
        nginx = self.base / "nginx"
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (nginx / sub).mkdir(parents=True, exist_ok=True)
        self_signed(nginx)
        conf = NGINX_CONF.format(dir=nginx, root=ROOT, port=self.ports["nginx"], a=self.ports["a"], b=self.ports["b"])
        (nginx / "nginx.conf").write_text(conf)
        self._spawn("nginx", ["nginx", "-p", str(nginx), "-c", str(nginx / "nginx.conf")], port="nginx")
        return self

    def _environment(self, endpoint: str) -> dict:
        redis = f"redis://127.0.0.1:{self.ports['redis']}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST", "REDIS_", "DATABASE_"))}
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "market.settings.production",
                "PYTHONPATH": str(ROOT),
                "SECRET_KEY": secrets.token_urlsafe(50),
                "DATABASE_URL": f"{PG}/{self.database}",
                "REDIS_URL": f"{redis}/0",
                "CACHE_URL": f"{redis}/1",
                "ALLOWED_HOSTS": "127.0.0.1",
                "SITE_URL": f"https://127.0.0.1:{self.ports['nginx']}",
                "NUM_PROXIES": "1",
                "EMAIL_URL": f"smtp://127.0.0.1:{self.smtp.port}",
                "DEFAULT_FROM_EMAIL": "no-reply@choso.test",
                # Organisers log in without codes here: the journeys, not django-otp, are the point.
                "OTP_REQUIRED_FOR_STAFF": "false",
                "VIETQR_BANK_BIN": "970436",
                "VIETQR_ACCOUNT_NUMBER": "1023456789",
                "VIETQR_ACCOUNT_NAME": "HTX CHO SO",
                "SEPAY_WEBHOOK_HMAC_SECRET": SEPAY_SECRET,
                "STATIC_ROOT": str(self.base / "static"),
                "OUTBOX_SWEEP_SECONDS": "3",
                "WEB_CONCURRENCY": "2",
                "GUNICORN_TIMEOUT": "60",
                **storage_settings(endpoint, self.bucket),
            }
        )
        return env

    def redis_start(self) -> None:
        self._spawn(
            "redis",
            ["redis-server", "--port", str(self.ports["redis"]), "--bind", "127.0.0.1", "--save", "", "--appendonly",
             "yes", "--dir", str(self._dir("redis"))],
            port="redis",
        )  # fmt: skip

    def node_start(self, node: str) -> None:
        cwd = self._empty(f"node-{node}")  # nothing in it: a node that needs a local file fails here
        env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{self.ports[node]}", "MEDIA_ROOT": str(cwd / "media")}
        command = [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "market.wsgi"]
        self._spawn(node, command, cwd=cwd, env=env, port=node)

    def worker_start(self) -> None:
        command = [str(BIN / "celery"), "-A", "market", "worker", "--loglevel", "INFO", "--concurrency", "2"]
        self._spawn("worker", command, cwd=self._empty("worker"))
        time.sleep(3)  # the worker connects to the broker and registers its tasks

    def stop(self, name: str) -> None:
        proc = self.procs.pop(name, None)
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)

    def close(self) -> None:
        for name in list(self.procs):
            self.stop(name)
        if self.smtp is not None:
            self.smtp.shutdown()
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    # --- helpers -----------------------------------------------------------------------
    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args], env=self.env, cwd=self._empty("manage"),
            capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)}: {result.stderr[-3000:]}")
        return result.stdout

    def sql(self, query: str, *params):
        """Rows of a query on the stack's database ([] for a statement that returns none)."""
        with psycopg.connect(f"{PG}/{self.database}", autocommit=True) as conn:
            cursor = conn.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def url(self, path: str = "/") -> str:
        return f"https://127.0.0.1:{self.ports['nginx']}{path}"

    def browser(self) -> requests.Session:
        """A visitor's browser: cookies, and the Referer Django's CSRF check wants over HTTPS."""
        session = requests.Session()
        session.trust_env = False  # loopback only: no proxy, no CA bundle from the environment
        session.verify = False  # the stack's own self-signed certificate
        session.headers["Referer"] = self.url("/")
        return session

    def log(self, name: str) -> str:
        path = self.base / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _dir(self, name: str) -> Path:
        path = self.base / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def _empty(self, name: str) -> Path:
        path = self.base / name
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)
        return path

    def _spawn(self, name, command, *, cwd=None, env=None, port=None) -> None:
        log = open(self.base / f"{name}.log", "ab")  # noqa: SIM115  closed with the process
        proc = subprocess.Popen(command, cwd=cwd or self.base, env=env or self.env or os.environ.copy(), stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        self.procs[name] = proc
        if port:
            try:
                wait_for_port(self.ports[port], proc=proc)
            except Exception as exc:
                raise RuntimeError(f"{name} did not start: {self.log(name)[-3000:]}") from exc

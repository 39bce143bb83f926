"""gunicorn for one Chợ Số web node: ``gunicorn -c deploy/gunicorn.conf.py market.wsgi``.

Every value comes from the environment (``/etc/choso/choso.env`` under systemd, see
``deploy/choso.env.example``), with a default for a node behind nginx. Standard library only:
gunicorn reads this file before Django is imported. docs/deploy.md explains each choice.
"""

import os


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use (systemd, taskset)
    except AttributeError:
        return os.cpu_count() or 1


# Where nginx reaches this node: its private address in a cluster (e.g. 10.0.0.11:8000), never
# a public one. Several addresses, comma-separated.
bind = [a.strip() for a in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",") if a.strip()]

# Sync workers: nginx buffers slow clients' requests and answers, so each worker is busy only
# while Django works. 2 × cores + 1, capped at 8 (each worker holds 150–250 MB).
workers = _env_int("WEB_CONCURRENCY", min(2 * _cores() + 1, 8))
worker_class = "sync"

# A request still running after `timeout` seconds is killed (its worker replaced); on stop or
# reload, workers get `graceful_timeout` seconds to finish (systemd's TimeoutStopSec is longer).
timeout = _env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)

# Each worker is replaced after about this many requests (jittered, so not all at once).
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _env_int("GUNICORN_MAX_REQUESTS_JITTER", 100)

# The addresses of the nginx machines allowed to set X-Forwarded-Proto for wsgi.url_scheme.
# Django reads the client through NUM_PROXIES and the scheme through SECURE_PROXY_SSL_HEADER:
# the firewall must let only nginx reach `bind`.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# To journald through systemd: access log on stdout, errors on stderr.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")

# The workers' heartbeat files in memory, not on a disk that may stall.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# Each worker imports Django itself: a reload (HUP) brings the new code in, and no database or
# Redis connection is opened before the fork and shared between workers.
preload_app = False

proc_name = "choso-web"
# gunicornc's control socket in systemd's RuntimeDirectory= (choso-web.service), when there is one.
if os.environ.get("RUNTIME_DIRECTORY"):
    control_socket = os.path.join(os.environ["RUNTIME_DIRECTORY"].split(":")[0], "gunicorn.ctl")

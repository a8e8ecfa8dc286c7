"""Gunicorn settings for `make serve`, each overridable from the environment.

Processes, not threads, are what give a Python site more than one core: pages
spend most of their time in Python (templates, the ORM), so threads share one
core through the GIL. The usual 2 × cores + 1 workers keeps every core busy
while some wait on the database; the cap keeps memory (about 80 MB a worker)
and PostgreSQL connections (one per thread) reasonable on big machines. A few
threads per worker let keep-alive connections and slow clients wait without
holding a whole process.
"""

import multiprocessing
import os

MAX_WORKERS = 8

workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, MAX_WORKERS))
threads = int(os.environ.get("GUNICORN_THREADS") or 2)
# gthread, even with one thread: it keeps connections alive between requests, sync workers do not.
worker_class = "gthread"
bind = os.environ.get("GUNICORN_BIND") or f"{os.environ.get('HOST') or '127.0.0.1'}:{os.environ.get('PORT') or '8000'}"
keepalive = 5
timeout = 30
graceful_timeout = 10
# Recycle workers now and then so that slow leaks cannot grow for ever; the jitter avoids restarting all at once.
max_requests = 5000
max_requests_jitter = 500
# Access logs cost time on every request; a reverse proxy usually keeps them. GUNICORN_ACCESS_LOG=- prints them.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
# The control socket would live in one file per user, shared by every server that user runs.
control_socket_disable = True
wsgi_app = "config.wsgi:application"

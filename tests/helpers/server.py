"""The site as `make serve` runs it in production, in a subprocess of the test run."""

import os
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent.parent


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(database_file, static_root, **extra):
    """The environment `make serve` runs in: DEBUG off, this SQLite file, no test settings."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DJANGO_SETTINGS_MODULE", "DJANGO_SECRET_KEY", "DATABASE_URL", "DJANGO_DEBUG"}
    }
    env.update(
        DATABASE_URL=f"sqlite:///{database_file}",
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        # One client asking for hundreds of pages: the limits are tested on their own (tests/ops/test_ratelimit.py).
        DJANGO_SEARCH_RATE_LIMIT="0",
        DJANGO_FEED_RATE_LIMIT="0",
        **extra,
    )
    return env


SERVED_SETTINGS = [
    "DATABASE_URL",
    "DJANGO_STATIC_ROOT",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_SECRET_KEY",
    "WEB_CONCURRENCY",
    "GUNICORN_THREADS",
    "DJANGO_SEARCH_RATE_LIMIT",
    "DJANGO_FEED_RATE_LIMIT",
]


@contextmanager
def served_site(env, port, output):
    """`make serve` on 127.0.0.1:`port` until the block ends; its output goes to the file `output`."""
    with open(output, "w") as log:
        # Given on make's command line as well, so that a developer's .env cannot override them.
        settings = [f"{name}={env.get(name, '')}" for name in SERVED_SETTINGS]
        server = subprocess.Popen(
            ["make", "--no-print-directory", "serve", "HOST=127.0.0.1", f"PORT={port}", *settings],
            cwd=PROJECT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # make, the shell and gunicorn are stopped together
        )
        try:
            wait_until_answering(port, server, output)
            yield server
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


def wait_until_answering(port, server, output, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the server stopped: {Path(output).read_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"the server did not answer in {seconds}s: {Path(output).read_text()[-3000:]}")

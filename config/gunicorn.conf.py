"""gunicorn settings for serving Timeline in production (and in bench/api.py):

    gunicorn -c config/gunicorn.conf.py config.wsgi -b 0.0.0.0:8000 -w 4

Workers default to gunicorn's own (WEB_CONCURRENCY or 1); run about two per CPU.
Command-line flags (--threads, --timeout, --keep-alive…) override what is here.
Slow and idle clients: config/gunicorn_workers.py reads request heads without
tying a thread up and closes a connection that has not sent its head within
GUNICORN_HEADER_TIMEOUT seconds. A buffering reverse proxy (nginx) in front is
still the sturdier shield; set TIMELINE_TRUSTED_PROXIES=1 behind it.
"""

import gc
import os

# Load the app once in the master; the workers share its memory.
preload_app = True
# gthread, reading request heads in the event loop (see the module).
worker_class = "config.gunicorn_workers.HeadFirstThreadWorker"
# Several threads per worker: a client slow to send a body or to read a
# response holds one thread (for `timeout` per read or write at most), not
# the worker. The GIL still makes processes the way to use the cores. Each
# thread keeps its own database connection (DATABASE_CONN_MAX_AGE).
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# Seconds a worker may go without a heartbeat before the master restarts it,
# and what a socket read or write may block once a thread has the request.
timeout = 30
# Seconds a worker finishes its requests in on restart or shutdown.
graceful_timeout = 20
# Seconds an idle kept-alive connection stays open between requests.
keepalive = 5
# The longest request line (query strings with cursors stay far below) and
# the number and size of header fields; beyond them gunicorn answers 400.
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190


def pre_fork(server, worker):
    # Freeze what the app loaded (about 120,000 objects) out of the garbage
    # collector's reach: a full collection walking them took ~60 ms, a pause
    # that showed in the p99 latency, and touching them un-shares pages.
    gc.freeze()

"""gunicorn settings for serving Timeline in production (and in bench/api.py):

    gunicorn -c config/gunicorn.conf.py config.wsgi -b 0.0.0.0:8000 -w 4

Workers default to gunicorn's own (WEB_CONCURRENCY or 1); run about two per CPU.
"""

import gc

# Load the app once in the master; the workers share its memory.
preload_app = True
# Threads keep HTTP keep-alive connections open; one per worker, because the
# GIL makes processes the better way to use the cores.
worker_class = "gthread"
threads = 1


def pre_fork(server, worker):
    # Freeze what the app loaded (about 120,000 objects) out of the garbage
    # collector's reach: a full collection walking them took ~60 ms, a pause
    # that showed in the p99 latency, and touching them un-shares pages.
    gc.freeze()

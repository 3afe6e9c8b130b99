"""gunicorn settings for qrsvc: ``gunicorn -c deploy/gunicorn.conf.py qrsvc.wsgi:app``.

Sync workers suit this service: pages are small and rendered fast, and the slow
part of a request on weak 3G (sending the bytes) is nginx's job, which buffers
the answer and frees the worker at once.
"""

import multiprocessing
import os

bind = os.environ.get("QRSVC_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("QRSVC_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 60  # a big print job runs in the worker queue, never in a request
graceful_timeout = 30
max_requests = 5000  # recycle workers now and then; jitter avoids restarting all at once
max_requests_jitter = 500
accesslog = None  # qrsvc logs each request as JSON to stdout itself
errorlog = "-"
forwarded_allow_ips = "127.0.0.1"
preload_app = False  # each worker opens its own database connections

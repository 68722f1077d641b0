"""NetBox's gunicorn settings (contrib/gunicorn.py of NetBox 4.7), sized for the machine.

Installed as /opt/netbox/gunicorn.py for deploy/systemd/netbox.service; `make demo` uses it as it is, with
the address from EGOV_GUNICORN_BIND.
"""

import multiprocessing
import os

bind = os.environ.get("EGOV_GUNICORN_BIND", "127.0.0.1:8001")
# NetBox's advice: 2n+1 workers for n CPU cores, 3 threads each.
workers = 2 * multiprocessing.cpu_count() + 1
threads = 3
timeout = 120
max_requests = 5000
max_requests_jitter = 500

# The two commands: `make demo` (whole system with demo data) and `make test`.
# Ports and paths come from EGOV_* variables (see README).

.PHONY: demo test down status clean lint messages migrations dashboards bench bench-domains bench-filter bench-serving bench-snmp bench-push bench-exporter bench-sd bench-reconcile bench-map bench-map-browser

demo:
	@stack/demo.sh

test:
	@stack/test.sh $(PYTEST_ARGS)

# Stop PostgreSQL and Redis of this checkout (by pid).
down:
	@stack/services.sh stop

status:
	@stack/services.sh status

# Remove every piece of state: databases, secrets, logs. Stops services first.
clean: down
	@stack/clean.sh

lint:
	@.venv/bin/ruff check .

# Extract new translatable strings into the Indonesian catalogue.
messages:
	@stack/messages.sh

# Regenerate the Grafana dashboards' JSON (exporters/grafana/provisioning/dashboards) from exporters/grafana/dashboards.py.
dashboards:
	@.venv/bin/python exporters/grafana/dashboards.py

# Write migrations for changed plugin models (NetBox allows it only in developer mode).
migrations:
	@stack/netbox.sh configure && EGOV_DEVELOPER=1 NETBOX_ROOT=.state/netbox .venv/bin/netbox makemigrations netbox_egov

# Benchmarks (docs/benchmarks.md): need the stack's PostgreSQL and Redis (make demo, or stack/services.sh start).
bench:
	@stack/netbox.sh configure && NETBOX_ROOT=.state/netbox .venv/bin/python bench/api_latency.py

# Parse and compile a generated 1,000,000-domain list next to sort -u (no services needed).
bench-domains:
	@.venv/bin/python bench/domains.py

bench-filter:
	@stack/netbox.sh configure && NETBOX_ROOT=.state/netbox .venv/bin/python bench/site_filter_job.py

# The demo's pages and API under nginx+gunicorn next to runserver (needs the demo data: make demo once).
bench-serving:
	@stack/services.sh start >/dev/null && stack/netbox.sh configure && NETBOX_ROOT=.state/netbox .venv/bin/python bench/serving.py

# The SNMP client next to snmpbulkwalk and snmp_exporter: 200 agents x 48 interfaces in network namespaces (root).
bench-snmp:
	@.venv/bin/python bench/snmp_poll.py

# 50 agencies pushed to one Linux gateway in network namespaces (root): apply and no-op next to plain tc/nft, accuracy.
bench-push:
	@.venv/bin/python bench/push_linux.py

# One egov-exporter scrape at 500 devices x 48 interfaces next to prometheus-client rendering the same samples (no services needed).
bench-exporter:
	@.venv/bin/python bench/exporter_scrape.py

# Prometheus service discovery at 5,000 devices next to core's device list (the stack's database, rolled back).
bench-sd:
	@stack/services.sh start >/dev/null && stack/netbox.sh configure && NETBOX_ROOT=.state/netbox .venv/bin/python bench/prometheus_sd.py

# 200 devices (FakeNOS) reconciled by the scheduler and two RQ workers against NetBox on the stack's database (rolled back).
bench-reconcile:
	@stack/services.sh start >/dev/null && stack/netbox.sh configure && NETBOX_ROOT=.state/netbox .venv/bin/python bench/reconcile.py

bench-map:
	@.venv/bin/python bench/backbone_map.py

bench-map-browser:
	@.venv/bin/python bench/backbone_map_browser.py

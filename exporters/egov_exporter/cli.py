"""``egov-exporter``: serve ``/metrics`` for Prometheus, or print one scrape (for debugging and
``promtool check metrics``).

Settings come from the environment (``settings.py``, EGOV_EXPORTER_*); the NetBox token from a file only its owner
reads or the environment, never from the command line, where every user of the machine could read it.
"""

import logging
import signal
import sys
import threading

import click

from . import server
from .exporter import Exporter, build_exporter
from .settings import Settings, SettingsError

log = logging.getLogger("egov_exporter")


@click.group()
def main():
    """Prometheus metrics from the collectors' data (Redis) and NetBox (docs/metrics.md)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@main.command()
def serve():
    """Serve GET /metrics on EGOV_EXPORTER_LISTEN until stopped (Ctrl-C or SIGTERM)."""
    settings = _settings()
    exporter = build_exporter(settings)
    try:
        httpd = server.start(exporter, settings.host, settings.port)
    except OSError as error:
        raise click.ClickException(f"cannot listen on {settings.listen} (EGOV_EXPORTER_LISTEN): {error}") from None
    log.info("serving metrics on %s", server.url(httpd))
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # systemd's stop ends it as Ctrl-C does
    stopped = threading.Event()
    threading.Thread(target=exporter.warm, args=(stopped,), name="warm", daemon=True).start()
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        log.info("stopped")
    finally:
        stopped.set()
        httpd.server_close()


@main.command(name="print")
def print_metrics():
    """Print one scrape to stdout (Prometheus text format); exit status 1 when a source could not be read."""
    exporter = build_exporter(_settings())
    sys.stdout.buffer.write(exporter.text())
    sys.stdout.flush()
    _exit_if_down(exporter)


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as error:
        raise click.ClickException(str(error)) from None


def _exit_if_down(exporter: Exporter) -> None:
    down = [name for name, status in exporter.sources.items() if not status.up]
    if down:
        raise click.ClickException(f"not read: {', '.join(down)} (the log above says why); the other metrics "
                                   "were printed")

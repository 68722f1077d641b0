"""``GET /metrics`` over HTTP: prometheus-client's WSGI application (text or OpenMetrics as the scraper asks,
gzip when it accepts it) in a threaded wsgiref server."""

from wsgiref.simple_server import WSGIServer

from prometheus_client import start_http_server

from .exporter import Exporter


def start(exporter: Exporter, host: str, port: int) -> WSGIServer:
    """Serve ``exporter`` on host:port (port 0: a free one, then in ``server.server_port``) from a daemon thread;
    ``server.shutdown()`` stops it."""
    server, _thread = start_http_server(port, host, registry=exporter.registry())
    return server


def url(server: WSGIServer) -> str:
    """Where ``server`` answers scrapes."""
    host, port = server.server_address[:2]
    return f"http://[{host}]:{port}/metrics" if ":" in host else f"http://{host}:{port}/metrics"

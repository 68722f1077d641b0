"""``GET /metrics`` over HTTP: a threaded wsgiref server answering every scrape in the Prometheus text format.

Not prometheus-client's own WSGI application, for its costs measured at 500 devices x 48 interfaces (about
300,000 samples, bench/exporter_scrape.py): it renders every sample of every scrape with ``generate_latest``,
where ``Exporter.text`` writes the same bytes from each device's text kept since its last poll; it answers
Prometheus (which asks for OpenMetrics first) in OpenMetrics, which prometheus-client 0.26 renders slower still,
where the text format serves Prometheus just as well; and it gzips at level 9, most of a second for the 35 MB,
where level 1 takes a tenth of that for a body twice as large (still a twenty-fifth of the text).
"""

import gzip
import socket
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4, gzip_accepted

from .exporter import Exporter

PATH = "/metrics"
GZIP_LEVEL = 1


def metrics_app(exporter: Exporter):
    """The WSGI application: ``GET /metrics`` is one scrape of ``exporter``; any other path is 404, any other
    method 405 (a scrape is work: nothing but a GET makes one)."""
    def application(environ, start_response):
        if environ.get("PATH_INFO") != PATH:
            start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
            return [f"Not found: the metrics are at {PATH}\n".encode()]
        if environ.get("REQUEST_METHOD") != "GET":
            start_response("405 Method Not Allowed", [("Content-Type", "text/plain; charset=utf-8"), ("Allow", "GET")])
            return [f"Only GET: {environ.get('REQUEST_METHOD')} {PATH} is not a scrape\n".encode()]
        body = exporter.text()
        headers = [("Content-Type", CONTENT_TYPE_PLAIN_0_0_4)]
        if gzip_accepted(environ.get("HTTP_ACCEPT_ENCODING", "")):
            body = gzip.compress(body, compresslevel=GZIP_LEVEL)
            headers.append(("Content-Encoding", "gzip"))
        start_response("200 OK", [*headers, ("Content-Length", str(len(body)))])
        return [body]

    return application


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True  # a scrape still running never holds up the exporter's exit


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # a line per scrape every 15 s would bury the log's outage lines
        pass


def start(exporter: Exporter, host: str, port: int) -> WSGIServer:
    """A server of ``exporter`` bound to host:port (port 0: a free one, then in ``server.server_port``); run it
    with ``serve_forever()``, stop it with ``shutdown()`` from another thread."""
    server_class = type("Server", (_ThreadingServer,), {"address_family": _family(host)})
    return make_server(host, port, metrics_app(exporter), server_class=server_class, handler_class=_QuietHandler)


def url(server: WSGIServer) -> str:
    """Where ``server`` answers scrapes."""
    host, port = server.server_address[:2]
    return f"http://[{host}]:{port}{PATH}" if ":" in host else f"http://{host}:{port}{PATH}"


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET

"""A small JSON API on the standard library alone.

    GET /hello?name=NAME  ->  {"hello": "NAME"}   (name defaults to "world")
    GET /health           ->  {"status": "ok"}

Listens on 0.0.0.0:$PORT (default 8080); stops cleanly on SIGTERM, as PID 1 of a container.
"""
import json
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from greeting import greet


class Handler(BaseHTTPRequestHandler):
    server_version = "hello-api/1"

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == "/hello":
            name = parse_qs(url.query).get("name", ["world"])[0]
            self.answer(200, {"hello": greet(name)})
        elif url.path == "/health":
            self.answer(200, {"status": "ok"})
        else:
            self.answer(404, {"error": "not found", "path": url.path})

    def answer(self, status, body):
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))


def main():
    port = int(os.environ.get("PORT", "8080"))
    server = ThreadingHTTPServer(("0.0.0.0", port), Handler)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print("hello-api listening on port %d" % port, flush=True)
    server.serve_forever()
    server.server_close()


if __name__ == "__main__":
    main()

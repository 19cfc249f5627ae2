"""A small HTTP(S) server for bench/gateway-ab.sh: GET /blob answers the file FILE (sent with
sendfile on plain HTTP), anything else 404. Standard library only; threads per connection.

    bulk_server.py FILE PORTFILE [CERT KEY]

Listens on 127.0.0.1 on a free port and writes the port to PORTFILE; with CERT and KEY, TLS.
"""

import http.server
import os
import ssl
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 - the standard library's name
        if self.path != "/blob":
            self.send_error(404)
            return
        size = os.path.getsize(self.server.blob)
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        with open(self.server.blob, "rb") as f:
            if isinstance(self.connection, ssl.SSLSocket):
                while chunk := f.read(1 << 20):
                    self.wfile.write(chunk)
            else:
                self.wfile.flush()
                self.connection.sendfile(f)

    def log_message(self, *args):
        pass


def main():
    blob, portfile = sys.argv[1], sys.argv[2]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.blob = blob
    if len(sys.argv) == 5:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[3], sys.argv[4])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    server.serve_forever()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""A minimal artifact server written from the wire contract alone, with the Python standard library.

The client's tests run against it to prove that the client relies on the contract, not on the Java
server's behaviour. It deliberately differs where the contract allows: its artifact URIs use another
scheme and carry characters that must be percent-encoded (& # + % space, non-ASCII), and it decodes
the query string with the standard form decoder.

Usage: contract_server.py --experiment EXP --worker ID:SECRET [--worker ...] --admin SECRET
                          [--max-bytes N]
Prints "listening on http://127.0.0.1:PORT" once ready. Single process, artifacts held in memory.
"""
import argparse
import json
import secrets
import sys
import threading
from email.parser import HeaderParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PROBLEMS = {
    "bad-request": (400, "Bad Request"),
    "experiment-id-mismatch": (400, "Experiment Id Mismatch"),
    "unauthorized": (401, "Unauthorized"),
    "forbidden": (403, "Forbidden"),
    "not-found": (404, "Not Found"),
    "payload-too-large": (413, "Payload Too Large"),
}


class Problem(Exception):
    def __init__(self, name, detail):
        super().__init__(detail)
        self.name = name
        self.detail = detail


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    rbufsize = 64 * 1024
    disable_nagle_algorithm = True
    config = None
    artifacts = {}
    lock = threading.Lock()

    def log_message(self, fmt, *args):
        pass  # Never log: request lines are harmless, but keep the test output quiet.

    def do_POST(self):
        self.handle_request(self.deposit)

    def do_GET(self):
        self.handle_request(self.fetch)

    def handle_request(self, action):
        try:
            path = urlsplit(self.path).path
            if path != "/v0/experiments/%s/artifacts" % self.config.experiment:
                if path.startswith("/v0/experiments/") and path.endswith("/artifacts"):
                    raise Problem("experiment-id-mismatch", "experiment not served here")
                raise Problem("not-found", "no such endpoint")
            if self.headers.get("X-Eden-Experiment-Id") != self.config.experiment:
                raise Problem("experiment-id-mismatch", "X-Eden-Experiment-Id must equal the path")
            principal = self.authenticate()
            action(principal)
        except Problem as problem:
            self.discard_body()
            status, title = PROBLEMS[problem.name]
            body = json.dumps({"type": "eden://error/" + problem.name, "title": title,
                               "status": status, "detail": problem.detail,
                               "instance": self.path}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/problem+json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def authenticate(self):
        header = self.headers.get("Authorization", "")
        if not header.startswith("Bearer ") or ":" not in header:
            raise Problem("unauthorized", "missing or malformed bearer")
        principal, secret = header[len("Bearer "):].split(":", 1)
        expected = self.config.admin if principal == "admin" else self.config.workers.get(principal)
        if expected is None or not secrets.compare_digest(expected, secret):
            raise Problem("unauthorized", "invalid bearer")
        return principal

    def deposit(self, principal):
        content_type = self.headers.get("Content-Type", "")
        media, params = parse_header_params(content_type)
        if media != "multipart/form-data" or "boundary" not in params:
            raise Problem("bad-request", "body must be multipart/form-data with a boundary")
        body = self.read_body(self.config.max_bytes + 64 * 1024)
        parts = split_multipart(body, params["boundary"].encode("latin-1"))
        if len(parts) != 1:
            raise Problem("bad-request", "exactly one part expected, got %d" % len(parts))
        headers, data = parts[0]
        disposition, disposition_params = parse_header_params(headers.get("Content-Disposition", ""))
        if (disposition != "form-data" or disposition_params.get("name") != "file"
                or "filename" not in disposition_params):
            raise Problem("bad-request", "the one part must be a file upload named 'file'")
        if len(data) > self.config.max_bytes:
            raise Problem("payload-too-large",
                          "artifact exceeds the maximum size of %d bytes" % self.config.max_bytes)
        declared = "".join(c for c in headers.get("Content-Type", "") if " " <= c <= "~").strip()
        recorded = declared or "application/octet-stream"
        # Another scheme than eden://, full of characters a client must percent-encode.
        uri = "urn:pystore:%s/a&b=c#frag+%%41 ü" % secrets.token_hex(16)
        with self.lock:
            self.artifacts[uri] = (bytes(data), recorded, principal)
        answer = json.dumps({"artifacts_uri": uri, "size_bytes": len(data),
                             "content_type": recorded}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def fetch(self, principal):
        query = parse_qs(urlsplit(self.path).query, keep_blank_values=True)
        if "uri" not in query:
            raise Problem("bad-request", "missing uri parameter")
        uri = query["uri"][0]
        with self.lock:
            found = self.artifacts.get(uri)
        if found is None:
            raise Problem("not-found", "unknown artifact")
        data, content_type, owner = found
        if principal != owner and principal != "admin":
            raise Problem("forbidden", "only the depositor or an admin may fetch this artifact")
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Content-Disposition", "attachment")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(data)

    def read_body(self, limit):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks, total = [], 0
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                total += size
                if total > limit:
                    raise Problem("payload-too-large", "artifact exceeds the maximum size")
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            self.body_consumed = True
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length", "0"))
        if length > limit:
            raise Problem("payload-too-large", "artifact exceeds the maximum size")
        self.body_consumed = True
        return self.rfile.read(length)

    def discard_body(self):
        if self.command == "POST" and not getattr(self, "body_consumed", False):
            self.close_connection = True  # Unread body: the connection cannot be reused.


def parse_header_params(value):
    """Splits 'type; a=b; c="d"' with the standard library's header parser."""
    message = HeaderParser().parsestr("X: " + value + "\n\n")
    params = message.get_params(header="X") or []
    if not params:
        return "", {}
    media = params[0][0].lower()
    return media, {k.lower(): v for k, v in params[1:]}


def split_multipart(body, boundary):
    """Returns [(headers, data)] for a multipart body; strict about the delimiters."""
    delimiter = b"--" + boundary
    if not body.startswith(delimiter):
        raise Problem("bad-request", "multipart body does not start with its boundary")
    sections = body.split(b"\r\n" + delimiter)
    if not sections[-1].startswith(b"--"):
        raise Problem("bad-request", "multipart body is not closed")
    parts = []
    for section in sections[:-1]:
        section = section[len(delimiter):] if section.startswith(delimiter) else section
        if not section.startswith(b"\r\n") or b"\r\n\r\n" not in section:
            raise Problem("bad-request", "malformed multipart part")
        head, data = section[2:].split(b"\r\n\r\n", 1)
        headers = HeaderParser().parsestr(head.decode("utf-8", "replace") + "\r\n\r\n")
        parts.append((headers, data))
    return parts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--experiment", required=True)
    parser.add_argument("--worker", action="append", default=[])
    parser.add_argument("--admin", required=True)
    parser.add_argument("--max-bytes", type=int, default=100 * 1024 * 1024)
    args = parser.parse_args()
    args.workers = dict(w.split(":", 1) for w in args.worker)
    Handler.config = args
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print("listening on http://127.0.0.1:%d" % server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())

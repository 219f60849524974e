#!/usr/bin/env python3
"""A stand-in for the Hugging Face Hub on 127.0.0.1, for mlxplan's Hub tests.

    fake_hub.py --port-file FILE [--idle-exit SECONDS]

Binds a free port on 127.0.0.1, writes it to FILE (atomically) and serves
until killed or idle for --idle-exit seconds (default 600, so a test run that
dies cannot leave it behind for long).  It answers like the Hub does:

  GET /{org}/{name}/resolve/{rev}/{file}    X-Repo-Commit on every answer for
      a known repo; missing repos 404 with X-Error-Code RepoNotFound, missing
      files 404 with EntryNotFound; .safetensors files redirect (302) to
      /cdn/{sha256}, which honours single byte ranges (206 + Content-Range).
  GET /__log    the requests so far (JSON): path, range, status, bytes sent,
      user agent, whether an Authorization header came.

Repos (the tiny llama of tiny_model.py):
  test-org/tiny-4bit      MLX 4-bit, one model.safetensors
  test-org/tiny-sharded   bfloat16, two shards and an index
  test-org/no-commit      the 4-bit repo without X-Repo-Commit headers
  test-org/private        401 RepoNotFound without a token; with "hf_good" the
                          4-bit config only; any other token: 401 and no code
  test-org/gated          403 GatedRepo
  test-org/anon-401       401 RepoNotFound, always
  test-org/no-config      a repo without config.json
  test-org/slow           answers after 4 s
  test-org/truncated      config.json announces 1000 bytes and sends 10
  test-org/renamed        307 (relative) to test-org/tiny-4bit
  test-org/loop           302 to itself, forever
  test-org/huge           a 5 MiB config.json
  test-org/norange        model.safetensors ignores Range (200, 64 MiB)
  test-org/big-header     model.safetensors declares a 17 MiB header
  test-org/server-error   500
  test-org/bad-config     config.json is not JSON
"""
import argparse
import hashlib
import json
import os
import re
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tiny_model as tm  # noqa: E402

COMMIT_4BIT = "4b" * 20
COMMIT_SHARDED = "5a" * 20

CFG4, ST4, _ = tm.quant_checkpoint()
CFG16, SHARDS, INDEX, _ = tm.sharded_checkpoint()

REPOS = {
    "test-org/tiny-4bit": (COMMIT_4BIT, {"config.json": CFG4, "model.safetensors": ST4}),
    "test-org/no-commit": (None, {"config.json": CFG4, "model.safetensors": ST4}),
    "test-org/tiny-sharded": (COMMIT_SHARDED, dict(SHARDS, **{
        "config.json": CFG16, "model.safetensors.index.json": INDEX})),
    "test-org/no-config": ("0c" * 20, {"README.md": b"no config here"}),
    "test-org/huge": ("ee" * 20, {"config.json": b" " * (5 << 20)}),
    "test-org/bad-config": ("bc" * 20, {"config.json": b"{not json"}),
    "test-org/big-header": ("b1" * 20, {"config.json": CFG4,
                                        "model.safetensors": struct.pack("<Q", 17 << 20)}),
    "test-org/norange": ("a0" * 20, {"config.json": CFG4}),
}
BLOBS = {}
for _commit, files in REPOS.values():
    for _name, data in files.items():
        BLOBS[hashlib.sha256(data).hexdigest()] = data

LOG = []
LOG_LOCK = threading.Lock()
LAST = [time.time()]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: the log is /__log
        pass

    def arrived(self):
        """Log the request as it arrives, so the log is in arrival order
        (a client's next request can be handled before this thread has
        finished sending); record() fills in the outcome."""
        self.entry = {"path": self.path, "range": self.headers.get("Range"),
                      "status": None, "bytes": 0,
                      "user_agent": self.headers.get("User-Agent"),
                      "auth": self.headers.get("Authorization") is not None}
        with LOG_LOCK:
            LOG.append(self.entry)

    def record(self, status, sent):
        with LOG_LOCK:
            self.entry["status"] = status
            self.entry["bytes"] = sent

    def answer(self, status, body=b"", headers=None, length=None):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        # the outcome is logged before the body goes out: once the client
        # has its answer, the log says what it was
        self.record(status, len(body))
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def error(self, status, code, commit=None):
        h = {"X-Error-Code": code} if code else {}
        if commit:
            h["X-Repo-Commit"] = commit
        self.answer(status, json.dumps({"error": code or "error"}).encode(), h)

    def do_GET(self):
        LAST[0] = time.time()
        if self.path == "/__log":
            with LOG_LOCK:
                body = json.dumps(LOG).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.arrived()
        m = re.fullmatch(r"/cdn/([0-9a-f]{64})", self.path)
        if m:
            return self.blob(BLOBS.get(m.group(1)))
        m = re.fullmatch(r"/([^/]+/[^/]+)/resolve/([^/]+)/(.+)", self.path)
        if not m:
            return self.error(404, "RepoNotFound")
        self.resolve(*m.groups())

    def blob(self, data):
        if data is None:
            return self.error(404, "EntryNotFound")
        rng = self.headers.get("Range")
        m = re.fullmatch(r"bytes=(\d+)-(\d+)", rng or "")
        if not m:
            return self.answer(200, data)
        a, b = int(m.group(1)), min(int(m.group(2)), len(data) - 1)
        if a >= len(data):
            return self.answer(416, b"", {"Content-Range": "bytes */%d" % len(data)})
        self.answer(206, data[a:b + 1], {"Content-Range": "bytes %d-%d/%d" % (a, b, len(data))})

    def resolve(self, repo, rev, fname):
        auth = self.headers.get("Authorization")
        if repo == "test-org/private":
            if auth == "Bearer hf_good":
                if fname == "config.json":
                    return self.answer(200, CFG4, {"X-Repo-Commit": "9f" * 20})
                return self.error(404, "EntryNotFound", "9f" * 20)
            return self.error(401, None if auth else "RepoNotFound")
        if repo == "test-org/gated":
            return self.error(403, "GatedRepo")
        if repo == "test-org/anon-401":
            return self.error(401, "RepoNotFound")
        if repo == "test-org/slow":
            time.sleep(4)
            return self.answer(200, CFG4)
        if repo == "test-org/truncated":
            self.answer(200, b'{"model_ty', length=1000)
            self.close_connection = True
            return
        if repo == "test-org/renamed":
            return self.answer(307, b"", {"Location": "/test-org/tiny-4bit/resolve/%s/%s" %
                                          (rev, fname)})
        if repo == "test-org/loop":
            return self.answer(302, b"", {"Location": self.path})
        if repo == "test-org/server-error":
            return self.error(500, None)
        if repo == "test-org/norange" and fname == "model.safetensors":
            return self.no_range()
        if repo not in REPOS:
            return self.error(404, "RepoNotFound")
        commit, files = REPOS[repo]
        if rev not in ("main", commit):
            return self.error(404, "RevisionNotFound", commit)
        h = {"X-Repo-Commit": commit} if commit else {}
        if fname not in files:
            return self.error(404, "EntryNotFound", commit)
        data = files[fname]
        if fname.endswith(".safetensors"):
            h["Location"] = "http://%s/cdn/%s" % (self.headers.get("Host"),
                                                  hashlib.sha256(data).hexdigest())
            return self.answer(302, b"", h)
        self.answer(200, data, h)

    def no_range(self):
        """64 MiB of zeros whatever the Range header says, until the client hangs up."""
        total = 64 << 20
        self.send_response(200)
        self.send_header("X-Repo-Commit", "a0" * 20)
        self.send_header("Content-Length", str(total))
        self.end_headers()
        sent, chunk = 0, bytes(1 << 16)
        try:
            while sent < total:
                self.wfile.write(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True
        self.record(200, sent)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--idle-exit", type=float, default=600)
    args = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.replace(tmp, args.port_file)

    def watchdog():
        while time.time() - LAST[0] < args.idle_exit:
            time.sleep(1)
        srv.shutdown()

    threading.Thread(target=watchdog, daemon=True).start()
    srv.serve_forever()


if __name__ == "__main__":
    main()

"""A small model server speaking the Label Studio ML backend protocol, for tests.

Written from the protocol's documentation (label_studio_ml/api.py of
HumanSignal/label-studio-ml-backend): ``GET /health`` -> ``{"status": "UP"}``, ``POST /setup``
-> ``{"model_version"}``, ``POST /predict`` with ``tasks`` -> ``{"results": [{"result": [...],
"score", "model_version"}], "model_version"}``. Its "model" marks every occurrence of the
``rules`` words with their label; ``utf16`` makes it count offsets in UTF-16 units the way
Label Studio's front end does; ``delay`` makes it slow; ``down()`` stops it.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def utf16_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


class MLBackend:
    def __init__(self, rules: dict[str, tuple[str, float]], utf16: bool = False) -> None:
        self.rules, self.utf16, self.delay = rules, utf16, 0.0
        self.redirect: str | None = None  # a Location every request is sent to (HTTP 302)
        self.requests: list[tuple[str, dict | None]] = []
        backend = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _send(self, status: int, body) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                backend.requests.append((self.path, None))
                if backend.redirect:
                    self.send_response(302)
                    self.send_header("Location", backend.redirect + self.path)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif self.path in ("/", "/health"):
                    self._send(200, {"status": "UP", "model_dir": "/tmp", "v2": "true"})
                else:
                    self._send(404, {"error": "no such path"})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                backend.requests.append((self.path, body))
                time.sleep(backend.delay)
                if self.path == "/setup":
                    self._send(200, {"model_version": "keywords-1"})
                elif self.path == "/predict":
                    results = [backend.predict(task) for task in body.get("tasks") or []]
                    self._send(200, {"results": results, "model_version": "keywords-1"})
                else:
                    self._send(404, {"error": "no such path"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def predict(self, task: dict) -> dict:
        text = task["data"]["text"]
        regions = []
        for word, (label, score) in self.rules.items():
            at = text.find(word)
            while at >= 0:
                start, end = at, at + len(word)
                if self.utf16:
                    start, end = utf16_offset(text, start), utf16_offset(text, end)
                regions.append(
                    {
                        "id": f"r{len(regions)}",
                        "from_name": "label",
                        "to_name": "text",
                        "type": "labels",
                        "value": {"start": start, "end": end, "text": word, "labels": [label]},
                        "score": score,
                    }
                )
                at = text.find(word, at + 1)
        scores = [r["score"] for r in regions]
        return {
            "result": regions,
            "score": sum(scores) / len(scores) if scores else 0.0,
            "model_version": "keywords-1",
        }

    def down(self) -> None:
        self.server.shutdown()
        self.server.server_close()

"""A real HTTP service whose answer to one request is lost: a proxy on loopback that passes
every request on, and answers the first matching one with a server fault after the service
has done it (a database locked as the answer was written, a connection cut on the way back)."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx


class LostAnswer:
    def __init__(self, target: str, method: str, path_ends: str):
        self.target, self.method, self.path_ends = target, method, path_ends
        self.lost = 0  # answers lost so far; only the first matching one is
        self.counting = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _pass_on(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                answer = httpx.request(
                    self.command, proxy.target + self.path, headers=headers, content=body
                )
                if proxy._loses(self.command, self.path):
                    self.send_response(500)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(answer.status_code)
                self.send_header("Content-Type", answer.headers.get("Content-Type", "text/plain"))
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_POST = _pass_on  # noqa: N815 (http.server names them so)

            def log_message(self, *args: object) -> None:
                pass

        return Handler

    def _loses(self, method: str, path: str) -> bool:
        matches = method == self.method and path.split("?")[0].endswith(self.path_ends)
        with self.counting:
            if not matches or self.lost:
                return False
            self.lost += 1
            return True


@contextmanager
def lost_answer(target: str, method: str, path_ends: str) -> Iterator[LostAnswer]:
    """A proxy to `target` (an http URL) that loses its answer to the first `method` request
    whose path ends with `path_ends`."""
    proxy = LostAnswer(target, method, path_ends)
    threading.Thread(target=proxy.server.serve_forever, daemon=True).start()
    try:
        yield proxy
    finally:
        proxy.server.shutdown()
        proxy.server.server_close()

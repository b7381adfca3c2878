"""An outage of a real service, for the tests of retries: a TCP proxy on loopback in front
of the server. While it is down, every connection is closed as soon as it is made, and
those open when it went down were cut, as a stopped server's are."""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from urllib.parse import urlparse


class Outage:
    def __init__(self, target: str):
        where = urlparse(target)
        self.target = (where.hostname or "127.0.0.1", where.port or 80)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.down = True
        self.refused = 0  # connections closed while down
        self.open: set[socket.socket] = set()
        self.lock = threading.Lock()

    def serve(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            if self.down:
                self.refused += 1
                client.close()
                continue
            server = socket.create_connection(self.target)
            with self.lock:
                self.open |= {client, server}
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def go_down(self) -> None:
        """The service stops: the connections open are cut, new ones closed at once."""
        self.down = True
        with self.lock:
            for end in self.open:
                with suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def up_after(self, seconds: float) -> None:
        """The service comes back `seconds` from now."""
        threading.Timer(seconds, setattr, (self, "down", False)).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(1 << 16):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):  # both directions end; the other pump finds them closed
                with suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()
                with self.lock:
                    self.open.discard(end)


@contextmanager
def outage(target: str, down: bool = True) -> Iterator[Outage]:
    """A proxy to `target` (an http URL), down until told otherwise unless `down` is False."""
    proxy = Outage(target)
    proxy.down = down
    threading.Thread(target=proxy.serve, daemon=True).start()
    try:
        yield proxy
    finally:
        proxy.listener.close()

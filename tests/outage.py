"""An outage of a real service, for the tests of retries: a TCP proxy on loopback in front
of the server that, while it is down, closes every connection as soon as it is made."""

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
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()

    def up_after(self, seconds: float) -> None:
        """The service comes back `seconds` from now."""
        threading.Timer(seconds, setattr, (self, "down", False)).start()


@contextmanager
def outage(target: str) -> Iterator[Outage]:
    """A proxy to `target` (an http URL), down until told otherwise."""
    proxy = Outage(target)
    threading.Thread(target=proxy.serve, daemon=True).start()
    try:
        yield proxy
    finally:
        proxy.listener.close()


def _pump(source: socket.socket, sink: socket.socket) -> None:
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

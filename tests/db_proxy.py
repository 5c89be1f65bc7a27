"""A TCP proxy in front of the test database that a test can cut, as if PostgreSQL had
gone away: while cut it drops every open connection and refuses new ones at once."""

from __future__ import annotations

import contextlib
import socket
import threading

import pytest
from django.db import connections

__all__ = ["DatabaseProxy", "database_proxy"]


class DatabaseProxy:
    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.down = False
        self.open: set[socket.socket] = set()
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            if self.down:
                client.close()
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self.lock:
                self.open.update((client, server))
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for s in (source, sink):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        """PostgreSQL is gone: open connections drop, new ones are refused."""
        self.down = True
        with self.lock:
            for s in self.open:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
            self.open.clear()

    def restore(self) -> None:
        self.down = False

    def close(self) -> None:
        self.cut()
        self.listener.close()


@pytest.fixture
def database_proxy():
    """The test database reached through a DatabaseProxy for the rest of the test (every
    thread's connection, the live server's included). Needs a real server (PostgreSQL)
    and django_db(transaction=True)."""
    db = connections["default"].settings_dict
    if connections["default"].vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    proxy = DatabaseProxy(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
    host, port = db["HOST"], db["PORT"]
    # Every DatabaseWrapper shares this dict: new connections go through the proxy.
    db["HOST"], db["PORT"] = "127.0.0.1", str(proxy.port)
    connections.close_all()
    try:
        yield proxy
    finally:
        proxy.restore()
        connections.close_all()
        db["HOST"], db["PORT"] = host, port
        proxy.close()

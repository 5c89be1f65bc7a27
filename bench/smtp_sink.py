"""A local SMTP server that accepts every email and records its Message-ID, one a line.

    .venv/bin/python bench/smtp_sink.py --port 2525 --record /tmp/ids.txt [--silent]

The mail server of the delivery benches and tests: it speaks just enough SMTP for
smtplib and Django's SMTP backend (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), takes
any number of connections at once, and appends each accepted email's Message-ID to the
record file as soon as it answers 250, so a reader counts what was delivered and what
twice. ``--silent`` accepts connections and never answers: a relay that hangs. Binds to
127.0.0.1 only; prints "listening <port>" once it accepts connections.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import subprocess
import sys
from pathlib import Path

MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(\S+)", re.IGNORECASE | re.MULTILINE)
EHLO_REPLY = b"250-sink.localhost\r\n250-SIZE 52428800\r\n250 8BITMIME\r\n"


class Sink:
    def __init__(self, record: str, *, silent: bool = False):
        self.silent = silent
        self.out = open(record, "ab", buffering=0)  # noqa: SIM115 - lives with the server

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        try:
            if self.silent:
                await reader.read()  # until the client gives up
                return
            writer.write(b"220 sink.localhost ESMTP\r\n")
            while line := await reader.readline():
                verb = line[:4].upper()
                if verb == b"EHLO":
                    writer.write(EHLO_REPLY)
                elif verb == b"DATA":
                    writer.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    await writer.drain()
                    data = await reader.readuntil(b"\r\n.\r\n")
                    found = MESSAGE_ID.search(data, 0, data.find(b"\r\n\r\n"))
                    self.out.write((found.group(1) if found else b"(none)") + b"\n")
                    writer.write(b"250 2.0.0 Ok: queued\r\n")
                elif verb == b"QUIT":
                    writer.write(b"221 2.0.0 Bye\r\n")
                    await writer.drain()
                    break
                else:  # HELO, MAIL, RCPT, RSET, NOOP
                    writer.write(b"250 2.0.0 Ok\r\n")
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


async def serve(port: int, record: str, silent: bool) -> None:
    sink = Sink(record, silent=silent)
    server = await asyncio.start_server(sink.handle, "127.0.0.1", port, limit=2**24,
                                        backlog=256)
    print(f"listening {server.sockets[0].getsockname()[1]}", flush=True)
    async with server:
        await server.serve_forever()


class SinkProcess:
    """The sink in a process of its own (so it never competes with the caller's GIL):
    ``start()`` returns once it listens; ``ids()`` reads what it recorded."""

    def __init__(self, record: Path, *, port: int = 0, silent: bool = False):
        self.record, self.port, self.silent = Path(record), port, silent
        self.process: subprocess.Popen | None = None

    def start(self) -> SinkProcess:
        args = [sys.executable, __file__, "--port", str(self.port), "--record",
                str(self.record)] + (["--silent"] if self.silent else [])
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("listening "):
            self.stop()
            raise RuntimeError(f"the SMTP sink did not start: {line!r}")
        self.port = int(line.split()[1])
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def ids(self) -> list[str]:
        if not self.record.exists():
            return []
        return self.record.read_text().split()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=2525)
    parser.add_argument("--record", required=True, help="file the Message-IDs go to")
    parser.add_argument("--silent", action="store_true", help="accept, never answer")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.port, args.record, args.silent))
    return 0


if __name__ == "__main__":
    sys.exit(main())

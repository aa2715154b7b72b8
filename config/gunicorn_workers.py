"""A gunicorn thread worker that slow or idle clients cannot starve.

gunicorn's gthread worker hands a connection to a thread as soon as its first
byte arrives; the thread then blocks reading the request head for as long as
the client takes, and a connection that never sends anything is never closed.
Two clients each sending half a request line held both threads of a two-worker
server. This worker reads request heads in its event loop instead, without
blocking, and gives a connection to a thread only once the whole head is in
(or HEAD_LIMIT bytes of it, which no honest client sends). A client has
GUNICORN_HEADER_TIMEOUT seconds (default 10) from connecting, or from its
first byte on a kept-alive connection, to send its head; then it is closed.
Once a thread has the request, socket reads and writes may block for gunicorn's
`timeout` at most.

TLS terminated by gunicorn itself (certfile) keeps gthread's behaviour: the
bytes read here would be the TLS handshake.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from collections import deque
from functools import partial

from gunicorn.workers import gthread

HEAD_END = b"\r\n\r\n"
# Past this much a thread takes over and the parser reads on (blocking, for
# `timeout` per read) until gunicorn's limit_request_* settings refuse it.
HEAD_LIMIT = 64 * 1024


def header_timeout() -> float:
    return float(os.environ.get("GUNICORN_HEADER_TIMEOUT", "10"))


class HeadFirstThreadWorker(gthread.ThreadWorker):
    """gthread, but a thread only ever waits on a client for a request body or
    for the client to read the response, never for the request head."""

    def init_process(self):
        self.head_timeout = header_timeout()
        # (deadline, connection) in deadline order: every deadline is "now +
        # head_timeout" when appended. Entries whose connection moved on
        # (handed to a thread, closed) are skipped when they come up.
        self._heads: deque[tuple[float, gthread.TConn]] = deque()
        super().init_process()

    def accept(self, server, listener):
        if self.cfg.is_ssl:
            return super().accept(server, listener)
        try:
            sock, client = listener.accept()
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        conn = gthread.TConn(self.cfg, sock, client, server)
        self.nr_conns += 1
        self._await_head(conn)

    def _await_head(self, conn: gthread.TConn) -> None:
        conn.head = b""
        conn.head_deadline = time.monotonic() + self.head_timeout
        with self._lock:
            self._heads.append((conn.head_deadline, conn))
            self.poller.register(
                conn.sock, gthread.selectors.EVENT_READ, partial(self._read, conn)
            )

    def on_client_socket_readable(self, conn, client):
        if self.cfg.is_ssl:
            return super().on_client_socket_readable(conn, client)
        # A kept-alive connection sent its next request's first bytes: it is
        # no longer idle (gthread's keepalive timeout) but reading a head.
        with self._lock:
            self.poller.unregister(client)
            try:
                self._keep.remove(conn)
            except ValueError:
                return  # closed by murder_keepalived meanwhile
        self._await_head(conn)
        self._read(conn)

    def _read(self, conn: gthread.TConn, sock=None) -> None:
        """Take what the client sent; hand the connection over once its head
        is complete, close it when the client went away."""
        try:
            data = conn.sock.recv(8192)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self._close(conn)
            return
        conn.head += data
        buffered = conn.head
        if conn.parser is not None:  # a pipelined request's start, if any
            buffered = conn.parser.unreader.buf.getvalue() + buffered
        if HEAD_END in buffered or len(buffered) >= HEAD_LIMIT:
            self._hand_over(conn)

    def _hand_over(self, conn: gthread.TConn) -> None:
        """The head is in: a thread parses it and runs the request."""
        with self._lock:
            self.poller.unregister(conn.sock)
        conn.head_deadline = None
        conn.init()  # blocking from here on, with the parser created
        conn.sock.settimeout(self.cfg.timeout or None)
        conn.parser.unreader.unread(conn.head)
        conn.head = b""
        self._wrap_future(self.tpool.submit(self.handle, conn), conn)

    def _close(self, conn: gthread.TConn) -> None:
        conn.head_deadline = None
        with self._lock, contextlib.suppress(KeyError, ValueError, OSError):
            self.poller.unregister(conn.sock)  # unless it already was
        self.nr_conns -= 1
        conn.close()

    def murder_keepalived(self):
        super().murder_keepalived()
        now = time.monotonic()
        while self._heads:
            deadline, conn = self._heads[0]
            if conn.head_deadline != deadline:
                self._heads.popleft()  # it moved on
            elif deadline <= now:
                self._heads.popleft()
                self._close(conn)
            else:
                break

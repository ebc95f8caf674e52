"""Entities as JSON text in one SQLite file (WAL); every write is one immediate transaction.

Two connections: writes take turns on one (a lock around each `BEGIN IMMEDIATE` … `COMMIT`, so
handlers may run in worker threads), reads use the other and see only committed rows (WAL lets
them run beside a write transaction instead of waiting for it, or seeing its uncommitted rows).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Row", "Store", "Transaction", "WouldBlock"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entity (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    body TEXT NOT NULL,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL
)
"""


class WouldBlock(Exception):
    """A write asked not to keep its caller waiting cannot go on at once: another write has the
    turn (Store.transaction(wait=False)), or its work would be big (said by who does it).
    Nothing was written: the caller can try again, waiting, where waiting does no harm."""


@dataclass(frozen=True)
class Row:
    """One stored entity: its id, JSON text, and creation/update instants in microseconds."""

    id: int
    body: str
    created: int
    updated: int


class Transaction:
    """Reads and writes inside one `BEGIN IMMEDIATE` transaction."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    def get(self, entity_id: int) -> Row | None:
        """The row with entity_id, or None."""
        found = self._db.execute(
            "SELECT id, body, created, updated FROM entity WHERE id = ?", (entity_id,)
        ).fetchone()
        return Row(*found) if found is not None else None

    def reserve(self, created: int) -> int:
        """A new id, never used before (AUTOINCREMENT), with a placeholder row to fill."""
        cursor = self._db.execute(
            "INSERT INTO entity (body, created, updated) VALUES ('{}', ?, ?)", (created, created)
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def put(self, row: Row) -> None:
        """Write row (insert or replace)."""
        self._db.execute(
            "INSERT OR REPLACE INTO entity (id, body, created, updated) VALUES (?, ?, ?, ?)",
            (row.id, row.body, row.created, row.updated),
        )

    def update(self, row: Row) -> None:
        """Rewrite an existing row."""
        self._db.execute(
            "UPDATE entity SET body = ?, updated = ? WHERE id = ?", (row.body, row.updated, row.id)
        )

    def delete(self, entity_id: int) -> bool:
        """Delete the row; whether it existed."""
        return self._db.execute("DELETE FROM entity WHERE id = ?", (entity_id,)).rowcount > 0

    def count(self) -> int:
        """How many entities are stored."""
        return int(self._db.execute("SELECT COUNT(*) FROM entity").fetchone()[0])


class Store:
    """One SQLite database file of entities, created on first use; safe to share by threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode: transactions are explicit, so a read-check-write is one BEGIN IMMEDIATE.
        self._db = _connect(path)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(_SCHEMA)
        self._reader = _connect(path)
        self._write_lock = threading.Lock()
        self._read_lock = threading.Lock()

    def read(self, entity_id: int) -> Row | None:
        """The committed row with entity_id (never one a write transaction has not committed)."""
        with self._read_lock:
            return Transaction(self._reader).get(entity_id)

    def count(self) -> int:
        """How many entities are stored (committed)."""
        with self._read_lock:
            return Transaction(self._reader).count()

    @contextmanager
    def transaction(self, wait: bool = True) -> Iterator[Transaction]:
        """A write transaction: committed when the block ends, rolled back when it raises.
        Transactions of different threads take turns; WouldBlock, unless `wait`, when another
        one is under way."""
        if not self._write_lock.acquire(blocking=wait):
            raise WouldBlock("another write is under way")
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield Transaction(self._db)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        finally:
            self._write_lock.release()

    def close(self) -> None:
        """Close the database (the WAL is checkpointed into the main file), after the write
        under way, if any."""
        with self._write_lock, self._read_lock:
            self._reader.close()
            self._db.close()


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    # NORMAL in WAL mode survives a crash of the process; only power loss may drop the last
    # commits, which is fine for a mock and keeps writes free of an fsync each.
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("PRAGMA busy_timeout=5000")
    return connection

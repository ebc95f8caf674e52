"""Entities as JSON text in one SQLite file (WAL); every write is one immediate transaction.

A Store holds one or more tables of one entity kind each, keyed by an integer the store hands
out (AUTOINCREMENT: never used twice) or by a text key the caller gives (a guid). Listing is in a
stable order, the order of first insertion (a text-keyed row keeps its place when rewritten),
a page at a time, optionally filtered on one top-level member of the JSON text.

Two connections: writes take turns on one (a lock around each `BEGIN IMMEDIATE` … `COMMIT`, so
handlers may run in worker threads), reads use the other and see only committed rows (WAL lets
them run beside a write transaction instead of waiting for it, or seeing its uncommitted rows).
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Literal

__all__ = ["Key", "KeyKind", "Row", "SingleWrite", "Store", "Transaction", "WouldBlock"]

Key = int | str
KeyKind = Literal["integer", "text"]

_INTEGER_SCHEMA = """
CREATE TABLE IF NOT EXISTS {table} (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    body TEXT NOT NULL,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL
)
"""
# seq gives the listing order; AUTOINCREMENT, so a new row never comes before an older one.
_TEXT_SCHEMA = """
CREATE TABLE IF NOT EXISTS {table} (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL
)
"""
_TABLE_NAME = re.compile(r"[a-z_][a-z0-9_]*")
_MEMBER_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class WouldBlock(Exception):
    """A write asked not to keep its caller waiting cannot go on at once: another write has the
    turn (Store.transaction(wait=False)), or its work would be big (said by who does it).
    Nothing was written: the caller can try again, waiting, where waiting does no harm."""


@dataclass(frozen=True)
class Row:
    """One stored entity: its id, JSON text, and creation/update instants in microseconds."""

    id: Key
    body: str
    created: int
    updated: int


class Transaction:
    """Reads and writes inside one `BEGIN IMMEDIATE` transaction (or, from Store's reads, one
    statement on the reading connection). `table` None is the store's first table."""

    def __init__(self, connection: sqlite3.Connection, tables: Mapping[str, KeyKind]) -> None:
        self._db = connection
        self._tables = tables
        self._first = next(iter(tables))

    def _table(self, table: str | None) -> tuple[str, KeyKind]:
        name = table or self._first
        return name, self._tables[name]

    def get(self, entity_id: Key, table: str | None = None) -> Row | None:
        """The row with entity_id, or None."""
        name, _ = self._table(table)
        found = self._db.execute(
            f"SELECT id, body, created, updated FROM {name} WHERE id = ?", (entity_id,)
        ).fetchone()
        return Row(*found) if found is not None else None

    def reserve(self, created: int, table: str | None = None) -> int:
        """A new id of an integer-keyed table, never used before (AUTOINCREMENT), with a
        placeholder row to fill."""
        name, kind = self._table(table)
        if kind != "integer":
            raise ValueError(f"table {name} takes the keys its callers give")
        cursor = self._db.execute(
            f"INSERT INTO {name} (body, created, updated) VALUES ('{{}}', ?, ?)",
            (created, created),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def put(self, row: Row, table: str | None = None) -> None:
        """Write row (insert, or replace the row of its id, which keeps its listing place)."""
        name, _ = self._table(table)
        self._db.execute(
            f"INSERT INTO {name} (id, body, created, updated) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET body = excluded.body, created = excluded.created, "
            "updated = excluded.updated",
            (row.id, row.body, row.created, row.updated),
        )

    def update(self, row: Row, table: str | None = None) -> None:
        """Rewrite an existing row."""
        name, _ = self._table(table)
        self._db.execute(
            f"UPDATE {name} SET body = ?, updated = ? WHERE id = ?",
            (row.body, row.updated, row.id),
        )

    def delete(self, entity_id: Key, table: str | None = None) -> bool:
        """Delete the row; whether it existed."""
        name, _ = self._table(table)
        return self._db.execute(f"DELETE FROM {name} WHERE id = ?", (entity_id,)).rowcount > 0

    def count(self, table: str | None = None) -> int:
        """How many entities are stored."""
        name, _ = self._table(table)
        return int(self._db.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0])

    def page(
        self,
        offset: int,
        limit: int | None,
        where: tuple[str, str] | None = None,
        table: str | None = None,
    ) -> list[Row]:
        """Up to `limit` rows (None: all) after the first `offset`, in listing order; with
        `where` (member, text), only rows whose top-level member is that exact text."""
        name, kind = self._table(table)
        sql = f"SELECT id, body, created, updated FROM {name}"
        args: list[object] = []
        if where is not None:
            member, text = where
            if not _MEMBER_NAME.fullmatch(member):
                raise ValueError(f"cannot filter on {member!r}")
            sql += " WHERE json_extract(body, ?) = ? AND json_type(body, ?) = 'text'"
            args += [f'$."{member}"', text, f'$."{member}"']
        sql += f" ORDER BY {'seq' if kind == 'text' else 'id'} LIMIT ? OFFSET ?"
        args += [-1 if limit is None else limit, offset]
        return [Row(*found) for found in self._db.execute(sql, args).fetchall()]


class Store:
    """One SQLite database file of entities, created on first use; safe to share by threads.

    `tables`: name -> key kind, the first one the default of every method (SuperOffice's
    contacts are the integer-keyed table `entity`)."""

    def __init__(self, path: Path, tables: Mapping[str, KeyKind] | None = None) -> None:
        self.path = path
        self.tables: dict[str, KeyKind] = dict(tables or {"entity": "integer"})
        if not self.tables or not all(_TABLE_NAME.fullmatch(name) for name in self.tables):
            raise ValueError(f"table names must be lower-case identifiers: {list(self.tables)}")
        path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode: transactions are explicit, so a read-check-write is one BEGIN IMMEDIATE.
        self._db = _connect(path)
        self._db.execute("PRAGMA journal_mode=WAL")
        for name, kind in self.tables.items():
            schema = _INTEGER_SCHEMA if kind == "integer" else _TEXT_SCHEMA
            self._db.execute(schema.format(table=name))
        self._reader = _connect(path)
        self._write_lock = threading.Lock()
        self._read_lock = threading.Lock()

    def read(self, entity_id: Key, table: str | None = None) -> Row | None:
        """The committed row with entity_id (never one a write transaction has not committed)."""
        with self._read_lock:
            return Transaction(self._reader, self.tables).get(entity_id, table)

    def count(self, table: str | None = None) -> int:
        """How many entities are stored (committed)."""
        with self._read_lock:
            return Transaction(self._reader, self.tables).count(table)

    def page(
        self,
        offset: int,
        limit: int | None,
        where: tuple[str, str] | None = None,
        table: str | None = None,
    ) -> list[Row]:
        """Committed rows a page at a time (see Transaction.page)."""
        with self._read_lock:
            return Transaction(self._reader, self.tables).page(offset, limit, where, table)

    def transaction(self, wait: bool = True) -> _WriteTransaction:
        """A write transaction (`with store.transaction() as tx:`): committed when the block
        ends, rolled back when it raises. Transactions of different threads take turns;
        WouldBlock, unless `wait`, when another one is under way."""
        return _WriteTransaction(self._db, self.tables, self._write_lock, wait)

    def locked(self, wait: bool = True) -> _Locked:
        """The turn of a write without a transaction (`with store.locked() as single:`), for
        one statement that is its own transaction (see SingleWrite); WouldBlock, unless
        `wait`, when another write is under way."""
        return _Locked(SingleWrite(self._db, self.tables), self._write_lock, wait)

    def close(self) -> None:
        """Close the database (the WAL is checkpointed into the main file), after the write
        under way, if any."""
        with self._write_lock, self._read_lock:
            self._reader.close()
            self._db.close()


class SingleWrite:
    """Writes of one statement each, each its own transaction (committed when it returns);
    only inside Store.locked, so no transaction of another thread is under way on the
    connection."""

    __slots__ = ("_db", "_first", "_tables")

    def __init__(self, connection: sqlite3.Connection, tables: Mapping[str, KeyKind]) -> None:
        self._db, self._tables, self._first = connection, tables, next(iter(tables))

    def update_if(self, row: Row, stored: Row, table: str | None = None) -> bool:
        """Rewrite the row of row.id as row if it still holds the text and update instant of
        `stored`; whether it did."""
        name = table or self._first
        if name not in self._tables:
            raise KeyError(name)
        cursor = self._db.execute(
            f"UPDATE {name} SET body = ?, updated = ? WHERE id = ? AND updated = ? AND body = ?",
            (row.body, row.updated, row.id, stored.updated, stored.body),
        )
        return cursor.rowcount == 1


class _Locked:
    """Store.locked's block."""

    __slots__ = ("_lock", "_single", "_wait")

    def __init__(self, single: SingleWrite, lock: threading.Lock, wait: bool) -> None:
        self._single, self._lock, self._wait = single, lock, wait

    def __enter__(self) -> SingleWrite:
        if not self._lock.acquire(blocking=self._wait):
            raise WouldBlock("another write is under way")
        return self._single

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


class _WriteTransaction:
    """Store.transaction's block; a class rather than a @contextmanager generator, whose
    machinery costs more per write than all of this but the SQL statements."""

    __slots__ = ("_db", "_lock", "_tables", "_wait")

    def __init__(
        self,
        connection: sqlite3.Connection,
        tables: Mapping[str, KeyKind],
        lock: threading.Lock,
        wait: bool,
    ) -> None:
        self._db, self._tables, self._lock, self._wait = connection, tables, lock, wait

    def __enter__(self) -> Transaction:
        if not self._lock.acquire(blocking=self._wait):
            raise WouldBlock("another write is under way")
        try:
            self._db.execute("BEGIN IMMEDIATE")
            return Transaction(self._db, self._tables)
        except BaseException:
            self._lock.release()
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            self._db.execute("ROLLBACK" if exc_type is not None else "COMMIT")
        finally:
            self._lock.release()


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    # NORMAL in WAL mode survives a crash of the process; only power loss may drop the last
    # commits, which is fine for a mock and keeps writes free of an fsync each.
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("PRAGMA busy_timeout=5000")
    return connection

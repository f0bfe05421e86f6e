"""The connection every store shares: one SQLite file (sqlite-utils), WAL, migrated on open."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.db import Table

import migrations
from bot.errors import StorageError

SYNCHRONOUS = ("NORMAL", "FULL")


class Connection:
    """One connection to one database file (WAL mode, foreign keys on, migrations applied).

    Creates the parent folder and the file if needed. Raises `StorageError` if the file cannot
    be opened or migrated. Use as a context manager or call `close()`.
    """

    def __init__(
        self, db_path: str | Path, *, busy_timeout_ms: int = 5000, synchronous: str = "NORMAL"
    ) -> None:
        if synchronous.upper() not in SYNCHRONOUS:
            raise StorageError(f"DB_SYNCHRONOUS must be one of {', '.join(SYNCHRONOUS)}")
        self.path = Path(db_path)
        try:
            if str(db_path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(db_path), check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise StorageError(f"cannot open database {db_path}: {exc}") from exc
        self._lock = threading.RLock()
        try:
            self.db = Database(conn)
            self.db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            self.db.execute("PRAGMA foreign_keys = ON")
            if str(db_path) != ":memory:":
                self.db.enable_wal()
            # WAL + NORMAL: a commit survives the process being killed (kill -9, a crash); only
            # an OS crash or power cut can lose the last commits, never corrupt the file.
            # FULL also survives that, at ~10× the cost of a commit (docs/RELIABILITY.md).
            self.db.execute(f"PRAGMA synchronous = {synchronous.upper()}")
            self.applied_migrations = migrations.apply(self.db)
        except sqlite3.Error as exc:
            conn.close()
            raise StorageError(f"cannot prepare database {db_path}: {exc}") from exc

    def close(self) -> None:
        """Close the connection. Writes: no. Safe to call twice."""
        self.db.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """One transaction (nested calls become savepoints); rolled back on any exception.

        The outermost one begins IMMEDIATE: it takes the database's write lock first (waiting
        up to the busy timeout), so a transaction that reads and then writes cannot fail on a
        commit another process made in between (SQLite's deferred transactions answer that
        with SQLITE_BUSY at once, without waiting): bot workers, the CLI and the bot write the
        same file. Raises `sqlite3.OperationalError` if the lock is not free in time.
        """
        with self._lock:
            conn = self.db.conn
            if conn.in_transaction:
                with self.db.atomic() as db:  # a savepoint
                    yield db
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                if conn.in_transaction:  # an error may have ended it already
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @property
    def journal_mode(self) -> str:
        """`wal` for a file database. Writes: no."""
        return str(self.db.journal_mode)

    def _columns(self, table: str) -> set[str]:
        """The column names of `table` (empty if there is no such table). Writes: no."""
        return {str(r[1]) for r in self.db.execute(f"PRAGMA table_info([{table}])").fetchall()}

    def _table(self, name: str) -> Table:
        return self.db.table(name)

    def _one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        """The first row of a query as a dict, or None. For the hot paths: unlike a sqlite-utils
        `Table`, no check that the table exists before every query. Writes: no."""
        cursor = self.db.execute(sql, params)
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([c[0] for c in cursor.description], row, strict=True))

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Every row of a query as dicts (see `_one`). Writes: no."""
        cursor = self.db.execute(sql, params)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    @staticmethod
    def _last_id(table: Table) -> int:
        if table.last_pk is None:
            raise StorageError(f"insert into {table.name} returned no id")
        return int(table.last_pk)

"""SQLite database files for the tests that run the site in processes of their own."""

import contextlib
import sqlite3


def copy_sqlite(source, target):
    """Copies a SQLite database, with what its write-ahead log holds, into a file of its own."""
    with (
        contextlib.closing(sqlite3.connect(source)) as old,
        contextlib.closing(sqlite3.connect(target)) as new,
    ):
        old.backup(new)

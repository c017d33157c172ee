"""Reads whose SQL the ORM builds once per database, then runs with each request's values.

Building and compiling a QuerySet costs 0.2–0.5 ms of Python per query, more than SQLite takes to
run the small queries of a programme; the netwerkdag page spent more time there than in the
database (bench/README.md). A CompiledQuery asks the ORM for a values_list() query's SQL once per
database, with stand-ins for the values that change per request, and afterwards runs that SQL on
the current connection with the request's values, converting the columns as values_list() does.

For queries of a fixed shape whose changing values are integers (primary keys): a value that
changes the shape of the SQL (a list for `__in`, a None) has no place in one.
"""

import inspect
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

# Stand-ins for the parameters while the ORM compiles: within the range of every integer field,
# so that no lookup turns them into "matches nothing", and unlike any value a query holds itself.
_STAND_IN = 2_147_480_000


class CompiledQuery:
    """A values_list() query, built by `build(**values)` and compiled once per database."""

    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        self.names = tuple(inspect.signature(build).parameters)
        self._compiled: dict[tuple[str, str], tuple] = {}

    def rows(self, using: str = DEFAULT_DB_ALIAS, **values: int) -> list[tuple]:
        """The rows of the query for these values, as values_list() gives them."""
        connection = connections[using]
        key = (using, connection.vendor)
        compiled = self._compiled.get(key) or self._compile(using, key)
        sql, slots, converters = compiled
        params = [values[slot] if isinstance(slot, str) else slot[0] for slot in slots]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters and rows:
            rows = [_convert(row, converters, connection) for row in rows]
        return rows

    def sql(self, using: str = DEFAULT_DB_ALIAS) -> str:
        connection = connections[using]
        key = (using, connection.vendor)
        return (self._compiled.get(key) or self._compile(using, key))[0]

    def _compile(self, using: str, key: tuple[str, str]) -> tuple:
        stand_ins = {name: _STAND_IN + n for n, name in enumerate(self.names)}
        queryset = self.build(**stand_ins)
        if queryset._fields is None or queryset._prefetch_related_lookups:
            raise TypeError("A CompiledQuery is a values_list() query without prefetches.")
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        by_value = {value: name for name, value in stand_ins.items()}
        # A stand-in becomes the request's value; any other parameter stays as compiled (in a
        # one-element tuple, so that it cannot be mistaken for a stand-in's name).
        slots = [by_value.get(value, (value,)) if type(value) is int else (value,) for value in params]
        missing = set(self.names) - {slot for slot in slots if isinstance(slot, str)}
        if missing:
            raise ValueError(f"The compiled query does not use {', '.join(sorted(missing))}: {sql}")
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        converters = list(compiler.get_converters(fields).items())
        compiled = (sql, slots, converters)
        self._compiled[key] = compiled
        return compiled


def _convert(row: tuple, converters: list, connection) -> tuple:
    row = list(row)
    for position, (functions, expression) in converters:
        value = row[position]
        for function in functions:
            value = function(value, expression, connection)
        row[position] = value
    return tuple(row)

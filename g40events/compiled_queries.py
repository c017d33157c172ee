"""Reads whose SQL the ORM builds once per database, then runs with each request's values.

Building and compiling a QuerySet costs 0.2–0.5 ms of Python per query, more than SQLite takes to
run the small queries of a programme; the netwerkdag page spent more time there than in the
database (bench/README.md). A CompiledQuery asks the ORM for a query's SQL once per database, with
stand-ins for the values that change per request, and afterwards runs that SQL on the current
connection with the request's values: `rows()` for a values_list() query, converting the columns
as values_list() does; `objects()` for a query of model instances (with select_related(), without
annotations), built as the QuerySet builds them.

For queries of a fixed shape whose changing values are integers (primary keys), or the types named
when the query is made (`CompiledQuery(build, slug=str, now=datetime.datetime)`): strings compared
as they are (an exact lookup) and aware datetimes. A value that changes the shape of the SQL (a
list for `__in`, a None) has no place in one.
"""

import datetime
import inspect
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.query import get_related_populators

# Stand-ins for the parameters while the ORM compiles, unlike any value a query holds itself:
# integers within the range of every integer field, so that no lookup turns them into "matches
# nothing"; strings no slug or title contains; moments no content is dated at.
_STAND_IN = 2_147_480_000


def _stand_in(kind: type, n: int):
    if kind is int:
        return _STAND_IN + n
    if kind is str:
        return f"\x00compiled-query-stand-in-{n}\x00"
    if kind is datetime.datetime:
        return datetime.datetime(2999, 12, 31, 23, 59, 59, n, tzinfo=datetime.UTC)
    raise TypeError(f"A CompiledQuery takes integers, strings and datetimes, not {kind.__name__}.")


def _adapter(kind: type, connection) -> Callable | None:
    """How a value of this kind becomes a parameter of the SQL, as the ORM's lookups prepare it."""
    if kind is datetime.datetime:
        return connection.ops.adapt_datetimefield_value
    return None


class CompiledQuery:
    """A query, built by `build(**values)` and compiled once per database.

    `kinds` names the type of each value that is not an integer.
    """

    def __init__(self, build: Callable[..., QuerySet], **kinds: type):
        self.build = build
        self.names = tuple(inspect.signature(build).parameters)
        self.kinds = {name: kinds.get(name, int) for name in self.names}
        self._compiled: dict[tuple[str, str], tuple] = {}

    def rows(self, using: str = DEFAULT_DB_ALIAS, **values) -> list[tuple]:
        """The rows of a values_list() query for these values, as values_list() gives them."""
        connection = connections[using]
        sql, slots, converters, _objects = self._get(using, connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, _params(slots, values))
            rows = cursor.fetchall()
        if converters and rows:
            rows = [_convert(row, converters, connection) for row in rows]
        return rows

    def objects(self, using: str = DEFAULT_DB_ALIAS, **values) -> list:
        """The model instances of a query of instances for these values, as the QuerySet gives them."""
        connection = connections[using]
        sql, slots, converters, build_object = self._get(using, connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, _params(slots, values))
            rows = cursor.fetchall()
        if converters:
            rows = [_convert(row, converters, connection) for row in rows]
        return [build_object(row) for row in rows]

    def sql(self, using: str = DEFAULT_DB_ALIAS) -> str:
        return self._get(using, connections[using])[0]

    def _get(self, using: str, connection) -> tuple:
        return self._compiled.get((using, connection.vendor)) or self._compile(using, connection)

    def _compile(self, using: str, connection) -> tuple:
        stand_ins = {name: _stand_in(kind, n) for n, (name, kind) in enumerate(self.kinds.items())}
        queryset = self.build(**stand_ins)
        if queryset._prefetch_related_lookups:
            raise TypeError("A CompiledQuery is a query without prefetches.")
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        # Each stand-in as the SQL's parameters hold it, to find where the request's value goes.
        by_parameter = {}
        for name, value in stand_ins.items():
            adapt = _adapter(self.kinds[name], connection)
            by_parameter[(type(value), value) if adapt is None else _key(adapt(value))] = (name, adapt)
        # A stand-in becomes the request's value; any other parameter stays as compiled (in a
        # one-element tuple, so that it cannot be mistaken for a stand-in's slot).
        slots = [by_parameter.get(_key(value), (value,)) for value in params]
        missing = set(self.names) - {slot[0] for slot in slots if len(slot) == 2}
        if missing:
            raise ValueError(f"The compiled query does not use {', '.join(sorted(missing))}: {sql}")
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        converters = list(compiler.get_converters(fields).items())
        build_object = None if queryset._fields is not None else _object_builder(compiler, using)
        compiled = (sql, slots, converters, build_object)
        self._compiled[(using, connection.vendor)] = compiled
        return compiled


def _key(value):
    try:
        hash(value)
    except TypeError:
        return None
    return (type(value), value)


def _params(slots: list, values: dict) -> list:
    params = []
    for slot in slots:
        if len(slot) == 1:
            params.append(slot[0])
        else:
            name, adapt = slot
            params.append(values[name] if adapt is None else adapt(values[name]))
    return params


def _object_builder(compiler, using: str) -> Callable[[tuple], object]:
    """A model instance (and those of its select_related()) from a row, as Django's ModelIterable
    builds them."""
    if compiler.annotation_col_map or compiler.query.extra_select:
        raise TypeError("A CompiledQuery of model instances has no annotations.")
    klass_info, select = compiler.klass_info, compiler.select
    model = klass_info["model"]
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    attnames = [column[0].target.attname for column in select[start:end]]
    related_populators = get_related_populators(klass_info, select, using)

    def build_object(row: tuple):
        instance = model.from_db(using, attnames, row[start:end])
        for populator in related_populators:
            populator.populate(row, instance)
        return instance

    return build_object


def _convert(row: tuple, converters: list, connection) -> tuple:
    row = list(row)
    for position, (functions, expression) in converters:
        value = row[position]
        for function in functions:
            value = function(value, expression, connection)
        row[position] = value
    return tuple(row)

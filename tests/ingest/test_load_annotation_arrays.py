"""``warehouse.insert_column_arrays`` (how ``load`` writes spool annotation rows) stores
exactly what the typed-list insert of ``warehouse.insert_sql`` stores, for every column
type of the four annotation tables: spool values as JSON gives them back (dates and
timestamps as ISO text), NULLs, columns that are NULL in every row of a call, non-ASCII
text."""

from __future__ import annotations

from typing import Any

import duckdb
from newsevents import warehouse
from newsevents.schema import ALL_DDL

# A non-NULL value of each column type as a spool record carries it (JSON values).
SAMPLE = {
    "VARCHAR": "Çağrı said “no” — 中文",
    "INTEGER": 41,
    "BIGINT": 2**40,
    "BOOLEAN": True,
    "DATE": "2023-01-30",
    "TIMESTAMP": "2026-11-30 13:05:07.123456",
    "DOUBLE": 0.1,
}
OTHER = {
    "VARCHAR": "",
    "INTEGER": -7,
    "BIGINT": 0,
    "BOOLEAN": False,
    "DATE": "1884-03-01",
    "TIMESTAMP": "1999-12-31 23:59:59",
    "DOUBLE": -2.5,
}


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str, bool]]:
    schema, name = table.split(".")
    return [
        (str(column), str(kind), nullable == "YES")
        for column, kind, nullable in con.execute(
            "select column_name, data_type, is_nullable from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            [schema, name],
        ).fetchall()
        if column not in ("article_id", "annotator_version")
    ]


def _rows(
    columns: list[tuple[str, str, bool]], article: str, index_base: int
) -> list[list[list[Any]]]:
    """Two calls' rows: one with values in every column (two kinds), one where every
    nullable column is NULL throughout. Integer columns count up (primary keys)."""
    counter = iter(range(index_base, index_base + 1000))
    numbers = iter(range(1000))

    def row(values: dict[str, Any], nulls: bool) -> list[Any]:
        # an article per row: raw.annotations has one row per (article, version)
        out: list[Any] = [f"{article}-{next(numbers)}", "v1"]
        for _name, kind, nullable in columns:
            if nulls and nullable:
                out.append(None)
            elif kind in ("INTEGER", "BIGINT"):
                out.append(next(counter))
            else:
                out.append(values[kind])
        return out

    return [
        [row(SAMPLE, False), row(OTHER, False)],
        [row(SAMPLE, True), row(OTHER, True)],
    ]


def _table(con: duckdb.DuckDBPyConnection, table: str, article: str) -> list[tuple[Any, ...]]:
    return con.execute(
        f"select * exclude (article_id), split_part(article_id, '-', 2) as number "
        f"from {table} where article_id like ? || '-%' order by all",
        [article],
    ).fetchall()


def test_column_arrays_store_what_typed_lists_store() -> None:
    con = duckdb.connect()
    warehouse.ensure_schema(con)
    warehouse.ensure_schema(con, ALL_DDL)
    for table in warehouse.ANNOTATION_TABLES:
        columns = _columns(con, table)
        names = [name for name, _, _ in columns]
        types = warehouse.column_types(con, table)
        statement = warehouse.insert_sql(con, table, names)
        for call in _rows(columns, "lists", 0):
            warehouse.insert_columns(con, statement, call)
        for call in _rows(columns, "arrays", 0):
            warehouse.insert_column_arrays(con, table, names, call, types)
        by_lists, by_arrays = _table(con, table, "lists"), _table(con, table, "arrays")
        assert len(by_arrays) == 4, table
        assert by_arrays == by_lists, table
    # the values arrived typed, not as text: a date, a boolean, a timestamp
    row = con.execute(
        "select typeof(event_date), event_date, is_negated from raw.event_candidates "
        "where article_id like 'arrays-%' and event_date is not null order by event_date limit 1"
    ).fetchone()
    assert row is not None and row[0] == "DATE" and str(row[1]) == "1884-03-01"
    stamp = con.execute(
        "select max(annotated_at) from raw.annotations where article_id like 'arrays-%'"
    ).fetchone()
    assert stamp is not None and str(stamp[0]) == "2026-11-30 13:05:07.123456"


def test_no_rows_is_no_insert() -> None:
    con = duckdb.connect()
    warehouse.ensure_schema(con)
    warehouse.ensure_schema(con, ALL_DDL)
    types = warehouse.column_types(con, "raw.sentences")
    warehouse.insert_column_arrays(con, "raw.sentences", ["sentence_index"], [], types)
    assert con.execute("select count(*) from raw.sentences").fetchone() == (0,)

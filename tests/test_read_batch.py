"""`Store.read_batch`: a page's reads in one read transaction, so DuckLake reads the catalog once
for all of them. The batch is one transaction (an unpinned read inside it does not see a write
committed after it began), pinned reads give the same rows inside and outside, a write on the
thread ends the batch, and a failed read ends it so the reads after it (a fallback for an old
snapshot) still work. Also the published report tables read in one statement, empty before they
exist."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from collectors.config import load_settings
from collectors.store import LAKE, Store, get_store, reset_stores
from collectors.store.reference import load_reference_data, set_meta
from collectors.store.reports import public
from dashboard import queries


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    store = get_store(load_settings(lake="gigwatch", env={"GIGWATCH_DATA_DIR": str(tmp_path)}))
    load_reference_data(store)  # platforms and cited events, to read
    yield store
    reset_stores()


def _meta_rows(store: Store) -> int:
    return int(store.read_value(f"SELECT count(*) FROM {LAKE}.lake_meta"))


def _write_elsewhere(store: Store, key: str) -> None:
    """A write from another thread (its own cursor, as another page or the collector would)."""
    failure: list[BaseException] = []

    def write() -> None:
        try:
            set_meta(store, {key: "1"})
        except BaseException as exc:  # pragma: no cover - reported below
            failure.append(exc)

    thread = threading.Thread(target=write)
    thread.start()
    thread.join(60)
    assert not failure, failure


def test_a_batch_is_one_transaction(store: Store) -> None:
    before = _meta_rows(store)
    snapshot = store.snapshot_id()
    with store.read_batch():
        assert _meta_rows(store) == before
        _write_elsewhere(store, "written_during_the_batch")
        assert _meta_rows(store) == before, "the batch sees the lake as it was when it began"
        assert store.snapshot_id() == snapshot
    assert _meta_rows(store) == before + 1
    assert store.snapshot_id() > snapshot


def test_pinned_reads_are_the_same_in_and_out_of_a_batch(store: Store) -> None:
    snapshot = store.snapshot_id()
    set_meta(store, {"later": "1"})
    outside = [queries.lake_status(store, snapshot), queries.platforms(store, snapshot), queries.events(store, snapshot)]
    with store.read_batch(), store.read_batch():  # nested batches are one
        inside = [queries.lake_status(store, snapshot), queries.platforms(store, snapshot),
                  queries.events(store, snapshot)]
    for a, b in zip(outside, inside, strict=True):
        pd.testing.assert_frame_equal(a, b)
    assert not outside[2].empty


def test_a_write_on_the_thread_ends_the_batch(store: Store) -> None:
    before = _meta_rows(store)
    with store.read_batch():
        assert _meta_rows(store) == before
        set_meta(store, {"written_in_the_batch": "1"})
        assert _meta_rows(store) == before + 1, "the write committed, and later reads see it"
    assert _meta_rows(store) == before + 1


def test_a_failed_read_ends_the_batch_and_the_next_reads_work(store: Store) -> None:
    before = _meta_rows(store)
    with store.read_batch():
        with pytest.raises(duckdb.CatalogException):
            store.read_df(f"SELECT * FROM {LAKE}.no_such_table")
        assert _meta_rows(store) == before  # not "current transaction is aborted"
        _write_elsewhere(store, "after_the_failure")
        assert _meta_rows(store) == before + 1, "reads after the failure run on their own"


def test_published_tables_read_in_one_statement_and_are_empty_before_they_exist(store: Store) -> None:
    frame = public._read_published(store, "report_not_yet", ["a", "b"], f"SELECT * FROM {LAKE}.report_not_yet")
    assert frame.empty and list(frame.columns) == ["a", "b"]
    with pytest.raises(duckdb.BinderException):  # any other error is not hidden
        public._read_published(store, public.INCIDENTS_TABLE, public.INCIDENT_COLUMNS,
                               f"SELECT no_such_column FROM {LAKE}.{public.INCIDENTS_TABLE}")
    calls: list[str] = []
    original = Store.read_df

    def counted(self: Store, sql: str, params: object = None) -> pd.DataFrame:
        calls.append(sql)
        return original(self, sql, params)  # type: ignore[arg-type]

    Store.read_df = counted  # type: ignore[method-assign]
    try:
        incidents = public.published_incidents(store)
        figures = public.published_figures(store, "platform")
    finally:
        Store.read_df = original  # type: ignore[method-assign]
    assert len(calls) == 2, calls
    assert list(incidents.columns)[:2] == public.INCIDENT_COLUMNS[:2]
    assert "platform_id" in figures.columns

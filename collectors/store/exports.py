"""The public tables as they leave in an export (`gigwatch export`): which rows, in which order."""

from __future__ import annotations

import pandas as pd

from collectors.store import Store

PUBLIC_TABLES: dict[str, str] = {
    "platforms": "SELECT * FROM {t.platforms} ORDER BY platform_id",
    "listings": "SELECT * FROM {t.listings} ORDER BY listing_key",
    "listing_versions": "SELECT * FROM {t.listing_versions} ORDER BY listing_key, version_no",
    "collector_runs": "SELECT * FROM {t.collector_runs} ORDER BY started_at, run_id",
    "events": "SELECT * FROM {t.events} ORDER BY event_date, event_id",
    "fx_rates": "SELECT * FROM {t.fx_rates} ORDER BY month, currency",
}


def public_table(store: Store, name: str, snapshot_id: int | None) -> pd.DataFrame:
    """Every row of the public table `name` (a key of PUBLIC_TABLES) as of `snapshot_id`."""
    return store.read_df(PUBLIC_TABLES[name].format(t=store.refs(snapshot_id)))

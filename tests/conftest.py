"""Shared fixtures: real lakes on both catalogs, a real PostgreSQL server, the shared samples."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from collectors.config import Settings, load_settings
from collectors.store import Store, get_store, reset_stores
from tests import pgserver

if TYPE_CHECKING:
    from streamlit.testing.v1 import AppTest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"
REAL_SAMPLES = SHARED_DIR / "real-samples"
APP = str(REPO_ROOT / "dashboard" / "streamlit_app.py")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pgserver.PgServer]:
    with pgserver.server_for_tests() as server:
        yield server


# The fetcher refuses non-public addresses; the tests' servers listen on loopback (tests/httpserver.py).
LOOPBACK_ALLOWED = {"GIGWATCH_ALLOW_HOSTS": "127.0.0.1"}


def sqlite_settings(tmp_path: Path, lake: str = "gigwatch") -> Settings:
    return load_settings(lake=lake, env={"GIGWATCH_DATA_DIR": str(tmp_path / "data"), **LOOPBACK_ALLOWED})


def postgres_settings(tmp_path: Path, server: pgserver.PgServer, lake: str = "gigwatch") -> Settings:
    dbname = server.create_database()
    return load_settings(
        lake=lake,
        env={
            "GIGWATCH_DATA_DIR": str(tmp_path / "data"),
            "GIGWATCH_CATALOG": f"postgres:{server.conninfo(dbname)}",
            "GIGWATCH_FILES_PATH": str(tmp_path / "pgfiles") + "/",
            **LOOPBACK_ALLOWED,
        },
    )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def catalog_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings for a fresh lake on each catalog: the same tests serve both."""
    if request.param == "sqlite":
        yield sqlite_settings(tmp_path)
    else:
        server = request.getfixturevalue("pg_server")
        yield postgres_settings(tmp_path, server)
    reset_stores()


@pytest.fixture
def any_store(catalog_settings: Settings) -> Store:
    """A migrated store on each catalog."""
    return get_store(catalog_settings)


@pytest.fixture
def lake_settings(tmp_path: Path) -> Iterator[Settings]:
    """A fresh SQLite-catalog lake (for tests that need only one catalog)."""
    yield sqlite_settings(tmp_path)
    reset_stores()


@pytest.fixture
def store(lake_settings: Settings) -> Store:
    return get_store(lake_settings)


@pytest.fixture(scope="session")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A demo lake built once per test session (about half a minute), through the real ingest path."""
    from collectors.demo import build_demo

    settings = sqlite_settings(tmp_path_factory.mktemp("demo"), lake="demo")
    build_demo(settings)
    return settings


def app_lake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """For a fixture: an empty lake the dashboard pages under AppTest open from the environment
    (no named lake, an empty config file), with its private vault; closed after."""
    from collectors.store.vault import reset_vaults

    monkeypatch.setenv("GIGWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GIGWATCH_LAKE", raising=False)
    monkeypatch.setenv("GIGWATCH_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("")
    store = get_store(load_settings())
    yield store
    reset_stores()
    reset_vaults()


def stored_reports(store: Store) -> list[dict[str, Any]]:
    """The stored reports, read from the private vault (they are never in the lake)."""
    from collectors.store.vault import get_vault, report_rows

    return report_rows(get_vault(store))


@contextlib.contextmanager
def built_lake(
    tmp_path_factory: pytest.TempPathFactory, folder: str, build: Callable[[Settings], object] | None = None,
    lake: str = "demo",
) -> Iterator[Settings]:
    """For a module fixture: a lake in a fresh temporary `folder`, filled by `build` (the small
    test lake unless told), its stores closed after."""
    from tests.dashboard_lake import build_small_lake

    settings = load_settings(lake=lake, env={"GIGWATCH_DATA_DIR": str(tmp_path_factory.mktemp(folder))})
    (build or build_small_lake)(settings)
    yield settings
    reset_stores()


def app_on_page(settings: Settings, monkeypatch: pytest.MonkeyPatch, page: str) -> AppTest:
    """The whole dashboard under AppTest on the lake of `settings`, run once and switched to
    `page` (not yet run there: set its query parameters, then run it)."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("GIGWATCH_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("GIGWATCH_LAKE", settings.lake)
    monkeypatch.delenv("GIGWATCH_CATALOG", raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page(page)
    return at


def approx_dict(value: object) -> dict[str, object]:
    """A stored date-with-precision as {lower, upper, precision}, whether the vault gives back an
    ApproxDate (as it does since the round trip keeps the type) or its plain form."""
    if isinstance(value, dict):
        return {k: value[k] for k in ("lower", "upper", "precision")}
    return {"lower": value.lower, "upper": value.upper, "precision": value.precision}  # type: ignore[attr-defined]

"""Settings: where the lake lives and how gigwatch identifies itself.

Read, lowest priority first, from built-in defaults, a TOML file (`gigwatch.toml` in the working
directory, or the file named by GIGWATCH_CONFIG) and environment variables:

| environment variable           | TOML (`[storage]`, `[collect]`, `[admin]`) | default                                  |
|--------------------------------|---------------------------------------------|------------------------------------------|
| GIGWATCH_DATA_DIR              | storage.data_dir                            | ./data                                   |
| GIGWATCH_LAKE                  | storage.lake                                | gigwatch (the demo uses "demo")          |
| GIGWATCH_CATALOG               | storage.catalog                             | sqlite:<data_dir>/<lake>/catalog.sqlite  |
| GIGWATCH_FILES_PATH            | storage.files_path                          | <data_dir>/<lake>/files/                 |
| GIGWATCH_CONTACT_URL           | collect.contact_url                         | https://github.com/gigwatch/gigwatch     |
| GIGWATCH_ALLOW_HOSTS           | collect.allow_hosts                         | none: only public addresses are fetched  |
| GIGWATCH_ADMIN_PASSWORD_HASH   | admin.password_hash                         | unset: the admin page stays locked       |
| GIGWATCH_ADMIN_PASSWORD        | (environment only; hashed at start-up)      | unset                                    |

A PostgreSQL catalog is `postgres:<libpq conninfo>`, e.g.
`postgres:dbname=gigwatch host=db.internal user=gigwatch`; the lake's metadata then lives in the
PostgreSQL schema named after the lake (`gigwatch` or `demo`), and `files_path` should point at
storage every process can reach (a shared directory or `s3://bucket/prefix/`).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from collectors import __version__

DEFAULT_CONTACT_URL = "https://github.com/gigwatch/gigwatch"
LAKES = ("gigwatch", "demo")


class ConfigError(ValueError):
    """A setting is missing or malformed."""


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    lake: str
    catalog: str  # "sqlite:<path>" or "postgres:<conninfo>"
    files_path: str
    contact_url: str
    admin_password_hash: str | None
    # Hosts (`name`, `name:port`, an address) or networks (`10.0.0.0/8`) the fetcher may reach
    # although they resolve to a loopback, private or otherwise non-public address.
    allow_hosts: tuple[str, ...] = ()

    @property
    def is_demo(self) -> bool:
        return self.lake == "demo"

    @property
    def lake_dir(self) -> Path:
        return self.data_dir / self.lake

    @property
    def raw_dir(self) -> Path:
        """Compressed raw HTTP bodies, addressed by sha256 (kept beside the lake's files)."""
        return self.lake_dir / "raw"

    @property
    def catalog_kind(self) -> Literal["sqlite", "postgres"]:
        return "postgres" if self.catalog.startswith("postgres:") else "sqlite"

    @property
    def catalog_target(self) -> str:
        """The catalog without its kind prefix: a file path or a libpq conninfo."""
        return self.catalog.split(":", 1)[1]

    @property
    def user_agent(self) -> str:
        return f"gigwatch/{__version__} (+{self.contact_url}; labour-conditions research bot)"


def hash_password(password: str, *, salt: str | None = None) -> str:
    """A salted PBKDF2 hash in the form `pbkdf2_sha256$<iterations>$<salt>$<hex>`."""
    salt = salt or secrets.token_hex(16)
    iterations = 200_000
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations).hex()
    return f"pbkdf2_sha256${iterations}${salt}${digest}"


def check_password(password: str, password_hash: str) -> bool:
    try:
        scheme, iterations, salt, expected = password_hash.split("$")
    except ValueError:
        return False
    if scheme != "pbkdf2_sha256":
        return False
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), int(iterations)).hex()
    return secrets.compare_digest(digest, expected)


def _read_toml(env: dict[str, str]) -> dict[str, Any]:
    path = Path(env["GIGWATCH_CONFIG"]) if "GIGWATCH_CONFIG" in env else Path("gigwatch.toml")
    if not path.exists():
        if "GIGWATCH_CONFIG" in env:
            raise ConfigError(f"GIGWATCH_CONFIG names {path}, which does not exist")
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc


def load_settings(*, lake: str | None = None, env: dict[str, str] | None = None) -> Settings:
    """Settings from defaults, the TOML file and the environment; `lake` overrides both."""
    env = dict(os.environ) if env is None else env
    toml = _read_toml(env)
    storage = toml.get("storage", {})
    collect = toml.get("collect", {})
    admin = toml.get("admin", {})

    data_dir = Path(env.get("GIGWATCH_DATA_DIR") or storage.get("data_dir") or "data").absolute()
    lake_name = lake or env.get("GIGWATCH_LAKE") or storage.get("lake") or "gigwatch"
    if lake_name not in LAKES:
        raise ConfigError(f"lake must be one of {', '.join(LAKES)}, not {lake_name!r}")
    lake_dir = data_dir / lake_name
    default_catalog = f"sqlite:{lake_dir / 'catalog.sqlite'}"
    catalog = env.get("GIGWATCH_CATALOG") or storage.get("catalog") or default_catalog
    if not catalog.startswith(("sqlite:", "postgres:")):
        raise ConfigError(f"catalog must start with 'sqlite:' or 'postgres:', not {catalog!r}")
    if lake_name == "demo" and catalog.startswith("sqlite:"):
        # The demo never shares a catalog file with the real lake (a PostgreSQL catalog keeps
        # the two apart by schema instead).
        catalog = default_catalog
    files_path = env.get("GIGWATCH_FILES_PATH") or storage.get("files_path") or f"{lake_dir / 'files'}/"
    if lake_name == "demo" and "GIGWATCH_FILES_PATH" in env and "demo" not in files_path:
        # The demo must never share files with the real lake.
        files_path = f"{files_path.rstrip('/')}/demo/"
    password_hash = env.get("GIGWATCH_ADMIN_PASSWORD_HASH") or admin.get("password_hash")
    if not password_hash and env.get("GIGWATCH_ADMIN_PASSWORD"):
        password_hash = hash_password(env["GIGWATCH_ADMIN_PASSWORD"])
    return Settings(
        data_dir=data_dir,
        lake=lake_name,
        catalog=catalog,
        files_path=files_path,
        contact_url=env.get("GIGWATCH_CONTACT_URL") or collect.get("contact_url") or DEFAULT_CONTACT_URL,
        admin_password_hash=password_hash,
        allow_hosts=_allow_hosts(env.get("GIGWATCH_ALLOW_HOSTS"), collect.get("allow_hosts")),
    )


def _allow_hosts(from_env: str | None, from_toml: Any) -> tuple[str, ...]:
    """The allow-list: the environment's comma/space separated text, else the TOML list."""
    if from_env is not None:
        return tuple(entry for entry in from_env.replace(",", " ").split() if entry)
    if from_toml is None:
        return ()
    if isinstance(from_toml, str):
        from_toml = from_toml.replace(",", " ").split()
    if not isinstance(from_toml, list) or not all(isinstance(entry, str) for entry in from_toml):
        raise ConfigError(f"collect.allow_hosts must be a list of host names, not {from_toml!r}")
    return tuple(entry.strip() for entry in from_toml if entry.strip())

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
| GIGWATCH_MODERATORS            | `[moderators]` name = "argon2 hash"         | none: the admin page stays locked        |
| GIGWATCH_MODERATORS_FILE       | (a file of `name:hash` lines, as htpasswd)  | unset                                    |
| GIGWATCH_SESSION_IDLE_MINUTES  | admin.session_idle_minutes                  | 30                                       |
| GIGWATCH_SESSION_MAX_HOURS     | admin.session_max_hours                     | 8                                        |
| GIGWATCH_ADMIN_PASSWORD_HASH   | admin.password_hash (deprecated)            | unset; a moderator named `admin`         |
| GIGWATCH_ADMIN_PASSWORD        | (deprecated; hashed once per process)       | unset; a moderator named `admin`         |

Moderator accounts (see `collectors.moderators`) merge from every source; where one name appears in
several, the environment beats the file, which beats gigwatch.toml. The two deprecated admin
settings add a moderator named `admin` unless another source already has one.

A PostgreSQL catalog is `postgres:<libpq conninfo>`, e.g.
`postgres:dbname=gigwatch host=db.internal user=gigwatch`; the lake's metadata then lives in the
PostgreSQL schema named after the lake (`gigwatch` or `demo`), and `files_path` should point at
storage every process can reach (a shared directory or `s3://bucket/prefix/`).
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from collectors import __version__

DEFAULT_CONTACT_URL = "https://github.com/gigwatch/gigwatch"
LAKES = ("gigwatch", "demo")


DEFAULT_SESSION_IDLE_MINUTES = 30.0
DEFAULT_SESSION_MAX_HOURS = 8.0
# Moderator names: what `gigwatch moderators add` accepts and the audit log records.
MODERATOR_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
LEGACY_ADMIN = "admin"


class ConfigError(ValueError):
    """A setting is missing or malformed."""


@dataclass(frozen=True, slots=True)
class ModeratorAccount:
    """One moderator: a name, a password hash (never the password) and where it was configured."""

    name: str
    password_hash: str
    source: str  # "gigwatch.toml", "GIGWATCH_MODERATORS", "GIGWATCH_MODERATORS_FILE", or a legacy variable


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    lake: str
    catalog: str  # "sqlite:<path>" or "postgres:<conninfo>"
    files_path: str
    contact_url: str
    admin_password_hash: str | None  # deprecated: the `admin` account's hash, if configured the old way
    # Hosts (`name`, `name:port`, an address) or networks (`10.0.0.0/8`) the fetcher may reach
    # although they resolve to a loopback, private or otherwise non-public address.
    allow_hosts: tuple[str, ...] = ()
    moderators: tuple[ModeratorAccount, ...] = ()
    session_idle_seconds: float = DEFAULT_SESSION_IDLE_MINUTES * 60
    session_max_seconds: float = DEFAULT_SESSION_MAX_HOURS * 3600

    def moderator(self, name: str) -> ModeratorAccount | None:
        wanted = name.strip().lower()
        return next((m for m in self.moderators if m.name == wanted), None)

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
    """A salted PBKDF2 hash in the form `pbkdf2_sha256$<iterations>$<salt>$<hex>`.

    Deprecated: new accounts get argon2id hashes (`collectors.moderators.hash_password`); this
    format is still accepted so that hashes made before keep working.
    """
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


def normalise_moderator_name(name: str) -> str:
    """A moderator name as stored: lower case, 1-64 of a-z 0-9 . _ - (starting with a letter or digit)."""
    wanted = name.strip().lower()
    if not MODERATOR_NAME.fullmatch(wanted):
        raise ConfigError(
            f"moderator name {name[:80]!r} is not valid: use 1-64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return wanted


def is_password_hash(value: str) -> bool:
    """Whether `value` looks like a hash gigwatch can verify (argon2, or the older PBKDF2 form)."""
    if value.startswith(("$argon2id$", "$argon2i$", "$argon2d$")):
        return value.count("$") == 5
    parts = value.split("$")
    return len(parts) == 4 and parts[0] == "pbkdf2_sha256" and parts[1].isdigit() and bool(parts[2] and parts[3])


def _moderator_pairs(text: str, where: str) -> list[tuple[str, str]]:
    """`name:hash` pairs separated by whitespace or ';' (neither occurs in a hash), '#' comments."""
    pairs = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0]  # no hash contains '#'
        for item in re.split(r"[\s;]+", line.strip()):
            if not item:
                continue
            name, sep, password_hash = item.partition(":")
            if not sep or not password_hash:
                # The item may be a hash: say where it is, not what it is.
                raise ConfigError(f"{where}, line {number}: expected name:hash pairs")
            pairs.append((name, password_hash))
    return pairs


# GIGWATCH_ADMIN_PASSWORD is hashed once per process (the first settings lookup), not on every
# lookup: pages read settings dozens of times per view, and a password hash is meant to be slow.
# Keyed by a digest of the password so a changed variable is hashed again.
_ENV_PASSWORD_HASHES: dict[str, str] = {}


def _hash_env_password(password: str) -> str:
    key = hashlib.sha256(password.encode()).hexdigest()
    if key not in _ENV_PASSWORD_HASHES:
        from collectors.moderators import hash_password as argon2_hash

        _ENV_PASSWORD_HASHES[key] = argon2_hash(password)
    return _ENV_PASSWORD_HASHES[key]


def _positive(value: object, what: str) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ConfigError(f"{what} must be a number, not {value!r}") from None
    if not number > 0:
        raise ConfigError(f"{what} must be more than 0, not {value!r}")
    return number


def load_moderators(env: Mapping[str, str], toml: Mapping[str, Any]) -> tuple[ModeratorAccount, ...]:
    """Every configured moderator account, sorted by name (see the module docstring for the order)."""
    found: dict[str, ModeratorAccount] = {}

    def put(name: str, password_hash: str, source: str) -> None:
        name = normalise_moderator_name(name)
        if not isinstance(password_hash, str) or not is_password_hash(password_hash):
            raise ConfigError(
                f"{source}: the password hash of moderator {name!r} is not an argon2 or pbkdf2_sha256 "
                "hash (make one with `gigwatch moderators add NAME`)"
            )
        found[name] = ModeratorAccount(name, password_hash, source)

    table = toml.get("moderators", {})
    if not isinstance(table, dict):
        raise ConfigError("[moderators] in gigwatch.toml must be a table of name = \"hash\"")
    seen: set[str] = set()
    for name, password_hash in table.items():
        if normalise_moderator_name(name) in seen:
            raise ConfigError(f"gigwatch.toml: moderator {name!r} appears twice (names ignore case)")
        seen.add(normalise_moderator_name(name))
        put(name, password_hash, "gigwatch.toml")
    if env.get("GIGWATCH_MODERATORS_FILE"):
        path = Path(env["GIGWATCH_MODERATORS_FILE"])
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"GIGWATCH_MODERATORS_FILE names {path}, which cannot be read: {exc}") from exc
        for name, password_hash in _moderator_pairs(text, str(path)):
            put(name, password_hash, "GIGWATCH_MODERATORS_FILE")
    for name, password_hash in _moderator_pairs(env.get("GIGWATCH_MODERATORS", ""), "GIGWATCH_MODERATORS"):
        put(name, password_hash, "GIGWATCH_MODERATORS")
    if LEGACY_ADMIN not in found:
        admin = toml.get("admin", {})
        if env.get("GIGWATCH_ADMIN_PASSWORD_HASH"):
            put(LEGACY_ADMIN, env["GIGWATCH_ADMIN_PASSWORD_HASH"], "GIGWATCH_ADMIN_PASSWORD_HASH")
        elif isinstance(admin, dict) and admin.get("password_hash"):
            put(LEGACY_ADMIN, admin["password_hash"], "[admin] password_hash")
        elif env.get("GIGWATCH_ADMIN_PASSWORD"):
            put(LEGACY_ADMIN, _hash_env_password(env["GIGWATCH_ADMIN_PASSWORD"]), "GIGWATCH_ADMIN_PASSWORD")
    return tuple(sorted(found.values(), key=lambda m: m.name))


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
    moderators = load_moderators(env, toml)
    legacy = next((m for m in moderators if m.name == LEGACY_ADMIN and m.source.startswith(("GIGWATCH_ADMIN", "[admin]"))), None)
    idle = env.get("GIGWATCH_SESSION_IDLE_MINUTES") or admin.get("session_idle_minutes") or DEFAULT_SESSION_IDLE_MINUTES
    longest = env.get("GIGWATCH_SESSION_MAX_HOURS") or admin.get("session_max_hours") or DEFAULT_SESSION_MAX_HOURS
    return Settings(
        data_dir=data_dir,
        lake=lake_name,
        catalog=catalog,
        files_path=files_path,
        contact_url=env.get("GIGWATCH_CONTACT_URL") or collect.get("contact_url") or DEFAULT_CONTACT_URL,
        admin_password_hash=legacy.password_hash if legacy else None,
        allow_hosts=_allow_hosts(env.get("GIGWATCH_ALLOW_HOSTS"), collect.get("allow_hosts")),
        moderators=moderators,
        session_idle_seconds=_positive(idle, "session_idle_minutes") * 60,
        session_max_seconds=_positive(longest, "session_max_hours") * 3600,
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

"""Named moderator accounts: password hashes, sign-in with a lockout, sessions that expire.

Accounts are configured (see `collectors.config`): `[moderators]` in gigwatch.toml as
`name = "<argon2 hash>"`, `GIGWATCH_MODERATORS` as `name:hash` pairs, or a `name:hash` file named
by `GIGWATCH_MODERATORS_FILE`; `gigwatch moderators add/remove/list/unlock` manages the TOML table.
The deprecated `GIGWATCH_ADMIN_PASSWORD(_HASH)` become a moderator named `admin`.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's low-memory profile) and only
when an account is made, or once per process for the deprecated plain-text variable; reading the
settings never hashes. Signing in runs exactly one verification, or none while the name or the
client is locked out (`collectors.store.auth`). An unknown name is verified against a fixed dummy
hash, so the time taken does not tell which names exist.

A session (`ModeratorSession`, kept in the browser session's state by the dashboard) ends after
`session_idle_seconds` without activity, after `session_max_seconds` in all, when the account is
removed, or when its password changes.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from collectors.config import (
    ConfigError,
    ModeratorAccount,
    Settings,
    check_password,
    is_password_hash,
    normalise_moderator_name,
)
from collectors.store.auth import Locked, LoginThrottle

PASSWORD_HASHER = PasswordHasher()
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 1024  # argon2 takes any length; a megabyte "password" is only a cost to us
# The hash of a random password nobody knows, made with PASSWORD_HASHER's parameters: unknown names
# are checked against it so that they take as long as known ones.
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$jDjw5/+cBRhWAyS2UN1d9Q$rOuKnaaksv0Z5deFiH0+cDmeBafJq1JTzEWu0mwkf1I"


def clock() -> float:
    """Now, in seconds (tests move it forward)."""
    return time.time()


# -- hashes -----------------------------------------------------------------------------------------


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise ConfigError(f"a moderator password needs at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise ConfigError(f"a moderator password may have at most {MAX_PASSWORD_CHARS} characters")


def hash_password(password: str) -> str:
    """An argon2id hash of `password` (`$argon2id$v=19$m=...,t=...,p=...$salt$hash`)."""
    return PASSWORD_HASHER.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    """Whether `password` matches an argon2 hash or an older `pbkdf2_sha256$...` one."""
    if len(password) > MAX_PASSWORD_CHARS:
        return False
    if password_hash.startswith("pbkdf2_sha256$"):
        return check_password(password, password_hash)
    try:
        return PASSWORD_HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def hash_scheme(password_hash: str) -> str:
    """"argon2id", "argon2i", "argon2d" or "pbkdf2_sha256 (old: run `gigwatch moderators add` again)"."""
    if password_hash.startswith("pbkdf2_sha256$"):
        return "pbkdf2_sha256 (older format: `gigwatch moderators add NAME` again to move to argon2id)"
    return password_hash.split("$")[1]


def _fingerprint(password_hash: str) -> str:
    """A short digest of the hash, so a session notices a changed password without keeping the hash."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


# -- signing in and sessions --------------------------------------------------------------------------


class SignIn(Enum):
    OK = "ok"
    WRONG = "wrong"  # wrong password, or no moderator of that name: the two are not told apart
    LOCKED = "locked"
    NO_ACCOUNTS = "no accounts"


@dataclass(frozen=True, slots=True)
class ModeratorSession:
    """Who is signed in, since when and last active when (seconds since the epoch)."""

    name: str
    signed_in_at: float
    last_seen_at: float
    fingerprint: str

    def as_state(self) -> dict[str, Any]:
        return {"name": self.name, "signed_in_at": self.signed_in_at, "last_seen_at": self.last_seen_at,
                "fingerprint": self.fingerprint}

    @classmethod
    def from_state(cls, state: Any) -> ModeratorSession | None:
        if not isinstance(state, dict):
            return None
        try:
            return cls(str(state["name"]), float(state["signed_in_at"]), float(state["last_seen_at"]),
                       str(state["fingerprint"]))
        except (KeyError, TypeError, ValueError):
            return None


@dataclass(frozen=True, slots=True)
class SignInResult:
    outcome: SignIn
    session: ModeratorSession | None = None
    retry_after_seconds: float | None = None


def sign_in(settings: Settings, name: str, password: str, *, client: str | None,
            throttle: LoginThrottle | None = None) -> SignInResult:
    """Check one sign-in: counted against the name and the client, at most one hash verification."""
    if not settings.moderators:
        return SignInResult(SignIn.NO_ACCOUNTS)
    throttle = throttle or LoginThrottle.for_settings(settings)
    try:
        attempt = throttle.begin_attempt(name, client)
    except Locked as exc:
        return SignInResult(SignIn.LOCKED, retry_after_seconds=exc.retry_after_seconds)
    account = settings.moderator(name)
    if account is None:
        verify_password(password, _DUMMY_HASH)  # the same time as a known name
        return SignInResult(SignIn.WRONG)
    if not verify_password(password, account.password_hash):
        return SignInResult(SignIn.WRONG)
    attempt.succeeded()
    now = clock()
    return SignInResult(SignIn.OK, ModeratorSession(account.name, now, now, _fingerprint(account.password_hash)))


def session_end_reason(settings: Settings, session: ModeratorSession, *, now: float | None = None) -> str | None:
    """Why `session` is over (a sentence for the moderator), or None if it is still good."""
    now = clock() if now is None else now
    account = settings.moderator(session.name)
    if account is None:
        return "Signed out: this moderator account no longer exists."
    if _fingerprint(account.password_hash) != session.fingerprint:
        return "Signed out: the password of this account was changed."
    if now - session.signed_in_at > settings.session_max_seconds:
        return f"Signed out: sessions last at most {settings.session_max_seconds / 3600:g} h; please sign in again."
    if now - session.last_seen_at > settings.session_idle_seconds:
        return f"Signed out after {settings.session_idle_seconds / 60:g} minutes without activity."
    return None


def touch(session: ModeratorSession, *, now: float | None = None) -> ModeratorSession:
    return replace(session, last_seen_at=clock() if now is None else now)


# -- the accounts in gigwatch.toml -------------------------------------------------------------------------


def config_path(env: dict[str, str] | None = None) -> Path:
    """The TOML file settings are read from: GIGWATCH_CONFIG, else ./gigwatch.toml."""
    env = dict(os.environ) if env is None else env
    return Path(env["GIGWATCH_CONFIG"]) if env.get("GIGWATCH_CONFIG") else Path("gigwatch.toml")


def _load_document(path: Path) -> Any:
    import tomlkit

    if not path.exists():
        return tomlkit.document()
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except tomlkit.exceptions.TOMLKitError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc


def _write_document(path: Path, document: Any) -> None:
    """Write atomically, owner-only for a new file (it holds password hashes), keeping an old file's mode."""
    import tomlkit

    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o600
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, mode)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(tomlkit.dumps(document))
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def save_moderator(path: Path, name: str, password_hash: str) -> bool:
    """Set `name = "hash"` under `[moderators]` in `path` (created if missing); True if it replaced one.

    Everything else in the file, comments included, is kept as it was.
    """
    import tomlkit

    name = normalise_moderator_name(name)
    if not is_password_hash(password_hash):
        raise ConfigError("not a password hash")
    document = _load_document(path)
    table = document.get("moderators")
    if table is None:
        table = tomlkit.table()
        document["moderators"] = table
    existing = next((key for key in table if str(key).lower() == name), None)
    if existing is not None and existing != name:
        del table[existing]
    table[name] = password_hash
    _write_document(path, document)
    return existing is not None


def delete_moderator(path: Path, name: str) -> bool:
    """Remove `name` from `[moderators]` in `path`; False if it was not there."""
    name = normalise_moderator_name(name)
    if not path.exists():
        return False
    document = _load_document(path)
    table = document.get("moderators")
    existing = next((key for key in table if str(key).lower() == name), None) if table is not None else None
    if existing is None:
        return False
    del table[existing]
    _write_document(path, document)
    return True


def describe(account: ModeratorAccount) -> str:
    return f"{account.name}\t{account.source}\t{hash_scheme(account.password_hash)}"

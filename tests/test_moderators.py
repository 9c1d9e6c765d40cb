"""Moderator accounts, tried as an attacker would: fresh sessions and other processes do not reset
the lockout, sessions end, the settings lookup never hashes a password, and the accounts are
managed from the command line."""

from __future__ import annotations

import hashlib
import multiprocessing
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner, Result

from collectors import cli, moderators
from collectors.config import ConfigError, hash_password, load_settings
from collectors.moderators import SignIn, sign_in
from collectors.store import reset_stores
from collectors.store.auth import NAME_LIMIT, WINDOW_SECONDS, Locked, LoginThrottle
from tests.conftest import REPO_ROOT

PAGES = REPO_ROOT / "dashboard" / "app_pages"
PASSWORD = "correct horse battery"
# Argon2id hashes with cheap parameters, so the tests run fast: verification reads the cost from
# the hash itself, so the code path is the one real hashes take (those cost a quarter of a second).
CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
HASH = CHEAP.hash(PASSWORD)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """A lake in a temporary directory and a gigwatch.toml with one moderator, priya."""
    for name in ("GIGWATCH_LAKE", "GIGWATCH_ADMIN_PASSWORD", "GIGWATCH_ADMIN_PASSWORD_HASH", "GIGWATCH_MODERATORS",
                 "GIGWATCH_MODERATORS_FILE", "GIGWATCH_SESSION_IDLE_MINUTES", "GIGWATCH_SESSION_MAX_HOURS"):
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "gigwatch.toml"
    config.write_text(f'# our moderators\n[moderators]\npriya = "{HASH}"\n')
    monkeypatch.setenv("GIGWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GIGWATCH_CONFIG", str(config))
    yield {"GIGWATCH_DATA_DIR": str(tmp_path / "data"), "GIGWATCH_CONFIG": str(config)}
    reset_stores()


def admin_page() -> AppTest:
    app = AppTest.from_file(str(PAGES / "admin.py"), default_timeout=120)
    app.run()
    assert not app.exception, app.exception
    return app


def try_sign_in(app: AppTest, name: str, password: str) -> AppTest:
    app.text_input(key="admin_name").input(name)
    app.text_input(key="admin_password").input(password)
    next(b for b in app.button if b.label == "Sign in").click().run()
    assert not app.exception, app.exception
    return app


def shown(app: AppTest) -> str:
    parts = [e.value for e in app.error] + [i.value for i in app.info] + [w.value for w in app.warning]
    parts += [t.value for t in app.sidebar.text] + [t.value for t in app.text]
    return "\n".join(str(p) for p in parts)


def signed_in(app: AppTest) -> bool:
    return any(b.label == "Sign out" for b in app.sidebar.button)


class HashCounter:
    """Counts every password hash and verification, argon2 and PBKDF2, made in this process."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: dict[str, int] = {"hash": 0, "verify": 0, "pbkdf2": 0}
        for name, owner, attribute in (("hash", PasswordHasher, "hash"), ("verify", PasswordHasher, "verify"),
                                       ("pbkdf2", hashlib, "pbkdf2_hmac")):
            monkeypatch.setattr(owner, attribute, self._counting(name, getattr(owner, attribute)))

    def _counting(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            return function(*args, **kwargs)

        return counted

    def reset(self) -> None:
        self.calls = dict.fromkeys(self.calls, 0)


# -- settings ------------------------------------------------------------------------------------------------


def test_accounts_merge_from_toml_file_and_environment(tmp_path: Path) -> None:
    config = tmp_path / "gigwatch.toml"
    other = CHEAP.hash("another long password")
    config.write_text(f'[moderators]\npriya = "{HASH}"\nJane = "{HASH}"\n[admin]\nsession_idle_minutes = 5\n')
    listing = tmp_path / "moderators.txt"
    listing.write_text(f"# name:hash, as htpasswd\nkamau:{HASH}\njane:{other}\n")
    settings = load_settings(env={"GIGWATCH_CONFIG": str(config), "GIGWATCH_MODERATORS_FILE": str(listing),
                                  "GIGWATCH_MODERATORS": f"ade:{HASH}; kamau:{other}",
                                  "GIGWATCH_SESSION_MAX_HOURS": "2", "GIGWATCH_DATA_DIR": str(tmp_path)})
    found = {m.name: (m.source, m.password_hash) for m in settings.moderators}
    assert found == {"priya": ("gigwatch.toml", HASH), "jane": ("GIGWATCH_MODERATORS_FILE", other),
                     "kamau": ("GIGWATCH_MODERATORS", other), "ade": ("GIGWATCH_MODERATORS", HASH)}
    assert settings.moderator(" Jane ") is not None and settings.moderator("nobody") is None
    assert settings.session_idle_seconds == 300 and settings.session_max_seconds == 7200
    assert settings.admin_password_hash is None  # no legacy admin


def test_bad_moderator_settings_are_clear_errors_that_never_echo_a_hash(tmp_path: Path) -> None:
    config = tmp_path / "gigwatch.toml"
    base = {"GIGWATCH_CONFIG": str(config), "GIGWATCH_DATA_DIR": str(tmp_path)}
    config.write_text('[moderators]\npriya = "hunter2-in-plain-text"\n')
    with pytest.raises(ConfigError, match="password hash of moderator 'priya'") as caught:
        load_settings(env=base)
    assert "hunter2" not in str(caught.value)
    config.write_text(f'[moderators]\n"bad name!" = "{HASH}"\n')
    with pytest.raises(ConfigError, match="moderator name"):
        load_settings(env=base)
    config.write_text(f'[moderators]\npriya = "{HASH}"\nPriya = "{HASH}"\n')
    with pytest.raises(ConfigError, match="twice"):
        load_settings(env=base)
    config.write_text("")
    with pytest.raises(ConfigError, match="line 1") as caught:
        load_settings(env={**base, "GIGWATCH_MODERATORS": HASH})
    assert HASH not in str(caught.value)
    with pytest.raises(ConfigError, match="session_idle_minutes"):
        load_settings(env={**base, "GIGWATCH_SESSION_IDLE_MINUTES": "0"})
    with pytest.raises(ConfigError, match="cannot be read"):
        load_settings(env={**base, "GIGWATCH_MODERATORS_FILE": str(tmp_path / "missing")})


def test_the_old_admin_settings_become_a_moderator_named_admin(tmp_path: Path) -> None:
    config = tmp_path / "none.toml"
    config.write_text("")
    base = {"GIGWATCH_CONFIG": str(config), "GIGWATCH_DATA_DIR": str(tmp_path)}
    old = hash_password("an old admin password")  # the PBKDF2 format made before accounts existed
    settings = load_settings(env={**base, "GIGWATCH_ADMIN_PASSWORD_HASH": old})
    assert [(m.name, m.source) for m in settings.moderators] == [("admin", "GIGWATCH_ADMIN_PASSWORD_HASH")]
    assert moderators.verify_password("an old admin password", old)
    assert not moderators.verify_password("a wrong password", old)
    plain = load_settings(env={**base, "GIGWATCH_ADMIN_PASSWORD": "plain admin password"})
    assert plain.moderators[0].password_hash.startswith("$argon2id$")
    # Named accounts win: an explicit admin replaces the legacy one.
    named = load_settings(env={**base, "GIGWATCH_ADMIN_PASSWORD_HASH": old, "GIGWATCH_MODERATORS": f"admin:{HASH}"})
    assert [(m.name, m.source) for m in named.moderators] == [("admin", "GIGWATCH_MODERATORS")]
    assert named.admin_password_hash is None


def test_the_plain_admin_password_is_hashed_once_per_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    counter = HashCounter(monkeypatch)
    env = {"GIGWATCH_CONFIG": str(tmp_path / "none.toml"), "GIGWATCH_ADMIN_PASSWORD": f"once only {tmp_path}"}
    (tmp_path / "none.toml").write_text("")
    first = load_settings(env=env)
    assert counter.calls["hash"] == 1
    for _ in range(50):
        assert load_settings(env=env).moderators == first.moderators
    assert counter.calls == {"hash": 1, "verify": 0, "pbkdf2": 0}


# -- no hashing on a page view, one verification per sign-in --------------------------------------------------


@pytest.mark.parametrize("legacy", ["GIGWATCH_ADMIN_PASSWORD", "GIGWATCH_ADMIN_PASSWORD_HASH", None])
def test_a_page_view_hashes_nothing_and_a_sign_in_verifies_once(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, legacy: str | None
) -> None:
    name, password = "priya", PASSWORD
    if legacy == "GIGWATCH_ADMIN_PASSWORD":
        name, password = "admin", "the old shared password"
        monkeypatch.setenv(legacy, password)
        Path(env["GIGWATCH_CONFIG"]).write_text("")
    elif legacy == "GIGWATCH_ADMIN_PASSWORD_HASH":
        name, password = "admin", "the old shared password"
        monkeypatch.setenv(legacy, hash_password(password))
        Path(env["GIGWATCH_CONFIG"]).write_text("")
    load_settings()  # start-up: the one moment a plain-text password may be hashed
    counter = HashCounter(monkeypatch)
    app = admin_page()
    assert counter.calls == {"hash": 0, "verify": 0, "pbkdf2": 0}
    report = AppTest.from_file(str(PAGES / "report.py"), default_timeout=120)
    report.run()
    assert not report.exception, report.exception
    assert counter.calls == {"hash": 0, "verify": 0, "pbkdf2": 0}

    try_sign_in(app, name, password)
    assert signed_in(app)
    verifications = counter.calls["pbkdf2"] if legacy == "GIGWATCH_ADMIN_PASSWORD_HASH" else counter.calls["verify"]
    assert verifications == 1 and counter.calls["hash"] == 0
    counter.reset()
    app.run()  # a signed-in page view, the moderation queue and all
    app.toggle(key="admin_show_all").set_value(True).run()
    assert signed_in(app) and counter.calls == {"hash": 0, "verify": 0, "pbkdf2": 0}


# -- the lockout -------------------------------------------------------------------------------------------------


def test_eight_fresh_sessions_do_not_reset_the_lockout(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    for _ in range(NAME_LIMIT):
        app = try_sign_in(admin_page(), "priya", "a wrong guess")
        assert "Wrong name or password." in shown(app) and not signed_in(app)
    counter = HashCounter(monkeypatch)
    for _ in range(8):  # new browser sessions, now with the right password
        app = try_sign_in(admin_page(), "priya", PASSWORD)
        assert "Too many failed sign-ins" in shown(app)
        assert not signed_in(app) and not app.dataframe
    assert counter.calls["verify"] == 0  # a locked name costs no hash either
    # Another moderator is not locked out by guesses at priya.
    Path(env["GIGWATCH_CONFIG"]).write_text(f'[moderators]\npriya = "{HASH}"\nkamau = "{HASH}"\n')
    assert signed_in(try_sign_in(admin_page(), "kamau", PASSWORD))


def test_unknown_names_are_counted_and_answered_like_wrong_passwords(env: dict[str, str],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    counter = HashCounter(monkeypatch)
    app = try_sign_in(admin_page(), "nobody-by-this-name", PASSWORD)
    assert "Wrong name or password." in shown(app)
    assert counter.calls["verify"] == 1  # against the dummy hash, so it takes as long as a real name
    throttle = LoginThrottle.for_settings(load_settings())
    assert throttle.failures("nobody-by-this-name") == 1


def _guess_three_times(client: str, results: Any) -> None:
    outcomes = [sign_in(load_settings(), "priya", f"guess {i}", client=client).outcome for i in range(3)]
    results.put([o.value for o in outcomes])


def test_guesses_from_two_processes_add_up(env: dict[str, str]) -> None:
    # Forked, so the children start at once with what this process imported; each opens the store itself.
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    guessers = [context.Process(target=_guess_three_times, args=(f"203.0.113.{i}", results)) for i in (1, 2)]
    for guesser in guessers:
        guesser.start()
    outcomes = [*results.get(timeout=120), *results.get(timeout=120)]
    for guesser in guessers:
        guesser.join(timeout=60)
        assert guesser.exitcode == 0
    # Six guesses against a limit of five: at least one was refused unchecked, whatever the interleaving.
    assert outcomes.count("wrong") == NAME_LIMIT and outcomes.count("locked") == 6 - NAME_LIMIT
    result = sign_in(load_settings(), "priya", PASSWORD, client="198.51.100.7")
    assert result.outcome is SignIn.LOCKED and result.retry_after_seconds is not None
    assert 0 < result.retry_after_seconds <= WINDOW_SECONDS

    unlocked = gigwatch(env, "moderators", "unlock", "priya")
    assert unlocked.exit_code == 0, unlocked.stderr
    assert f"cleared {NAME_LIMIT} failed sign-in(s) for priya" in unlocked.stdout
    assert sign_in(load_settings(), "priya", PASSWORD, client="198.51.100.7").outcome is SignIn.OK


def test_one_client_guessing_many_names_is_locked_and_others_are_not(tmp_path: Path) -> None:
    now = [1_000_000.0]
    throttle = LoginThrottle(tmp_path / "private" / "auth.sqlite", name_limit=3, client_limit=4,
                             window_seconds=600, clock=lambda: now[0])
    for name in ("a", "b", "c", "d"):
        throttle.begin_attempt(name, "192.0.2.1")
    with pytest.raises(Locked) as caught:
        throttle.begin_attempt("e", "192.0.2.1")
    assert caught.value.scope == "client" and caught.value.retry_after_seconds == 600
    throttle.begin_attempt("e", "192.0.2.2").succeeded()  # another client is unaffected
    assert throttle.failures("e") == 0
    # The lock lifts as the failures leave the window, and old rows are deleted.
    now[0] += 601
    throttle.begin_attempt("f", "192.0.2.1")
    assert throttle.failures("a") == 0
    # The file names no address, and only its owner may read it.
    raw = (tmp_path / "private" / "auth.sqlite").read_bytes()
    assert b"192.0.2" not in raw
    assert stat.S_IMODE((tmp_path / "private" / "auth.sqlite").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "private").stat().st_mode) == 0o700


def test_a_success_clears_the_names_failures_but_not_a_lock(tmp_path: Path) -> None:
    throttle = LoginThrottle(tmp_path / "auth.sqlite", name_limit=3)
    throttle.begin_attempt("priya", None)
    throttle.begin_attempt("priya", None)
    throttle.begin_attempt("priya", None).succeeded()
    assert throttle.failures("priya") == 0
    for _ in range(3):
        throttle.begin_attempt("priya", None)
    with pytest.raises(Locked):
        throttle.begin_attempt("priya", None)


# -- sessions ------------------------------------------------------------------------------------------------------


def test_sessions_end_when_idle_when_old_when_removed_and_when_the_password_changes(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [2_000_000.0]
    monkeypatch.setattr(moderators, "clock", lambda: now[0])
    config = Path(env["GIGWATCH_CONFIG"])

    app = try_sign_in(admin_page(), "priya", PASSWORD)
    assert signed_in(app) and "Signed in as priya" in shown(app)
    now[0] += 29 * 60
    app.run()
    assert signed_in(app)
    now[0] += 31 * 60  # 31 minutes without activity
    app.run()
    assert not signed_in(app) and "30 minutes without activity" in shown(app)
    assert app.text_input(key="admin_password")  # the sign-in form is back

    monkeypatch.setenv("GIGWATCH_SESSION_MAX_HOURS", "1")  # 8 by default; an hour keeps the test short
    try_sign_in(app, "priya", PASSWORD)
    for _ in range(3):  # active every 20 minutes: an hour in all
        now[0] += 20 * 60
        app.run()
    assert signed_in(app)
    now[0] += 20 * 60
    app.run()
    assert not signed_in(app) and "sessions last at most 1 h" in shown(app)

    try_sign_in(app, "priya", PASSWORD)
    config.write_text(f'[moderators]\npriya = "{CHEAP.hash("a new long password")}"\n')
    app.run()
    assert not signed_in(app) and "password of this account was changed" in shown(app)

    try_sign_in(app, "priya", "a new long password")
    config.write_text(f'[moderators]\nkamau = "{HASH}"\n')
    app.run()
    assert not signed_in(app) and "no longer exists" in shown(app)


def test_session_timeouts_are_configurable(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    now = [3_000_000.0]
    monkeypatch.setattr(moderators, "clock", lambda: now[0])
    monkeypatch.setenv("GIGWATCH_SESSION_IDLE_MINUTES", "5")
    app = try_sign_in(admin_page(), "priya", PASSWORD)
    now[0] += 6 * 60
    app.run()
    assert not signed_in(app) and "5 minutes without activity" in shown(app)


def test_sign_out_ends_the_session(env: dict[str, str]) -> None:
    app = try_sign_in(admin_page(), "priya", PASSWORD)
    assert signed_in(app)
    next(b for b in app.sidebar.button if b.label == "Sign out").click().run()
    assert not signed_in(app) and app.text_input(key="admin_password")


def test_with_only_the_old_admin_password_the_name_is_filled_in(env: dict[str, str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    Path(env["GIGWATCH_CONFIG"]).write_text("")
    monkeypatch.setenv("GIGWATCH_ADMIN_PASSWORD", "the old shared password")
    app = admin_page()
    assert app.text_input(key="admin_name").value == "admin"
    app.text_input(key="admin_password").input("the old shared password")
    next(b for b in app.button if b.label == "Sign in").click().run()
    assert signed_in(app) and "Signed in as admin" in shown(app)


def test_without_accounts_the_page_says_how_to_add_one(env: dict[str, str]) -> None:
    Path(env["GIGWATCH_CONFIG"]).write_text("")
    app = admin_page()
    text = "\n".join(m.value for m in app.markdown)
    assert "gigwatch moderators add NAME" in text and not app.text_input


# -- the command line -------------------------------------------------------------------------------------------------


def gigwatch(env: dict[str, str], *args: str, stdin: str | None = None) -> Result:
    """The command line, run in this process (a new Python process costs seconds to start)."""
    return CliRunner(env=env).invoke(cli.app, list(args), input=stdin)


def test_moderators_add_list_remove_keep_the_rest_of_the_file(env: dict[str, str], tmp_path: Path) -> None:
    config = tmp_path / "new.toml"
    env = {**env, "GIGWATCH_CONFIG": str(config)}
    config.write_text("# storage settings, kept as written\n[storage]\nlake = 'gigwatch'  # the real one\n")
    config.chmod(0o600)
    added = gigwatch(env, "moderators", "add", "Wanjiru", "--password-stdin", stdin="a long enough password\n")
    assert added.exit_code == 0, added.stderr
    assert "added moderator wanjiru" in added.stdout
    text = config.read_text()
    assert text.startswith("# storage settings, kept as written\n[storage]\nlake = 'gigwatch'  # the real one\n")
    assert "a long enough password" not in text
    settings = load_settings(env={**env})
    assert [m.name for m in settings.moderators] == ["wanjiru"]
    assert sign_in(settings, "wanjiru", "a long enough password", client=None).outcome is SignIn.OK
    assert stat.S_IMODE(config.stat().st_mode) == 0o600

    again = gigwatch(env, "moderators", "add", "wanjiru", "--password-stdin", stdin="a different long password\n")
    assert "new password for moderator wanjiru" in again.stdout
    assert text.count("wanjiru") == 1 and config.read_text().count("wanjiru") == 1

    listed = gigwatch(env, "moderators", "list")
    assert listed.exit_code == 0, listed.stderr
    assert listed.stdout.split("\t")[:3] == ["wanjiru", "gigwatch.toml", "argon2id\n"]
    assert "$argon2" not in listed.stdout

    removed = gigwatch(env, "moderators", "remove", "wanjiru")
    assert removed.exit_code == 0 and "removed moderator wanjiru" in removed.stdout
    assert load_settings(env={**env}).moderators == ()
    missing = gigwatch(env, "moderators", "remove", "wanjiru")
    assert missing.exit_code == 1 and "no moderator wanjiru" in missing.stderr


def test_moderators_add_refuses_weak_passwords_and_bad_names(env: dict[str, str], tmp_path: Path) -> None:
    config = tmp_path / "created.toml"
    env = {**env, "GIGWATCH_CONFIG": str(config)}
    short = gigwatch(env, "moderators", "add", "priya", "--password-stdin", stdin="short\n")
    assert short.exit_code == 1 and "at least 10 characters" in short.stderr
    bad = gigwatch(env, "moderators", "add", "priya ramanathan", "--password-stdin", stdin="a long enough password\n")
    assert bad.exit_code == 1 and "not valid" in bad.stderr
    assert not config.exists()
    made = gigwatch(env, "moderators", "add", "priya", "--password-stdin", stdin="a long enough password\n")
    assert made.exit_code == 0, made.stderr
    assert stat.S_IMODE(config.stat().st_mode) == 0o600  # a new file holding hashes is owner-only

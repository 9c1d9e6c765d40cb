"""What every page shares: the cached store, cached queries, the snapshot a view reads, widgets
whose state lives in the URL, the demo banner, and the "n / as of" captions.

Pages call `query(queries.some_function, **filters)`; the result is cached per store, snapshot and
filters for `QUERY_TTL_SECONDS`. Every view reads one DuckLake snapshot: the one pinned by
`?snapshot=` (a permalink) or the lake's current one, so a page never mixes two states of the data
and a permalink reproduces exactly what was shown.
"""

from __future__ import annotations

import contextlib
import inspect
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any, TypeVar
from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from collectors.config import ConfigError, Settings, load_settings
from collectors.store import Store, get_store
from dashboard import chart_export, chart_registry, downsample, i18n, queries
from dashboard.i18n import N_, _, ngettext, pgettext

QUERY_TTL_SECONDS = 300  # how long a query result is reused for the same snapshot and filters
SNAPSHOT_TTL_SECONDS = 30  # how soon a new collection becomes visible on an unpinned page
SNAPSHOT_PARAM = "snapshot"
RESERVED_PARAMS = frozenset({SNAPSHOT_PARAM})

T = TypeVar("T")

# What Markdown (CommonMark + GFM autolinks), Streamlit's LaTeX (`$`), its `:material/...:` icons and
# `:color[...]` directives, and HTML would read as markup. Backslash-escaped, each shows as itself.
MARKDOWN_SPECIALS = frozenset("\\`*_{}[]()#+-.!|<>~$:&=^\"'")

# Streamlit's renderer turns `https://…`, `www.…` and `name@host.tld` into links *after* escapes are
# resolved (GFM autolink literals), so a backslash cannot stop them: an invisible word joiner after
# the colon, after `www` and before `@` breaks the pattern and changes nothing a reader sees.
WORD_JOINER = "\u2060"
_ESCAPES = {ch: "\\" + ch for ch in MARKDOWN_SPECIALS} | {":": "\\:" + WORD_JOINER, "@": WORD_JOINER + "@"}
_WWW = re.compile(r"www(?=\\\.)", re.IGNORECASE)


def md_escape(value: object) -> str:
    """`value` as text that st.markdown, st.error, st.caption & co. show literally, never as markup.

    Every value that comes from data, a URL or an exception goes through this before being put
    into a string those functions render: `?snapshot=[notice](https://evil.example)` must show as
    those characters, not as a link, and a listing title cannot load an image. Line breaks become
    spaces (a new line could start a heading or a quote block); URLs and e-mail addresses are kept
    from being linked (see WORD_JOINER).
    """
    text = " ".join(str(value).splitlines())
    escaped = "".join(_ESCAPES.get(ch, ch) for ch in text)
    return _WWW.sub("\\g<0>" + WORD_JOINER, escaped)


# -- the store and cached queries -----------------------------------------------------------------


def settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        st.error(_("gigwatch is misconfigured: {error}").format(error=md_escape(exc)))
        st.stop()
        raise  # unreachable: st.stop() raises


def _store_key(s: Settings) -> tuple[str, str, str]:
    return (s.catalog, s.files_path, s.lake)


@st.cache_resource(show_spinner=False)
def _store_for(key: tuple[str, str, str], _settings: Settings) -> Store:
    return get_store(_settings)


def store() -> Store:
    """This process's store for the configured lake (one connection per process)."""
    s = settings()
    return _store_for(_store_key(s), s)


@st.cache_data(ttl=SNAPSHOT_TTL_SECONDS, show_spinner=False)
def _current_snapshot(key: tuple[str, str, str]) -> int:
    return store().snapshot_id()


@st.cache_data(ttl=3600, show_spinner=False)
def _snapshot_exists(key: tuple[str, str, str], snapshot_id: int) -> bool:
    return store().snapshot_exists(snapshot_id)


def pinned_snapshot() -> int | None:
    """The snapshot named by `?snapshot=`, if it is a valid one of this lake."""
    raw = st.query_params.get(SNAPSHOT_PARAM)
    if raw is None or raw == "":
        return None
    try:
        wanted = int(raw)
    except ValueError:
        return None
    return wanted if _snapshot_exists(_store_key(settings()), wanted) else None


def snapshot() -> int:
    """The snapshot this view reads: the pinned one, else the lake's current one."""
    pinned = pinned_snapshot()
    return pinned if pinned is not None else _current_snapshot(_store_key(settings()))


@st.cache_data(ttl=QUERY_TTL_SECONDS, show_spinner=False, max_entries=1000)
def _cached_query(
    name: str, key: tuple[str, str, str], snapshot_id: int, kwargs: tuple[tuple[str, Any], ...]
) -> pd.DataFrame:
    function: Callable[..., pd.DataFrame] = getattr(queries, name)
    return function(store(), snapshot_id, **dict(kwargs))


def _frozen(function: Callable[..., pd.DataFrame], kwargs: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    """`kwargs` as a cache key: lists as tuples, and without the arguments given their default
    value, so that `events()` and `events(platforms=())` are one cached read, not two."""
    defaults = _defaults(function)
    frozen = ((k, tuple(v) if isinstance(v, list) else v) for k, v in kwargs.items())
    return tuple(sorted((k, v) for k, v in frozen if not (k in defaults and defaults[k] == v)))


_DEFAULTS: dict[str, dict[str, Any]] = {}


def _defaults(function: Callable[..., pd.DataFrame]) -> dict[str, Any]:
    name = function.__name__
    if name not in _DEFAULTS:
        _DEFAULTS[name] = {p.name: p.default for p in inspect.signature(function).parameters.values()
                           if p.default is not inspect.Parameter.empty}
    return _DEFAULTS[name]


def query(function: Callable[..., pd.DataFrame], **kwargs: Any) -> pd.DataFrame:
    """Run a `dashboard.queries` function on this view's snapshot, cached with a TTL.

    Keyword arguments must be hashable (pass tuples, not lists).
    """
    return _cached_query(function.__name__, _store_key(settings()), snapshot(), _frozen(function, kwargs)).copy()


@contextlib.contextmanager
def reading() -> Iterator[None]:
    """This page run's reads in one read transaction (`Store.read_batch`): the lake's catalog is
    read once per run instead of once per query. Every query names its snapshot, so the rows are
    the same; a write (a report, a moderation) ends the batch first."""
    try:
        current = store()
    except Exception:  # page_frame says so on the page
        current = None
    if current is None:
        yield
        return
    with current.read_batch():
        yield


def platform_names() -> dict[str, str]:
    frame = query(queries.platforms)
    return dict(zip(frame["platform_id"], frame["name"], strict=True))


def lake_status() -> dict[str, Any]:
    frame = query(queries.lake_status)
    return {str(k): v for k, v in frame.iloc[0].items()} if not frame.empty else {}


# -- formatting -----------------------------------------------------------------------------------


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def fmt_time(value: Any) -> str:
    """A UTC timestamp as the view's language writes it, with "UTC" (or "never")."""
    if is_missing(value):
        return _("never")
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return i18n.moment(stamp.to_pydatetime())


def fmt_date(value: Any) -> str:
    if is_missing(value):
        return "—"
    return i18n.day(pd.Timestamp(value).date())


def fmt_usd(value: Any, *, per: str | None = None) -> str:
    """US dollars in the view's language, per hour unless `per` says otherwise ("" for none)."""
    if is_missing(value):
        return "—"
    return i18n.money(float(value), "USD") + (_("/h") if per is None else per)


def fmt_number(value: Any, digits: int = 0) -> str:
    if is_missing(value):
        return "—"
    return i18n.number(float(value), digits)


def fmt_share(value: Any) -> str:
    if is_missing(value):
        return "—"
    return i18n.percent(float(value))


def caption(n: Any, what: str, *, as_of: Any = None, extra: str = "") -> None:
    """The line beside every figure: how many rows it rests on, and when the data is from."""
    # Translators: "n" is the count of rows a figure rests on; {what} says what was counted.
    parts = [_("n = {n} {what}").format(n=fmt_number(n), what=what)]
    if as_of is not None:
        # Translators: when the data shown is from, e.g. "as of Jul 4, 2026 6:00 AM UTC".
        parts.append(_("as of {time}").format(time=fmt_time(as_of)))
    if extra:
        parts.append(extra)
    st.caption(" · ".join(parts))


def empty_state(what: str, todo: str) -> None:
    """Explain an empty view and say what to do next (`what` and `todo` already translated; a
    `todo` that is exactly `NO_DATA_TODO` is translated here)."""
    if todo == NO_DATA_TODO:
        todo = no_data_todo()
    st.info(f"**{what}** {todo}")


# English, for extraction: shown through `no_data_todo()` (or `empty_state(..., NO_DATA_TODO)`).
NO_DATA_TODO = N_(
    "Nothing has been collected into this lake yet. To look around with fictional data, run "
    "`make demo` (or `gigwatch demo --serve`); to collect real listings, run `gigwatch collect`, "
    "or `gigwatch serve` to collect on a schedule."
)


translated = i18n.translated  # pages call common.translated(CONSTANT)


def no_data_todo() -> str:
    """`NO_DATA_TODO` in the view's language."""
    return translated(NO_DATA_TODO)


def column_headers() -> dict[str, str]:
    """Column name -> its header in the view's language, for the tables the pages show.

    Used outside English only: in English a table keeps its columns' own names, the ones of the
    downloads and the data dictionary (which keep them in every language)."""
    # Translators: column headers of tables (sources, runs, raw responses, moderation); short is best.
    return {
        "source_name": pgettext("column header", "source"),
        "platform": pgettext("column header", "platform"),
        "platform_id": pgettext("column header", "platform"),
        "kind": pgettext("column header", "kind"),
        "last_status": pgettext("column header", "last status"),
        "last_run_at": pgettext("column header", "last run"),
        "last_items": pgettext("column header", "items in the last run"),
        "last_ok_at": pgettext("column header", "last successful run"),
        "last_error": pgettext("column header", "last error"),
        "coverage": pgettext("column header", "coverage"),
        "capture_kind": pgettext("column header", "kind of capture"),
        "captures": pgettext("column header", "captures"),
        "used": pgettext("column header", "used"),
        "unparseable": pgettext("column header", "unparseable"),
        "first_capture_at": pgettext("column header", "first capture"),
        "last_capture_at": pgettext("column header", "last capture"),
        "captured_at": pgettext("column header", "captured"),
        "started_at": pgettext("column header", "started"),
        "run_kind": pgettext("column header", "kind of run"),
        "status": pgettext("column header", "status"),
        "complete": pgettext("column header", "complete"),
        "items_count": pgettext("column header", "items"),
        "error": pgettext("column header", "error"),
        "run_id": pgettext("column header", "run"),
        "version_no": pgettext("column header", "version"),
        "valid_from": pgettext("column header", "valid from"),
        "url": pgettext("column header", "address"),
        "fetched_at": pgettext("column header", "fetched"),
        "http_status": pgettext("column header", "HTTP status"),
        "content_type": pgettext("column header", "content type"),
        "body_bytes": pgettext("column header", "size (bytes)"),
        "not_modified": pgettext("column header", "not modified"),
        "content_sha256": pgettext("column header", "SHA-256"),
        # The moderators' tables (Admin).
        "id": pgettext("column header", "id"),
        "moderation_status": pgettext("column header", "moderation"),
        "reasons": pgettext("column header", "flags"),
        "submitted_at": pgettext("column header", "submitted"),
        "source_kind": pgettext("column header", "kind of source"),
        "platform_other": pgettext("column header", "other platform"),
        "project_code": pgettext("column header", "project code"),
        "amount_expected": pgettext("column header", "amount expected"),
        "amount_received": pgettext("column header", "amount received"),
        "currency": pgettext("column header", "currency"),
        "work_period_start": pgettext("column header", "work began"),
        "work_period_end": pgettext("column header", "work ended"),
        "expected_pay_date": pgettext("column header", "pay due"),
        "paid_date": pgettext("column header", "paid on"),
        "days_late": pgettext("column header", "days late"),
        "payment_method": pgettext("column header", "payment method"),
        "causes": pgettext("column header", "causes"),
        "support_response": pgettext("column header", "support's response"),
        "account_status": pgettext("column header", "account status"),
        "country": pgettext("column header", "country"),
        "evidence_types": pgettext("column header", "evidence"),
        "event_id": pgettext("column header", "event"),
        "fingerprint": pgettext("column header", "fingerprint"),
        "narrative_scrubbed": pgettext("column header", "what the reporter wrote (scrubbed)"),
        "source_url": pgettext("column header", "source link"),
        "title": pgettext("column header", "title"),
        "event_date": pgettext("column header", "date"),
        "n_reports": pgettext("column header", "reports"),
        "seq": pgettext("column header", "no."),
        "at": pgettext("column header", "when"),
        "moderator": pgettext("column header", "moderator"),
        "action": pgettext("column header", "action"),
        "report_id": pgettext("column header", "report"),
        "before": pgettext("column header", "before"),
        "after": pgettext("column header", "after"),
    }


def frame_table(frame: pd.DataFrame, *, translate_headers: bool = True, **kwargs: Any) -> None:
    """Show a table; user-supplied text is rendered as plain cells (never as HTML).

    Outside English, the headers of known columns (`column_headers`) are translated unless the
    caller configured the column; `translate_headers=False` keeps the columns' own names (a table
    whose columns the page documents by name, as Explore's and the README's)."""
    if translate_headers and i18n.current() != i18n.DEFAULT_LANGUAGE:
        config = dict(kwargs.pop("column_config", None) or {})
        headers = column_headers()
        for column in frame.columns:
            if column in headers and column not in config:
                config[column] = st.column_config.Column(headers[column])
        kwargs["column_config"] = config
    st.dataframe(frame, hide_index=True, width="stretch", **kwargs)


def markdown_with_tables(markdown: str) -> None:
    """Repository-written markdown (never user data), with its tables as scrollable grids so that
    wide tables fit a phone."""
    from dashboard import readme

    for block in readme.blocks(markdown):
        if isinstance(block, str):
            st.markdown(block)
        else:
            frame_table(block, translate_headers=False)  # the README is English, authoritative


# -- widgets whose state lives in the URL -----------------------------------------------------------


def _set_param(key: str, value: str | list[str] | None, default: str | list[str] | None) -> None:
    if value is None or value == default or value == [] or value == "":
        if key in st.query_params:
            del st.query_params[key]
        return
    if st.query_params.get_all(key) != (value if isinstance(value, list) else [value]):
        st.query_params[key] = value


def param_multiselect(
    label: str,
    options: Sequence[str],
    *,
    key: str,
    default: Sequence[str] = (),
    format_func: Callable[[str], Any] = str,
    help: str | None = None,
    placeholder: str | None = None,
) -> list[str]:
    """A multiselect initialised from `?key=a&key=b` and written back to the URL on change
    (`placeholder` defaults to "All", translated)."""
    options = list(options)
    if key not in st.session_state:
        wanted = st.query_params.get_all(key)
        initial = [o for o in wanted if o in options] if wanted else list(default)
        st.session_state[key] = [o for o in initial if o in options]
    else:
        st.session_state[key] = [o for o in st.session_state[key] if o in options]
    value: list[str] = st.multiselect(
        label, options, key=key, format_func=format_func, help=help,
        placeholder=_("All") if placeholder is None else placeholder,
    )
    _set_param(key, value, list(default))
    return value


def param_choice(
    label: str,
    options: Sequence[str],
    *,
    key: str,
    default: str,
    format_func: Callable[[str], Any] = str,
    help: str | None = None,
    widget: str = "selectbox",
    horizontal: bool = True,
) -> str:
    """A selectbox or radio initialised from `?key=value` and written back to the URL."""
    options = list(options)
    if default not in options and options:
        default = options[0]
    if key not in st.session_state or st.session_state[key] not in options:
        wanted = st.query_params.get(key)
        st.session_state[key] = wanted if wanted in options else default
    if widget == "radio":
        value = st.radio(label, options, key=key, format_func=format_func, help=help, horizontal=horizontal)
    else:
        value = st.selectbox(label, options, key=key, format_func=format_func, help=help)
    _set_param(key, value, default)
    return str(value)


def param_text(label: str, *, key: str, default: str = "", help: str | None = None, max_chars: int = 200) -> str:
    """A text input initialised from `?key=...` and written back to the URL."""
    if key not in st.session_state:
        st.session_state[key] = (st.query_params.get(key) or default)[:max_chars]
    value = st.text_input(label, key=key, help=help, max_chars=max_chars)
    _set_param(key, value, default)
    return str(value)


def param_toggle(label: str, *, key: str, default: bool = False, help: str | None = None) -> bool:
    """A toggle initialised from `?key=1` / `?key=0` and written back to the URL."""
    if key not in st.session_state:
        raw = st.query_params.get(key)
        st.session_state[key] = default if raw is None else raw in ("1", "true", "yes")
    value = bool(st.toggle(label, key=key, help=help))
    _set_param(key, "1" if value else "0", "1" if default else "0")
    return value


def platform_filter(*, key: str = "platform", label: str | None = None) -> list[str]:
    """The platforms multiselect (`label` defaults to "Platforms", translated)."""
    names = platform_names()
    return param_multiselect(
        _("Platforms") if label is None else label, sorted(names, key=lambda p: names[p].lower()), key=key,
        format_func=lambda p: names.get(p, p),
    )


# -- the frame around every page ----------------------------------------------------------------------


def permalink_query(snapshot_id: int) -> str:
    """This view's query string with its filters, its language and the snapshot it read."""
    pairs: list[tuple[str, str]] = []
    for key in st.query_params:
        if key in RESERVED_PARAMS:
            continue
        pairs.extend((key, value) for value in st.query_params.get_all(key))
    if i18n.LANGUAGE_PARAM not in st.query_params and i18n.current() != i18n.DEFAULT_LANGUAGE:
        pairs.append((i18n.LANGUAGE_PARAM, i18n.current()))
    pairs.append((SNAPSHOT_PARAM, str(snapshot_id)))
    return urlencode(pairs)


def permalink(snapshot_id: int) -> str:
    base = st.context.url or ""
    return f"{base}?{permalink_query(snapshot_id)}"


def browser_language() -> str | None:
    """The browser's language tag (`st.context.locale`), if Streamlit knows it."""
    try:
        return st.context.locale
    except Exception:
        return None


def language() -> str:
    """Choose and activate this view's language: `?lang=`, then the browser's, then English.

    Run first in every script run, before anything is drawn or any page title is made."""
    chosen = i18n.choose(st.query_params.get(i18n.LANGUAGE_PARAM), browser_language())
    i18n.activate(chosen)
    return chosen


def language_picker(*, key: str = "language_picker") -> None:
    """A select box of the languages, each in its own name; the choice goes into `?lang=`."""
    options = list(i18n.LANGUAGES)
    current = i18n.current()
    choice = st.selectbox(
        "Language · Idioma · Langue · Lugha · Wika", options, index=options.index(current),  # i18n-ignore: every language's word for it
        format_func=lambda code: i18n.LANGUAGES[code], key=f"{key}_{current}",
    )
    if choice != current:
        st.query_params[i18n.LANGUAGE_PARAM] = choice
        st.rerun()


def translation_notice() -> None:
    """Once per page in a language other than English: the translation is unreviewed."""
    if i18n.current() != i18n.DEFAULT_LANGUAGE:
        st.caption(_("This translation was made without review by native speakers. For the method, the "
                     "English version is authoritative."), help=_("Corrections are welcome: see "
                                                                   "CONTRIBUTING.md, “Translations”."))


def page_frame() -> None:
    """Run before every page: the language, demo banner, the snapshot notice, and the data's "as of"."""
    with st.sidebar:
        language_picker()
    translation_notice()
    try:
        current = store()
    except Exception as exc:  # a broken lake must say so on every page, not crash
        st.error(_("The data store could not be opened: {error}").format(error=md_escape(exc)))
        st.stop()
        return
    if current.is_demo:
        st.warning(
            _("**Demo data.** This dashboard is serving the demo lake: the platforms (“Demo …”), "
              "listings, payment reports and events are fictional, generated to show what the "
              "dashboard does. Do not cite these numbers."),
            icon=":material/warning:",
        )
    raw = st.query_params.get(SNAPSHOT_PARAM)
    pinned = pinned_snapshot()
    if raw not in (None, "") and pinned is None:
        st.error(
            _("This link asks for snapshot “{snapshot}”, which this lake does not have (it may have "
              "been expired by maintenance). Showing the latest data instead.").format(snapshot=md_escape(raw))
        )
    status = lake_status()
    snap = snapshot()
    if pinned is not None:
        st.info(
            _("Pinned view: the numbers below are exactly those of DuckLake snapshot {snapshot} "
              "(taken {time}), whatever was collected since. "
              "Remove `snapshot=` from the address to see the latest data.").format(
                snapshot=pinned, time=fmt_time(status.get("snapshot_time"))),
            icon=":material/push_pin:",
        )
    with st.sidebar:
        n_listings = status.get("n_listings")
        # Translators: English uses "listings" for every count; give each plural form its own word.
        st.caption(ngettext(
            "Data as of **{time}** (last successful collection) · snapshot {snapshot} · {n} listings",
            "Data as of **{time}** (last successful collection) · snapshot {snapshot} · {n} listings",
            int(n_listings) if n_listings is not None and not is_missing(n_listings) else 0,
        ).format(time=fmt_time(status.get("as_of")), snapshot=snap, n=fmt_number(n_listings)))


# The permalink box, like every chart's popovers (`chart_block`), draws its content only when opened
# (`on_change="rerun"`): a page's first load does not send, nor make the browser load the code
# viewer for, what nobody asked to see. Tests open it by this key (`session_state[key] = True`).
PERMALINK_BOX_KEY = "permalink_box"


@contextlib.contextmanager
def lazy_expander(label: str, *, key: str, icon: str | None = None) -> Iterator[bool]:
    """An expander, closed, whose content is drawn only once it is opened (a rerun, from the
    cache): `with lazy_expander(label, key=...) as shown: if shown: ...`. A table nobody opened
    is neither queried, nor sent, nor drawn by the browser on a page's first load."""
    box = st.expander(label, icon=icon, key=key, on_change="rerun")
    with box:
        yield bool(box.open)


def permalink_box() -> None:
    """A permalink of this view (filters + snapshot), for citing; shown at the foot of a page.
    Its content is drawn when it is opened (a rerun, from the cache)."""
    snap = snapshot()
    box = st.expander(_("Cite or share this view"), icon=":material/link:", key=PERMALINK_BOX_KEY, on_change="rerun")
    with box:
        if not box.open:
            return
        st.markdown(
            _("This link stores the filters and the data snapshot: opened later, it shows exactly "
              "these numbers, even after new collections.")
        )
        st.code(permalink(snap), language=None)
        status = lake_status()
        st.caption(
            _("Cite as: gigwatch, snapshot {snapshot}, data as of {time}, retrieved {day}.").format(
                snapshot=snap, time=fmt_time(status.get("as_of")), day=f"{date.today():%Y-%m-%d}")
        )


# -- the signed-in moderator ---------------------------------------------------------------------------

MODERATOR_SESSION_KEY = "moderator_session"
MODERATOR_SIGNED_OUT_KEY = "moderator_signed_out_reason"


def signed_in_moderator() -> str | None:
    """The moderator signed in in this browser session, or None.

    None also when the session has just ended (idle or too long, the account removed, its password
    changed): the reason is left in `st.session_state[MODERATOR_SIGNED_OUT_KEY]` for the admin page
    to show. Each call counts as activity. Moderation functions take this name as `moderator`.
    """
    from collectors.moderators import ModeratorSession, session_end_reason, touch

    session = ModeratorSession.from_state(st.session_state.get(MODERATOR_SESSION_KEY))
    if session is None:
        return None
    reason = session_end_reason(settings(), session)
    if reason is not None:
        end_moderator_session(reason)
        return None
    st.session_state[MODERATOR_SESSION_KEY] = touch(session).as_state()
    return session.name


def start_moderator_session(session: Any) -> None:
    """Remember a `collectors.moderators.ModeratorSession` from a successful sign-in."""
    st.session_state[MODERATOR_SESSION_KEY] = session.as_state()
    st.session_state.pop(MODERATOR_SIGNED_OUT_KEY, None)


def end_moderator_session(reason: str | None = None) -> None:
    st.session_state.pop(MODERATOR_SESSION_KEY, None)
    if reason is not None:
        st.session_state[MODERATOR_SIGNED_OUT_KEY] = reason


# -- every chart: its data, its image, its citation -------------------------------------------------


@st.cache_resource(ttl=QUERY_TTL_SECONDS, max_entries=500, show_spinner=False)
def _cached_chart(name: str, key: tuple[str, str, str], snapshot_id: int, filters: tuple[tuple[str, Any], ...],
                  language: str) -> tuple[chart_registry.Built, downsample.Drawn]:
    """Chart `name` built from snapshot `snapshot_id` (its queries read that snapshot, whatever the
    lake's current one is by then) and thinned for drawing, once per store, snapshot, filters and
    language: building plotly figures was most of a warm page's time. Shared, never changed:
    the page draws the thinned copy and the downloads read the whole figure."""

    def fetch(function: Callable[..., pd.DataFrame], **kwargs: Any) -> pd.DataFrame:
        return _cached_query(function.__name__, key, snapshot_id, _frozen(function, kwargs)).copy()

    frame = fetch(queries.platforms)
    names = dict(zip(frame["platform_id"], frame["name"], strict=True))
    built = chart_registry.get(name).build(fetch, names, dict(filters))
    return built, downsample.for_drawing(built.figure)


def chart(name: str, filters: Mapping[str, Any], *, key: str) -> chart_registry.Built:
    """Draw the registry's chart `name` for these filters, with its data, image and citation below."""
    spec = chart_registry.get(name)
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in filters.items()))
    built, drawn = _cached_chart(name, _store_key(settings()), snapshot(), frozen, i18n.current())
    chart_block(spec, built, filters, key=key, drawn=drawn)
    return built


def chart_block(spec: chart_registry.ChartSpec, built: chart_registry.Built, filters: Mapping[str, Any], *,
                key: str, drawn: downsample.Drawn | None = None) -> None:
    """The chart, then "Download this chart's data" (CSV, JSON, metadata), its image (PNG, SVG,
    rendered only when asked for) and "Cite or share this view" (permalink, APA-like, BibTeX,
    CSL-JSON). A line of more than `downsample.MAX_POINTS_PER_LINE` points is drawn thinned
    (`drawn`, said under the chart); the downloads are made from the whole figure."""
    drawn = drawn or downsample.for_drawing(built.figure)
    st.plotly_chart(drawn.figure, key=key)
    if drawn.thinned:
        st.caption(_("This chart draws {drawn} of its {total} points, those that keep each line's shape "
                     "(peaks and troughs included). The downloads have every point.").format(
                         drawn=fmt_number(drawn.points_drawn), total=fmt_number(drawn.points_total)))
    data_col, image_col, cite_col = st.columns(3)
    # Each popover's content is drawn when it is opened (a rerun, from the cached chart): a page
    # of four charts would otherwise send twenty buttons and sixteen code blocks nobody opened.
    data_pop = data_col.popover(_("Download this chart's data"), icon=":material/table_view:", width="stretch",
                                key=f"{key}_data_popover", on_change="rerun")
    image_pop = image_col.popover(_("Download this chart's image"), icon=":material/image:", width="stretch",
                                  key=f"{key}_image_popover", on_change="rerun")
    cite_pop = cite_col.popover(_("Cite or share this view"), icon=":material/format_quote:", width="stretch",
                                key=f"{key}_cite_popover", on_change="rerun")
    if not (data_pop.open or image_pop.open or cite_pop.open):
        return
    snap = snapshot()
    meta = chart_registry.chart_meta(
        spec, built, query, platform_names(), filters, snapshot_id=snap, permalink=permalink(snap),
        demo=store().is_demo, retrieved=f"{date.today():%Y-%m-%d}",
    )
    fig, stem = built.figure, chart_export.file_stem(meta)
    if data_pop.open:
        _data_downloads(data_pop, spec, fig, meta, stem, key=key)
    if image_pop.open:
        _image_downloads(image_pop, fig, meta, stem, key=key)
    if cite_pop.open:
        _citations(cite_pop, meta)


def _data_downloads(container: DeltaGenerator, spec: chart_registry.ChartSpec, fig: go.Figure,
                    meta: chart_export.ChartMeta, stem: str, *, key: str) -> None:
    with container:
        # Translators: {units} says what the chart's numbers are, e.g. "US dollars per hour".
        st.caption(_("Every point, band and marker of the chart, all of them even where a long line is "
                     "drawn thinned: {units}. The metadata names the snapshot, filters, n and original sources.").format(units=spec.shown(spec.units)))
        st.download_button("CSV", lambda: chart_export.data_csv(fig), file_name=f"{stem}.csv", mime="text/csv",
                           key=f"{key}_csv", on_click="ignore", width="stretch")
        st.download_button(_("CSV metadata (JSON)"), lambda: chart_export.metadata_json(meta),
                           file_name=f"{stem}.metadata.json", mime="application/json", key=f"{key}_meta",
                           on_click="ignore", width="stretch")
        st.download_button(_("JSON (data and metadata)"), lambda: chart_export.data_json(fig, meta),
                           file_name=f"{stem}.json", mime="application/json", key=f"{key}_json",
                           on_click="ignore", width="stretch")


def _image_downloads(container: DeltaGenerator, fig: go.Figure, meta: chart_export.ChartMeta, stem: str, *,
                     key: str) -> None:
    with container:
        st.caption(_("With the title, the filters and the source line; rendered when you click."))
        st.download_button("PNG", lambda: chart_export.render_image(fig, meta, "png"), file_name=f"{stem}.png",
                           mime="image/png", key=f"{key}_png", on_click="ignore", width="stretch")
        st.download_button("SVG", lambda: chart_export.render_image(fig, meta, "svg"), file_name=f"{stem}.svg",
                           mime="image/svg+xml", key=f"{key}_svg", on_click="ignore", width="stretch")


def _citations(container: DeltaGenerator, meta: chart_export.ChartMeta) -> None:
    with container:
        st.caption(_("This link keeps the filters and the data snapshot: opened later, it shows exactly this chart."))
        st.code(meta.permalink, language=None)
        st.caption(_("Citation (APA-like)"))
        st.code(chart_export.citation_text(meta), language=None, wrap_lines=True)
        st.caption("BibTeX")
        st.code(chart_export.citation_bibtex(meta), language="bibtex")
        st.caption("CSL-JSON (Zotero, pandoc)")
        st.code(chart_export.citation_csl_json(meta), language="json")
        st.caption(_("Please cite the platforms' original sources too, as the citation does."))


def feed_links(platform_ids: Sequence[str] = (), *, overall: bool = True) -> None:
    """Links to the Atom feeds (all platforms, and each of `platform_ids`) that follow this view.

    Link buttons, not markdown: a platform's name is data and never becomes a markdown link."""
    from urllib.parse import quote

    from collectors.feeds import feed_url

    lake = settings().lake
    if not overall and len(platform_ids) == 1:
        st.link_button(_("Follow (Atom feed)"), quote(feed_url(lake, platform_ids[0])), icon=":material/rss_feed:")
        return
    names = platform_names()
    with st.popover(_("Follow this view (Atom feeds)"), icon=":material/rss_feed:"):
        st.caption(_("Pay cuts on live listings, unusual weeks of new or closed listings, availability drops, "
                     "cited events and collection breaks."))
        if overall:
            st.link_button(_("All platforms"), feed_url(lake), width="stretch")
        for platform_id in platform_ids:
            st.link_button(md_escape(names.get(platform_id, platform_id)), quote(feed_url(lake, platform_id)),
                           width="stretch")


def release_list() -> None:
    """The numbered releases of this lake (`gigwatch release`), newest first, with links to their files."""
    from urllib.parse import quote

    from collectors.release import list_releases, releases_dir

    lake = settings().lake
    releases = list_releases(releases_dir(lake))
    if not releases:
        empty_state(_("No releases yet."), _("`gigwatch release` writes a numbered, reproducible bundle of the public "
                                             "data (CSV, Parquet, CHANGELOG, CITATION.cff, SHA256SUMS) that this list links."))
        return
    for manifest in reversed(releases):
        number, snap = int(manifest["release"]), int(manifest["snapshot_id"])
        base = f"app/static/releases/{quote(lake)}/gigwatch-release-{number}"
        when = fmt_time(manifest.get("as_of"))
        if manifest.get("demo"):
            label = _("Release {number} · snapshot {snapshot} · data as of {time} · demo data")
        else:
            label = _("Release {number} · snapshot {snapshot} · data as of {time}")
        with st.expander(label.format(number=number, snapshot=snap, time=when), icon=":material/inventory_2:"):
            files = pd.DataFrame({"file": [str(n) for n in manifest["files"]]})
            files["link"] = [f"{base}/{quote(name)}" for name in files["file"]]
            frame_table(files, key=f"release_{number}", column_config={
                # Translators: column headers of a release's file list; "open" is a link's text.
                "file": st.column_config.TextColumn(_("file")),
                "link": st.column_config.LinkColumn(_("download"), display_text=pgettext("link to a file", "open")),
            })
            st.caption(_("Cite as: {citation}. Check the files with `sha256sum -c SHA256SUMS`.").format(
                citation=md_escape(manifest.get("cite_as", ""))))

"""The reasons stored with payment-report figures (why a figure is missing, why a group is not
shown), in the view's language: read back into their template with `collectors.reports.reasons`
and translated; a text no template made is shown as stored."""

from __future__ import annotations

from typing import Any

from collectors.reports import reasons
from dashboard import i18n


def shown(text: Any) -> Any:
    """A stored reason in the view's language; anything else (None, NaN) as it is."""
    if not isinstance(text, str):
        return text
    return reasons.shown(text, i18n.translations(i18n.current()).gettext)

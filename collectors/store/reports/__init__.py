"""The payment-report domain, one module per concern:

* `submission`: the form's reports, updates, withdrawals, imports, receipt codes, rate limiting;
* `duplicates`: the near-duplicate index;
* `moderation`: the queue, decisions, mass incidents, the audit log;
* `public`: the published aggregates (the only report data in the lake);
* `forum`: forum runs and their public signals.

Reports and their text live in the private vault (`collectors.store.vault`), never in the lake.
"""

from __future__ import annotations

from collectors.store.reports.base import (
    EVENT_KINDS,
    MODERATION_STATUSES,
    REPORT_COLUMNS,
    REPORT_SCHEMA,
    RateLimited,
    ReceiptNotFound,
    ReportError,
    ReportRejected,
)
from collectors.store.reports.forum import (
    forum_signal_counts,
    forum_signals,
    last_forum_run_at,
    save_forum_run,
)
from collectors.store.reports.legacy import CREATE_CELLS, backfill_report_cells
from collectors.store.reports.moderation import (
    AUDIT_COLUMNS,
    QUEUE_COLUMNS,
    approve,
    approve_import_run,
    audit_log,
    create_event,
    list_events,
    merge_duplicates,
    moderation_queue,
    reject,
    tag_event,
)
from collectors.store.reports.public import (
    GROUPINGS,
    all_figures,
    compute_figures,
    publish,
    published_figures,
    published_risk_sets,
    report_maintenance,
)
from collectors.store.reports.submission import (
    SUBMISSIONS_HARD_LIMIT,
    SUBMISSIONS_PER_HOUR,
    UNKNOWN_CLIENT,
    UPDATES_PER_HOUR,
    ImportAccount,
    Receipt,
    RowOutcome,
    UpdateResult,
    client_address_from,
    client_hash,
    import_label,
    import_reports,
    new_receipt_code,
    normalise_receipt,
    receipt_hash,
    submit_report,
    trusted_proxies,
    update_report,
    validate_for_store,
    withdraw_report,
)

__all__ = [
    "AUDIT_COLUMNS",
    "CREATE_CELLS",
    "EVENT_KINDS",
    "GROUPINGS",
    "MODERATION_STATUSES",
    "QUEUE_COLUMNS",
    "REPORT_COLUMNS",
    "REPORT_SCHEMA",
    "SUBMISSIONS_HARD_LIMIT",
    "SUBMISSIONS_PER_HOUR",
    "UNKNOWN_CLIENT",
    "UPDATES_PER_HOUR",
    "ImportAccount",
    "RateLimited",
    "Receipt",
    "ReceiptNotFound",
    "ReportError",
    "ReportRejected",
    "RowOutcome",
    "UpdateResult",
    "all_figures",
    "approve",
    "approve_import_run",
    "audit_log",
    "backfill_report_cells",
    "client_address_from",
    "client_hash",
    "compute_figures",
    "create_event",
    "forum_signal_counts",
    "forum_signals",
    "import_label",
    "import_reports",
    "last_forum_run_at",
    "list_events",
    "merge_duplicates",
    "moderation_queue",
    "new_receipt_code",
    "normalise_receipt",
    "publish",
    "published_figures",
    "published_risk_sets",
    "receipt_hash",
    "reject",
    "report_maintenance",
    "save_forum_run",
    "submit_report",
    "tag_event",
    "trusted_proxies",
    "update_report",
    "validate_for_store",
    "withdraw_report",
]

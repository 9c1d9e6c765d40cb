"""Payment reports and forum signals: what workers say about late, partial and missing pay.

* `schema`: the vocabulary, the `PaymentReport` record and `validate()` (the one way in).
* `schedules`: platforms' published pay schedules, to derive when pay was due.
* `scrub`: identifiers out of free text before anything is stored.
* `delays`: time to payment (Kaplan-Meier, censored reports kept), small groups suppressed.
* `importer`: `gigwatch reports import FILE` (CSV or JSON, see docs/report-import-format.md).
* `forum`: classifying worker-forum posts (late pay, missing pay, pay cuts, empty queues).

Storage is `collectors.store.reports`; the Reddit source is `collectors.sources.reddit`.
"""

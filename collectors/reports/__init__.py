"""Payment reports and forum signals: what workers say about late, partial and missing pay.

* `schema`: the vocabulary, the `PaymentReport` record and `validate()` (the one way in), one
  checker per section of the form.
* `dates`: `ApproxDate`, a date as a worker gives it (a day, a month, "about", "don't know").
* `schedules`: platforms' published pay schedules and `due_date()` (stated > published >
  estimated from a stated cycle), to know when pay was due.
* `scrub`: identifiers out of free text before anything is stored.
* `delays`: time to payment (Kaplan-Meier, censored reports kept; the Turnbull NPMLE for
  interval-censored reports), `delay_figures()` and `effective_pay_figures()` per group with
  the reason for every missing figure; small groups suppressed.
* `importer`: `gigwatch reports import FILE` (CSV or JSON, see docs/report-import-format.md).
* `forum`: classifying worker-forum posts (late pay, missing pay, pay cuts, empty queues).

Storage is `collectors.store.reports`; the Reddit source is `collectors.sources.reddit`.
"""

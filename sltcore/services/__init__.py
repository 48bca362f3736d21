"""Services: what a user can do (record, change, cancel, issue...) and what pages ask (lists,
profiles, totals). Each write is one `store.transact`; each rule lives in one function here or
in `sltcore.validation`, and pages only show its results."""

"""AmoCRM, the procedure's CRM, as a source (API v4, through a thin client of ours: no maintained
Python client exists): ``client`` (pace, retries, paging, errors in one line), ``account`` (what a
project needs read from an account, a second run asking only for what changed), ``writes`` (tasks
for admins, a register moved in through ``leads/complex``)."""

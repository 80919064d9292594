"""What a team runs, each one read and one atomic write per project: ``read`` (the two reads), ``project``
(validate, summarize, report, the weekly run of one project), ``fix``, ``folder`` (the weekly job over
a folder), ``provision``, ``upgrade``, ``demo``."""

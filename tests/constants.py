"""What many tests share: the day they run as, the accounts, the template (loaded once)."""

import datetime as dt

from sheets_plan.core.template_load import load

AS_OF = dt.date(2026, 3, 16)                  # a Monday: the week before is complete
AS_OF_TEXT = AS_OF.isoformat()                # as typed on the command line
RUN_AT = dt.datetime(2026, 3, 16, 9, 0)       # the weekly job's hour
ROBOT = "robot@project.iam.gserviceaccount.com"   # the service account the emulator knows
GOOGLE_ADMINS = ["anna@agency.com", "boris@agency.com"]
TEMPLATE = load()                             # the embedded default

"""Google Sheets v4 + Drive v3, in memory, strict like Google (moto-style).

A state model (``model.Spreadsheet``: the product's model with what people do in Sheets,
``drive_state.Drive`` for Drive) behind a thin request/response layer: a ``requests`` transport
adapter mounted on ``https://sheets.googleapis.com/`` and
``https://www.googleapis.com/``, so the real gspread client (and the product's
GoogleBackend) run unmodified::

    emu = Emulator()
    folder = emu.add_folder("Team")                  # a shared drive
    gc = emu.client()                                # a real gspread.Client
    sh = gc.create("Plan", folder_id=folder)
    assert emu.count("sheets.spreadsheets.get") == 1

Every request is recorded (``emu.requests``), authenticated (Bearer header, else
401), counted against an optional per-minute quota (429 + Retry-After), passed
to the fault hooks, validated against Google's discovery documents (400
INVALID_ARGUMENT before anything is served) and then served. Errors use
Google's JSON error shape.

What people do in Sheets, done as Google documents it (in the model:
``sheets_plan.model``, and ``sheets_plan.sheets.references``): inserting,
deleting and moving rows and columns shifts cells, merges, protected ranges,
conditional-format ranges, named ranges, the basic filter, chart sources and
anchors, developer metadata, groups, frozen counts and every formula
reference (``Plan!K:K`` included; deleted cells become ``#REF!``); renaming
or deleting a sheet rewrites the references to it; sortRange, basic filters
(hidden values), copy/cut paste, merges of every ``mergeType`` and unmerge,
dimension groups, hidden and sized rows and columns, autoresize (an
estimate of the text's width). Formulas are computed (``formulas``) in the
spreadsheet locale's syntax, and read back as effective and formatted values;
an error names what failed. Responses have Google's shapes: no nulls or
default flags, ColorStyle twins, row/column metadata, Sheets errors without
Drive's ``errors[]``. Drive: CSV export, the v2 CSV import.

Where Google's behaviour is richer than this emulator (number formats,
``values:append``'s ``INSERT_ROWS`` over data, filter conditions, pasting
conditional formats, exports other than CSV) the request is refused with a
501 that names the feature, never silently approximated.


Modules (the moto shape: state apart from request handling):

* ``server``: the Emulator, composed of ``harness`` (set-up helpers, behaviour hooks, clients) and
  ``pipeline`` (auth, quota, faults, discovery validation, dispatch, field masks);
* ``state``: what the handlers share (the account, its Drive, the spreadsheets' models);
* ``transport``: the requests adapter, recorded requests, fault hooks;
* ``sheets_api``, ``values_api`` (with ``values_read``, ``values_write``, ``values_append``),
  ``drive_api``: thin handlers per API area, each listing its routes;
* ``a1``, ``cells``, ``render``: A1 ranges, values as written, values as read;
* ``drive_state`` (with ``drive_files``, ``drive_listing``, ``drive_permissions``, ``drive_rules``),
  ``drive_query``: Drive's files, permissions and shared drives, its ``q`` language;
* ``errors``: Google's error shapes and field-mask checks;
* ``formulas`` (with ``formula_refs``, ``formula_parser``, ``formula_values``, ``formula_functions``,
  ``formula_criteria``, ``formula_registry``): the formula evaluator.
"""

from .drive_state import Drive
from .errors import ApiError
from .a1 import google_title
from .server import DRIVE_URL, SHEETS_URL, TOKEN, Emulator
from .transport import RecordedRequest, random_faults

__all__ = ["Emulator", "RecordedRequest", "ApiError", "Drive", "random_faults", "google_title",
           "SHEETS_URL", "DRIVE_URL", "TOKEN"]

"""The domain, pure: the template, tables read as admins fill them, the procedure's check and its flags,
the metrics (one definition each: a formula and pandas), dates and weeks, personal data. No I/O; imports
neither gspread, openpyxl nor the backends (checked by the import contract in pyproject.toml)."""

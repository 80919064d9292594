"""LibreOffice for the tests: recalculate or convert workbooks headless (``recalc``), and edit them as a
person does in Calc over UNO (``calc``, which runs ``uno_edit`` in the system Python)."""

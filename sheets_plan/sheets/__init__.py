"""Spreadsheet notation, no domain: A1 names and ranges, cell values in the API's forms, the one
formula form and its lexer, references that move with rows and columns. Pure."""

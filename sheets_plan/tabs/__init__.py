"""The spreadsheet's tabs as Sheets API batchUpdate requests, from the core's data: the structure a
template gives a project (``structure``) and its live highlighting (``highlighting``), the Weekly tab
(``weekly_tab``), the KPI tab (``kpi_tab``), the Check tab, the Log row and restored formulas
(``check_tab``), and the project as one read finds it (``snapshot``). Pure: data in, request dicts out."""

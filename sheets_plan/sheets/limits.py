"""Google's limit on the cells a spreadsheet holds (all its sheets' rows × columns together), and
what a batch of requests does to that count. Pure: the sheets' grid sizes and requests in."""

from __future__ import annotations

CELL_LIMIT = 10_000_000
NEW_SHEET = (1000, 26)  # a sheet added without a size: Google's default grid


def grids_of(meta: dict) -> dict[int, list[int]]:
    """{sheetId: [rows, columns]} of a spreadsheet's metadata."""
    return {s["properties"]["sheetId"]: [s["properties"].get("gridProperties", {}).get("rowCount", 0),
                                         s["properties"].get("gridProperties", {}).get("columnCount", 0)]
            for s in meta.get("sheets", [])}


def cells(grids: dict[int, list[int]]) -> int:
    return sum(rows * cols for rows, cols in grids.values())


def after(grids: dict[int, list[int]], requests: list[dict]) -> dict[int, list[int]]:
    """The grid sizes once `requests` are applied (the requests that change a grid's size)."""
    out = {k: list(v) for k, v in grids.items()}
    for request in requests:
        (kind, body), = request.items()
        if kind == "addSheet":
            props = body.get("properties", {})
            grid = props.get("gridProperties", {})
            out[props.get("sheetId", -len(out) - 1)] = [grid.get("rowCount", NEW_SHEET[0]),
                                                        grid.get("columnCount", NEW_SHEET[1])]
        elif kind == "deleteSheet":
            out.pop(body.get("sheetId"), None)
        elif kind == "duplicateSheet" and body.get("sourceSheetId") in out:
            out[body.get("newSheetId", -len(out) - 1)] = list(out[body["sourceSheetId"]])
        elif kind == "updateSheetProperties":
            props, fields = body.get("properties", {}), body.get("fields", "")
            grid, sid = props.get("gridProperties", {}), props.get("sheetId")
            for i, key in enumerate(("rowCount", "columnCount")):
                if sid in out and key in grid and (f"gridProperties.{key}" in fields or fields in ("*", "gridProperties")):
                    out[sid][i] = grid[key]
        elif kind in ("appendDimension", "insertDimension", "deleteDimension"):
            rng = body.get("range", body)
            sid = rng.get("sheetId")
            if sid in out:
                i = 0 if rng.get("dimension") == "ROWS" else 1
                n = body["length"] if kind == "appendDimension" else rng.get("endIndex", 0) - rng.get("startIndex", 0)
                out[sid][i] += -n if kind == "deleteDimension" else n
    return out

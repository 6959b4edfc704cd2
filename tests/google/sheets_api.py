"""The Sheets API methods the emulator implements, applied to its in-memory spreadsheets.

``spreadsheets.get`` (with the ``fields`` mask), ``values.batchGet``,
``values.batchUpdate`` (RAW and USER_ENTERED), ``values.batchClear`` and
``spreadsheets.batchUpdate`` (addSheet, deleteSheet, updateSheetProperties,
updateCells, repeatCell, updateDimensionProperties, autoResizeDimensions, mergeCells, unmergeCells,
setBasicFilter, clearBasicFilter). Writes are
made on a copy that replaces the spreadsheet's tabs only when all of it
succeeded: one refused request leaves the spreadsheet unchanged, as with Google.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from .errors import ApiError
from .sheets_model import (
    CELL_FIELDS,
    Spreadsheet,
    Tab,
    apply_fields,
    check_grid,
    entered,
    grid_range,
    letters,
    mask,
    parse_range,
    set_path,
    trim,
    update_cell,
)


class SheetsApi:
    """The implemented methods; 501 for a documented method or batchUpdate request it lacks.

    A method id maps to ``_<id with dots as underscores>``, a batchUpdate request kind to ``_req_<kind>``.
    """

    def __init__(self, new_sheet_id: Callable[[], int]) -> None:
        self.new_sheet_id = new_sheet_id  # numbers the tabs addSheet adds without a sheetId

    def call(self, method_id: str, book: Spreadsheet, query: Mapping[str, list[str]],
             body: Mapping[str, Any]) -> Any:
        """The response body of ``method_id`` on ``book``; raises ApiError for Google's errors."""
        handler = getattr(self, "_" + method_id.replace(".", "_"), None)
        if handler is None:
            raise ApiError(501, f"{method_id} is documented but not implemented by the emulator.")
        return handler(book, query, body)

    def _sheets_spreadsheets_get(self, book: Spreadsheet, query: Mapping[str, list[str]], body: Any) -> Any:
        if query.get("includeGridData", ["false"])[0] == "true" or "ranges" in query:
            raise ApiError(501, "includeGridData/ranges are not implemented by the emulator.")
        meta = book.metadata()
        if "fields" in query:
            meta = apply_fields(meta, query["fields"][0])
        return meta

    def _sheets_spreadsheets_values_batchGet(self, book: Spreadsheet, query: Mapping[str, list[str]],
                                             body: Any) -> Any:
        render = query.get("valueRenderOption", ["FORMATTED_VALUE"])[0]
        if render != "UNFORMATTED_VALUE":
            raise ApiError(501, "only valueRenderOption=UNFORMATTED_VALUE is implemented by the emulator.")
        if query.get("dateTimeRenderOption", ["SERIAL_NUMBER"])[0] != "SERIAL_NUMBER":
            raise ApiError(501, "only dateTimeRenderOption=SERIAL_NUMBER is implemented by the emulator.")
        out = []
        for text in query.get("ranges", []):
            tab, (r0, c0, r1, c1) = book.range_tab(text)
            rows = tab.rows()
            r1 = min(r1 if r1 is not None else tab.grid["rowCount"], len(rows))
            part = trim([row[c0:c1] for row in rows[r0:r1]])
            rng = {"range": f"'{tab.title}'!{letters(c0)}{r0 + 1}:{letters((c1 or tab.grid['columnCount']) - 1)}"
                            f"{max(r1, r0 + 1)}",
                   "majorDimension": "ROWS"}
            if part:
                rng["values"] = part
            out.append(rng)
        return {"spreadsheetId": book.id, "valueRanges": out}

    def _sheets_spreadsheets_values_batchUpdate(self, book: Spreadsheet, query: Any, body: Mapping[str, Any]) -> Any:
        option = body.get("valueInputOption")
        if option not in ("RAW", "USER_ENTERED"):
            raise ApiError(400, "Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED")
        work = copy.deepcopy(book)
        cells = 0
        for i, item in enumerate(body.get("data", [])):
            tab, (r0, c0, _r1, _c1) = work.range_tab(item["range"])
            for r, row in enumerate(item.get("values", [])):
                for c, v in enumerate(row):
                    check_grid(tab, r0 + r, c0 + c, f"data[{i}]")
                    if isinstance(v, str) and option == "USER_ENTERED" and v.startswith("="):
                        value = {"formulaValue": v}
                    else:
                        value = entered(v).get("userEnteredValue", {})
                    cell = tab.cells.setdefault((r0 + r, c0 + c), {})
                    cell.pop("effectiveValue", None)
                    if value:
                        cell["userEnteredValue"] = value
                    else:
                        cell.pop("userEnteredValue", None)
                    cells += 1
        book.tabs = work.tabs
        return {"spreadsheetId": book.id, "totalUpdatedCells": cells}

    def _sheets_spreadsheets_values_batchClear(self, book: Spreadsheet, query: Any, body: Mapping[str, Any]) -> Any:
        work = copy.deepcopy(book)
        for text in body.get("ranges", []):
            title, (r0, c0, r1, c1) = parse_range(text)
            tab = work.tab(title)
            for (r, c) in list(tab.cells):
                if r >= r0 and c >= c0 and (r1 is None or r < r1) and (c1 is None or c < c1):
                    tab.cells[(r, c)].pop("userEnteredValue", None)
                    tab.cells[(r, c)].pop("effectiveValue", None)
                    if not tab.cells[(r, c)]:
                        del tab.cells[(r, c)]
        book.tabs = work.tabs
        return {"spreadsheetId": book.id, "clearedRanges": body.get("ranges", [])}

    def _sheets_spreadsheets_batchUpdate(self, book: Spreadsheet, query: Any, body: Mapping[str, Any]) -> Any:
        work = copy.deepcopy(book)  # atomic: applied to a copy, kept only if every request succeeds
        replies = []
        for i, request in enumerate(body.get("requests", [])):
            if len(request) != 1:
                raise ApiError(400, f"Invalid requests[{i}]: exactly one kind of request must be set.")
            (kind, args), = request.items()
            handler = getattr(self, "_req_" + kind, None)
            if handler is None:
                raise ApiError(501, f"requests[{i}].{kind} is not implemented by the emulator.")
            replies.append(handler(work, args, f"requests[{i}].{kind}") or {})
        book.tabs = work.tabs
        return {"spreadsheetId": book.id, "replies": replies}

    # -- batchUpdate requests
    def _req_addSheet(self, book: Spreadsheet, args: Mapping[str, Any], where: str) -> Any:
        props = copy.deepcopy(dict(args.get("properties", {})))
        title = props.get("title") or f"Sheet{len(book.tabs) + 1}"
        if any(t.title.casefold() == title.casefold() for t in book.tabs):
            raise ApiError(400, f"Invalid {where}: A sheet with the name \"{title}\" already exists. "
                                "Please enter another name.")
        if "sheetId" in props:
            if any(t.sheet_id == props["sheetId"] for t in book.tabs):
                raise ApiError(400, f"Invalid {where}: Sheet with id {props['sheetId']} already exists.")
        else:
            props["sheetId"] = self.new_sheet_id()
        grid = {"rowCount": 1000, "columnCount": 26, **props.get("gridProperties", {})}
        if grid.get("frozenRowCount", 0) >= grid["rowCount"]:
            raise ApiError(400, f"Invalid {where}: You can't freeze all visible rows on the sheet.")
        props.update(title=title, index=props.get("index", len(book.tabs)), sheetType="GRID", gridProperties=grid)
        book.tabs.append(Tab(props))
        return {"addSheet": {"properties": copy.deepcopy(props)}}

    def _req_deleteSheet(self, book: Spreadsheet, args: Mapping[str, Any], where: str) -> Any:
        tab = book.by_id(args["sheetId"], where)
        book.tabs.remove(tab)

    def _req_updateSheetProperties(self, book: Spreadsheet, args: Mapping[str, Any], where: str) -> Any:
        new = args.get("properties", {})
        tab = book.by_id(new.get("sheetId", 0), where)
        paths = mask(args.get("fields", ""), [k for k in new if k != "sheetId"])
        for path in paths:
            set_path(tab.properties, new, path)
        grid = tab.grid
        if grid.get("rowCount", 0) < 1 or grid.get("columnCount", 0) < 1:
            raise ApiError(400, f"Invalid {where}: a sheet needs at least one row and one column.")
        if grid.get("frozenRowCount", 0) >= grid["rowCount"]:
            raise ApiError(400, f"Invalid {where}: You can't freeze all visible rows on the sheet.")
        if grid.get("frozenColumnCount", 0) >= grid["columnCount"]:
            raise ApiError(400, f"Invalid {where}: You can't freeze all visible columns on the sheet.")
        _check_frozen_merges(tab, where)
        for (r, c) in list(tab.cells):  # shrinking a grid deletes what falls outside it
            if r >= grid["rowCount"] or c >= grid["columnCount"]:
                del tab.cells[(r, c)]
        tab.merges = [m for m in tab.merges if m[1] <= grid["rowCount"] and m[3] <= grid["columnCount"]]

    def _req_updateCells(self, book: Spreadsheet, args: Mapping[str, Any], where: str) -> Any:
        paths = mask(args.get("fields", ""), CELL_FIELDS)
        rows = args.get("rows", [])
        if "range" in args:
            tab = book.by_id(args["range"].get("sheetId", 0), where)
            r0, c0, r1, c1 = grid_range(tab, args["range"])
            for r in range(r0, min(r1, tab.grid["rowCount"])):
                for c in range(c0, min(c1, tab.grid["columnCount"])):
                    row = rows[r - r0].get("values", []) if r - r0 < len(rows) else []
                    data = row[c - c0] if c - c0 < len(row) else {}
                    if (r, c) in tab.cells or data:
                        update_cell(tab, r, c, data, paths, where)
            return None
        start = args.get("start", {})
        tab = book.by_id(start.get("sheetId", 0), where)
        r0, c0 = int(start.get("rowIndex", 0)), int(start.get("columnIndex", 0))
        for r, row in enumerate(rows):
            for c, data in enumerate(row.get("values", [])):
                check_grid(tab, r0 + r, c0 + c, where)
                update_cell(tab, r0 + r, c0 + c, data, paths, where)
        return None

    def _req_repeatCell(self, book: Spreadsheet, args: Mapping[str, Any], where: str) -> Any:
        paths = mask(args.get("fields", ""), CELL_FIELDS)
        tab = book.by_id(args["range"].get("sheetId", 0), where)
        r0, c0, r1, c1 = grid_range(tab, args["range"])
        for r in range(r0, min(r1, tab.grid["rowCount"])):
            for c in range(c0, min(c1, tab.grid["columnCount"])):
                update_cell(tab, r, c, args.get("cell", {}), paths, where)

    def _req_updateDimensionProperties(self, book: Spreadsheet, args: Mapping[str, Any], where: str) -> Any:
        rng = args.get("range", {})
        tab = book.by_id(rng.get("sheetId", 0), where)
        dim = rng.get("dimension", "ROWS")
        limit = tab.grid["rowCount"] if dim == "ROWS" else tab.grid["columnCount"]
        start, end = int(rng.get("startIndex", 0)), int(rng.get("endIndex", limit))
        if end > limit:
            raise ApiError(400, f"Invalid {where}: Invalid dimension range: {dim} {start}-{end} past {limit}.")
        if "pixelSize" in mask(args.get("fields", ""), ["pixelSize"])[0]:
            for i in range(start, end):
                tab.dimensions[dim][i] = int(args.get("properties", {}).get("pixelSize", 100))

    def _req_setBasicFilter(self, book: Spreadsheet, args: Mapping[str, Any], where: str) -> Any:
        flt = args.get("filter", {})
        tab = book.by_id(flt.get("range", {}).get("sheetId", 0), where)
        tab.basic_filter = copy.deepcopy(dict(flt))

    def _req_clearBasicFilter(self, book: Spreadsheet, args: Mapping[str, Any], where: str) -> Any:
        book.by_id(args.get("sheetId", 0), where).basic_filter = None  # none there: nothing happens

    def _req_autoResizeDimensions(self, book: Spreadsheet, args: Mapping[str, Any], where: str) -> Any:
        rng = args.get("dimensions", {})
        tab = book.by_id(rng.get("sheetId", 0), where)
        dim = rng.get("dimension", "ROWS")
        limit = tab.grid["rowCount"] if dim == "ROWS" else tab.grid["columnCount"]
        start, end = int(rng.get("startIndex", 0)), int(rng.get("endIndex", limit))
        if end > limit or start > end:
            raise ApiError(400, f"Invalid {where}: Invalid dimension range: {dim} {start}-{end} past {limit}.")
        for i in range(start, end):  # Google measures the text; the emulator records that it was asked to
            tab.dimensions[dim].pop(i, None)
            tab.auto_resized[dim].add(i)

    def _req_unmergeCells(self, book: Spreadsheet, args: Mapping[str, Any], where: str) -> Any:
        tab = book.by_id(args["range"].get("sheetId", 0), where)
        tab.merges = _merges_apart(tab, grid_range(tab, args["range"]), where)  # none in the range: nothing happens

    def _req_mergeCells(self, book: Spreadsheet, args: Mapping[str, Any], where: str) -> Any:
        if args.get("mergeType", "MERGE_ALL") != "MERGE_ALL":
            raise ApiError(501, f"{where}: only MERGE_ALL is implemented by the emulator.")
        tab = book.by_id(args["range"].get("sheetId", 0), where)
        r0, c0, r1, c1 = grid_range(tab, args["range"])
        if r1 > tab.grid["rowCount"] or c1 > tab.grid["columnCount"]:
            raise ApiError(400, f"Invalid {where}: the range is outside the grid.")
        tab.merges = [*_merges_apart(tab, (r0, c0, r1, c1), where), (r0, r1, c0, c1)]
        _check_frozen_merges(tab, where)


def _check_frozen_merges(tab: Tab, where: str) -> None:
    """Google refuses frozen rows or columns that hold only part of a merged cell."""
    rows, cols = tab.grid.get("frozenRowCount", 0), tab.grid.get("frozenColumnCount", 0)
    for r0, r1, c0, c1 in tab.merges:
        if r0 < rows < r1 or c0 < cols < c1:
            raise ApiError(400, f"Invalid {where}: Sorry, it is not possible to freeze rows or columns which contain "
                                "only part of a merged cell.")


def _merges_apart(tab: Any, cells: tuple[int, int, int, int], where: str) -> list[Any]:
    """The tab's merges outside the range (r0, c0, r1, c1); merges inside it go; one across its edge is refused,
    as Google refuses it."""
    r0, c0, r1, c1 = cells
    kept = []
    for m in tab.merges:
        inside = r0 <= m[0] and m[1] <= r1 and c0 <= m[2] and m[3] <= c1
        apart = m[1] <= r0 or r1 <= m[0] or m[3] <= c0 or c1 <= m[2]
        if not inside and not apart:
            raise ApiError(400, f"Invalid {where}: You must select all cells in a merged range to merge or "
                                "unmerge them.")
        if apart:
            kept.append(m)
    return kept

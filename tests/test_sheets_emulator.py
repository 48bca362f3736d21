"""Tests for the Sheets API v4 emulator: A1 ranges, values semantics, batchUpdate, errors,
fault injection, the request log, gspread through real HTTP, and the CLI.

Google's own answers are checked separately by test_sheets_emulator_replay.py; these tests
pin the behaviour the gspread backend relies on, including cases the recordings do not show.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import gspread
import pytest
import requests

from sheets_emulator import A1Error, SheetsEmulator, parse_range
from sheets_emulator.a1 import col_to_letters, letters_to_col, quote_title
from sheets_emulator.client import EmulatorSession, emulator_host_from_env, gspread_client

REPO = Path(__file__).resolve().parents[1]


class Api:
    """Raw HTTP calls to one spreadsheet, to check exact JSON bodies."""

    def __init__(self, emu: SheetsEmulator, sid: str) -> None:
        self.emu = emu
        self.sid = sid
        self.http = requests.Session()

    def call(
        self, method: str, suffix: str, body: dict[str, Any] | None = None, **params: Any
    ) -> tuple[int, dict[str, Any]]:
        url = f"{self.emu.url}/v4/spreadsheets/{self.sid}{suffix}"
        answer = self.http.request(method, url, params=params, json=body, timeout=10)
        return answer.status_code, answer.json()

    def get(self, rng: str, **params: Any) -> tuple[int, dict[str, Any]]:
        return self.call("GET", "/values/" + quote(rng, safe=""), **params)

    def put(
        self, rng: str, values: list[list[Any]], option: str = "RAW", **params: Any
    ) -> tuple[int, dict[str, Any]]:
        body = {"values": values}
        return self.call(
            "PUT", "/values/" + quote(rng, safe=""), body, valueInputOption=option, **params
        )

    def append(
        self, rng: str, values: list[list[Any]], option: str = "RAW", **params: Any
    ) -> tuple[int, dict[str, Any]]:
        body = {"values": values}
        path = "/values/" + quote(rng, safe="") + ":append"
        return self.call("POST", path, body, valueInputOption=option, **params)

    def batch(self, *reqs: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return self.call("POST", ":batchUpdate", {"requests": list(reqs)})

    def meta(self) -> dict[str, Any]:
        status, body = self.call("GET", "", includeGridData="false")
        assert status == 200
        return body

    def grid(self, title: str = "Sheet1") -> tuple[int, int]:
        for sheet in self.meta()["sheets"]:
            if sheet["properties"]["title"] == title:
                grid = sheet["properties"]["gridProperties"]
                return grid["rowCount"], grid["columnCount"]
        raise KeyError(title)


@pytest.fixture
def emu() -> Iterator[SheetsEmulator]:
    with SheetsEmulator() as emulator:
        yield emulator


@pytest.fixture
def api(emu: SheetsEmulator) -> Api:
    return Api(emu, emu.create_spreadsheet("test", ["Sheet1"]))


def error(code: int, message: str) -> dict[str, Any]:
    status = {400: "INVALID_ARGUMENT", 404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED"}[code]
    return {"error": {"code": code, "message": message, "status": status}}


# ----- A1 notation -----


@pytest.mark.parametrize(
    ("text", "sheet", "box", "whole"),
    [
        ("Sheet1", "Sheet1", (0, 0, None, None), True),
        ("'My Sheet'!A1:C3", "My Sheet", (0, 0, 2, 2), False),
        ("Sheet1!A:C", "Sheet1", (0, 0, None, 2), False),
        ("Sheet1!2:5", "Sheet1", (1, 0, 4, None), False),
        ("A1", None, (0, 0, 0, 0), False),
        ("b3:a1", None, (0, 0, 2, 1), False),
        ("'It''s'!B2", "It's", (1, 1, 1, 1), False),
        ("'志愿者 名单'!A2:C", "志愿者 名单", (1, 0, None, 2), False),
        ("志愿者!A1:1", "志愿者", (0, 0, 0, None), False),
        ("🌵 test 1!A:A", "🌵 test 1", (0, 0, None, 0), False),
        ("$A$1:$B$2", None, (0, 0, 1, 1), False),
        ("'a!b'", "a!b", (0, 0, None, None), True),
    ],
)
def test_parse_range(
    text: str, sheet: str | None, box: tuple[int, int, int | None, int | None], whole: bool
) -> None:
    parsed = parse_range(text)
    assert parsed.sheet == sheet
    assert (parsed.start_row, parsed.start_col, parsed.end_row, parsed.end_col) == box
    assert parsed.whole_sheet is whole


@pytest.mark.parametrize(
    "text", ["", "Sheet1!", "!A1", "Sheet1!A0", "'open", "'x'A1", "S!A1:B2:C3", "S!A:5", "''!A1"]
)
def test_parse_range_rejects(text: str) -> None:
    with pytest.raises(A1Error):
        parse_range(text)


def test_column_letters_round_trip() -> None:
    for index, letters in [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")]:
        assert col_to_letters(index) == letters
        assert letters_to_col(letters) == index
    assert all(letters_to_col(col_to_letters(i)) == i for i in range(0, 18278, 97))


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("Sheet1", "Sheet1"),
        ("My Sheet", "'My Sheet'"),
        ("志愿者", "志愿者"),
        ("A1", "'A1'"),
        ("R1C1", "'R1C1'"),
        ("It's", "'It''s'"),
        ("2024", "'2024'"),
    ],
)
def test_sheet_titles_quoted_like_google(title: str, shown: str) -> None:
    assert quote_title(title) == shown


# ----- reading: normalised ranges, trimming, render options -----


@pytest.mark.parametrize(
    ("asked", "answered"),
    [
        ("Sheet1", "Sheet1!A1:Z1000"),
        ("'Sheet1'", "Sheet1!A1:Z1000"),
        ("Sheet1!A:C", "Sheet1!A1:C1000"),
        ("Sheet1!2:5", "Sheet1!A2:Z5"),
        ("A1", "Sheet1!A1"),
        ("sheet1!B2:B2", "Sheet1!B2"),
        ("Sheet1!A1:ZZ5000", "Sheet1!A1:Z1000"),
        ("Sheet1!C2:A1", "Sheet1!A1:C2"),
    ],
)
def test_ranges_are_normalised_to_the_grid(api: Api, asked: str, answered: str) -> None:
    assert api.get(asked) == (200, {"range": answered, "majorDimension": "ROWS"})


def test_read_errors_match_google(api: Api) -> None:
    assert api.get("Nope!A1") == (400, error(400, "Unable to parse range: Nope!A1"))
    assert api.get("Sheet1!A0") == (400, error(400, "Unable to parse range: Sheet1!A0"))
    message = "Range (Sheet1!A1001) exceeds grid limits. Max rows: 1000, max columns: 26"
    assert api.get("Sheet1!A1001") == (400, error(400, message))
    api.sid = "no-such-spreadsheet"
    assert api.get("A1") == (404, error(404, "Requested entity was not found."))
    assert api.call("GET", "") == (404, error(404, "Requested entity was not found."))


def test_values_trimmed_like_google(api: Api) -> None:
    rows = [["A1", "B1", "", "D1"], ["", "b2", "", ""], ["", "", "", ""], ["A4", "B4", "", "D4"]]
    assert api.put("'Sheet1'!A1", rows)[1]["updatedCells"] == 16
    status, body = api.get("Sheet1")
    assert status == 200
    assert body == {
        "range": "Sheet1!A1:Z1000",
        "majorDimension": "ROWS",
        "values": [["A1", "B1", "", "D1"], ["", "b2"], [], ["A4", "B4", "", "D4"]],
    }
    _, columns = api.get("Sheet1!A1:D4", majorDimension="COLUMNS")
    assert columns["values"] == [
        ["A1", "", "", "A4"],
        ["B1", "b2", "", "B4"],
        [],
        ["D1", "", "", "D4"],
    ]
    assert "values" not in api.get("Sheet1!E1:F9")[1]
    assert api.get("Sheet1!A1:C4")[1]["values"] == [["A1", "B1"], ["", "b2"], [], ["A4", "B4"]]
    _, columns = api.get("Sheet1!B1:C4", majorDimension="COLUMNS")
    assert columns["values"] == [["B1", "b2", "", "B4"]]


def test_raw_keeps_every_value_literally(emu: SheetsEmulator, api: Api) -> None:
    status, body = api.put("Sheet1!A1", [["=1+1", "+1", "-2", "@x", "＝1", "007", "TRUE", 1, 1.5]])
    assert status == 200 and body["updatedRange"] == "Sheet1!A1:I1"
    formatted = api.get("Sheet1!A1:I1")[1]["values"][0]
    assert formatted == ["=1+1", "+1", "-2", "@x", "＝1", "007", "TRUE", "1", "1.5"]
    assert api.get("Sheet1!A1:I1", valueRenderOption="FORMULA")[1]["values"][0][0] == "=1+1"
    unformatted = api.get("Sheet1!A1:I1", valueRenderOption="UNFORMATTED_VALUE")[1]["values"][0]
    assert unformatted == ["=1+1", "+1", "-2", "@x", "＝1", "007", "TRUE", 1, 1.5]
    for col in range(1, 8):
        cell = emu.cell(api.sid, "Sheet1", 1, col)
        assert not cell.is_formula and cell.formula is None and isinstance(cell.value, str)


def test_user_entered_parses_formulas_numbers_and_booleans(emu: SheetsEmulator, api: Api) -> None:
    row = ["=1+1", "=SUM(A1:A2)", "42", " 1.50 ", "true", "'=1+1", "text", 7, False]
    assert api.put("Sheet1!A1", [row], "USER_ENTERED")[0] == 200
    formatted = api.get("Sheet1!A1:I1")[1]["values"][0]
    assert formatted == ["2", "=SUM(A1:A2)", "42", "1.5", "TRUE", "=1+1", "text", "7", "FALSE"]
    formulas = api.get("Sheet1!A1:I1", valueRenderOption="FORMULA")[1]["values"][0]
    assert formulas[:2] == ["=1+1", "=SUM(A1:A2)"]
    unformatted = api.get("Sheet1!A1:I1", valueRenderOption="UNFORMATTED_VALUE")[1]["values"][0]
    assert unformatted[0] == 2 and unformatted[2] == 42 and unformatted[3] == 1.5
    assert unformatted[4] is True and unformatted[5] == "=1+1"
    assert emu.cell(api.sid, "Sheet1", 1, 1).formula == "=1+1"
    assert emu.cell(api.sid, "Sheet1", 1, 1).value == 2
    assert emu.cell(api.sid, "Sheet1", 1, 2).is_formula
    assert not emu.cell(api.sid, "Sheet1", 1, 6).is_formula  # a leading apostrophe forces text
    assert emu.cell(api.sid, "Sheet1", 9, 9).value is None


def test_number_formatting(api: Api) -> None:
    api.put("Sheet1!A1", [[1, 1.0, 1.45, 0.4, -3, 0.1 + 0.2, 1e20, 123456789]])
    assert api.get("Sheet1!A1:H1")[1]["values"][0] == [
        "1",
        "1",
        "1.45",
        "0.4",
        "-3",
        "0.3",
        "1E+20",
        "123456789",
    ]


def test_enum_options_are_validated(api: Api) -> None:
    status, body = api.get("A1", valueRenderOption="PRETTY")
    assert status == 400
    assert body["error"]["message"] == (
        "Invalid value at 'value_render_option'"
        ' (type.googleapis.com/google.apps.sheets.v4.ValueRenderOption), "PRETTY"'
    )
    status, body = api.call("PUT", "/values/A1", {"values": [["x"]]})
    assert (status, body) == (400, error(400, "'valueInputOption' is required but not specified"))
    assert api.get("A1", dateTimeRenderOption="FORMATTED_STRING")[0] == 200


def test_batch_get(api: Api) -> None:
    api.put("Sheet1!A1", [["a", "b"], ["c", "d"]])
    status, body = api.call("GET", "/values:batchGet", ranges=["Sheet1!A:A", "B2", "Sheet1!C:C"])
    assert status == 200
    assert body == {
        "spreadsheetId": api.sid,
        "valueRanges": [
            {"range": "Sheet1!A1:A1000", "majorDimension": "ROWS", "values": [["a"], ["c"]]},
            {"range": "Sheet1!B2", "majorDimension": "ROWS", "values": [["d"]]},
            {"range": "Sheet1!C1:C1000", "majorDimension": "ROWS"},
        ],
    }
    assert api.call("GET", "/values:batchGet", ranges=["A1", "Bad!A1"])[0] == 400


# ----- writing: update, batchUpdate, clear -----


def test_update_bounds_and_nulls(api: Api) -> None:
    status, body = api.put("Sheet1!A1:B2", [["a", "b", "c"]])
    message = "Requested writing within range [Sheet1!A1:B2], but tried writing to column [C]"
    assert (status, body) == (400, error(400, message))
    status, body = api.put("Sheet1!A1:B2", [["a"], ["b"], ["c"]])
    assert body["error"]["message"].endswith("but tried writing to row [3]")
    status, body = api.put("Sheet1!Y1", [["a", "b", "c"]])
    message = "Range (Sheet1!Y1) exceeds grid limits. Max rows: 1000, max columns: 26"
    assert (status, body) == (400, error(400, message))
    assert api.put("Sheet1!A1:Z1000", [["x", "y"]])[1]["updatedRange"] == "Sheet1!A1:B1"
    status, body = api.put("Sheet1!A1", [[None, "Y"], ["", None]])
    assert body["updatedCells"] == 2 and body["updatedRange"] == "Sheet1!A1:B2"
    assert api.get("Sheet1!A1:B2")[1]["values"] == [["x", "Y"]]
    status, body = api.put("Sheet1!A1", [[{"a": 1}]])
    assert status == 400 and "struct_value" in body["error"]["message"]


def test_update_columns_and_include_values(api: Api) -> None:
    body = {"values": [["a", "b"], ["c"]], "majorDimension": "COLUMNS"}
    params = {"valueInputOption": "USER_ENTERED", "includeValuesInResponse": "true"}
    status, answer = api.call("PUT", "/values/Sheet1!B2", body, **params)
    assert status == 200
    assert answer["updatedRange"] == "Sheet1!B2:C3"
    assert answer["updatedData"] == {
        "range": "Sheet1!B2:C3",
        "majorDimension": "ROWS",
        "values": [["a", "c"], ["b"]],
    }


def test_values_batch_update_is_all_or_nothing(api: Api) -> None:
    body = {
        "valueInputOption": "RAW",
        "data": [
            {"range": "Sheet1!A1:B1", "values": [["a", "b"]]},
            {"range": "Sheet1!A3", "values": [["c", "d"]]},
        ],
    }
    status, answer = api.call("POST", "/values:batchUpdate", body)
    assert status == 200
    assert {k: answer[k] for k in answer if k.startswith("total")} == {
        "totalUpdatedRows": 2,
        "totalUpdatedColumns": 2,
        "totalUpdatedCells": 4,
        "totalUpdatedSheets": 1,
    }
    assert [r["updatedRange"] for r in answer["responses"]] == ["Sheet1!A1:B1", "Sheet1!A3:B3"]
    body["data"] = [
        {"range": "Sheet1!D1", "values": [["kept?"]]},
        {"range": "Missing!A1", "values": [["x"]]},
    ]
    assert api.call("POST", "/values:batchUpdate", body)[0] == 400
    assert "values" not in api.get("Sheet1!D1")[1]


def test_clear_and_batch_clear(api: Api) -> None:
    api.put("Sheet1!A1", [["a", "b", "c"], ["d", "e", "f"]])
    status, body = api.call("POST", "/values/" + quote("Sheet1!B1:B", safe="") + ":clear")
    assert (status, body) == (200, {"spreadsheetId": api.sid, "clearedRange": "Sheet1!B1:B1000"})
    assert api.get("Sheet1")[1]["values"] == [["a", "", "c"], ["d", "", "f"]]
    status, body = api.call("POST", "/values:batchClear", {"ranges": ["A1", "Sheet1!2:2"]})
    assert body["clearedRanges"] == ["Sheet1!A1", "Sheet1!A2:Z2"]
    assert api.get("Sheet1")[1]["values"] == [["", "", "c"]]


# ----- append -----


def test_append_finds_the_table_like_google(api: Api) -> None:
    status, body = api.append("Sheet1", [["a", "b", "c"]])
    assert status == 200 and "tableRange" not in body
    assert body["updates"]["updatedRange"] == "Sheet1!A1:C1"
    body = api.append("Sheet1", [["d", "e", "f"], ["g", "h", "i"]])[1]
    assert body["tableRange"] == "Sheet1!A1:C1"
    assert body["updates"] == {
        "spreadsheetId": api.sid,
        "updatedRange": "Sheet1!A2:C3",
        "updatedRows": 2,
        "updatedColumns": 3,
        "updatedCells": 6,
    }
    # A single-cell range anchors the search; the table grows from there (gspread's fix for
    # issue #537 is table_range="A1").
    assert api.append("Sheet1!A1", [["j"]])[1]["tableRange"] == "Sheet1!A1:C3"
    assert api.get("Sheet1!A4")[1]["values"] == [["j"]]


def test_append_after_row_with_gap_indents_like_google(api: Api) -> None:
    """The recorded quirk (gspread #537): the table is the block around the last value."""
    api.append("Sheet1", [["x", "", "y"]])
    body = api.append("Sheet1", [["x", "", "y"]])[1]
    assert body["tableRange"] == "Sheet1!C1"
    assert body["updates"]["updatedRange"] == "Sheet1!C2:E2"


def test_append_insert_rows_shifts_and_grows(api: Api) -> None:
    api.put("Sheet1!A1", [["h1", "h2"], ["r1", "r1"]])
    api.put("Sheet1!A10", [["footer"]])
    status, body = api.append("Sheet1!A1:B5", [["new", "row"]], insertDataOption="INSERT_ROWS")
    assert status == 200 and body["tableRange"] == "Sheet1!A1:B2"
    assert body["updates"]["updatedRange"] == "Sheet1!A3:B3"
    assert api.grid() == (1001, 26)
    assert api.get("Sheet1!A11")[1]["values"] == [["footer"]]
    api.append("Sheet1!A1:B5", [["over", "write"]], insertDataOption="OVERWRITE")
    assert api.grid() == (1001, 26)
    assert api.get("Sheet1!A4:B4")[1]["values"] == [["over", "write"]]


def test_append_grows_a_full_grid(api: Api) -> None:
    api.batch(
        {
            "addSheet": {
                "properties": {
                    "title": "small",
                    "gridProperties": {"rowCount": 2, "columnCount": 2},
                }
            }
        }
    )
    api.put("small!A1", [["a", "b"], ["c", "d"]])
    body = api.append("small", [["e", "f", "g"], ["h"]])[1]
    assert body["updates"]["updatedRange"] == "small!A3:C4"
    assert api.grid("small") == (4, 3)
    body = api.append(
        "small", [["i"]], insertDataOption="INSERT_ROWS", includeValuesInResponse="True"
    )[1]
    assert body["updates"]["updatedData"] == {
        "range": "small!A5",
        "majorDimension": "ROWS",
        "values": [["i"]],
    }
    assert api.grid("small") == (5, 3)


# ----- spreadsheets.get / batchUpdate -----


def test_metadata_shape(emu: SheetsEmulator, api: Api) -> None:
    meta = api.meta()
    assert meta["spreadsheetId"] == api.sid
    assert meta["properties"]["title"] == "test"
    assert meta["properties"]["locale"] == "en_US"
    assert meta["sheets"] == [
        {
            "properties": {
                "sheetId": 0,
                "title": "Sheet1",
                "index": 0,
                "sheetType": "GRID",
                "gridProperties": {"rowCount": 1000, "columnCount": 26},
            }
        }
    ]
    assert meta["spreadsheetUrl"] == f"https://docs.google.com/spreadsheets/d/{api.sid}/edit"
    api.put("A1", [["=1+2", 5]], "USER_ENTERED")
    status, full = api.call("GET", "", includeGridData="true")
    assert status == 200
    cells = full["sheets"][0]["data"][0]["rowData"][0]["values"]
    assert cells[0]["userEnteredValue"] == {"formulaValue": "=1+2"}
    assert cells[0]["formattedValue"] == "3"
    assert cells[1]["effectiveValue"] == {"numberValue": 5}


def test_add_and_delete_sheets(api: Api) -> None:
    status, body = api.batch(
        {
            "addSheet": {
                "properties": {
                    "title": "志愿者",
                    "gridProperties": {"rowCount": 5, "columnCount": 3},
                }
            }
        },
        {"addSheet": {"properties": {"title": "first", "index": 0}}},
    )
    assert status == 200 and body["spreadsheetId"] == api.sid
    added = body["replies"][0]["addSheet"]["properties"]
    assert added["title"] == "志愿者" and added["index"] == 1 and added["sheetType"] == "GRID"
    assert added["gridProperties"] == {"rowCount": 5, "columnCount": 3}
    assert body["replies"][1]["addSheet"]["properties"]["gridProperties"]["rowCount"] == 1000
    assert [s["properties"]["title"] for s in api.meta()["sheets"]] == ["first", "Sheet1", "志愿者"]
    assert [s["properties"]["index"] for s in api.meta()["sheets"]] == [0, 1, 2]
    status, body = api.batch({"addSheet": {"properties": {"title": "sheet1"}}})
    message = (
        'Invalid requests[0].addSheet: A sheet with the name "sheet1" already exists.'
        " Please enter another name."
    )
    assert (status, body) == (400, error(400, message))
    assert api.batch({"deleteSheet": {"sheetId": added["sheetId"]}}) == (
        200,
        {"spreadsheetId": api.sid, "replies": [{}]},
    )
    status, body = api.batch({"deleteSheet": {"sheetId": 12345}})
    assert body == error(400, "Invalid requests[0].deleteSheet: No grid with id: 12345")
    first = api.meta()["sheets"][0]["properties"]["sheetId"]
    api.batch({"deleteSheet": {"sheetId": first}})
    status, body = api.batch({"deleteSheet": {"sheetId": 0}})
    message = "Invalid requests[0].deleteSheet: You can't remove all the sheets in a document."
    assert (status, body) == (400, error(400, message))


def test_batch_update_is_all_or_nothing(api: Api) -> None:
    status, body = api.batch(
        {"addSheet": {"properties": {"title": "new"}}},
        {
            "updateSheetProperties": {
                "properties": {"sheetId": 0, "title": "renamed"},
                "fields": "title",
            }
        },
        {"addSheet": {"properties": {"title": "NEW"}}},
    )
    assert status == 400 and body["error"]["message"].startswith("Invalid requests[2].addSheet")
    assert [s["properties"]["title"] for s in api.meta()["sheets"]] == ["Sheet1"]


def test_resize_rename_and_freeze(api: Api) -> None:
    api.put("Sheet1!A1", [["a", "b", "c"], ["d", "e", "f"], ["g", "h", "i"]])
    props = {"sheetId": 0, "gridProperties": {"rowCount": 2, "columnCount": 2}}
    fields = "gridProperties/rowCount,gridProperties/columnCount"
    assert api.batch({"updateSheetProperties": {"properties": props, "fields": fields}})[0] == 200
    assert api.grid() == (2, 2)
    props = {"sheetId": 0, "title": "Data", "gridProperties": {"rowCount": 10, "frozenRowCount": 1}}
    fields = "title,gridProperties.rowCount,gridProperties.frozenRowCount"
    api.batch({"updateSheetProperties": {"properties": props, "fields": fields}})
    sheet = api.meta()["sheets"][0]["properties"]
    assert sheet["title"] == "Data"
    assert sheet["gridProperties"] == {"rowCount": 10, "columnCount": 2, "frozenRowCount": 1}
    assert api.get("Data")[1]["values"] == [["a", "b"], ["d", "e"]]  # cut data stays cut


def test_insert_and_delete_dimensions(api: Api) -> None:
    api.put("Sheet1!A1", [["a", "b", "c"], ["d", "e", "f"], ["g", "h", "i"]])
    rows = {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 2}
    cols = {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1}
    api.batch({"insertDimension": {"range": rows, "inheritFromBefore": False}})
    assert api.get("Sheet1")[1]["values"] == [["a", "b", "c"], [], ["d", "e", "f"], ["g", "h", "i"]]
    api.batch({"deleteDimension": {"range": cols}})
    assert api.get("Sheet1")[1]["values"] == [["b", "c"], [], ["e", "f"], ["h", "i"]]
    assert api.grid() == (1001, 25)
    api.batch({"appendDimension": {"sheetId": 0, "dimension": "COLUMNS", "length": 5}})
    assert api.grid() == (1001, 30)
    everything = {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 1001}
    status, body = api.batch({"deleteDimension": {"range": everything}})
    message = "Invalid requests[0].deleteDimension: You can't delete all the rows on the sheet."
    assert (status, body) == (400, error(400, message))


def test_append_and_update_cells(emu: SheetsEmulator, api: Api) -> None:
    api.put("Sheet1!A1", [["id", "name"]])
    row = {
        "values": [
            {"userEnteredValue": {"stringValue": "=not a formula"}},
            {"userEnteredValue": {"numberValue": 3}},
        ]
    }
    assert (
        api.batch({"appendCells": {"sheetId": 0, "rows": [row], "fields": "userEnteredValue"}})[0]
        == 200
    )
    assert api.get("Sheet1!A2:B2", valueRenderOption="UNFORMATTED_VALUE")[1]["values"] == [
        ["=not a formula", 3]
    ]
    assert not emu.cell(api.sid, "Sheet1", 2, 1).is_formula
    cell = {"values": [{"userEnteredValue": {"formulaValue": "=2*3"}}]}
    start = {"sheetId": 0, "rowIndex": 2, "columnIndex": 1}
    api.batch({"updateCells": {"start": start, "rows": [cell], "fields": "userEnteredValue"}})
    assert emu.cell(api.sid, "Sheet1", 3, 2).formula == "=2*3"
    assert api.get("Sheet1!B3")[1]["values"] == [["6"]]


def test_format_requests_accepted_unknown_rejected(api: Api) -> None:
    repeat = {
        "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1},
        "cell": {},
        "fields": "*",
    }
    assert api.batch({"repeatCell": repeat}) == (200, {"spreadsheetId": api.sid, "replies": [{}]})
    status, body = api.batch({"sortRange": {"range": {"sheetId": 0}}})
    assert status == 501 and body["error"]["status"] == "UNIMPLEMENTED"
    status, body = api.batch(
        {"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": "x"}}
    )
    assert status == 400 and body["error"]["message"].startswith("Invalid requests[0].appendDim")
    assert api.call("POST", ":batchUpdate", {"requests": [{"a": {}, "b": {}}]})[0] == 400


def test_cell_limit(api: Api) -> None:
    props = {"title": "huge", "gridProperties": {"rowCount": 400_000, "columnCount": 26}}
    status, body = api.batch({"addSheet": {"properties": props}})
    assert status == 400 and "above the limit of 10000000 cells" in body["error"]["message"]


# ----- dates typed into a sheet -----


TYPED_DATES = [
    "2013-03-05",
    "2013/3/5",
    "2013-03-05 14:30",
    "3/5/2013",
    "2013-02-30",
    "2013年3月5日",
]


def test_user_entered_dates_become_serial_numbers(emu: SheetsEmulator, api: Api) -> None:
    assert api.put("Sheet1!A1", [TYPED_DATES], "USER_ENTERED")[0] == 200
    serial = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"}
    # en_US: year-first and month-first dates parse; an impossible date and 年月日 stay text
    expected = [41338, 41338, 41338.604166666664, 41338, "2013-02-30", "2013年3月5日"]
    assert api.get("Sheet1!A1:F1", **serial)[1]["values"] == [expected]
    assert api.get("Sheet1!A1:F1", valueRenderOption="UNFORMATTED_VALUE")[1]["values"] == [expected]
    assert api.get("Sheet1!A1:F1", valueRenderOption="FORMULA")[1]["values"] == [expected]
    as_typed = [TYPED_DATES]  # shown in the layout they were typed in
    strings = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "FORMATTED_STRING"}
    assert api.get("Sheet1!A1:F1", **strings)[1]["values"] == as_typed
    assert api.get("Sheet1!A1:F1")[1]["values"] == as_typed
    assert api.get("Sheet1!A1:F1", dateTimeRenderOption="SERIAL_NUMBER")[1]["values"] == as_typed
    assert emu.cell(api.sid, "Sheet1", 1, 1).value == 41338
    api.put("Sheet1!A2", [TYPED_DATES], "RAW")
    assert api.get("Sheet1!A2:F2", **serial)[1]["values"] == [TYPED_DATES]


def test_append_and_batch_update_parse_dates_too(api: Api) -> None:
    api.append("Sheet1", [["2013-03-06", "2013-03-06"]], "USER_ENTERED")
    body = {
        "valueInputOption": "USER_ENTERED",
        "data": [{"range": "Sheet1!A2", "values": [["2013/3/7 8:05:30"]]}],
    }
    assert api.call("POST", "/values:batchUpdate", body)[0] == 200
    api.append("Sheet1", [["2013-03-08"]], "RAW")
    serial = {"valueRenderOption": "UNFORMATTED_VALUE"}
    assert api.get("Sheet1!A1:B3", **serial)[1]["values"] == [
        [41339, 41339],
        [41340 + (8 * 3600 + 5 * 60 + 30) / 86400],
        ["2013-03-08"],
    ]
    assert api.get("Sheet1!A2")[1]["values"] == [["2013/3/7 8:05:30"]]
    params = {
        "valueInputOption": "USER_ENTERED",
        "includeValuesInResponse": "true",
        "responseValueRenderOption": "UNFORMATTED_VALUE",
        "responseDateTimeRenderOption": "FORMATTED_STRING",
    }
    status, answer = api.call(
        "PUT", "/values/Sheet1!C1", {"values": [["2013-03-09", "7"]]}, **params
    )
    assert status == 200
    assert answer["updatedData"]["values"] == [["2013-03-09", 7]]


def test_dates_typed_into_a_zh_cn_sheet(emu: SheetsEmulator) -> None:
    sid = emu.create_spreadsheet("desk", locale="zh_CN")
    typed = ["2013年3月5日", "2013/3/5", "3/5/2013", "2013年3月5日 8:30"]
    emu.set_values(sid, "Sheet1", [typed], user_entered=True)
    emu.set_values(sid, "Sheet1", [["2013年3月5日"]], start_row=2)  # RAW stays text
    ws = gspread_client(emu.host).open_by_key(sid).sheet1
    assert ws.spreadsheet.locale == "zh_CN"
    serial = ws.get(
        "A1:D2", value_render_option="UNFORMATTED_VALUE", date_time_render_option="SERIAL_NUMBER"
    )
    assert serial == [[41338, 41338, "3/5/2013", 41338 + 8.5 / 24], ["2013年3月5日"]]
    assert ws.get("A1:D1") == [typed]
    body = {"properties": {"title": "via api", "locale": "zh_CN", "timeZone": "Asia/Shanghai"}}
    created = requests.post(f"{emu.url}/v4/spreadsheets", json=body, timeout=10).json()
    assert created["properties"]["locale"] == "zh_CN"
    assert created["properties"]["timeZone"] == "Asia/Shanghai"


def test_a_date_cell_keeps_its_format_for_later_numbers(api: Api) -> None:
    api.put("Sheet1!A1", [["2013-03-05", 5]], "USER_ENTERED")
    status, body = api.call("GET", "", ranges="Sheet1!A1:B1", includeGridData="true")
    assert status == 200
    assert body["sheets"][0]["data"] == [
        {
            "rowData": [
                {
                    "values": [
                        {
                            "userEnteredValue": {"numberValue": 41338},
                            "effectiveValue": {"numberValue": 41338},
                            "formattedValue": "2013-03-05",
                            "userEnteredFormat": {
                                "numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"}
                            },
                        },
                        {
                            "userEnteredValue": {"numberValue": 5},
                            "effectiveValue": {"numberValue": 5},
                            "formattedValue": "5",
                        },
                    ]
                }
            ]
        }
    ]
    # formats are separate from values: a number written later still shows as a date
    api.put("Sheet1!A1", [[41339]], "RAW")
    assert api.get("Sheet1!A1")[1]["values"] == [["2013-03-06"]]
    assert api.get("Sheet1!A1", valueRenderOption="UNFORMATTED_VALUE")[1]["values"] == [[41339]]


# ----- spreadsheets.get with ranges and grid data -----


def test_get_with_ranges_returns_grid_data_of_those_ranges(emu: SheetsEmulator) -> None:
    api = Api(emu, emu.create_spreadsheet("t", ["Sheet1", "Other", "Unasked"]))
    api.put("Sheet1!A1", [["a", "", "=1+1"], ["", "", ""], [1.5, True]])
    api.put("Sheet1!B4", [["=2*3"]], "USER_ENTERED")
    ranges = ["Sheet1!A1:D10", "Other!C5:Z", "Sheet1!B3:C", "Other!A1", "Sheet1!A2:A"]
    status, body = api.call("GET", "", ranges=ranges, includeGridData="true")
    assert status == 200
    props = {s["properties"]["title"]: s["properties"] for s in api.meta()["sheets"]}

    def cell(entered: dict[str, Any], shown: str, effective: Any = None) -> dict[str, Any]:
        out = {"userEnteredValue": entered, "effectiveValue": effective or entered}
        return {**out, "formattedValue": shown}

    true = cell({"boolValue": True}, "TRUE")
    one_and_half = cell({"numberValue": 1.5}, "1.5")
    six = cell({"formulaValue": "=2*3"}, "6", {"numberValue": 6})
    assert body["sheets"] == [
        {
            "properties": props["Sheet1"],
            "data": [
                {
                    "rowData": [
                        {
                            "values": [
                                cell({"stringValue": "a"}, "a"),
                                {},
                                cell({"stringValue": "=1+1"}, "=1+1"),
                            ]
                        },
                        {},
                        {"values": [one_and_half, true]},
                        {"values": [{}, six]},
                    ]
                },
                {
                    "startRow": 2,
                    "startColumn": 1,
                    "rowData": [{"values": [true]}, {"values": [six]}],
                },
                {"startRow": 1, "rowData": [{}, {"values": [one_and_half]}]},  # A4 empty
            ],
        },
        {"properties": props["Other"], "data": [{"startRow": 4, "startColumn": 2}, {}]},
    ]
    status, body = api.call("GET", "", ranges=["Other!A:A", "Sheet1"], includeGridData="false")
    assert body["sheets"] == [
        {"properties": props["Sheet1"]},
        {"properties": props["Other"]},
    ]
    assert len(api.call("GET", "", includeGridData="false")[1]["sheets"]) == 3
    bad = api.call("GET", "", ranges=["Sheet1!A1", "Nope!A1"], includeGridData="true")
    assert bad == (400, error(400, "Unable to parse range: Nope!A1"))


# ----- one user action = one spreadsheets.batchUpdate -----

LEASE = {
    "sheetId": 123456,
    "title": "_lease",
    "hidden": True,
    "gridProperties": {"rowCount": 2, "columnCount": 4},
}


def text(value: str) -> dict[str, Any]:
    return {"userEnteredValue": {"stringValue": value}}


def number(value: float) -> dict[str, Any]:
    return {"userEnteredValue": {"numberValue": value}}


@pytest.fixture
def desk(emu: SheetsEmulator) -> tuple[gspread.Client, str]:
    """A spreadsheet with two tabs, and a real gspread client (the backend's HTTP)."""
    sid = emu.create_spreadsheet("desk", ["volunteers", "hours"])
    emu.set_values(sid, "volunteers", [["id", "name"], ["v1", "张三"]])
    return gspread_client(emu.host), sid


def sheet_ids(emu: SheetsEmulator, sid: str) -> dict[str, int]:
    return {
        s["properties"]["title"]: s["properties"]["sheetId"] for s in emu.metadata(sid)["sheets"]
    }


def refused(client: gspread.Client, sid: str, *requests_: dict[str, Any]) -> dict[str, Any]:
    """The error body of a batchUpdate that must fail with 400."""
    with pytest.raises(gspread.exceptions.APIError) as caught:
        client.http_client.batch_update(sid, {"requests": list(requests_)})
    assert caught.value.response.status_code == 400
    return caught.value.response.json()


def test_lease_sheet_added_and_written_in_one_batch(
    emu: SheetsEmulator, desk: tuple[gspread.Client, str]
) -> None:
    client, sid = desk
    start = {"sheetId": 123456, "rowIndex": 0, "columnIndex": 0}
    holder = {"values": [text("holder"), number(1.5)]}
    answer = client.http_client.batch_update(
        sid,
        {
            "requests": [
                {"addSheet": {"properties": LEASE}},
                {"updateCells": {"start": start, "rows": [holder], "fields": "userEnteredValue"}},
            ],
            "includeSpreadsheetInResponse": True,
            "responseRanges": ["'_lease'!A1:D2", "volunteers!A5:Z"],
            "responseIncludeGridData": True,
        },
    )
    lease = {
        "sheetId": 123456,
        "title": "_lease",
        "index": 2,
        "sheetType": "GRID",
        "gridProperties": {"rowCount": 2, "columnCount": 4},
        "hidden": True,
    }
    assert answer["replies"] == [{"addSheet": {"properties": lease}}, {}]
    updated = answer["updatedSpreadsheet"]
    assert updated["spreadsheetId"] == sid and updated["properties"]["title"] == "desk"
    volunteers = emu.metadata(sid)["sheets"][0]["properties"]
    assert updated["sheets"] == [
        {"properties": volunteers, "data": [{"startRow": 4}]},  # nothing below row 2
        {
            "properties": lease,
            "data": [
                {
                    "rowData": [
                        {
                            "values": [
                                {
                                    "userEnteredValue": {"stringValue": "holder"},
                                    "effectiveValue": {"stringValue": "holder"},
                                    "formattedValue": "holder",
                                },
                                {
                                    "userEnteredValue": {"numberValue": 1.5},
                                    "effectiveValue": {"numberValue": 1.5},
                                    "formattedValue": "1.5",
                                },
                            ]
                        }
                    ]
                }
            ],
        },
    ]
    assert emu.values(sid, "_lease") == [["holder", 1.5]]


def test_updated_spreadsheet_only_as_asked(emu: SheetsEmulator, api: Api) -> None:
    write = {
        "updateCells": {
            "start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 0},
            "rows": [{"values": [text("x")]}],
            "fields": "userEnteredValue",
        }
    }
    status, body = api.call("POST", ":batchUpdate", {"requests": [write]})
    assert (status, body) == (200, {"spreadsheetId": api.sid, "replies": [{}]})
    body = {"requests": [write], "responseIncludeGridData": True, "responseRanges": ["A1"]}
    assert "updatedSpreadsheet" not in api.call("POST", ":batchUpdate", body)[1]
    body = {"requests": [write], "includeSpreadsheetInResponse": True}
    assert api.call("POST", ":batchUpdate", body)[1]["updatedSpreadsheet"] == api.meta()
    body["responseIncludeGridData"] = True
    sheet = api.call("POST", ":batchUpdate", body)[1]["updatedSpreadsheet"]["sheets"][0]
    assert sheet["data"] == [
        {
            "rowData": [
                {
                    "values": [
                        {
                            "userEnteredValue": {"stringValue": "x"},
                            "effectiveValue": {"stringValue": "x"},
                            "formattedValue": "x",
                        }
                    ]
                }
            ]
        }
    ]
    body["requests"] = [
        {"updateCells": {**write["updateCells"], "rows": [{"values": [text("y")]}]}}
    ]
    body["responseRanges"] = ["Sheet1!A1", "Missing!A1"]
    status, answer = api.call("POST", ":batchUpdate", body)
    assert (status, answer) == (400, error(400, "Unable to parse range: Missing!A1"))
    assert emu.values(api.sid, "Sheet1") == [["x"]]  # the failed batch wrote nothing


def test_lease_title_taken_refuses_the_batch(
    emu: SheetsEmulator, desk: tuple[gspread.Client, str]
) -> None:
    client, sid = desk
    client.http_client.batch_update(sid, {"requests": [{"addSheet": {"properties": LEASE}}]})
    before = emu.metadata(sid)
    for title in ("_lease", "_LEASE"):
        props = {**LEASE, "sheetId": 654321, "title": title}
        message = (
            f'Invalid requests[0].addSheet: A sheet with the name "{title}" already exists.'
            " Please enter another name."
        )
        assert refused(client, sid, {"addSheet": {"properties": props}}) == error(400, message)
    row = {"values": [text("v2")]}
    append = {
        "appendCells": {
            "sheetId": sheet_ids(emu, sid)["volunteers"],
            "rows": [row],
            "fields": "userEnteredValue",
        }
    }
    body = refused(client, sid, append, {"addSheet": {"properties": {**LEASE, "sheetId": 7}}})
    assert body["error"]["message"].startswith(
        'Invalid requests[1].addSheet: A sheet with the name "_lease"'
    )
    assert emu.metadata(sid) == before
    assert emu.values(sid, "volunteers") == [["id", "name"], ["v1", "张三"]]


def test_delete_of_a_missing_sheet_refuses_the_whole_batch(
    emu: SheetsEmulator, desk: tuple[gspread.Client, str]
) -> None:
    client, sid = desk
    row = {"values": [text("v2")]}
    append = {
        "appendCells": {
            "sheetId": sheet_ids(emu, sid)["volunteers"],
            "rows": [row],
            "fields": "userEnteredValue",
        }
    }
    body = refused(client, sid, append, {"deleteSheet": {"sheetId": 123456}})
    assert body == error(400, "Invalid requests[1].deleteSheet: No grid with id: 123456")
    assert emu.values(sid, "volunteers") == [["id", "name"], ["v1", "张三"]]
    client.http_client.batch_update(sid, {"requests": [{"addSheet": {"properties": LEASE}}]})
    answer = client.http_client.batch_update(
        sid, {"requests": [{"deleteSheet": {"sheetId": 123456}}]}
    )
    assert answer == {"spreadsheetId": sid, "replies": [{}]}
    assert refused(client, sid, {"deleteSheet": {"sheetId": 123456}}) == error(
        400, "Invalid requests[0].deleteSheet: No grid with id: 123456"
    )
    assert list(sheet_ids(emu, sid)) == ["volunteers", "hours"]


def test_append_cells_writes_typed_values_after_the_last_row(
    emu: SheetsEmulator, desk: tuple[gspread.Client, str]
) -> None:
    client, sid = desk
    emu.set_values(sid, "volunteers", [["v3"]], start_row=4)  # row 3 stays empty
    row = {
        "values": [
            {"userEnteredValue": {"stringValue": "=1+1"}},
            {},
            {"userEnteredValue": {"numberValue": 2.5}},
            {"userEnteredValue": {"boolValue": True}},
        ]
    }
    volunteers = sheet_ids(emu, sid)["volunteers"]
    append = {"appendCells": {"sheetId": volunteers, "rows": [row], "fields": "userEnteredValue"}}
    client.http_client.batch_update(sid, {"requests": [append]})
    assert emu.values(sid, "volunteers") == [
        ["id", "name"],
        ["v1", "张三"],
        [],
        ["v3"],
        ["=1+1", None, 2.5, True],
    ]
    assert not emu.cell(sid, "volunteers", 5, 1).is_formula
    ws = client.open_by_key(sid).worksheet("volunteers")
    assert ws.get("A5:D5", value_render_option="UNFORMATTED_VALUE") == [["=1+1", "", 2.5, True]]
    assert ws.get("A5:D5") == [["=1+1", "", "2.5", "TRUE"]]
    # a full grid grows by the appended rows
    small = {"sheetId": 77, "title": "small", "gridProperties": {"rowCount": 1, "columnCount": 4}}
    rows = [{"values": [text("a")]}, {"values": [text("b")]}]
    client.http_client.batch_update(
        sid,
        {
            "requests": [
                {"addSheet": {"properties": small}},
                {"appendCells": {"sheetId": 77, "rows": rows, "fields": "userEnteredValue"}},
                {"appendCells": {"sheetId": 77, "rows": rows[:1], "fields": "userEnteredValue"}},
            ]
        },
    )
    assert emu.values(sid, "small") == [["a"], ["b"], ["a"]]
    assert emu.metadata(sid)["sheets"][2]["properties"]["gridProperties"]["rowCount"] == 3


def test_update_cells_empty_cell_data_clears(
    emu: SheetsEmulator, desk: tuple[gspread.Client, str]
) -> None:
    client, sid = desk
    start = {"sheetId": sheet_ids(emu, sid)["volunteers"], "rowIndex": 1, "columnIndex": 0}
    rows = [{"values": [{}, text("李四"), number(3)]}]
    update = {"updateCells": {"start": start, "rows": rows, "fields": "userEnteredValue"}}
    client.http_client.batch_update(sid, {"requests": [update]})
    assert emu.values(sid, "volunteers") == [["id", "name"], [None, "李四", 3]]


def test_one_action_is_one_atomic_batch_across_tabs(
    emu: SheetsEmulator, desk: tuple[gspread.Client, str]
) -> None:
    client, sid = desk
    ids = sheet_ids(emu, sid)
    client.http_client.batch_update(sid, {"requests": [{"addSheet": {"properties": LEASE}}]})
    fields = "userEnteredValue"
    action = [
        {
            "appendCells": {
                "sheetId": ids["hours"],
                "rows": [{"values": [text("h1"), number(2)]}],
                "fields": fields,
            }
        },
        {
            "updateCells": {
                "start": {"sheetId": ids["volunteers"], "rowIndex": 1, "columnIndex": 1},
                "rows": [{"values": [text("王五")]}],
                "fields": fields,
            }
        },
        {
            "appendCells": {
                "sheetId": ids["volunteers"],
                "rows": [{"values": [text("v2"), text("赵六")]}],
                "fields": fields,
            }
        },
        {"deleteSheet": {"sheetId": 123456}},
    ]
    answer = client.http_client.batch_update(sid, {"requests": action})
    assert answer == {"spreadsheetId": sid, "replies": [{}, {}, {}, {}]}
    done = {
        "volunteers": [["id", "name"], ["v1", "王五"], ["v2", "赵六"]],
        "hours": [["h1", 2]],
    }
    assert {t: emu.values(sid, t) for t in done} == done
    assert list(sheet_ids(emu, sid)) == ["volunteers", "hours"]
    # the same action again: its lease is gone, so none of it applies
    body = refused(client, sid, *action)
    assert body == error(400, "Invalid requests[3].deleteSheet: No grid with id: 123456")
    assert {t: emu.values(sid, t) for t in done} == done


# ----- faults -----


def test_fail_next_answers_without_applying(emu: SheetsEmulator, api: Api) -> None:
    emu.fail_next(1, 429)
    status, body = api.append("Sheet1", [["a"]])
    assert status == 429
    assert body["error"]["status"] == "RESOURCE_EXHAUSTED"
    assert body["error"]["message"].startswith("Quota exceeded for quota metric 'Write requests'")
    assert body["error"]["details"][0]["reason"] == "RATE_LIMIT_EXCEEDED"
    assert emu.values(api.sid, "Sheet1") == []
    assert api.append("Sheet1", [["a"]])[0] == 200
    emu.fail_next(2, 503, kind="values.get")
    assert api.append("Sheet1", [["b"]])[0] == 200  # another kind: not affected
    assert api.get("A1")[1]["error"] == {
        "code": 503,
        "message": "The service is currently unavailable.",
        "status": "UNAVAILABLE",
    }
    assert api.get("A1")[0] == 503 and api.get("A1")[0] == 200


def test_fail_after_apply_duplicates_a_naive_retry(emu: SheetsEmulator, api: Api) -> None:
    """A write applied but answered 500: retrying the append writes the row twice."""
    emu.fail_next(1, 500, after_apply=True)
    status, body = api.get("A1")
    assert status == 200  # reads never take an after-apply fault
    status, body = api.append("Sheet1", [["id-1", "row"]])
    assert (status, body["error"]["status"]) == (500, "INTERNAL")
    assert api.append("Sheet1", [["id-1", "row"]])[0] == 200
    assert emu.values(api.sid, "Sheet1") == [["id-1", "row"], ["id-1", "row"]]
    assert [r.fault for r in emu.requests] == [None, "after_apply", None]


def test_random_faults_are_reproducible(emu: SheetsEmulator, api: Api) -> None:
    def run() -> list[int]:
        emu.set_faults(error_rate=0.3, error_statuses=(429, 500, 503), seed=7)
        return [api.get("A1")[0] for _ in range(40)]

    first, second = run(), run()
    assert first == second
    assert 200 in first and len(set(first) - {200}) >= 2
    assert set(first) <= {200, 429, 500, 503}
    assert 4 <= sum(s != 200 for s in first) <= 20
    emu.set_faults(error_rate=1.0, kinds=("values.append",))
    assert api.get("A1")[0] == 200 and api.append("Sheet1", [["x"]])[0] == 429
    emu.set_faults(after_apply_rate=1.0)
    assert api.get("A1")[0] == 200
    assert api.append("Sheet1", [["y"]])[0] == 500
    assert emu.values(api.sid, "Sheet1") == [["y"]]
    emu.clear_faults()
    assert api.append("Sheet1", [["z"]])[0] == 200
    with pytest.raises(ValueError):
        emu.set_faults(error_rate=1.5)


def test_batch_update_faults(emu: SheetsEmulator, desk: tuple[gspread.Client, str]) -> None:
    """A lost answer to the lease batch: applied, so the retry finds the title taken."""
    client, sid = desk
    take = {"requests": [{"addSheet": {"properties": LEASE}}]}
    emu.fail_next(1, 503, kind="spreadsheets.batchUpdate")
    with pytest.raises(gspread.exceptions.APIError) as caught:
        client.http_client.batch_update(sid, take)
    assert caught.value.code == 503
    assert "_lease" not in sheet_ids(emu, sid)
    emu.fail_next(1, 500, after_apply=True, kind="spreadsheets.batchUpdate")
    with pytest.raises(gspread.exceptions.APIError) as caught:
        client.http_client.batch_update(sid, take)
    assert caught.value.code == 500
    assert sheet_ids(emu, sid)["_lease"] == 123456
    assert refused(client, sid, *take["requests"])["error"]["message"].startswith(
        'Invalid requests[0].addSheet: A sheet with the name "_lease" already exists.'
    )
    emu.set_faults(after_apply_rate=1.0, kinds=("spreadsheets.batchUpdate",))
    with pytest.raises(gspread.exceptions.APIError) as caught:
        client.http_client.batch_update(sid, {"requests": [{"deleteSheet": {"sheetId": 123456}}]})
    assert caught.value.code == 500 and "_lease" not in sheet_ids(emu, sid)
    faults = [r.fault for r in emu.requests if r.kind == "spreadsheets.batchUpdate"]
    assert faults == ["before", "after_apply", None, "after_apply"]


def test_latency(emu: SheetsEmulator, api: Api) -> None:
    emu.set_faults(latency=0.15)
    started = time.perf_counter()
    assert api.get("A1")[0] == 200
    assert time.perf_counter() - started >= 0.15


def test_admin_endpoints(emu: SheetsEmulator, api: Api) -> None:
    admin = requests.Session()
    answer = admin.post(f"{emu.url}/_emulator/spreadsheets", json={"title": "x", "sheets": ["a"]})
    assert answer.status_code == 200
    other = answer.json()["spreadsheetId"]
    assert emu.metadata(other)["sheets"][0]["properties"]["title"] == "a"
    settings = {"error_rate": 1.0, "error_statuses": [503], "seed": 1}
    assert admin.post(f"{emu.url}/_emulator/faults", json=settings).json()["error_rate"] == 1.0
    assert api.get("A1")[0] == 503
    assert admin.delete(f"{emu.url}/_emulator/faults").status_code == 200
    answer = admin.post(f"{emu.url}/_emulator/faults/fail_next", json={"count": 1, "status": 429})
    assert answer.json()["pending_scripted"] == 1
    assert api.get("A1")[0] == 429 and api.get("A1")[0] == 200
    assert admin.post(f"{emu.url}/_emulator/faults", json={"error_rate": 2}).status_code == 400
    assert admin.post(f"{emu.url}/_emulator/faults", json={"bogus": 1}).status_code == 400
    log = admin.get(f"{emu.url}/_emulator/requests").json()["requests"]
    assert [(r["kind"], r["status"], r["range"]) for r in log] == [
        ("values.get", 503, "A1"),
        ("values.get", 429, "A1"),
        ("values.get", 200, "A1"),
    ]
    admin.delete(f"{emu.url}/_emulator/requests")
    assert emu.requests == []
    assert admin.get(f"{emu.url}/_emulator/nope").status_code == 404
    assert admin.post(f"{emu.url}/_emulator/reset").status_code == 200
    assert emu.spreadsheet_ids() == []


# ----- request log and gspread through real HTTP -----


def test_cold_load_budget(emu: SheetsEmulator) -> None:
    sid = emu.create_spreadsheet("desk", ["volunteers", "activities"])
    client = gspread_client(emu.host)
    emu.reset_requests()
    spreadsheet = client.open_by_key(sid)
    titles = [ws.title for ws in spreadsheet.worksheets()]
    spreadsheet.values_batch_get([f"'{t}'" for t in titles])
    # gspread's worksheets() fetches the metadata again: the log makes such waste visible
    # (a backend reusing open_by_key's answer needs 1 metadata GET + 1 batchGet).
    assert emu.request_kinds() == ["spreadsheets.get", "spreadsheets.get", "values.batchGet"]
    assert emu.count_requests("spreadsheets.get") == 2
    assert emu.count_requests(method="GET") == 3
    entry = emu.requests[-1]
    assert (entry.method, entry.status, entry.spreadsheet_id) == ("GET", 200, sid)
    assert entry.path == f"/v4/spreadsheets/{sid}/values:batchGet"
    assert entry.query["ranges"] == ["'volunteers'", "'activities'"]


def test_gspread_round_trip(emu: SheetsEmulator) -> None:
    sid = emu.create_spreadsheet("desk")
    client = gspread_client(emu.host)
    spreadsheet = client.open_by_key(sid)
    assert spreadsheet.title == "desk"
    ws = spreadsheet.add_worksheet("志愿者 名单", rows=3, cols=4)
    ws.append_rows(
        [["id", "name", "hours"], ["v1", "张三", 2.5], ["v2", "=HYPERLINK(1)", 0]],
        value_input_option="RAW",
        insert_data_option="INSERT_ROWS",
    )
    assert (
        ws.row_count == 6
        and emu.metadata(sid)["sheets"][1]["properties"]["gridProperties"]["rowCount"] == 6
    )
    assert ws.get_all_values() == [
        ["id", "name", "hours"],
        ["v1", "张三", "2.5"],
        ["v2", "=HYPERLINK(1)", "0"],
    ]
    assert not emu.cell(sid, "志愿者 名单", 3, 2).is_formula
    ws.update([["3"]], "C2", value_input_option="USER_ENTERED")
    assert ws.get("C2", value_render_option="UNFORMATTED_VALUE") == [[3]]
    assert ws.batch_get(["A1:B1", "C3"]) == [[["id", "name"]], [["0"]]]
    got = spreadsheet.values_batch_get(["'志愿者 名单'!A:A", "Sheet1"])
    assert [r["range"] for r in got["valueRanges"]] == ["'志愿者 名单'!A1:A6", "Sheet1!A1:Z1000"]
    assert got["valueRanges"][0]["values"] == [["id"], ["v1"], ["v2"]]
    assert ws.get_all_records() == [
        {"id": "v1", "name": "张三", "hours": 3},
        {"id": "v2", "name": "=HYPERLINK(1)", "hours": 0},
    ]
    ws.resize(rows=2)
    assert ws.get_all_values() == [["id", "name", "hours"], ["v1", "张三", "3"]]
    spreadsheet.del_worksheet(ws)
    assert [w.title for w in spreadsheet.worksheets()] == ["Sheet1"]


def test_gspread_errors_and_drive(emu: SheetsEmulator) -> None:
    client = gspread_client(emu.host)
    with pytest.raises(gspread.SpreadsheetNotFound):
        client.open_by_key("missing")
    created = client.create("via drive")
    assert created.sheet1.title == "Sheet1" and created.creationTime.endswith("Z")
    assert client.open("via drive").id == created.id
    emu.fail_next(1, 429)
    with pytest.raises(gspread.exceptions.APIError) as caught:
        created.sheet1.get_all_values()
    assert caught.value.code == 429
    client.del_spreadsheet(created.id)
    assert emu.spreadsheet_ids() == []


def test_client_session_rewrites_and_refuses() -> None:
    session = EmulatorSession("127.0.0.1:9")
    assert session.rewrite("https://sheets.googleapis.com/v4/spreadsheets/x") == (
        "http://127.0.0.1:9/v4/spreadsheets/x"
    )
    assert session.rewrite("https://www.googleapis.com/drive/v3/files/x") == (
        "http://127.0.0.1:9/drive/v3/files/x"
    )
    with pytest.raises(ValueError):
        session.rewrite("https://example.com/")
    with pytest.raises(ValueError):
        EmulatorSession("http://127.0.0.1:9")


def test_host_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHEETS_EMULATOR_HOST", "127.0.0.1:8085")
    assert emulator_host_from_env() == "127.0.0.1:8085"
    monkeypatch.delenv("SHEETS_EMULATOR_HOST")
    assert emulator_host_from_env() is None


def test_authorization_is_ignored(emu: SheetsEmulator) -> None:
    sid = emu.create_spreadsheet()
    headers = {"Authorization": "Bearer not-a-token"}
    answer = requests.get(f"{emu.url}/v4/spreadsheets/{sid}", headers=headers, timeout=10)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/json; charset=UTF-8"


def test_concurrent_appends_lose_nothing(emu: SheetsEmulator) -> None:
    sid = emu.create_spreadsheet()
    url = f"{emu.url}/v4/spreadsheets/{sid}/values/Sheet1:append"

    def worker(n: int) -> None:
        with requests.Session() as http:
            for i in range(15):
                body = {"values": [[f"{n}-{i}", n, i]]}
                params = {"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"}
                assert http.post(url, params=params, json=body, timeout=10).status_code == 200

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rows = emu.values(sid, "Sheet1")
    assert len(rows) == 120 and len({r[0] for r in rows}) == 120
    assert emu.metadata(sid)["sheets"][0]["properties"]["gridProperties"]["rowCount"] == 1120


def test_only_loopback() -> None:
    with pytest.raises(ValueError):
        SheetsEmulator(bind="0.0.0.0")


def test_auto_create(emu: SheetsEmulator) -> None:
    with SheetsEmulator(auto_create=True) as lazy:
        answer = requests.get(f"{lazy.url}/v4/spreadsheets/demo-sheet", timeout=10)
        assert answer.status_code == 200 and lazy.spreadsheet_ids() == ["demo-sheet"]
    assert requests.get(f"{emu.url}/v4/spreadsheets/demo", timeout=10).status_code == 404


def test_cli_serves_and_stops_on_ctrl_c() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "-m", "sheets_emulator", "--port", "0", "--spreadsheet", "demo-id"]
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("Sheets API emulator listening on http://127.0.0.1:")
        url = first.split()[-1]
        assert "SHEETS_EMULATOR_HOST=127.0.0.1:" in proc.stdout.readline()
        meta = requests.get(f"{url}/v4/spreadsheets/demo-id", timeout=10).json()
        assert meta["sheets"][0]["properties"]["title"] == "Sheet1"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    bad = subprocess.run(
        [sys.executable, "-m", "sheets_emulator", "--bind", "0.0.0.0"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert bad.returncode == 2 and "invalid choice" in bad.stderr


def test_seeded_values_and_json_roundtrip(emu: SheetsEmulator) -> None:
    """set_values seeds a hand-edited sheet without touching the request log."""
    sid = emu.create_spreadsheet()
    emu.set_values(sid, "Sheet1", [["志愿者", "时长"], ["张三", "2013年3月5日"]], start_row=3)
    assert emu.requests == []
    answer = requests.get(f"{emu.url}/v4/spreadsheets/{sid}/values/Sheet1", timeout=10)
    assert json.loads(answer.content.decode("utf-8"))["values"] == [
        [],
        [],
        ["志愿者", "时长"],
        ["张三", "2013年3月5日"],
    ]
    assert "张三".encode() in answer.content  # UTF-8 as Google sends it, not \\u escapes


def test_chunked_request_body(emu: SheetsEmulator) -> None:
    sid = emu.create_spreadsheet()
    url = f"{emu.url}/v4/spreadsheets/{sid}/values/A1?valueInputOption=RAW"
    chunks = iter([b'{"values": ', b'[["chunked"]]}'])
    assert requests.put(url, data=chunks, timeout=10).status_code == 200
    assert emu.values(sid, "Sheet1") == [["chunked"]]

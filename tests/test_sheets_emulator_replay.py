"""Replay Google's recorded Sheets API v4 exchanges against the emulator.

The recordings (``../shared/sheets-api-recordings/``, from gspread's own test cassettes) hold
real requests and Google's real answers. Each file's sheets.googleapis.com requests are sent,
byte for byte and in order, to a fresh emulator; status codes and JSON bodies must be equal
after the normalisations below. Where they differ, Google is right and the emulator is fixed.

KNOWN_DIFFERENCES (normalised in the comparison, with the reason):

- Spreadsheet ids: Google's Drive creates them; the replay creates a spreadsheet in the
  emulator (title from the recorded Drive request, "Sheet1", sheetId 0, 1000x26) when it sees
  the Drive "create" and maps the recorded id to the emulator's everywhere (URLs, bodies,
  ``spreadsheetUrl``).
- sheetIds of added sheets: Google picks random 31-bit ids; the emulator picks its own
  (reproducible from its seed). The replay learns the mapping from each ``addSheet`` reply
  and applies it to later requests and expected bodies. sheetId 0 of the first sheet matches.
- ``properties.defaultFormat`` and ``properties.spreadsheetTheme`` in spreadsheets.get: cell
  formatting and themes are not emulated, so these are dropped from Google's body; every
  other metadata field (title, locale, autoRecalc, timeZone, sheets[].properties,
  spreadsheetUrl) is compared exactly.
- Drive API exchanges (www.googleapis.com/drive) are not replayed: the spreadsheet is created
  and deleted through the emulator's Python API instead, and Drive's createdTime/modifiedTime
  are timestamps of the recording day.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from sheets_emulator import SheetsEmulator

RECORDINGS = Path(__file__).resolve().parents[1].parent / "shared" / "sheets-api-recordings"
SHEETS = "https://sheets.googleapis.com"
DRIVE = "https://www.googleapis.com/drive/"
NOT_EMULATED_PROPERTIES = ("defaultFormat", "spreadsheetTheme")
FILES = sorted(RECORDINGS.glob("*.json")) if RECORDINGS.is_dir() else []


def _missing_recordings() -> None:
    """Never skip silently under CI: a missing reference set there is a failure."""
    message = f"Sheets API recordings not found at {RECORDINGS}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def emulator() -> Iterator[SheetsEmulator]:
    with SheetsEmulator() as emu:
        yield emu


class Replay:
    """Id mappings learned while replaying one recording."""

    def __init__(self, emu: SheetsEmulator) -> None:
        self.emu = emu
        self.ids: dict[str, str] = {}  # recorded spreadsheet id -> emulator id
        self.sheet_ids: dict[int, int] = {0: 0}  # recorded sheetId -> emulator sheetId
        self.http = requests.Session()
        self.compared = 0

    def map_text(self, text: str) -> str:
        for recorded, ours in self.ids.items():
            text = text.replace(recorded, ours)
        return text

    def map_json(self, value: Any) -> Any:
        """Recorded ids -> emulator ids in a JSON value (strings and "sheetId" fields)."""
        if isinstance(value, dict):
            return {
                k: self.sheet_ids.get(v, v) if k == "sheetId" else self.map_json(v)
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [self.map_json(v) for v in value]
        if isinstance(value, str):
            return self.map_text(value)
        return value

    def drive(self, request: dict[str, Any], response: dict[str, Any]) -> None:
        """Mirror Drive create/delete with the emulator's Python API."""
        method = request["method"]
        if method == "POST" and request["uri"].split("?")[0].endswith("/drive/v3/files"):
            title = json.loads(request["body"])["name"]
            recorded_id = json.loads(response["body"]["string"])["id"]
            self.ids[recorded_id] = self.emu.create_spreadsheet(title)
        elif method == "DELETE":
            recorded_id = request["uri"].split("?")[0].rsplit("/", 1)[1]
            self.emu.delete_spreadsheet(self.ids[recorded_id])

    def learn_sheet_ids(self, expected: Any, actual: Any) -> None:
        """Pair Google's random sheetIds with the emulator's from addSheet replies."""
        if not (isinstance(expected, dict) and isinstance(actual, dict)):
            return
        pairs = zip(expected.get("replies", []), actual.get("replies", []), strict=False)
        for want, got in pairs:
            if "addSheet" in want and "addSheet" in got:
                recorded = want["addSheet"]["properties"]["sheetId"]
                self.sheet_ids[recorded] = got["addSheet"]["properties"]["sheetId"]

    @staticmethod
    def normalise(body: Any) -> Any:
        if isinstance(body, dict) and "sheets" in body and "properties" in body:
            body = dict(body, properties=dict(body["properties"]))
            for key in NOT_EMULATED_PROPERTIES:
                body["properties"].pop(key, None)
        return body

    def sheets(self, n: int, request: dict[str, Any], response: dict[str, Any]) -> None:
        """Send one recorded Sheets request and compare the answer with Google's."""
        path = self.map_text(request["uri"][len(SHEETS) :])
        data = None
        if request.get("body"):
            data = json.dumps(self.map_json(json.loads(request["body"]))).encode()
        answer = self.http.request(
            request["method"],
            self.emu.url + path,
            data=data,
            headers={"Content-Type": "application/json"} if data else {},
            timeout=10,
        )
        where = f"interaction {n}: {request['method']} {request['uri']}"
        assert answer.status_code == response["status"]["code"], f"{where}\n{answer.text}"
        text = response["body"]["string"]
        expected = json.loads(text) if text.strip() else None
        actual = answer.json() if answer.content else None
        self.learn_sheet_ids(expected, actual)
        expected = self.normalise(self.map_json(expected))
        assert actual == expected, f"{where}\nemulator: {actual}\ngoogle:   {expected}"
        self.compared += 1


@pytest.mark.parametrize(
    "recording", FILES or [None], ids=[f.stem for f in FILES] or ["recordings-missing"]
)
def test_replay_matches_google(recording: Path | None, emulator: SheetsEmulator) -> None:
    """Every Sheets exchange in the recording is answered exactly as Google answered it."""
    if recording is None:
        _missing_recordings()
        return
    interactions = json.loads(recording.read_text(encoding="utf-8"))["interactions"]
    replay = Replay(emulator)
    for n, interaction in enumerate(interactions):
        request, response = interaction["request"], interaction["response"]
        if request["uri"].startswith(DRIVE):
            replay.drive(request, response)
        elif request["uri"].startswith(SHEETS):
            replay.sheets(n, request, response)
        else:
            pytest.fail(f"unexpected host in {recording.name}: {request['uri']}")
    assert replay.compared > 0, f"{recording.name} has no Sheets API exchanges"


def test_recordings_cover_the_endpoints_the_backend_uses() -> None:
    """Guard against a thinned-out reference set: the core endpoints must stay covered."""
    if not FILES:
        _missing_recordings()
        return
    uris = [
        interaction["request"]["uri"]
        for path in FILES
        for interaction in json.loads(path.read_text(encoding="utf-8"))["interactions"]
        if interaction["request"]["uri"].startswith(SHEETS)
    ]
    for marker in (
        "?includeGridData=false",
        ":batchUpdate",
        "values:batchGet",
        "values:batchUpdate",
        ":append",
        ":clear",
    ):
        assert any(marker in uri for uri in uris), f"no recorded request with {marker!r}"


def test_missing_recordings_fail_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """The skip for a missing reference set turns into a failure when CI=true."""
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        _missing_recordings()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        _missing_recordings()

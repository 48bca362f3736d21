"""The monthly workbook and the star-list exports, read back as a reader's program would."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import zipfile

import openpyxl
import pytest

from sltcore.exports import report
from sltcore.services import analytics as A
from tests.test_analytics import TODAY, build_fixed


@pytest.fixture(scope="module")
def frames(tmp_path_factory: pytest.TempPathFactory):
    s, _ = build_fixed(tmp_path_factory.mktemp("report") / "fixed.db")
    out = s.read_all()
    s.close()
    return out


@pytest.fixture(scope="module")
def november(frames) -> bytes:
    steps: list[float] = []
    data = report.monthly_report(frames, 2026, 11, progress=lambda text, x: steps.append(x))
    assert steps and steps[-1] == 1.0
    return data


def _rows(ws) -> list[tuple]:
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


def _find(ws, label: str) -> tuple:
    for row in ws.iter_rows(values_only=True):
        if row[0] == label:
            return row
    raise AssertionError(f"{label} not found")


def test_sheets(november):
    wb = openpyxl.load_workbook(io.BytesIO(november))
    assert wb.sheetnames == ["汇总", "幸福一村", "幸福二村", "北三里", "服务记录"]


def test_summary_figures_match_the_analytics(november):
    ws = openpyxl.load_workbook(io.BytesIO(november))["汇总"]
    assert ws["A1"].value == "三里屯街道志愿服务月报（2026年11月）"
    # the whole of November against the whole of October
    assert _find(ws, "服务时长（小时）")[:4] == ("服务时长（小时）", 98.5, 5.5, 93.0)
    assert _find(ws, "参与服务的志愿者")[1:3] == (4, 1)
    assert _find(ws, "活动场次")[1:3] == (2, 2)
    assert _find(ws, "在册志愿者")[1:3] == (4, 2)
    assert _find(ws, "幸福二村")[:4] == ("幸福二村", 94.0, 6, 2)
    assert _find(ws, "幸福一村")[:4] == ("幸福一村", 4.5, 2, 2)
    assert _find(ws, "未关联活动")[:3] == ("未关联活动", 88.0, 4)


def test_one_sheet_per_community(november):
    ws = openpyxl.load_workbook(io.BytesIO(november))["幸福二村"]
    assert ws["A1"].value == "幸福二村社区志愿服务月报（2026年11月）"
    assert _find(ws, "服务时长（小时）")[1] == 94.0
    assert _find(ws, "亲情关怀")[:3] == ("亲情关怀", 6.0, 2)
    top = [r for r in _rows(ws) if r[0] in (1, 2)]
    assert [r[1] for r in top] == ["丙三", "=1+1"]


def test_record_list_holds_exactly_the_counted_records(november):
    ws = openpyxl.load_workbook(io.BytesIO(november))["服务记录"]
    rows = _rows(ws)
    assert rows[0][:3] == ("服务日期", "社区", "志愿者")
    body = rows[1:]
    assert len(body) == 8  # r1, r3, r4, r7, n1-n4 (r8, r9, r10 never count)
    assert sum(r[6] for r in body) == 98.5
    assert "身份证号" not in rows[0] and "手机号" not in rows[0]


def test_formula_looking_text_stays_text(november):
    wb = openpyxl.load_workbook(io.BytesIO(november))
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    suspicious = {c.value: c.data_type for c in cells if c.value[:1] in ("=", "@")}
    assert suspicious == {"=1+1": "s", "@SUM(A1)": "s"}
    with zipfile.ZipFile(io.BytesIO(november)) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any("<f>" in z.read(n).decode() for n in sheets)


def test_native_charts_are_present(november):
    with zipfile.ZipFile(io.BytesIO(november)) as z:
        names = z.namelist()
        charts = [n for n in names if n.startswith("xl/charts/chart")]
        assert len(charts) == 3 + 3 * 2  # summary 3; each community 2
        assert any(n.startswith("xl/drawings/drawing") for n in names)
        xml = z.read("xl/charts/chart1.xml").decode("utf-8")
        assert "汇总" in xml and "<c:barChart>" in xml  # refers to the summary's cells


def test_a_month_without_records(frames):
    data = report.monthly_report(frames, 2024, 12)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert _find(wb["汇总"], "服务时长（小时）")[1] == 0
    assert wb["服务记录"]["A3"].value == "本月没有服务记录。"


def test_english_workbook(frames):
    wb = openpyxl.load_workbook(io.BytesIO(report.monthly_report(frames, 2026, 11, "en")))
    assert wb.sheetnames[0] == "Summary" and wb.sheetnames[-1] == "Service records"
    assert _find(wb["Summary"], "Service hours")[1] == 98.5


@pytest.mark.parametrize(
    ("text", "safe"),
    [("=1+1", "'=1+1"), ("+86", "'+86"), ("-2", "'-2"), ("@x", "'@x"), ("＝1", "'＝1"),
     ("＋1", "'＋1"), ("－1", "'－1"), ("＠a", "'＠a"), ("\tx", "'\tx"), ("\rx", "'\rx"),
     ("张三", "张三"), ("", ""), (None, "")],
)  # fmt: skip
def test_csv_safe(text, safe):
    assert report.csv_safe(text) == safe


def test_star_list_exports(frames):
    """The star list holds the starred volunteers; the hours list everyone, formula-safe."""
    df = A.star_list(frames, A.make_period("this_month", TODAY))
    rows = list(csv.reader(io.StringIO(report.star_list_csv(df).decode("utf-8-sig"))))
    assert rows[0][:5] == ["姓名", "社区", "志愿者类别", "累计服务时长", "星级"]
    by_name = {r[0]: r for r in rows[1:]}
    assert set(by_name) == {"甲一"}  # 丙三, =1+1 and 乙二 have no star yet
    assert by_name["甲一"][3:6] == ["100.5", "1", "★☆☆☆☆"]
    assert by_name["甲一"][10] == "是"  # crossed a threshold this period
    wb = openpyxl.load_workbook(io.BytesIO(report.star_list_xlsx(df, title="星级志愿者")))
    values = _rows(wb.active)
    assert values[0][0] == "星级志愿者" and values[2][0] == "姓名"
    assert [r[0] for r in values[3:]] == ["甲一"]
    assert wb.active["D4"].value == 100.5

    rows = list(csv.reader(io.StringIO(report.hours_list_csv(df).decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["甲一", "丙三", "'=1+1", "乙二"]
    wb = openpyxl.load_workbook(io.BytesIO(report.hours_list_xlsx(df, title="服务时长")))
    ws = wb.active
    assert [r[0] for r in _rows(ws)[3:]] == ["甲一", "丙三", "=1+1", "乙二"]
    assert ws["A6"].data_type == "s" and ws["D4"].value == 100.5


def test_sheet_names_are_valid_and_unique():
    taken: set[str] = set()
    assert report.sheet_name("a/b:c", taken) == "a_b_c"
    assert report.sheet_name("A/B:C", taken) == "A_B_C(2)"
    assert len(report.sheet_name("长" * 40, taken)) == 31


def test_libreoffice_opens_the_workbook_and_keeps_text_as_text(november, tmp_path):
    """LibreOffice (as WPS and Excel would) reads every sheet; `=1+1` is not computed to 2."""
    if shutil.which("soffice") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("LibreOffice is not installed; .ci/run installs libreoffice-calc-nogui")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    src = tmp_path / "november.xlsx"
    src.write_bytes(november)
    out = tmp_path / "out"
    done = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,"
         "false,-1", str(src), "--outdir", str(out)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    sheets = {p.stem.removeprefix("november-"): p.read_text("utf-8") for p in out.glob("*.csv")}
    assert set(sheets) == {"汇总", "幸福一村", "幸福二村", "北三里", "服务记录"}
    assert "服务时长（小时）,98.5,5.5,93" in sheets["汇总"]
    records = sheets["服务记录"]
    assert ",=1+1," in records and ",@SUM(A1)," in records

"""`python -m sltcore import / export / backup / restore`, as an admin runs them."""

from __future__ import annotations

import csv
import io
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from sltcore import demo
from sltcore.cli import main
from sltcore.store.local import LocalStore
from tests import import_fixtures as fx
from tests.conftest import ROOT


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.db"
    monkeypatch.setenv("SLT_DB", str(path))
    monkeypatch.setenv("SLT_BACKEND", "local")
    store = LocalStore(path)
    demo.load_reference(store)
    store.close()
    return path


@pytest.fixture
def sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> Path:
    path = tmp_path / "sample.db"
    shutil.copy(demo_db, path)
    monkeypatch.setenv("SLT_DB", str(path))
    monkeypatch.setenv("SLT_BACKEND", "local")
    return path


def count(db: Path, table: str) -> int:
    return sqlite3.connect(db).execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_import_dry_run_then_import_then_again(db, tmp_path, capsys):
    persons = fx.people(3)
    path = tmp_path / "志愿者名单.xlsx"
    path.write_bytes(fx.register_xlsx(persons))
    args = ["import", str(path), "--table", "volunteers", "--default", "registered_on=2026-11-01"]
    assert main([*args, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "导入“志愿者” · 文件：志愿者名单.xlsx · 工作表：志愿者名单 · 表头：第3行" in out
    assert "试导入完成（没有保存）：可导入 3 行" in out and count(db, "volunteers") == 0
    assert main(args) == 0
    assert "已导入 3 行" in capsys.readouterr().out and count(db, "volunteers") == 3
    assert main(args) == 0, "duplicates are skipped, not refused"
    assert "已有相同记录 3 行" in capsys.readouterr().out and count(db, "volunteers") == 3


def test_refused_rows_exit_1_and_nothing_is_written(db, tmp_path, capsys):
    persons = fx.people(3)
    persons[1].mobile = "123"
    path = tmp_path / "名单.xlsx"
    path.write_bytes(fx.register_xlsx(persons))
    args = ["import", str(path), "--table", "volunteers", "--default", "registered_on=2026-11-01"]
    assert main(args) == 1
    out = capsys.readouterr().out
    assert "没有导入任何行：有 1 行有问题" in out
    assert "第5行，F列“联系电话”：手机号应为11位" in out
    assert count(db, "volunteers") == 0
    assert main([*args, "--skip-invalid"]) == 1, "still exit 1: a row was refused"
    assert "已导入 2 行" in capsys.readouterr().out and count(db, "volunteers") == 2
    assert main(["--lang", "en", *args, "--skip-invalid"]) == 1
    assert "row 5, column F“联系电话”: a mobile number has 11 digits" in capsys.readouterr().out


def test_a_file_without_a_required_column_says_how_to_give_it(db, tmp_path, capsys):
    path = tmp_path / "名单.xlsx"
    path.write_bytes(fx.register_xlsx(fx.people(2)))
    assert main(["import", str(path), "--table", "volunteers"]) == 1
    out = capsys.readouterr().out
    assert "文件中没有“注册日期”这一列（必填）" in out and "--default 字段=值" in out
    assert count(db, "volunteers") == 0


def test_import_with_a_corrected_column_and_sheet(db, tmp_path, capsys):
    rows = [["姓名", "性别", "手机", "家庭电话", "社区", "类别"],
            ["王芳", "女", "021-1234", "13912345670", "幸福一村", "居民"]]  # fmt: skip
    path = tmp_path / "x.xlsx"
    path.write_bytes(fx.table_xlsx(rows, sheet="名单"))
    base = ["import", str(path), "--table", "volunteers", "--sheet", "名单",
            "--default", "registered_on=2026-11-01"]  # fmt: skip
    assert main([*base, "--map", "C=-", "--map", "D=mobile"]) == 0
    assert "D列“家庭电话”→手机号" in capsys.readouterr().out
    assert main([*base, "--map", "C=nonsense"]) == 2
    assert "没有字段 nonsense" in capsys.readouterr().err
    assert main([*base, "--sheet", "无此表"]) == 2
    assert "没有名为“无此表”的工作表" in capsys.readouterr().err


def test_export_workbook_csv_masking_and_who_may_unmask(sample, tmp_path, capsys):
    out = tmp_path / "全部.xlsx"
    assert main(["export", str(out)]) == 0
    assert "身份证号已打码" in capsys.readouterr().out
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[1] == "志愿者" and "*" in wb["志愿者"]["K2"].value
    assert main(["export", str(tmp_path / "en.xlsx"), "--lang", "en"]) == 0
    assert openpyxl.load_workbook(tmp_path / "en.xlsx").sheetnames[1] == "Volunteers"
    assert main(["export", str(tmp_path / "full.xlsx"), "--unmasked"]) == 0
    assert "*" not in openpyxl.load_workbook(tmp_path / "full.xlsx")["志愿者"]["K2"].value
    csv_path = tmp_path / "vol.csv"
    assert main(["export", str(csv_path), "--table", "volunteers"]) == 0
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header = next(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert header[7:9] == ["姓名", "性别"]
    assert main(["export", str(tmp_path / "x.csv")]) == 2
    assert "需要 --table" in capsys.readouterr().err
    assert main(["--as", "coord1", "export", str(tmp_path / "c.xlsx"), "--unmasked"]) == 2
    assert "只有管理员可以导出完整的身份证号" in capsys.readouterr().err
    assert main(["--as", "coord1", "export", str(tmp_path / "c.xlsx")]) == 0
    assert main(["--as", "nobody", "export", str(tmp_path / "c.xlsx")]) == 2


def test_backup_and_restore(sample, tmp_path, capsys, monkeypatch):
    folder = tmp_path / "backups"
    for _ in range(3):
        assert main(["backup", str(folder), "--keep", "2"]) == 0
    assert len(list(folder.glob("sanlitun-*.db"))) == 2
    assert "已备份到" in capsys.readouterr().out
    assert main(["export", str(tmp_path / "full.xlsx"), "--unmasked"]) == 0
    monkeypatch.setenv("SLT_DB", str(tmp_path / "new.db"))
    assert main(["restore", str(tmp_path / "full.xlsx")]) == 0
    assert "已从 full.xlsx 恢复" in capsys.readouterr().out
    stored = count(sample, "service_records")
    assert count(tmp_path / "new.db", "service_records") == stored
    assert main(["restore", str(tmp_path / "full.xlsx")]) == 0, "a finished restore: nothing"
    assert count(tmp_path / "new.db", "service_records") == stored
    monkeypatch.setenv("SLT_DB", str(sample))
    assert main(["restore", str(tmp_path / "full.xlsx")]) == 2
    assert "只能恢复到空的数据库" in capsys.readouterr().err


def test_help_names_the_new_commands() -> None:
    out = subprocess.run([sys.executable, "-m", "sltcore", "--help"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    for word in ("import", "export", "backup", "restore", "--as", "导入", "备份"):
        assert word in out, word
    sub = subprocess.run([sys.executable, "-m", "sltcore", "import", "--help"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    for word in ("--table", "--sheet", "--dry-run", "--skip-invalid", "--map", "--default"):
        assert word in sub, word

"""`python -m sltcore`: init, demo, check, as an admin runs them."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from sltcore.cli import main
from tests.conftest import ROOT


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.db"
    monkeypatch.setenv("SLT_DB", str(path))
    monkeypatch.setenv("SLT_BACKEND", "local")
    return path


def test_init_creates_the_reference_data_once(db: Path, capsys) -> None:
    assert main(["init"]) == 0
    assert "已新增 22 条基础资料" in capsys.readouterr().out
    assert main(["init"]) == 0
    assert "已新增 0 条基础资料" in capsys.readouterr().out
    con = sqlite3.connect(db)
    names = [r[0] for r in con.execute("SELECT name FROM communities ORDER BY rowid")]
    assert names == ["幸福一村", "幸福二村", "北三里", "东三里", "中三里", "中纺里", "白家庄西里"]
    brands = con.execute("SELECT COUNT(*) FROM programmes WHERE kind = 'brand'").fetchone()[0]
    assert brands == 7


def test_demo_then_check_is_clean(db: Path, capsys) -> None:
    assert main(["demo", "--volunteers", "200", "--records", "1500"]) == 0
    out = capsys.readouterr().out
    con = sqlite3.connect(db)
    at_events, total = con.execute(
        "SELECT COUNT(event_id), COUNT(*) FROM service_records"
    ).fetchone()
    con.close()
    assert at_events == 1500, "--records counts the records at events"
    assert "volunteers: 200" in out and f"service_records: {total}" in out
    assert main(["check"]) == 0
    assert "数据体检通过" in capsys.readouterr().out
    assert main(["demo"]) == 2, "demo never writes into a store that has data"


def test_demo_is_deterministic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sums = []
    for name in ("a.db", "b.db"):
        monkeypatch.setenv("SLT_DB", str(tmp_path / name))
        assert main(["demo", "--volunteers", "80", "--records", "400", "--seed", "5"]) == 0
        con = sqlite3.connect(tmp_path / name)
        sums.append(
            con.execute(
                "SELECT group_concat(volunteer_id || date || hours) FROM service_records"
            ).fetchone()
        )
    assert sums[0] == sums[1]


def test_check_reports_problems_and_exits_1(db: Path, capsys) -> None:
    assert main(["demo", "--volunteers", "60", "--records", "300"]) == 0
    con = sqlite3.connect(db)
    first, second = [r[0] for r in con.execute("SELECT id FROM volunteers LIMIT 2")]
    # What a hand edit can do behind the app's back.
    con.execute("UPDATE volunteers SET mobile = (SELECT mobile FROM volunteers WHERE id = ?) "
                "WHERE id = ?", (first, second))  # fmt: skip
    con.execute("UPDATE service_records SET event_id = 'evt-gone' WHERE rowid = 1")
    con.execute("UPDATE service_records SET hours = 23.5 WHERE rowid IN (2, 3)")
    con.execute("UPDATE service_records SET volunteer_id = (SELECT volunteer_id FROM "
                "service_records WHERE rowid = 2), date = (SELECT date FROM service_records "
                "WHERE rowid = 2) WHERE rowid = 3")  # fmt: skip
    con.execute("UPDATE communities SET phone = '12345' WHERE rowid = 1")
    con.commit()
    capsys.readouterr()
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    name = con.execute("SELECT name FROM volunteers WHERE id = ?", (first,)).fetchone()[0]
    assert f"志愿者 {second} · 手机号：与{name}（{first}）的手机号相同" in out
    assert "指向不存在的活动“evt-gone”" in out
    vid, day, total = con.execute(
        "SELECT volunteer_id, date, sum(hours) FROM service_records WHERE (volunteer_id, date) = "
        "(SELECT volunteer_id, date FROM service_records WHERE rowid = 2)"
    ).fetchone()
    assert total >= 47
    assert f"志愿者 {vid}：{day} 共记录{total:g}小时，超过每天24小时" in out
    assert "联系电话：电话号码格式不对" in out
    assert main(["--lang", "en", "check"]) == 1
    assert "problems found" in capsys.readouterr().out


def test_help_is_complete_in_both_languages() -> None:
    out = subprocess.run([sys.executable, "-m", "sltcore", "--help"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    out = " ".join(out.split())
    for word in ("init", "demo", "check", "示例数据", "sample data", "数据体检", "data health",
                 "SLT_DB", "SLT_BACKEND", "--records 100000"):  # fmt: skip
        assert word in out, word
    demo_help = subprocess.run([sys.executable, "-m", "sltcore", "demo", "--help"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert "--volunteers" in demo_help and "志愿者人数" in demo_help and "--records" in demo_help


def test_as_names_an_account_of_the_secrets_file_with_its_communities(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from tests.auth_helpers import write_secrets

    monkeypatch.setenv("SLT_SECRETS", str(write_secrets(tmp_path / "s.toml", {"bsl": ["北三里"]})))
    assert main(["init"]) == 0
    con = sqlite3.connect(db)
    bsl, dsl = (
        con.execute("SELECT id FROM communities WHERE name = ?", (n,)).fetchone()[0]
        for n in ("北三里", "东三里")
    )
    people = tmp_path / "people.csv"
    people.write_text(
        "姓名,性别,出生日期,手机,所属社区\n王芳,女,1980-01-02,13900001111,北三里\n"
        "李强,男,1981-02-03,13900002222,东三里\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    fill = ["--default", "membership=resident", "--default", "registered_on=2026-01-05"]
    # The coordinator of 北三里 may import 北三里's people, not 东三里's.
    assert main(["--as", "bsl", "import", str(people), "--table", "volunteers", *fill]) == 1
    out = capsys.readouterr().out
    assert "只能修改自己负责的社区的数据" in out
    stored = con.execute("SELECT community_id FROM volunteers").fetchall()
    assert stored == [], "a refused row refuses the batch"
    people.write_text(
        "姓名,性别,出生日期,手机,所属社区\n王芳,女,1980-01-02,13900001111,北三里\n",
        encoding="utf-8",
    )
    assert main(["--as", "bsl", "import", str(people), "--table", "volunteers", *fill]) == 0
    assert con.execute("SELECT community_id FROM volunteers").fetchall() == [(bsl,)]
    assert dsl != bsl
    assert main(["--as", "leader", "import", str(people), "--table", "volunteers", *fill]) != 0
    assert main(["--as", "nobody", "export", str(tmp_path / "x.xlsx")]) == 2
    assert "没有名为 nobody 的有效账号" in capsys.readouterr().err

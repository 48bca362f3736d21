"""值守排班: overlaps across midnight, double-booking, attendance once, coverage, print, page."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from sltcore.auth import SYSTEM, Actor
from sltcore.exports import roster as roster_export
from sltcore.services import hours, rosters
from sltcore.store.local import LocalStore
from tests.helpers import TxSpy, community, dump, plain, volunteer

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "app_pages/rosters.py"
D, T = dt.date, dt.time


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((D(2026, 10, 1), T(22), T(2)), (D(2026, 10, 2), T(1), T(5)), True),  # past midnight
        ((D(2026, 10, 1), T(22), T(2)), (D(2026, 10, 2), T(2), T(6)), False),  # touching
        ((D(2026, 10, 1), T(22), T(2)), (D(2026, 10, 1), T(8), T(12)), False),  # same day, morning
        ((D(2026, 10, 1), T(22), T(2)), (D(2026, 10, 1), T(21), T(23)), True),
        ((D(2026, 10, 1), T(8), T(12)), (D(2026, 10, 1), T(11, 59), T(13)), True),
        ((D(2026, 10, 1), T(8), T(12)), (D(2026, 10, 2), T(8), T(12)), False),
        ((D(2026, 9, 30), T(23), T(0, 30)), (D(2026, 10, 1), T(0), T(1)), True),  # month edge
    ],
)
def test_overlap_across_midnight(a, b, expected) -> None:
    assert rosters.overlaps(rosters.interval(*a), rosters.interval(*b)) is expected
    assert rosters.overlaps(rosters.interval(*b), rosters.interval(*a)) is expected


def test_shift_hours_and_description() -> None:
    night = {"date": D(2026, 10, 1), "start_time": "22:00", "end_time": "02:00", "post": "夜巡"}
    assert rosters.shift_hours(night) == 4.0
    assert rosters.describe(night) == "10月1日 22:00-02:00（次日） 夜巡"


@pytest.fixture
def roster(contract_store):
    store = contract_store  # every rule on both backends
    com = community(store)
    vols = [volunteer(store, com["id"], name=n) for n in ("王秀英", "李强", "张伟")]
    period = store.append(
        "roster_periods",
        [{"name": "国庆值守", "key_period": "national_day", "start_date": D(2026, 10, 1),
          "end_date": D(2026, 10, 3)}],
        SYSTEM,
    )[0]  # fmt: skip

    def shift(day, start, end, post="门岗", slots=2):
        row = {"period_id": period["id"], "post": post, "community_id": com["id"], "date": day,
               "start_time": start, "end_time": end, "slots": slots}  # fmt: skip
        return store.append("roster_shifts", [row], SYSTEM)[0]

    return {"store": store, "com": com, "vols": vols, "period": period, "shift": shift}


def test_double_booking_across_midnight_is_refused_naming_both(roster) -> None:
    store, shift, (wang, li, _) = roster["store"], roster["shift"], roster["vols"]
    night = shift(D(2026, 10, 1), T(22), T(2), post="商圈夜巡")
    early = shift(D(2026, 10, 2), T(1), T(5), post="路口执勤")
    rosters.assign(store, SYSTEM, night["id"], [wang["id"]])
    before = dump(store)
    with pytest.raises(rosters.Refused) as err:
        rosters.assign(store, SYSTEM, early["id"], [li["id"], wang["id"]])
    assert err.value.zh == (
        "排班：10月2日 01:00-05:00 路口执勤未保存。"
        "王秀英已排在10月1日 22:00-02:00（次日） 商圈夜巡，时间重叠。"
    )
    assert dump(store) == before, "all or none: 李强 was not assigned either"
    rosters.assign(store, SYSTEM, early["id"], [li["id"]])


def test_someone_is_taken_off_a_shift_before_it_is_marked(roster) -> None:
    store, shift, (wang, li, _) = roster["store"], roster["shift"], roster["vols"]
    gate = shift(D(2026, 10, 1), T(8), T(12))
    asg_wang, asg_li = rosters.assign(store, SYSTEM, gate["id"], [wang["id"], li["id"]])
    rosters.unassign(store, SYSTEM, asg_wang["id"])
    frames = store.read_all()
    row = rosters.shifts(frames, roster["period"]["id"]).iloc[0]
    assert (row["filled"], row["people"]) == (1, "李强"), "王秀英's place is open again"
    rosters.assign(store, SYSTEM, gate["id"], [wang["id"]])  # and can be taken again
    rosters.mark_attendance(store, SYSTEM, gate["id"], [li["id"]])
    with pytest.raises(rosters.Refused) as err:
        rosters.unassign(store, SYSTEM, asg_li["id"])
    assert "李强在10月1日 08:00-12:00 门岗已登记考勤，不能移出或调班" in err.value.zh


def test_a_swap_keeps_who_was_replaced_and_checks_the_new_volunteer(roster) -> None:
    store, shift, (wang, li, zhang) = roster["store"], roster["shift"], roster["vols"]
    gate = shift(D(2026, 10, 1), T(8), T(12))
    patrol = shift(D(2026, 10, 1), T(11), T(15), post="巡逻")
    [asg] = rosters.assign(store, SYSTEM, gate["id"], [wang["id"]])
    rosters.assign(store, SYSTEM, patrol["id"], [li["id"]])
    before = dump(store)
    with pytest.raises(rosters.Refused) as err:
        rosters.swap(store, SYSTEM, asg["id"], li["id"])
    assert err.value.zh == (
        "调班：10月1日 08:00-12:00 门岗未保存。李强已排在10月1日 11:00-15:00 巡逻，时间重叠。"
    )
    with pytest.raises(rosters.Refused) as err:
        rosters.swap(store, SYSTEM, asg["id"], wang["id"])
    assert "王秀英已经在10月1日 08:00-12:00 门岗的排班里了" in err.value.zh
    assert dump(store) == before, "a refused swap changes nothing"
    old, new = rosters.swap(store, SYSTEM, asg["id"], zhang["id"])
    assert (old["status"], old["notes"]) == ("swapped", "由张伟替班")
    assert (new["volunteer_id"], new["notes"]) == (zhang["id"], "替王秀英")
    frames = store.read_all()
    assert (
        rosters.shifts(frames, roster["period"]["id"]).set_index("post").loc["门岗", "people"]
        == "张伟"
    )
    rosters.mark_attendance(store, SYSTEM, gate["id"], [zhang["id"]])
    recs = store.read_all()["service_records"]
    assert recs["volunteer_id"].tolist() == [zhang["id"]], "the one who stood in is credited"
    with pytest.raises(rosters.Refused) as err:
        rosters.swap(store, SYSTEM, asg["id"], li["id"])
    assert "王秀英在10月1日 08:00-12:00 门岗的班已经调给别人了" in err.value.zh


def test_assigning_twice_and_after_an_absence(roster) -> None:
    store, shift, (wang, _, _) = roster["store"], roster["shift"], roster["vols"]
    a = shift(D(2026, 10, 1), T(8), T(12))
    b = shift(D(2026, 10, 1), T(10), T(14), post="巡查")
    assert len(rosters.assign(store, SYSTEM, a["id"], [wang["id"]])) == 1
    assert rosters.assign(store, SYSTEM, a["id"], [wang["id"], wang["id"]]) == []
    rosters.mark_attendance(store, SYSTEM, a["id"], [])  # absent: holds no place any more
    assert len(rosters.assign(store, SYSTEM, b["id"], [wang["id"]])) == 1


def test_attendance_creates_one_record_per_present_volunteer_once(roster) -> None:
    store, shift, vols = roster["store"], roster["shift"], roster["vols"]
    night = shift(D(2026, 10, 1), T(22), T(2), slots=3)
    rosters.assign(store, SYSTEM, night["id"], [v["id"] for v in vols])
    present = [vols[0]["id"], vols[1]["id"]]
    spy = TxSpy(store, reruns=1)
    done = rosters.mark_attendance(spy, SYSTEM, night["id"], present)
    assert (done.created, done.present, done.absent) == (2, 2, 1)
    assert len(spy.transactions) == 1
    recs = store.read_all()["service_records"]
    assert sorted(recs["volunteer_id"]) == sorted(present)
    assert set(recs["hours"]) == {4.0} and set(recs["date"].dt.date) == {D(2026, 10, 1)}
    asg = store.read_all()["roster_assignments"].set_index("volunteer_id")
    assert asg.loc[vols[2]["id"], "status"] == "absent", "the absence is kept"
    assert set(asg.loc[present, "record_id"]) == set(recs["id"])
    again = rosters.mark_attendance(store, SYSTEM, night["id"], present)
    assert (again.created, again.archived) == (0, 0)
    assert len(store.read_all()["service_records"]) == 2, "marking again creates nothing twice"
    # a correction: the third came after all, the second did not
    fixed = rosters.mark_attendance(store, SYSTEM, night["id"], [vols[0]["id"], vols[2]["id"]])
    assert (fixed.created, fixed.archived) == (1, 1)
    counted = hours.countable(store.read_all())
    assert sorted(counted["volunteer_id"]) == sorted([vols[0]["id"], vols[2]["id"]])


def test_attendance_refusals(roster) -> None:
    store, shift, vols = roster["store"], roster["shift"], roster["vols"]
    s = shift(D(2026, 10, 1), T(8), T(12))
    with pytest.raises(rosters.Refused, match="not assigned"):
        rosters.mark_attendance(store, SYSTEM, s["id"], [vols[0]["id"]])
    future = shift(D(2026, 12, 20), T(8), T(12))
    rosters.assign(store, SYSTEM, future["id"], [vols[0]["id"]])
    with pytest.raises(rosters.Refused) as err:
        rosters.mark_attendance(store, SYSTEM, future["id"], [vols[0]["id"]])
    assert err.value.zh == "考勤：12月20日 08:00-12:00 门岗还没到，不能登记到岗。"


def test_coverage_and_exports(roster) -> None:
    store, shift, vols = roster["store"], roster["shift"], roster["vols"]
    a = shift(D(2026, 10, 1), T(8), T(12), slots=2)
    shift(D(2026, 10, 2), T(8), T(12), slots=2)
    rosters.assign(store, SYSTEM, a["id"], [vols[0]["id"], vols[1]["id"]])
    frames = store.read_all()
    cov = rosters.coverage(frames, roster["period"]["id"]).set_index("date")
    assert cov.loc[D(2026, 10, 1), "ratio"] == 1.0 and cov.loc[D(2026, 10, 2), "gap"] == 2
    pdf = roster_export.pdf(frames, roster["period"]["id"])
    assert pdf.startswith(b"%PDF")
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2, "one A4 page per day"
    assert round(float(reader.pages[0].mediabox.width)) == 595
    wb = openpyxl.load_workbook(io.BytesIO(roster_export.xlsx(frames, roster["period"]["id"])))
    ws = wb["排班"]
    assert ws["A1"].value == "国庆值守" and ws["G4"].value == "王秀英、李强"


def test_current_period_is_the_running_one(demo_store) -> None:
    frames = demo_store.read_all()
    pid = rosters.current_period(frames, D(2026, 11, 29))
    row = frames["roster_periods"].set_index("id").loc[pid]
    assert row["start_date"].date() <= D(2026, 11, 29) <= row["end_date"].date()


# --- the page ---------------------------------------------------------------------------


def open_page(actor: Actor | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = "zh"
    if actor is not None:
        at.session_state["actor"] = actor
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def _tab(at, label):
    return next(t for t in at.tabs if t.label == label)


def test_page_on_an_empty_store(app_env) -> None:
    at = open_page()
    assert at.title[0].value == "值守排班"
    assert any(b.label == "载入示例数据" for b in at.button)


def test_page_on_sample_data(app_env, demo_db) -> None:
    shutil.copy(demo_db, app_env)
    at = open_page()
    assert at.selectbox(key="ros.period").value.startswith("per-")  # the running period
    assert "2026年冬季安全值守" in at.selectbox(key="ros.period").format_func(
        at.selectbox(key="ros.period").value
    )
    assert [t.label for t in at.tabs] == ["排班覆盖", "班次与排班", "登记到岗", "打印与导出"]
    assert "没有排满" in at.warning[0].value
    assert len(_tab(at, "班次与排班").dataframe[0].value) == 28


def test_page_marks_attendance_and_refuses_a_double_booking(app_env) -> None:
    store = LocalStore(app_env)
    com = community(store)
    wang = volunteer(store, com["id"], name="王秀英")
    period = store.append(
        "roster_periods",
        [{"name": "冬季值守", "key_period": "other", "start_date": D(2026, 11, 20),
          "end_date": D(2026, 11, 30)}],
        SYSTEM,
    )[0]  # fmt: skip
    night, early = store.append(
        "roster_shifts",
        [{"period_id": period["id"], "post": "商圈夜巡", "community_id": com["id"],
          "date": D(2026, 11, 28), "start_time": T(22), "end_time": T(2), "slots": 1},
         {"period_id": period["id"], "post": "路口执勤", "community_id": com["id"],
          "date": D(2026, 11, 29), "start_time": T(1), "end_time": T(5), "slots": 1}],
        SYSTEM,
    )  # fmt: skip
    rosters.assign(store, SYSTEM, night["id"], [wang["id"]])
    at = open_page()
    tab = _tab(at, "班次与排班")
    tab.selectbox(key="ros.assign.shift").select(early["id"]).run()
    _tab(at, "班次与排班").text_input(key="ros.assign.0.q").input("王秀英").run()
    _tab(at, "班次与排班").multiselect(key="ros.assign.0.ids").select(wang["id"]).run()
    _tab(at, "班次与排班").button[0].click().run()
    assert "王秀英已排在11月28日 22:00-02:00（次日） 商圈夜巡，时间重叠" in plain(at.error[0].value)
    att = _tab(at, "登记到岗")
    att.selectbox(key="ros.att.shift").select(night["id"]).run()
    _tab(at, "登记到岗").button(key="ros.att.go").click().run()
    assert at.toast[0].value == "已保存：到岗 1 人，缺勤 0 人；新记服务记录 1 条，撤销 0 条。"
    _tab(at, "登记到岗").selectbox(key="ros.att.shift").select(night["id"]).run()
    _tab(at, "登记到岗").button(key="ros.att.go").click().run()
    assert at.toast[0].value == "已保存：到岗 1 人，缺勤 0 人；新记服务记录 0 条，撤销 0 条。"
    assert len(store.read_all()["service_records"]) == 1
    store.close()


def test_page_swaps_a_place_and_takes_someone_off(app_env) -> None:
    store = LocalStore(app_env)
    com = community(store)
    wang, li, zhang = (volunteer(store, com["id"], name=n) for n in ("王秀英", "李强", "张伟"))
    period = store.append(
        "roster_periods",
        [{"name": "冬季值守", "key_period": "other", "start_date": D(2026, 11, 20),
          "end_date": D(2026, 12, 10)}],
        SYSTEM,
    )[0]  # fmt: skip
    gate = store.append(
        "roster_shifts",
        [{"period_id": period["id"], "post": "门岗", "community_id": com["id"],
          "date": D(2026, 12, 5), "start_time": T(8), "end_time": T(12), "slots": 2}],
        SYSTEM,
    )[0]  # fmt: skip
    asg_wang, asg_li = rosters.assign(store, SYSTEM, gate["id"], [wang["id"], li["id"]])
    at = open_page()
    _tab(at, "班次与排班").selectbox(key="ros.assign.shift").select(gate["id"]).run()
    tab = _tab(at, "班次与排班")
    assert tab.selectbox(key="ros.change.0.who").options == ["王秀英", "李强"]
    assert tab.button(key="ros.change.0.go").disabled, "a swap needs the one who stands in"
    tab.text_input(key="ros.change.0.new.q").input("张伟").run()
    _tab(at, "班次与排班").button(key="ros.change.0.go").click().run()
    assert not at.error, [e.value for e in at.error]
    assert at.toast[0].value == "已调班：张伟替王秀英值守。"
    people = _tab(at, "班次与排班").dataframe[0].value["值守人员"].tolist()
    assert people == ["李强、张伟"]
    assert store.get("roster_assignments", asg_wang["id"])["status"] == "swapped"
    live = store.read("roster_assignments")
    assert zhang["id"] in set(live[live["status"] == "assigned"]["volunteer_id"])
    tab = _tab(at, "班次与排班")
    tab.selectbox(key="ros.assign.shift").select(gate["id"]).run()
    tab = _tab(at, "班次与排班")
    tab.selectbox(key="ros.change.1.who").select(asg_li["id"]).run()
    _tab(at, "班次与排班").radio(key="ros.change.1.how").set_value("remove").run()
    _tab(at, "班次与排班").button(key="ros.change.1.go").click().run()
    assert at.toast[0].value == "已把李强移出这个班次。"
    assert (
        store.get("roster_assignments", asg_li["id"]) is None
        or store.get("roster_assignments", asg_li["id"])["archived"]
    )
    assert _tab(at, "班次与排班").dataframe[0].value["值守人员"].tolist() == ["张伟"]
    store.close()

"""Reference data a deployment starts from, and a generated Sanlitun sample data set.

Facts come from the office's own report (seed): 7 communities, about 58,000 residents and 12,000
migrants on 2.9 km², brand programmes, a care alliance of 18 companies (8 of which gave 75,000
yuan), key-period patrols, the March and December service months. Every person is invented; the
same seed and date always give the same data.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sltcore import clock
from sltcore.auth import SYSTEM, Actor
from sltcore.identity import make_id_number
from sltcore.schema import CATEGORY, COMMUNITY_NAMES, table
from sltcore.store.base import Store

COMMUNITIES = (  # name, residents, migrants, km²
    ("幸福一村", 9800, 1900, 0.42),
    ("幸福二村", 8600, 1700, 0.38),
    ("北三里", 7900, 1500, 0.36),
    ("东三里", 8200, 1800, 0.41),
    ("中三里", 7600, 1600, 0.39),
    ("中纺里", 7300, 1400, 0.37),
    ("白家庄西里", 8700, 2100, 0.57),
)
BRANDS = (
    ("维护稳定", "security"),
    ("寸草报晖", "care"),
    ("美德宣讲", "culture"),
    ("阳光接力", "welfare"),
    ("爱心行动", "welfare"),
    ("关爱工程", "care"),
    ("温馨工程", "health"),
)
PROJECTS = (
    ("酒吧街英语班", "culture"),
    ("文明城区创建", "green"),
    ("助老结对", "care"),
    ("助残结对", "welfare"),
)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍建华志强红梅文博思雨欣怡子涵浩然宇轩梓萱俊杰晓东海燕淑珍春梅国庆建国丽娟凤英德明振华"
ORG_WORDS = ("亮马", "工体", "春秀", "三里屯", "幸福", "农展", "东直门", "团结湖", "朝阳", "霄云")
ORG_TAILS = (
    "科技有限公司",
    "文化传媒有限公司",
    "餐饮管理有限公司",
    "商贸有限公司",
    "酒店",
    "物业管理有限公司",
    "咨询有限公司",
    "银行支行",
)
EVENT_TITLES = {
    "culture": ("社区文艺汇演", "科普知识讲座", "酒吧街英语角", "美德宣讲进楼门"),
    "welfare": ("爱心义卖", "困难家庭走访", "阳光接力助学", "旧衣物捐赠"),
    "health": ("义诊服务", "健康养生讲座", "温馨家园康复活动", "老年人体检陪护"),
    "green": ("楼门院环境清整", "垃圾分类宣传", "亮马河清洁", "文明城区创建巡查"),
    "security": ("治安巡逻", "重点时期值守", "消防安全检查", "平安社区宣传"),
    "care": ("寸草报晖探望老人", "空巢老人陪伴", "助老结对上门服务", "亲情关怀茶话会"),
}
POSTS = ("社区门岗", "楼门院巡查", "路口执勤", "重点部位看守", "商圈巡逻")
CATEGORY_ZH = {c.key: c.zh for c in CATEGORY}
MEMBERSHIP_WEIGHTS = (
    ("security", 30),
    ("resident", 22),
    ("youth", 12),
    ("women", 12),
    ("party", 10),
    ("unit_staff", 8),
    ("student", 6),
)
SKILLS = (
    "英语",
    "医护",
    "法律咨询",
    "文艺表演",
    "摄影",
    "电脑维修",
    "书法",
    "心理疏导",
    "理发",
    "驾驶",
    "烹饪",
    "手语",
)


REFERENCE_KEYS = {"communities": "name", "programmes": "name", "settings": "key"}


def is_empty(frames: dict[str, Any]) -> bool:
    """No communities, volunteers or records yet: a new deployment."""
    return all(len(frames[k]) == 0 for k in ("communities", "volunteers", "service_records"))


def store_is_empty(store: Store) -> bool:
    return is_empty(store.read_all())


def holds_only_reference(frames: dict[str, Any]) -> bool:
    """Nothing but reference data (what `init` creates: communities, programmes, settings):
    the sample data can still go in, next to it."""
    return all(len(df) == 0 for key, df in frames.items() if key not in REFERENCE_KEYS)


def can_load_demo(store: Store) -> bool:
    return holds_only_reference(store.read_all())


def reference_rows() -> dict[str, list[dict[str, Any]]]:
    """What a real deployment starts from: communities, programmes, settings."""
    communities = [
        {
            "id": f"com-{i + 1}",
            "name": name,
            "population": pop,
            "migrants": mig,
            "area_km2": km2,
            "address": f"三里屯街道{name}社区服务站",
        }
        for i, (name, pop, mig, km2) in enumerate(COMMUNITIES)
    ]
    assert tuple(c["name"] for c in communities) == COMMUNITY_NAMES
    programmes = [
        {"id": f"prog-b{i + 1}", "name": n, "kind": "brand", "category": c}
        for i, (n, c) in enumerate(BRANDS)
    ] + [
        {"id": f"prog-p{i + 1}", "name": n, "kind": "project", "category": c}
        for i, (n, c) in enumerate(PROJECTS)
    ]
    settings = [
        {"key": "office.name", "value": "三里屯街道志愿服务分中心", "description": "出具单位"},
        {"key": "office.head", "value": "", "description": "单位负责人"},
        {"key": "office.phone", "value": "010-64160000", "description": "联系电话"},
        {"key": "timebank.rate", "value": "1", "description": "公益储蓄：每服务 1 小时存入的积分"},
    ]
    return {"communities": communities, "programmes": programmes, "settings": settings}


def load_reference(store: Store, actor: Actor = SYSTEM) -> dict[str, int]:
    """Add the reference rows that are not there yet (by name/key), so it can run twice."""
    frames = store.read_all()
    added = {}
    for key, rows in reference_rows().items():
        title = {"settings": "key"}.get(key, "name")
        have = set(frames[key][title].dropna()) if len(frames[key]) else set()
        new = [r for r in rows if r[title] not in have]
        if new:
            store.append(key, new, actor)
        added[key] = len(new)
    return added


class _Gen:
    def __init__(self, seed: int, until: dt.date) -> None:
        self.r = random.Random(seed)
        self.until = until
        self.used_mobiles: set[str] = set()
        self.used_ids: set[str] = set()

    def name(self) -> str:
        return self.r.choice(SURNAMES) + "".join(self.r.choices(GIVEN, k=self.r.choice((1, 2, 2))))

    def id_number(self, birth: dt.date, seq: int, sex: str) -> str:
        """A valid, unused ID number (two people born the same day take different sequence
        numbers, as on real cards; `python -m sltcore check` flags any duplicate)."""
        while True:
            number = make_id_number("110105", birth, seq, sex)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number
            seq += 1

    def mobile(self) -> str:
        while True:
            m = "1" + self.r.choice("3456789") + "".join(self.r.choices("0123456789", k=9))
            if m not in self.used_mobiles:
                self.used_mobiles.add(m)
                return m

    def date_between(self, a: dt.date, b: dt.date) -> dt.date:
        return a + dt.timedelta(days=self.r.randint(0, max(0, (b - a).days)))

    def weighted(self, pairs: tuple[tuple[str, int], ...]) -> str:
        return self.r.choices([k for k, _ in pairs], weights=[w for _, w in pairs])[0]


def generate(volunteers: int, records: int, seed: int, until: dt.date) -> dict[str, list[dict]]:
    """The whole sample data set as rows per table (ids fixed, so it is reproducible)."""
    g = _Gen(seed, until)
    r = g.r
    data: dict[str, list[dict]] = defaultdict(list)
    data.update(reference_rows())
    com_ids = [c["id"] for c in data["communities"]]
    start = dt.date(until.year - 2, until.month, 1)

    orgs = []
    for i in range(40):
        kind = "company" if i < 24 else r.choice(("unit", "school", "hospital", "gov", "ngo"))
        name = r.choice(ORG_WORDS) + (
            r.choice(ORG_TAILS)
            if kind == "company"
            else {
                "unit": "研究院",
                "school": "中学",
                "hospital": "社区卫生服务中心",
                "gov": "管理所",
                "ngo": "公益服务社",
            }.get(kind, "单位")
        )
        orgs.append(
            {
                "id": f"org-{i + 1}",
                "name": f"{name}{i + 1:02d}",
                "kind": kind,
                "community_id": r.choice(com_ids),
                "care_alliance": i < 18,
                "joined_alliance_on": dt.date(2010, 5, 1) if i < 18 else None,
                "contact": g.name(),
                "phone": f"010-{r.randint(6410, 6599)}{r.randint(1000, 9999)}",
            }
        )
    data["organisations"] = orgs

    vols = []
    for i in range(volunteers):
        sex = r.choice("MF")
        membership = g.weighted(MEMBERSHIP_WEIGHTS)
        registered = g.date_between(dt.date(2008, 1, 1), until - dt.timedelta(days=1))
        if membership == "student":
            birth = g.date_between(
                registered - dt.timedelta(days=17 * 365),
                registered - dt.timedelta(days=14 * 365 + 10),
            )
        elif membership == "security":
            birth = g.date_between(dt.date(1945, 1, 1), dt.date(1965, 12, 31))
        else:
            birth = g.date_between(
                dt.date(1950, 1, 1),
                min(dt.date(2000, 12, 31), registered - dt.timedelta(days=19 * 365)),
            )
        age = (
            registered.year
            - birth.year
            - ((registered.month, registered.day) < (birth.month, birth.day))
        )
        vols.append(
            {
                "id": f"vol-{i + 1:05d}",
                "name": g.name(),
                "sex": sex,
                "birth_date": birth,
                "id_number": g.id_number(birth, i, sex),
                "mobile": g.mobile(),
                "community_id": r.choice(com_ids),
                "membership": membership,
                "political_status": "party"
                if membership == "party"
                else r.choice(("masses", "masses", "league", "party")),
                "skills": tuple(r.sample(SKILLS, r.choice((0, 0, 1, 1, 2)))),
                "organisation_id": r.choice(orgs)["id"] if membership == "unit_staff" else None,
                "registered_on": registered,
                "status": "active" if r.random() > 0.04 else "paused",
                "bv_number": f"BV{2008 + i % 17}{i + 1:07d}",
                "guardian_consent": age < 18,
                "guardian_name": g.name() if age < 18 else None,
                "guardian_mobile": g.mobile() if age < 18 else None,
            }
        )
    data["volunteers"] = vols

    teams = []
    for ci, cid in enumerate(com_ids):
        for cat in ("security", "care", "green", "culture"):
            teams.append(
                {
                    "id": f"team-{ci + 1}-{cat}",
                    "community_id": cid,
                    "category": cat,
                    "name": f"{COMMUNITY_NAMES[ci]}{CATEGORY_ZH[cat]}志愿服务队",
                    "founded_on": g.date_between(dt.date(2008, 1, 1), dt.date(2015, 1, 1)),
                }
            )
    for cat in ("welfare", "health"):
        teams.append(
            {
                "id": f"team-s-{cat}",
                "community_id": None,
                "category": cat,
                "name": f"三里屯街道{CATEGORY_ZH[cat]}志愿服务总队",
                "founded_on": dt.date(2007, 10, 1),
            }
        )
    by_team: dict[str, list[str]] = defaultdict(list)
    vol_by_com: dict[str, list[dict]] = defaultdict(list)
    for v in vols:
        vol_by_com[v["community_id"]].append(v)
        options = [t for t in teams if t["community_id"] in (v["community_id"], None)]
        for team in r.sample(options, r.choice((1, 1, 2))):
            by_team[team["id"]].append(v["id"])
            data["team_members"].append(
                {
                    "id": f"tm-{len(data['team_members']) + 1}",
                    "team_id": team["id"],
                    "volunteer_id": v["id"],
                    "role": "member",
                    "joined_on": v["registered_on"],
                }
            )
    for team in teams:
        if by_team[team["id"]]:
            team["leader_id"] = by_team[team["id"]][0]
    for tm in data["team_members"]:
        team = next(t for t in teams if t["id"] == tm["team_id"])
        if team.get("leader_id") == tm["volunteer_id"]:
            tm["role"] = "leader"
    data["teams"] = teams

    _events_and_records(g, data, teams, by_team, vols, com_ids, start, records)
    _programmes_side(g, data, vols, orgs, com_ids, start)
    return data


def _month_weight(day: dt.date) -> float:
    # The service months (March, with 学雷锋日 on the 5th, and December) are the peaks.
    return {3: 2.6, 12: 2.0, 1: 1.3, 2: 1.2, 10: 1.3, 5: 1.2, 7: 1.1}.get(day.month, 1.0)


def _key_period(day: dt.date) -> str | None:
    if day.month in (1, 2):
        return "spring"
    if day.month == 5 and day.day <= 5:
        return "may_day"
    if day.month == 7 and day.day <= 3:
        return "july_first"
    if day.month == 10 and day.day <= 7:
        return "national_day"
    if day.month == 3 and day.day <= 15:
        return "two_sessions"
    return None


def _events_and_records(
    g: _Gen,
    data: dict,
    teams: list,
    by_team: dict,
    vols: list,
    com_ids: list,
    start: dt.date,
    records: int,
) -> None:
    r = g.r
    days = [start + dt.timedelta(days=i) for i in range((g.until - start).days + 1)]
    weights = [_month_weight(d) * (1.6 if d.weekday() >= 5 else 1.0) for d in days]
    vol_reg = {v["id"]: v["registered_on"] for v in vols}
    # A few keen volunteers serve far more than most (so the star levels are populated).
    keen = {v["id"]: r.paretovariate(1.1) for v in vols}
    busy: set[tuple[str, dt.date]] = set()
    brands = {p["category"]: p["id"] for p in data["programmes"]}
    made = 0
    n = 0
    while made < records:
        day = r.choices(days, weights=weights)[0]
        team = r.choice(teams)
        members = by_team.get(team["id"]) or []
        if not members:
            continue
        cat = team["category"]
        period = _key_period(day)
        if period and r.random() < 0.5:
            cat = "security"
        hours = r.choice((1.0, 1.5, 2.0, 2.0, 2.5, 3.0, 4.0))
        start_h = r.choice((8, 9, 9, 10, 14, 14, 15, 19))
        n += 1
        cid = team["community_id"] or r.choice(com_ids)
        eid = f"evt-{n:06d}"
        title = r.choice(EVENT_TITLES[cat])
        event = {
            "id": eid,
            "title": title,
            "date": day,
            "community_id": cid,
            "start_time": dt.time(start_h, 0),
            "end_time": dt.time(start_h + int(hours), 30 if hours % 1 else 0),
            "location": f"{COMMUNITY_NAMES[com_ids.index(cid)]}社区"
            + r.choice(("活动室", "广场", "服务站", "楼门院")),
            "programme_id": brands.get(cat),
            "team_id": team["id"],
            "category": cat,
            "key_period": period if cat == "security" else None,
            "service_object": r.choice(("社区居民", "空巢老人", "残疾人", "辖区商户", "青少年")),
            "content": f"{title}：{r.choice(('组织', '开展', '参与'))}志愿服务",
            "person_in_charge": g.name(),
            "status": "done",
        }
        size = min(len(members), r.choice((3, 5, 8, 12, 20)), records - made)
        drawn = r.choices(members, weights=[keen[m] for m in members], k=size * 3)
        attendees = list(
            dict.fromkeys(v for v in drawn if vol_reg[v] <= day and (v, day) not in busy)
        )[:size]
        if not attendees:
            continue
        data["events"].append(event)
        for v in attendees:
            busy.add((v, day))
            data["service_records"].append(
                {
                    "id": f"rec-{made + 1:07d}",
                    "volunteer_id": v,
                    "event_id": eid,
                    "date": day,
                    "hours": hours,
                    "community_id": cid,
                    "place": event["location"],
                    "service_object": event["service_object"],
                    "content": event["content"],
                    "person_in_charge": event["person_in_charge"],
                    "recorder": "示例数据",
                    "confirmed": True,
                }
            )
            made += 1
    # A few events planned for the coming weeks, without records yet.
    for i in range(6):
        day = g.until + dt.timedelta(days=3 + i * 4)
        team = teams[i * 5 % len(teams)]
        data["events"].append(
            {
                "id": f"evt-plan-{i + 1}",
                "title": r.choice(EVENT_TITLES[team["category"]]),
                "date": day,
                "start_time": dt.time(9, 0),
                "end_time": dt.time(11, 0),
                "community_id": team["community_id"] or com_ids[0],
                "team_id": team["id"],
                "category": team["category"],
                "status": "planned",
                "location": "社区服务站",
            }
        )


def _programmes_side(
    g: _Gen, data: dict, vols: list, orgs: list, com_ids: list, start: dt.date
) -> None:
    r = g.r
    items = [
        ("理发服务", "service", 5),
        ("家电维修", "service", 10),
        ("米面粮油", "goods", 20),
        ("电影票", "goods", 15),
        ("健康体检", "service", 30),
        ("图书", "goods", 8),
    ]
    data["redemption_items"] = [
        {
            "id": f"item-{i + 1}",
            "name": n,
            "kind": k,
            "points": p,
            "stock": 50,
            "provider_id": orgs[i]["id"],
            "active": True,
        }
        for i, (n, k, p) in enumerate(items)
    ]
    # Points earned by service follow from the records (sltcore.services.timebank); the ledger
    # rows are the 2010 公益银行 balances carried over, and redemptions within each balance.
    hours: dict[str, float] = defaultdict(float)
    for rec in data["service_records"]:
        hours[rec["volunteer_id"]] += rec["hours"]
    used: dict[str, int] = defaultdict(int)
    last: dict[str, dt.date] = {}
    for rec in data["service_records"]:
        last[rec["volunteer_id"]] = max(last.get(rec["volunteer_id"], start), rec["date"])
    for vid, total in sorted(hours.items())[: max(1, len(hours) // 3)]:
        balance = total
        if r.random() < 0.2 or not data["timebank_transactions"]:
            carried = float(r.choice((5, 10, 20)))
            balance += carried
            data["timebank_transactions"].append(
                {
                    "id": f"tx-{len(data['timebank_transactions']) + 1}",
                    "volunteer_id": vid,
                    "date": max(start, g.until - dt.timedelta(days=300)),
                    "kind": "deposit",
                    "points": carried,
                    "notes": "原公益银行账户结转",
                }
            )
        affordable = [
            i
            for i in data["redemption_items"]
            if i["points"] <= balance / 2 and used[i["id"]] < i["stock"]
        ]
        if affordable and r.random() < 0.5:
            item = r.choice(affordable)
            used[item["id"]] += 1
            data["timebank_transactions"].append(
                {
                    "id": f"tx-{len(data['timebank_transactions']) + 1}",
                    "volunteer_id": vid,
                    "date": min(g.until, last[vid] + dt.timedelta(days=r.randint(0, 20))),
                    "kind": "redeem",
                    "points": -float(item["points"]),
                    "item_id": item["id"],
                    "quantity": 1,
                }
            )
    kinds = ["elder_alone"] * 30 + ["disabled"] * 22 + ["elder_empty"] * 18 + ["low_income"] * 10
    for i, kind in enumerate(kinds):
        sex = "F" if i < 30 else r.choice("MF")  # 寸草报晖 supports 30 elderly women
        birth = g.date_between(
            dt.date(1930, 1, 1), dt.date(1975, 1, 1) if kind == "disabled" else dt.date(1955, 1, 1)
        )
        data["beneficiaries"].append(
            {
                "id": f"ben-{i + 1}",
                "name": g.name(),
                "sex": sex,
                "birth_date": birth,
                "kind": kind,
                "community_id": r.choice(com_ids),
                "address": f"某楼{r.randint(1, 30)}号",
                "phone": f"010-{r.randint(6410, 6599)}{r.randint(1000, 9999)}",
                "needs": r.choice(("陪伴聊天", "代购生活用品", "康复陪护", "打扫卫生")),
            }
        )
    active = [v for v in vols if v["membership"] in ("party", "women", "resident", "youth")]
    team_of = {tm["volunteer_id"]: tm["team_id"] for tm in data["team_members"]}
    for i, ben in enumerate(data["beneficiaries"][:60]):
        if not active:
            break
        v = active[i * 7 % len(active)]
        # every fifth pairing is a team's: alternately with v as its contact, or the team alone
        team = team_of.get(v["id"]) if i % 5 == 0 else None
        data["pairings"].append(
            {
                "id": f"pair-{i + 1}",
                "team_id": team,
                "volunteer_id": None if team and i % 10 == 0 else v["id"],
                "beneficiary_id": ben["id"],
                "kind": "disabled" if ben["kind"] == "disabled" else "elder",
                "programme_id": "prog-p4" if ben["kind"] == "disabled" else "prog-p3",
                "started_on": max(v["registered_on"], start),
                "visits_per_month": 2 if ben["kind"] == "elder_alone" else 1,
                "status": "active",
            }
        )
    _visits(g, data)
    _rosters(g, data, vols, com_ids, start)
    donors = [o for o in orgs if o["care_alliance"]][:8]  # 8 alliance companies gave 75,000 yuan
    amounts = [15000, 12000, 10000, 10000, 8000, 8000, 6000, 6000]
    for i, (org, amount) in enumerate(zip(donors, amounts, strict=False)):
        data["donations"].append(
            {
                "id": f"don-{i + 1}",
                "organisation_id": org["id"],
                "date": g.date_between(start, g.until),
                "kind": "money",
                "amount": float(amount),
                "description": "关爱联盟爱心捐款",
                "recipient": "街道志愿服务分中心",
                "purpose": "寸草报晖助老项目",
                "programme_id": "prog-b5",
                "receipt_no": f"SLTJZ{i + 1:04d}",
            }
        )
    goods = (
        ("米面粮油100份", 5000.0, "独居老人", "两节慰问"),
        ("冬季棉衣60件", 3600.0, "困境儿童和低保家庭", "冬季送温暖"),
        ("血压计20台", 2400.0, "各社区服务站", "健康养生服务"),
        ("图书300册", 4500.0, "社区图书角", "科普文艺活动"),
    )
    for i, (what, value, to, purpose) in enumerate(goods):
        org = orgs[(i * 5 + 20) % len(orgs)]
        data["donations"].append(
            {
                "id": f"don-g{i + 1}",
                "organisation_id": org["id"],
                "date": g.date_between(start, g.until),
                "kind": "goods",
                "amount": value,
                "description": what,
                "recipient": to,
                "purpose": purpose,
                "receipt_no": f"SLTWZ{i + 1:04d}",
            }
        )
    data["accounts"] = [
        {"id": "acct-admin", "username": "admin", "display_name": "街道管理员", "role": "admin"},
        {"id": "acct-leader", "username": "leader", "display_name": "街道领导", "role": "viewer"},
    ] + [
        {
            "id": f"acct-c{i + 1}",
            "username": f"coord{i + 1}",
            "display_name": f"{n}协调员",
            "role": "coordinator",
            "communities": (com_ids[i],),
        }
        for i, n in enumerate(COMMUNITY_NAMES)
    ]


def _visits(g: _Gen, data: dict) -> None:
    """Each pairing's visits over the last six months, as service records linked to it: most
    keep their agreement, about one in six fell behind last month."""
    r = g.r
    community = {b["id"]: b["community_id"] for b in data["beneficiaries"]}
    this_month = g.until.replace(day=1)
    months = [this_month]
    for _ in range(5):
        months.insert(0, (months[0] - dt.timedelta(days=1)).replace(day=1))
    members: dict[str, list[dict]] = {}
    for tm in data["team_members"]:
        members.setdefault(tm["team_id"], []).append(tm)
    n = 0
    for p in data["pairings"]:
        behind = r.random() < 0.17
        for first in months:
            last = min(
                (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1), g.until
            )
            if last < p["started_on"]:
                continue
            agreed = p["visits_per_month"]
            count = agreed
            if first == months[-2] and behind:
                count = r.randint(0, agreed - 1)
            elif first == this_month:
                count = r.randint(0, agreed)
            lo = max(first, p["started_on"])
            days = sorted({g.date_between(lo, last) for _ in range(count)})
            for day in days:
                for vid in _visitors(r, p, members.get(p["team_id"] or "", []), day):
                    n += 1
                    data["service_records"].append(
                        {
                            "id": f"rec-v{n:06d}",
                            "volunteer_id": vid,
                            "date": day,
                            "hours": r.choice((1.0, 1.5, 2.0)),
                            "community_id": community[p["beneficiary_id"]],
                            "service_object": "结对帮扶对象",
                            "content": "结对走访：陪伴聊天、了解近况",
                            "recorder": "示例数据",
                            "confirmed": True,
                            "pairing_id": p["id"],
                        }
                    )


def _visitors(r: random.Random, pair: dict, members: list[dict], day: dt.date) -> list[str]:
    """Who went on a visit: the paired volunteer, or two or three of the team's members (its
    contact among them) when it is a team's pairing."""
    if not pair["team_id"]:
        return [pair["volunteer_id"]]
    there = [m["volunteer_id"] for m in members if m["joined_on"] <= day]
    went = r.sample(there, min(len(there), r.randint(2, 3)))
    if pair["volunteer_id"]:
        went = [pair["volunteer_id"], *(v for v in went if v != pair["volunteer_id"])][:3]
    return went or ([pair["volunteer_id"]] if pair["volunteer_id"] else [])


PERIOD_NAMES = {"national_day": "国庆", "spring": "两节", "other": "冬季安全"}


def _rosters(g: _Gen, data: dict, vols: list, com_ids: list, start: dt.date) -> None:
    """Duty periods of the last two years (National Day, Spring Festival, all attended) and
    one running now (a winter-safety week with a night patrol across midnight), partly
    staffed, so the coverage view shows gaps and the past days show attendance."""
    security = [v for v in vols if v["membership"] == "security"] or vols
    periods = []
    for year in (g.until.year - 1, g.until.year):
        for key, first, days in (
            ("spring", dt.date(year, 2, 1), 3),
            ("national_day", dt.date(year, 10, 1), 3),
        ):
            if start <= first and first + dt.timedelta(days=days - 1) < g.until:
                periods.append((key, f"{year}年{PERIOD_NAMES[key]}值守", first, days))
    periods.append(("other", f"{g.until.year}年冬季安全值守", g.until - dt.timedelta(days=3), 7))
    busy: set = set()
    n = 0
    for key, name, first, days in periods:
        pid = f"per-{first:%Y%m%d}"
        data["roster_periods"].append({"id": pid, "name": name, "key_period": key,
                                       "start_date": first,
                                       "end_date": first + dt.timedelta(days=days - 1)})  # fmt: skip
        for d in range(days):
            day = first + dt.timedelta(days=d)
            for ci, cid in enumerate(com_ids[:4]):
                night = ci == 3  # 商圈夜巡 22:00-02:00, across midnight
                sid = f"shift-{pid}-{d}-{ci}"
                data["roster_shifts"].append(
                    {
                        "id": sid,
                        "period_id": pid,
                        "post": "商圈夜间巡逻" if night else POSTS[ci % len(POSTS)],
                        "community_id": cid,
                        "date": day,
                        "start_time": dt.time(22, 0) if night else dt.time(8, 0),
                        "end_time": dt.time(2, 0) if night else dt.time(12, 0),
                        "slots": 3,
                    }
                )
                staffed = 3 if day < g.until else g.r.choice((1, 2, 3))
                for k in range(staffed):
                    v = security[(n + k) % len(security)]
                    if v["registered_on"] > day or (v["id"], day) in busy:
                        continue
                    busy.add((v["id"], day))
                    asg = {"id": f"asg-{sid}-{k}", "shift_id": sid, "volunteer_id": v["id"],
                           "status": "assigned"}  # fmt: skip
                    if day < g.until:
                        present = g.r.random() < 0.9
                        asg["status"] = "on_duty" if present else "absent"
                        if present:
                            rid = f"rec-s{len(busy):06d}"
                            data["service_records"].append(
                                {"id": rid, "volunteer_id": v["id"], "date": day, "hours": 4.0,
                                 "community_id": cid, "content": f"值守：{name}",
                                 "recorder": "示例数据", "confirmed": True}
                            )  # fmt: skip
                            asg["record_id"] = rid
                    data["roster_assignments"].append(asg)
                n += 3


LOAD_ORDER = (
    "communities",
    "programmes",
    "settings",
    "organisations",
    "volunteers",
    "teams",
    "team_members",
    "events",
    "beneficiaries",
    "pairings",
    "service_records",
    "redemption_items",
    "timebank_transactions",
    "roster_periods",
    "roster_shifts",
    "roster_assignments",
    "donations",
    "accounts",
)
CHUNK = 5000


def _rewrite_refs(rows: list[dict], remap: dict[str, dict[str, str]], key: str) -> None:
    """Point the generated rows of table `key` at the stored reference rows they stand for."""
    fields = {f.key: f.ref for f in table(key).fields if f.ref in remap}
    if key == "accounts":
        fields["communities"] = "communities"  # a coordinator's communities (a tags field)
    for row in rows:
        for field, ref in fields.items():
            value = row.get(field)
            if isinstance(value, tuple):
                row[field] = tuple(remap[ref].get(v, v) for v in value)
            elif isinstance(value, str):
                row[field] = remap[ref].get(value, value)


def _merge_reference(
    store: Store, data: dict[str, list[dict]], actor: Actor
) -> tuple[dict[str, int], dict[str, dict[str, str]]]:
    """Write the reference rows the store lacks (by name or key, as `load_reference` does);
    those it has are used as they are. Returns rows written, and generated id -> stored id."""
    frames = store.read_all()
    written: dict[str, int] = {}
    remap: dict[str, dict[str, str]] = {}
    for key, title in REFERENCE_KEYS.items():
        have = frames[key]
        by_title = dict(zip(have[title], have["id"], strict=True)) if len(have) else {}
        taken = set(have["id"]) if len(have) else set()
        remap[key] = {}
        new, generated = [], []
        for row in data.get(key, []):
            gen_id = row.get("id")
            if row[title] in by_title:
                if gen_id:
                    remap[key][gen_id] = by_title[row[title]]
                continue
            generated.append(gen_id)
            # an id the store already gives another row: the store picks a new one
            new.append(row if gen_id not in taken else {k: v for k, v in row.items() if k != "id"})
        _rewrite_refs(new, remap, key)
        stored = store.append(key, new, actor) if new else []
        for gen_id, saved in zip(generated, stored, strict=True):
            if gen_id:
                remap[key][gen_id] = saved["id"]
        written[key] = len(new)
    return written, remap


DEFAULT_SIZE = {"volunteers": 1200, "records": 12000}  # about 2 s on a 2-core laptop


def load_demo(
    store: Store,
    volunteers: int = DEFAULT_SIZE["volunteers"],
    records: int = DEFAULT_SIZE["records"],
    seed: int = 2013,
    until: dt.date | None = None,
    actor: Actor = SYSTEM,
    progress: Callable[[str], Any] | None = None,
) -> dict[str, int]:
    """Fill a store that is empty, or holds only the reference data `init` creates, with the
    sample data set; reference rows already there are used as they are. Returns rows written
    per table. `records` are the service records at events; the pairings' visits and the
    duty rosters' records come on top of them."""
    data = generate(volunteers, records, seed, until or clock.today())
    written, remap = _merge_reference(store, data, actor)
    for key in LOAD_ORDER:
        if key in REFERENCE_KEYS:
            continue
        rows = data.get(key, [])
        _rewrite_refs(rows, remap, key)
        if progress is not None and rows:
            progress(f"{key}: {len(rows)}")
        for i in range(0, len(rows), CHUNK):
            store.append(key, rows[i : i + CHUNK], actor)
        written[key] = len(rows)
    return {key: written.get(key, 0) for key in LOAD_ORDER}

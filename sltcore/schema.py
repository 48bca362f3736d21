"""Every table and field of the desk, declared once.

Forms, validation, import mapping, export headers, the generic table pages and both storage
backends read this module; adding a field here is the whole change needed to show, store,
validate, import and export it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Literal

FieldType = Literal[
    "text", "longtext", "int", "number", "date", "time", "datetime", "bool", "choice", "ref",
    "tags",
]  # fmt: skip
Pii = Literal["id_number", "phone", "address"]


@dataclass(frozen=True)
class Choice:
    """One allowed value: stored as `key`, shown as `zh` (or `en`)."""

    key: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()  # other words people write for it (导入: 男性, 党员 ...)


@dataclass(frozen=True)
class Field:
    key: str
    zh: str
    en: str
    type: FieldType = "text"
    required: bool = False
    choices: tuple[Choice, ...] = ()
    ref: str | None = None  # table key, for type "ref"
    fmt: Literal["mobile", "phone", "id_number", "email"] | None = None
    pii: Pii | None = None  # masked for roles that do not need it
    past_only: bool = False  # a date that cannot lie in the future
    min: float | None = None
    max: float | None = None
    max_length: int | None = None
    default: object = None
    system: bool = False
    help_zh: str = ""
    help_en: str = ""
    # Other header names the office's own spreadsheets use for this column (身份证号码, 联系电话
    # ...): imports map them to the field, a hand-edited sheet may use them as its header.
    aliases: tuple[str, ...] = ()

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    @property
    def text_limit(self) -> int:
        if self.max_length is not None:
            return self.max_length
        return 5000 if self.type == "longtext" else 200

    def choice_keys(self) -> list[str]:
        return [c.key for c in self.choices]

    def choice_label(self, key: object, lang: str = "zh") -> str:
        for c in self.choices:
            if c.key == key:
                return c.zh if lang == "zh" else c.en
        return "" if key is None else str(key)


@dataclass(frozen=True)
class Table:
    key: str
    zh: str
    en: str
    fields: tuple[Field, ...]
    id_prefix: str
    kind: Literal["reference", "domain", "system"] = "domain"
    title_field: str = "name"  # what a reference to this table shows
    community_field: str | None = None  # how a coordinator's scope applies to the rows
    unique: tuple[str, ...] = ()  # fields no two live rows may share
    scope_via: str | None = None  # ref field whose row's community scopes this row
    # How a file being imported into another table names a row of this one, besides its id and
    # its title_field: e.g. a volunteer by ID number or mobile (see `import_headers`).
    match_keys: tuple[str, ...] = ()
    # When an imported row is the same as one already stored: equal values in all the fields of
    # one of these keys. A key applies to a row whose FIRST field has a value; the others
    # compare as they are, blank equal to blank (a record without an event, same day and hours).
    same_as: tuple[tuple[str, ...], ...] = ()

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    @property
    def user_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if not f.system)

    def field(self, key: str) -> Field:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(f"{self.key}.{key}")

    def has(self, key: str) -> bool:
        return any(f.key == key for f in self.fields)

    @property
    def keys(self) -> list[str]:
        return [f.key for f in self.fields]


def _choices(*items: tuple[str, ...] | tuple[str, str, str, tuple[str, ...]]) -> tuple[Choice, ...]:
    return tuple(Choice(*i) for i in items)


# --- vocabularies from the seed report and the regulations --------------------------------

COMMUNITY_NAMES = ("幸福一村", "幸福二村", "北三里", "东三里", "中三里", "中纺里", "白家庄西里")

SEX = _choices(("M", "男", "Male", ("男性",)), ("F", "女", "Female", ("女性",)))
MEMBERSHIP = _choices(
    ("youth", "青年志愿者", "Youth", ("青年",)),
    ("security", "治安志愿者", "Public-security patrol", ("治安",)),
    ("women", "巾帼志愿者", "Women's", ("巾帼",)),
    ("resident", "居民志愿者", "Resident", ("居民", "社区居民")),
    ("student", "学生志愿者", "Student", ("学生",)),
    ("unit_staff", "驻区单位志愿者", "Resident-unit staff", ("驻区单位", "单位职工")),
    ("party", "党员志愿者", "Party member", ("党员",)),
)
POLITICAL = _choices(
    ("masses", "群众", "No affiliation"),
    ("league", "共青团员", "Youth League member", ("团员",)),
    ("party", "中共党员", "CPC member", ("党员", "共产党员")),
    ("probation", "中共预备党员", "CPC probationary member", ("预备党员",)),
    ("democratic", "民主党派", "Democratic party member"),
)
VOLUNTEER_STATUS = _choices(
    ("active", "在册", "Active"), ("paused", "暂停", "Paused"), ("left", "已退出", "Left")
)
CATEGORY = _choices(
    ("culture", "科普文艺", "Science & culture"),
    ("welfare", "民政救助", "Civil relief"),
    ("health", "健康养生", "Health"),
    ("green", "绿色环保", "Environment"),
    ("security", "治安维护", "Public security"),
    ("care", "亲情关怀", "Family care"),
)
PROGRAMME_KIND = _choices(("brand", "品牌", "Brand programme"), ("project", "项目", "Project"))
ORG_KIND = _choices(
    ("unit", "驻区单位", "Resident unit"),
    ("company", "企业", "Company"),
    ("school", "学校", "School"),
    ("hospital", "医院", "Hospital"),
    ("ngo", "社会组织", "Social organisation"),
    ("gov", "机关事业单位", "Public body"),
)
EVENT_STATUS = _choices(
    ("planned", "计划中", "Planned"),
    ("done", "已完成", "Done"),
    ("cancelled", "已取消", "Cancelled"),
)
KEY_PERIOD = _choices(
    ("spring", "两节", "New Year & Spring Festival"),
    ("may_day", "五一", "May Day"),
    ("july_first", "七一", "July 1st"),
    ("national_day", "国庆", "National Day"),
    ("two_sessions", "全国两会", "National Two Sessions"),
    ("other", "其他重点时期", "Other key period"),
)
TEAM_ROLE = _choices(
    ("leader", "队长", "Leader"),
    ("deputy", "副队长", "Deputy"),
    ("member", "队员", "Member", ("成员", "志愿者")),
)
# Points earned by service are never stored: they follow from the countable service records
# (sltcore.services.timebank). These are the other entries of a volunteer's time-bank ledger.
TX_KIND = _choices(
    ("deposit", "转入（旧账结转）", "Carried over"),
    ("redeem", "兑换", "Redemption"),
    ("adjust", "调整", "Adjustment"),
)
ITEM_KIND = _choices(("service", "服务", "Service"), ("goods", "物品", "Goods"))
BENEFICIARY_KIND = _choices(
    ("elder_alone", "独居老人", "Elder living alone"),
    ("elder_empty", "空巢老人", "Empty-nest elder"),
    ("disabled", "残疾人", "Person with disability"),
    ("low_income", "低保家庭", "Low-income household"),
    ("child", "困境儿童", "Child in difficulty"),
    ("other", "其他", "Other"),
)
PAIRING_KIND = _choices(
    ("elder", "助老结对", "Elder pairing"), ("disabled", "助残结对", "Disability pairing")
)
PAIRING_STATUS = _choices(("active", "进行中", "Active"), ("ended", "已结束", "Ended"))
ASSIGNMENT_STATUS = _choices(
    ("assigned", "已排班", "Assigned"),
    ("on_duty", "已到岗", "On duty"),
    ("absent", "缺勤", "Absent"),
    ("swapped", "已调班", "Swapped"),
)
DONATION_KIND = _choices(
    ("money", "资金", "Money"), ("goods", "物资", "Goods"), ("service", "服务", "Service")
)
ROLE = _choices(
    ("admin", "管理员", "Administrator"),
    ("coordinator", "社区协调员", "Community coordinator"),
    ("viewer", "领导（只读）", "Leader (read-only)"),
)
AUDIT_ACTION = _choices(
    ("create", "新增", "Created"), ("update", "修改", "Updated"), ("archive", "归档", "Archived"),
    ("restore", "恢复", "Restored"), ("reveal", "查看完整号码", "Revealed full number"),
    ("cancel", "撤销", "Undone"), ("export", "导出完整数据", "Exported in full"),
)  # fmt: skip
LANGUAGE = _choices(("zh", "中文", "Chinese"), ("en", "English", "English"))

# --- system fields of the storage contract -------------------------------------------------

SYSTEM_FIELDS: tuple[Field, ...] = (
    Field("id", "编号", "ID", "text", system=True),
    Field("created_at", "创建时间", "Created at", "datetime", system=True),
    Field("created_by", "创建人", "Created by", "text", system=True),
    Field("updated_at", "修改时间", "Updated at", "datetime", system=True),
    Field("updated_by", "修改人", "Updated by", "text", system=True),
    Field("version", "版本", "Version", "int", system=True),
    Field("archived", "已归档", "Archived", "bool", system=True),
)
SYSTEM_KEYS = tuple(f.key for f in SYSTEM_FIELDS)


def _table(key: str, zh: str, en: str, prefix: str, *fields: Field, **kw: object) -> Table:
    return Table(key, zh, en, SYSTEM_FIELDS + fields, prefix, **kw)  # type: ignore[arg-type]


def _name(zh: str = "名称", en: str = "Name", aliases: tuple[str, ...] = ()) -> Field:
    return Field("name", zh, en, required=True, max_length=100, aliases=aliases)


def _community(required: bool = True) -> Field:
    return Field(
        "community_id", "社区", "Community", "ref", required=required, ref="communities",
        aliases=("所属社区", "居住社区", "社区名称"),
    )  # fmt: skip


def _notes() -> Field:
    return Field("notes", "备注", "Notes", "longtext", aliases=("备注说明", "说明"))


def _mobile(key: str = "mobile", zh: str = "手机号", en: str = "Mobile", **kw: object) -> Field:
    return Field(key, zh, en, fmt="mobile", pii="phone", **kw)  # type: ignore[arg-type]


def _phone(
    key: str = "phone", zh: str = "联系电话", en: str = "Phone", aliases: tuple[str, ...] = ()
) -> Field:
    return Field(key, zh, en, fmt="phone", pii="phone", aliases=aliases)


TABLES: tuple[Table, ...] = (
    _table(
        "communities", "社区", "Communities", "com",
        _name("社区名称", "Community name"),
        Field("population", "常住人口", "Resident population", "int", min=0),
        Field("migrants", "流动人口", "Migrant population", "int", min=0),
        Field("area_km2", "面积（平方公里）", "Area (km²)", "number", min=0),
        Field("address", "社区服务站地址", "Service-station address"),
        Field("contact", "联系人", "Contact person", max_length=50),
        _phone(),
        kind="reference",
        unique=("name",),
        same_as=(("name",),),
    ),
    _table(
        "volunteers", "志愿者", "Volunteers", "vol",
        _name("姓名", "Name", aliases=("志愿者姓名",)),
        Field("sex", "性别", "Sex", "choice", required=True, choices=SEX),
        Field("birth_date", "出生日期", "Birth date", "date", past_only=True,
              aliases=("出生年月", "出生年月日", "生日")),
        Field("id_number", "身份证号", "ID number", fmt="id_number", pii="id_number",
              aliases=("身份证号码", "身份证", "公民身份号码", "身份证件号码", "证件号码")),
        _mobile(required=True,
                aliases=("手机", "手机号码", "联系电话", "电话", "联系方式", "移动电话")),
        _community(),
        Field("membership", "志愿者类别", "Membership", "choice", required=True,
              choices=MEMBERSHIP, aliases=("志愿者类型", "人员类别", "类别")),
        Field("political_status", "政治面貌", "Political status", "choice", choices=POLITICAL),
        Field("skills", "专长技能", "Skills", "tags", aliases=("特长", "专长", "技能", "服务特长")),
        Field("organisation_id", "所在单位", "Organisation", "ref", ref="organisations",
              aliases=("工作单位", "单位")),
        Field("registered_on", "注册日期", "Registered on", "date", required=True, past_only=True,
              aliases=("注册时间", "登记日期", "加入日期")),
        Field("status", "状态", "Status", "choice", required=True, choices=VOLUNTEER_STATUS,
              default="active"),
        Field("bv_number", "志愿北京编号", "Volunteer Beijing no.", max_length=40),
        Field("guardian_consent", "监护人同意", "Guardian consent", "bool", default=False,
              help_zh="14至17周岁须经监护人同意（《中国注册志愿者管理办法》第七条）",
              help_en="Ages 14-17 need a guardian's consent (art. 7)"),
        Field("guardian_name", "监护人姓名", "Guardian name", max_length=50),
        _mobile("guardian_mobile", "监护人电话", "Guardian mobile",
                aliases=("监护人手机", "监护人联系电话")),
        Field("address", "住址", "Address", pii="address",
              aliases=("家庭住址", "居住地址", "现住址", "地址")),
        _notes(),
        community_field="community_id",
        match_keys=("id_number", "mobile"),
        same_as=(("id_number",), ("mobile",)),
    ),
    _table(
        "teams", "队伍", "Teams", "team",
        _name("队伍名称", "Team name", aliases=("队名", "团队名称", "服务队名称")),
        _community(required=False),
        Field("category", "服务类别", "Service category", "choice", required=True,
              choices=CATEGORY, aliases=("服务类型", "类别")),
        Field("membership", "人员类别", "Membership", "choice", choices=MEMBERSHIP),
        Field("leader_id", "队长", "Leader", "ref", ref="volunteers"),
        Field("founded_on", "成立日期", "Founded on", "date", past_only=True,
              aliases=("成立时间",)),
        Field("description", "简介", "Description", "longtext", aliases=("队伍简介",)),
        community_field="community_id",
        same_as=(("name",),),
    ),
    _table(
        "team_members", "队伍成员", "Team members", "tm",
        Field("team_id", "队伍", "Team", "ref", required=True, ref="teams",
              aliases=("所在队伍", "服务队")),
        Field("volunteer_id", "志愿者", "Volunteer", "ref", required=True, ref="volunteers",
              aliases=("队员", "队员姓名", "成员")),
        Field("role", "职务", "Role", "choice", required=True, choices=TEAM_ROLE, default="member",
              aliases=("队内职务", "担任职务")),
        Field("joined_on", "加入日期", "Joined on", "date", past_only=True,
              aliases=("入队日期", "加入时间")),
        Field("left_on", "退出日期", "Left on", "date"),
        title_field="volunteer_id",
        scope_via="team_id",
        same_as=(("team_id", "volunteer_id"),),
    ),
    _table(
        "programmes", "品牌与项目", "Programmes", "prog",
        _name("名称", "Name"),
        Field("kind", "类型", "Kind", "choice", required=True, choices=PROGRAMME_KIND),
        Field("category", "服务类别", "Service category", "choice", choices=CATEGORY),
        Field("started_on", "开始日期", "Started on", "date"),
        Field("description", "简介", "Description", "longtext"),
        kind="reference",
        same_as=(("name",),),
    ),
    _table(
        "organisations", "驻区单位", "Organisations", "org",
        _name("单位名称", "Organisation name", aliases=("单位", "单位全称", "名称")),
        Field("kind", "单位类型", "Kind", "choice", required=True, choices=ORG_KIND,
              aliases=("单位类别", "单位性质", "类型")),
        _community(required=False),
        Field("care_alliance", "关爱联盟成员", "Care-alliance member", "bool", default=False,
              aliases=("关爱联盟", "是否关爱联盟成员")),
        Field("joined_alliance_on", "加入联盟日期", "Joined alliance on", "date"),
        Field("contact", "联系人", "Contact person", max_length=50, aliases=("联系人姓名",)),
        _phone(aliases=("电话", "联系方式", "手机")),
        Field("address", "地址", "Address", aliases=("单位地址",)),
        _notes(),
        kind="reference",
        community_field="community_id",
        same_as=(("name",),),
    ),
    _table(
        "events", "活动", "Events", "evt",
        Field("title", "活动名称", "Title", required=True, max_length=100,
              aliases=("活动", "活动主题", "活动标题", "名称")),
        Field("date", "活动日期", "Date", "date", required=True, aliases=("日期",)),
        Field("start_time", "开始时间", "Start time", "time"),
        Field("end_time", "结束时间", "End time", "time"),
        _community(),
        Field("location", "地点", "Location", max_length=100, aliases=("活动地点",)),
        Field("programme_id", "所属品牌/项目", "Programme", "ref", ref="programmes",
              aliases=("所属项目", "所属品牌", "品牌项目", "项目")),
        Field("team_id", "组织队伍", "Team", "ref", ref="teams", aliases=("队伍", "服务队")),
        Field("category", "服务类别", "Service category", "choice", required=True,
              choices=CATEGORY, aliases=("活动类别", "服务类型", "类别")),
        Field("key_period", "重点时期", "Key period", "choice", choices=KEY_PERIOD),
        Field("service_object", "服务对象", "Service object", max_length=100),
        Field("content", "服务内容", "Service content", "longtext", aliases=("活动内容",)),
        Field("person_in_charge", "负责人", "Person in charge", max_length=50,
              aliases=("活动负责人",)),
        Field("status", "状态", "Status", "choice", required=True, choices=EVENT_STATUS,
              default="done", aliases=("活动状态",)),
        title_field="title",
        community_field="community_id",
        same_as=(("title", "date", "community_id"),),
    ),
    _table(
        "service_records", "服务记录", "Service records", "rec",
        Field("volunteer_id", "志愿者", "Volunteer", "ref", required=True, ref="volunteers"),
        Field("event_id", "活动", "Event", "ref", ref="events"),
        Field("date", "服务日期", "Date", "date", required=True, past_only=True,
              aliases=("日期", "活动日期", "服务时间")),
        Field("hours", "服务时长（小时）", "Hours", "number", required=True, min=0, max=24,
              aliases=("服务时长", "时长", "时长（小时）", "小时数", "服务小时数", "工时"),
              help_zh="只计实际服务时间，不含往返路途（《中国注册志愿者管理办法》第十四条）",
              help_en="Actual service time only, travel excluded (art. 14)"),
        _community(),
        Field("place", "服务地点", "Place", max_length=100, aliases=("地点",)),
        Field("service_object", "服务对象", "Service object", max_length=100),
        Field("content", "服务内容", "Service content", "longtext", aliases=("内容",)),
        Field("person_in_charge", "负责人", "Person in charge", max_length=50),
        Field("recorder", "记录人", "Recorder", max_length=50),
        Field("confirmed", "组织方已确认", "Confirmed by organiser", "bool", default=True,
              aliases=("已确认",)),
        Field("pairing_id", "结对走访", "Pairing visit", "ref", ref="pairings",
              help_zh="这条记录是哪一对结对的走访", help_en="The pairing this visit belongs to"),
        title_field="date",
        community_field="community_id",
        # credited once per event; without an event, the same person, day and hours
        same_as=(("event_id", "volunteer_id"), ("volunteer_id", "date", "hours", "event_id")),
    ),
    _table(
        "redemption_items", "兑换项目", "Redemption items", "item",
        _name("项目名称", "Item"),
        Field("kind", "类型", "Kind", "choice", required=True, choices=ITEM_KIND),
        Field("points", "所需积分", "Points", "number", required=True, min=0),
        Field("stock", "投放数量", "Supplied", "int", min=0,
              help_zh="提供单位投放的总份数，已兑换的份数自动扣除；留空表示不限量",
              help_en="Total supplied; redeemed units are deducted. Empty: unlimited"),
        Field("provider_id", "提供单位", "Provider", "ref", ref="organisations",
              help_zh="留空表示由街道志愿服务分中心提供", help_en="Empty: the office itself"),
        Field("active", "可兑换", "Available", "bool", default=True),
        Field("description", "说明", "Description", "longtext"),
        kind="reference",
    ),
    _table(
        "timebank_transactions", "公益储蓄流水", "Time-bank transactions", "tx",
        Field("volunteer_id", "志愿者", "Volunteer", "ref", required=True, ref="volunteers"),
        Field("date", "日期", "Date", "date", required=True, past_only=True),
        Field("kind", "类型", "Kind", "choice", required=True, choices=TX_KIND),
        Field("points", "积分（存入为正，兑换为负）", "Points (+deposit, -redeem)", "number",
              required=True),
        Field("item_id", "兑换项目", "Item", "ref", ref="redemption_items"),
        Field("quantity", "兑换份数", "Quantity", "int", min=1),
        Field("record_id", "对应服务记录", "Service record", "ref", ref="service_records"),
        Field("override_reason", "强制兑换理由", "Override reason", max_length=200,
              help_zh="超出余额或剩余数量时，管理员须填写",
              help_en="Needed when an admin overrides"),
        _notes(),
        title_field="date",
        scope_via="volunteer_id",
    ),
    _table(
        "beneficiaries", "服务对象", "Beneficiaries", "ben",
        _name("姓名", "Name"),
        Field("sex", "性别", "Sex", "choice", choices=SEX),
        Field("birth_date", "出生日期", "Birth date", "date", past_only=True),
        Field("kind", "类别", "Kind", "choice", required=True, choices=BENEFICIARY_KIND),
        _community(),
        Field("address", "住址", "Address", pii="address"),
        _phone(),
        Field("id_number", "身份证号", "ID number", fmt="id_number", pii="id_number"),
        Field("needs", "服务需求", "Needs", "longtext"),
        Field("emergency_contact", "紧急联系人", "Emergency contact", max_length=50),
        _phone("emergency_phone", "紧急联系电话", "Emergency phone"),
        community_field="community_id",
    ),
    _table(
        "pairings", "结对帮扶", "Pairings", "pair",
        Field("volunteer_id", "志愿者", "Volunteer", "ref", ref="volunteers",
              help_zh="个人结对填写；队伍结对可不填（或填队伍的联系人）",
              help_en="For a person's pairing; a team's may leave it empty (or name its contact)"),
        Field("beneficiary_id", "服务对象", "Beneficiary", "ref", required=True,
              ref="beneficiaries"),
        Field("kind", "结对类型", "Kind", "choice", required=True, choices=PAIRING_KIND),
        Field("programme_id", "所属项目", "Programme", "ref", ref="programmes"),
        Field("started_on", "结对日期", "Started on", "date", required=True, past_only=True),
        Field("ended_on", "结束日期", "Ended on", "date"),
        Field("team_id", "结对队伍", "Team", "ref", ref="teams",
              help_zh="由队伍结对时填写；走访时选择去的队员",
              help_en="For a team's pairing; each visit names the members who went"),
        Field("visits_per_month", "每月约定走访次数", "Agreed visits a month", "int",
              required=True, min=1, max=31, default=2),
        Field("status", "状态", "Status", "choice", required=True, choices=PAIRING_STATUS,
              default="active"),
        _notes(),
        title_field="started_on",
        scope_via="beneficiary_id",
    ),
    _table(
        "roster_periods", "值守时段", "Duty periods", "per",
        _name("时段名称", "Name"),
        Field("key_period", "重点时期", "Key period", "choice", required=True, choices=KEY_PERIOD),
        Field("start_date", "开始日期", "First day", "date", required=True),
        Field("end_date", "结束日期", "Last day", "date", required=True),
        _notes(),
        unique=("name",),
    ),
    _table(
        "roster_shifts", "值守班次", "Duty shifts", "shift",
        Field("period_id", "值守时段", "Duty period", "ref", required=True, ref="roster_periods"),
        Field("post", "岗位", "Post", required=True, max_length=100),
        _community(),
        Field("date", "日期", "Date", "date", required=True),
        Field("start_time", "开始时间", "Start time", "time", required=True),
        Field("end_time", "结束时间", "End time", "time", required=True,
              help_zh="早于开始时间表示次日结束（跨夜班）",
              help_en="Before the start: ends next day"),
        Field("slots", "需要人数", "People needed", "int", min=1, default=2),
        _notes(),
        title_field="post",
        community_field="community_id",
    ),
    _table(
        "roster_assignments", "排班", "Shift assignments", "asg",
        Field("shift_id", "班次", "Shift", "ref", required=True, ref="roster_shifts"),
        Field("volunteer_id", "志愿者", "Volunteer", "ref", required=True, ref="volunteers"),
        Field("status", "状态", "Status", "choice", required=True, choices=ASSIGNMENT_STATUS,
              default="assigned"),
        Field("record_id", "对应服务记录", "Service record", "ref", ref="service_records"),
        _notes(),
        title_field="volunteer_id",
        scope_via="shift_id",
    ),
    _table(
        "donations", "捐赠", "Donations", "don",
        Field("organisation_id", "捐赠单位", "Donor organisation", "ref", ref="organisations"),
        Field("donor_name", "捐赠人（个人）", "Donor (person)", max_length=50),
        Field("date", "捐赠日期", "Date", "date", required=True, past_only=True),
        Field("kind", "捐赠类型", "Kind", "choice", required=True, choices=DONATION_KIND),
        Field("amount", "金额/折价（元）", "Amount (yuan)", "number", min=0),
        Field("description", "捐赠内容", "Description", "longtext",
              help_zh="物资或服务捐赠须写明内容", help_en="Needed for goods or services"),
        Field("recipient", "受赠对象", "Given to", max_length=100,
              help_zh="如：某社区、某服务对象群体、街道志愿服务分中心",
              help_en="e.g. a community, a group of beneficiaries, the office"),
        Field("purpose", "用途", "Purpose", max_length=200),
        Field("programme_id", "用于项目", "For programme", "ref", ref="programmes"),
        Field("receipt_no", "收据编号", "Receipt no.", max_length=40),
        title_field="date",
    ),
    _table(
        "certificates", "服务记录证明登记", "Certificate register", "cert",
        Field("number", "证明编号", "Certificate no.", required=True, max_length=40),
        Field("volunteer_id", "志愿者", "Volunteer", "ref", required=True, ref="volunteers"),
        Field("issued_on", "出具日期", "Issued on", "date", required=True, past_only=True),
        Field("hours", "服务时长（小时）", "Hours", "number", required=True, min=0),
        Field("period_from", "起始日期", "From", "date"),
        Field("period_to", "截止日期", "To", "date"),
        Field("content", "服务内容", "Service content", "longtext"),
        Field("issuer", "出具单位", "Issuing unit", required=True, max_length=100),
        Field("issuer_head", "单位负责人", "Head of unit", max_length=50),
        Field("officer", "经办人", "Officer", max_length=50),
        _phone("contact_phone", "联系电话", "Contact phone"),
        title_field="number",
        unique=("number",),
        scope_via="volunteer_id",
    ),
    _table(
        "accounts", "账号", "Accounts", "acct",
        Field("username", "用户名", "Username", required=True, max_length=40),
        Field("display_name", "姓名", "Display name", required=True, max_length=50),
        Field("role", "角色", "Role", "choice", required=True, choices=ROLE),
        Field("communities", "负责社区", "Communities", "tags",
              help_zh="社区协调员只能修改这些社区的数据", help_en="A coordinator edits only these"),
        Field("password_hash", "密码摘要", "Password hash", max_length=200),
        Field("active", "启用", "Active", "bool", default=True),
        title_field="username",
        kind="system",
        unique=("username",),
    ),
    _table(
        "preferences", "个人偏好", "Preferences", "pref",
        Field("username", "用户名", "Username", required=True, max_length=40),
        Field("lang", "界面语言", "Language", "choice", choices=LANGUAGE),
        title_field="username",
        kind="system",
        unique=("username",),
    ),
    _table(
        "settings", "设置", "Settings", "set",
        Field("key", "键", "Key", required=True, max_length=80),
        Field("value", "值", "Value", "longtext"),
        Field("description", "说明", "Description"),
        title_field="key",
        kind="system",
        unique=("key",),
    ),
    _table(
        "audit_log", "操作日志", "Audit log", "aud",
        Field("table_name", "数据表", "Table", required=True),
        Field("row_id", "记录编号", "Row ID", required=True),
        Field("action", "操作", "Action", "choice", required=True, choices=AUDIT_ACTION),
        Field("actor", "操作人", "Actor", required=True),
        Field("at", "时间", "At", "datetime", required=True),
        Field("changes", "变更内容", "Changes", "longtext", max_length=100_000),
        # Every audit row of one user action shares it: "undo that action" finds exactly its
        # rows (restoring a cancelled event restores the records its cancellation archived).
        Field("action_id", "操作批次", "Action batch", max_length=40),
        title_field="row_id",
        kind="system",
    ),
)  # fmt: skip

TABLE_BY_KEY: dict[str, Table] = {t.key: t for t in TABLES}
REFERENCE_TABLES = tuple(t.key for t in TABLES if t.kind == "reference")
AUDIT_TABLE = "audit_log"


def table(key: str) -> Table:
    """Look a table up by key; an unknown key is a programming error."""
    try:
        return TABLE_BY_KEY[key]
    except KeyError:
        raise KeyError(f"unknown table {key!r}") from None


def field_names(f: Field) -> tuple[str, ...]:
    """Every name a column of this field may carry: its key, both labels, its aliases."""
    return (f.key, f.zh, f.en, *f.aliases)


def header_aliases(t: Table) -> dict[str, str]:
    """Header text -> field key, accepting the key, both labels and the aliases."""
    out: dict[str, str] = {}
    for f in t.fields:
        for alias in field_names(f):
            out[normalise_header(alias)] = f.key
    return out


def import_targets(t: Table) -> list[str]:
    """What a column of a file imported into `t` can hold: a user field, or `field.key`, a
    reference given by another field of the row it points at (志愿者 by 手机号)."""
    out: list[str] = []
    for f in t.user_fields:
        out.append(f.key)
        if f.type == "ref":
            out.extend(f"{f.key}.{k}" for k in table(f.ref or "").match_keys)
    return out


def target_label(t: Table, target: str, lang: str = "zh") -> str:
    """`志愿者（手机号）` for `volunteer_id.mobile`, the field's label for a plain field."""
    key, _, via = target.partition(".")
    f = t.field(key)
    if not via:
        return f.label(lang)
    other = table(f.ref or "").field(via)
    return f"{f.zh}（{other.zh}）" if lang == "zh" else f"{f.en} ({other.en})"


def import_headers(t: Table) -> dict[str, str]:
    """Normalised header text -> import target (see `import_targets`), derived from the schema.

    A field answers to its own names. A reference also answers to the names of the row it
    points at: `志愿者姓名` or `志愿者（手机号）`, and, when it is the table's only reference to
    that table, the bare `姓名` or `手机` of a sign-in sheet. The table's own fields win, and a
    derived name two targets would share is left out.
    """
    own: dict[str, str] = {}
    for f in t.user_fields:
        for name in field_names(f):
            own[normalise_header(name)] = f.key
    refs = Counter(f.ref for f in t.user_fields if f.type == "ref")
    derived: dict[str, set[str]] = {}
    for f in t.user_fields:
        if f.type != "ref":
            continue
        other = table(f.ref or "")
        ways = [(k, f"{f.key}.{k}") for k in other.match_keys]
        if other.field(other.title_field).type == "text":
            ways.insert(0, (other.title_field, f.key))
        for k, target in ways:
            of = other.field(k)
            names = [f.zh + of.zh, f"{f.zh}（{of.zh}）", f"{f.en} {of.en}", f"{f.en} ({of.en})"]
            if refs[f.ref] == 1:
                names += [of.zh, of.en, *of.aliases]
            for name in names:
                derived.setdefault(normalise_header(name), set()).add(target)
    out = dict(own)
    for name, targets in derived.items():
        if name not in out and len(targets) == 1:
            out[name] = next(iter(targets))
    return out


def normalise_header(text: str) -> str:
    return "".join(str(text).split()).replace("（", "(").replace("）", ")").casefold()

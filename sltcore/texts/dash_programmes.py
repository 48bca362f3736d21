"""Text of the dashboard's programmes section (time bank, pairings, rosters, donations)."""

TEXTS = {
    "dashp.title": ("公益项目", "Programmes"),
    "dashp.points": ("公益储蓄积分（每月）", "Time-bank points per month"),
    "dashp.points.earned": ("存入", "Earned"),
    "dashp.points.redeemed": ("兑换", "Redeemed"),
    "dashp.points.month": ("月份", "Month"),
    "dashp.points.unit": ("积分", "Points"),
    "dashp.donations.unit": ("元", "Yuan"),
    "dashp.points.none": ("还没有积分。", "No points yet."),
    "dashp.visits": ("结对走访（上月）", "Pairing visits (last month)"),
    "dashp.visits.value": ("{done} / {agreed} 次", "{done} / {agreed}"),
    "dashp.visits.help": (
        "上个月已走访次数 / 约定次数（只计整月都在结对中的结对）；"
        "本月至今 {this} / {this_agreed} 次；{behind} 对结对上月走访少于约定。",
        "Visits made / agreed last month (pairings that ran all month); this month so far "
        "{this} / {this_agreed}; {behind} pairings were behind.",
    ),
    "dashp.roster": ("当前值守排班", "Current duty roster"),
    "dashp.roster.value": ("{filled} / {needed} 人", "{filled} / {needed}"),
    "dashp.roster.help": (
        "{name}：已排 / 需要人数；{short} 个岗位日没有排满。",
        "{name}: assigned / needed; {short} post-days short.",
    ),
    "dashp.roster.none": ("还没有值守时段", "No duty period yet"),
    "dashp.donations": ("捐赠（每年，元）", "Donations per year (yuan)"),
    "dashp.donations.cash": ("资金", "Cash"),
    "dashp.donations.in_kind": ("物资折价", "In kind"),
    "dashp.donations.year": ("年度", "Year"),
    "dashp.donations.none": ("还没有捐赠。", "No donations yet."),
}

"""Text of the 捐赠 (organisations and donations) page."""

TEXTS = {
    "nav.donations": ("捐赠", "Donations"),
    "don.title": ("驻区单位与捐赠", "Organisations and donations"),
    "don.intro": (
        "驻区单位、关爱联盟成员派出的志愿者和捐赠。合计包括资金和物资折价，两者也分别列出。",
        "Resident organisations and care-alliance members: the volunteers they send and what "
        "they donate. Totals add cash and the value of gifts in kind, also shown apart.",
    ),
    "don.tab.orgs": ("按单位", "By organisation"),
    "don.tab.years": ("按年度", "By year"),
    "don.tab.alliance": ("关爱联盟", "Care alliance"),
    "don.tab.record": ("登记捐赠", "Record a donation"),
    "don.col.name": ("单位名称", "Organisation"),
    "don.col.kind": ("单位类型", "Kind"),
    "don.col.community": ("社区", "Community"),
    "don.col.alliance": ("关爱联盟", "Alliance"),
    "don.col.volunteers": ("派出志愿者", "Volunteers sent"),
    "don.col.donations": ("捐赠次数", "Donations"),
    "don.col.cash": ("资金（元）", "Cash (yuan)"),
    "don.col.in_kind": ("物资折价（元）", "In kind (yuan)"),
    "don.col.total": ("合计（元）", "Total (yuan)"),
    "don.col.year": ("年度", "Year"),
    "don.col.since": ("加入联盟", "Member since"),
    "don.col.contact": ("联系人", "Contact"),
    "don.orgs.none": ("还没有驻区单位。", "No organisations yet."),
    "don.years.none": ("还没有捐赠记录。", "No donations yet."),
    "don.alliance.none": ("还没有关爱联盟成员。", "No care-alliance members yet."),
    "don.alliance.count": ("关爱联盟共 {count} 家成员单位。", "{count} members."),
    "don.org.add": ("新增驻区单位（管理员）", "New organisation (administrators)"),
    "don.org.added": ("已新增驻区单位。", "Organisation saved."),
    "don.save": ("保存捐赠", "Save donation"),
    "don.saved": ("已登记捐赠。", "Donation saved."),
    "don.readonly": (
        "捐赠由街道管理员登记；请把收据交给管理员。",
        "Donations are recorded by an administrator; pass the receipt on to them.",
    ),
}

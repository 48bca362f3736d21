"""Text of the 结对 (pairings) page."""

TEXTS = {
    "nav.pairings": ("结对", "Pairings"),
    "pair.title": ("结对帮扶", "Pairings"),
    "pair.intro": (
        "每对结对约定每月走访次数；走访记为服务记录（计入服务时长）。上个月走访少于约定的结对列在"
        "“待走访”，最久没有走访的排在最前。本月还在进行，只显示进度。",
        "Each pairing agrees visits a month; a visit is a service record (its hours count). "
        "Pairings with fewer visits than agreed last month are listed under “Behind”, the "
        "longest unvisited first. The current month only shows progress.",
    ),
    "pair.tab.behind": ("待走访", "Behind"),
    "pair.tab.all": ("全部结对", "All pairings"),
    "pair.tab.visit": ("记录走访", "Record a visit"),
    "pair.tab.beneficiaries": ("服务对象", "Beneficiaries"),
    "pair.behind.count": (
        "{month}有 {count} 对结对走访少于约定：",
        "{count} pairings had fewer visits than agreed in {month}:",
    ),
    "pair.behind.none": (
        "{month}所有结对都按约定走访了。",
        "Every pairing kept its agreed visits in {month}.",
    ),
    "pair.month": ("{year}年{month}月", "{month}/{year}"),
    "pair.col.volunteer": ("志愿者", "Volunteer"),
    "pair.col.team": ("队伍", "Team"),
    "pair.col.beneficiary": ("服务对象", "Beneficiary"),
    "pair.col.kind": ("类型", "Kind"),
    "pair.col.community": ("社区", "Community"),
    "pair.col.agreed": ("每月约定", "Agreed a month"),
    "pair.col.last_month": ("上月走访", "Last month"),
    "pair.col.this_month": ("本月已走访", "This month"),
    "pair.col.last_visit": ("最近走访", "Last visit"),
    "pair.col.shortfall": ("上月欠走访", "Short last month"),
    "pair.col.active": ("进行中", "Active"),
    "pair.none": ("还没有结对。", "No pairings yet."),
    "pair.add": ("新建结对", "New pairing"),
    "pair.added": ("已新建结对。", "Pairing saved."),
    "pair.visit.pair": ("哪一对结对", "Which pairing"),
    "pair.visit.pair.label": (
        "{volunteer} — {beneficiary}（{community}）",
        "{volunteer} — {beneficiary} ({community})",
    ),
    "pair.visit.team_contact": ("{team}（联系人{volunteer}）", "{team} (contact {volunteer})"),
    "pair.visit.members": ("参加走访的队员", "Members who went"),
    "pair.visit.members.placeholder": ("选择队员（可多选）", "Choose members"),
    "pair.visit.members.none": (
        "{team}在这一天没有在队的队员。请先在“队伍”页面添加队员。",
        "{team} had no members on that day. Add members on the Teams page first.",
    ),
    "pair.visit.date": ("走访日期", "Visit date"),
    "pair.visit.hours": ("服务时长（小时）", "Hours"),
    "pair.visit.content": ("走访内容", "What was done"),
    "pair.visit.submit": ("保存走访", "Save visit"),
    "pair.visit.done": (
        "已记录{volunteer}对{beneficiary}的走访（{date}，{hours}小时）。",
        "Visit by {volunteer} to {beneficiary} saved ({date}, {hours} h).",
    ),
    "pair.visit.none": (
        "没有进行中的结对。先在“全部结对”页签下方新建结对。",
        "No active pairings. Create one under “All pairings” first.",
    ),
    "pair.ben.col.name": ("姓名", "Name"),
    "pair.ben.col.kind": ("类别", "Kind"),
    "pair.ben.col.phone": ("联系电话", "Phone"),
    "pair.ben.col.address": ("住址", "Address"),
    "pair.ben.col.needs": ("服务需求", "Needs"),
    "pair.ben.col.pairings": ("结对数", "Pairings"),
    "pair.ben.masked": (
        "服务对象的电话和住址已隐去部分数字；只读账号只显示姓氏。",
        "Phones and addresses are partly hidden; read-only accounts see only the surname.",
    ),
    "pair.ben.add": ("新增服务对象", "New beneficiary"),
    "pair.ben.added": ("已新增服务对象。", "Beneficiary saved."),
    "pair.ben.none": ("还没有服务对象。", "No beneficiaries yet."),
}

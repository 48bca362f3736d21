"""Text of the 公益储蓄 (time bank) page."""

TEXTS = {
    "nav.timebank": ("公益储蓄", "Time bank"),
    "tb.title": ("公益储蓄", "Time bank"),
    "tb.intro": (
        "每计入 1 小时服务时长存入 {rate} 积分（比率由管理员在设置 timebank.rate 中调整）。"
        "积分可兑换下面的服务和物品；兑换只扣积分，不减少计入星级的服务时长。",
        "Every countable service hour deposits {rate} points (an administrator sets the rate, "
        "setting timebank.rate). Points buy "
        "the items below; a redemption spends points and never reduces the hours that count "
        "for star levels.",
    ),
    "tb.tab.balances": ("积分余额", "Balances"),
    "tb.tab.redeem": ("兑换", "Redeem"),
    "tb.tab.items": ("兑换项目", "Items"),
    "tb.tab.board": ("积分排行", "Leaderboard"),
    "tb.tab.adjust": ("调整积分", "Adjust"),
    "tb.search": ("查找志愿者", "Find a volunteer"),
    "tb.search.placeholder": (
        "输入姓名中的字或手机号后四位，按回车",
        "Part of a name or the last phone digits; Enter",
    ),
    "tb.count": ("共 {count} 人", "{count} people"),
    "tb.negative": (
        "{count} 人余额为负：他们已兑换的积分所依据的服务记录后来被撤销或改为未确认，"
        "或由管理员强制兑换。请在明细中核对。",
        "{count} people have a negative balance: records their spent points came from were "
        "undone or unconfirmed later, or an administrator overrode. Check their ledgers.",
    ),
    "tb.col.name": ("姓名", "Name"),
    "tb.col.community": ("社区", "Community"),
    "tb.col.earned": ("服务存入", "Earned"),
    "tb.col.redeemed": ("已兑换", "Redeemed"),
    "tb.col.adjusted": ("结转与调整", "Carried & adjusted"),
    "tb.col.balance": ("余额", "Balance"),
    "tb.col.rank": ("名次", "Rank"),
    "tb.ledger.pick": ("查看谁的积分明细", "Whose ledger"),
    "tb.ledger.title": ("{name}的积分明细", "{name}'s ledger"),
    "tb.ledger.empty": ("还没有积分记录。", "No entries yet."),
    "tb.undo": ("撤销一次兑换", "Undo a redemption"),
    "tb.undo.help": (
        "兑换登记错了，或物品退回时使用：积分退回余额，剩余数量恢复；原记录留在归档中，理由记入操作日志。",
        "For a redemption entered by mistake or given back: the points and the units come "
        "back; the entry stays in the archive and the reason in the audit log.",
    ),
    "tb.undo.pick": ("哪一次兑换", "Which redemption"),
    "tb.undo.label": (
        "{date} · {item} × {qty} · {points} 分",
        "{date} · {item} × {qty} · {points} points",
    ),
    "tb.undo.reason": ("撤销理由", "Reason"),
    "tb.undo.reason.placeholder": (
        "如：登记错了人、物品已退回",
        "e.g. wrong person, item returned",
    ),
    "tb.undo.go": ("撤销这次兑换", "Undo this redemption"),
    "tb.undo.done": (
        "已撤销{name}的一次兑换，余额 {balance} 分。",
        "Undone for {name}; balance {balance}.",
    ),
    "tb.ledger.balance": ("当前余额", "Balance now"),
    "tb.ledger.hours": ("计入星级的服务时长", "Hours for star levels"),
    "tb.col.date": ("日期", "Date"),
    "tb.col.what": ("摘要", "Entry"),
    "tb.col.hours": ("服务时长", "Hours"),
    "tb.col.points": ("积分", "Points"),
    "tb.col.running": ("结余", "Running balance"),
    "tb.col.reason": ("理由/备注", "Reason / notes"),
    "tb.redeem.who": ("兑换人", "Volunteer"),
    "tb.redeem.who.none": (
        "先在上面输入姓名或手机号后四位查找兑换人。",
        "Find the volunteer above first.",
    ),
    "tb.redeem.item": ("兑换项目", "Item"),
    "tb.redeem.item.label": (
        "{name} · {points} 分/份 · {left}",
        "{name} · {points} points each · {left}",
    ),
    "tb.redeem.left": ("剩余 {left} 份", "{left} left"),
    "tb.redeem.unlimited": ("不限量", "unlimited"),
    "tb.redeem.no_items": (
        "还没有可兑换的项目。管理员可在“兑换项目”页签下方添加。",
        "No items to redeem yet. An administrator adds them under the Items tab.",
    ),
    "tb.redeem.quantity": ("兑换份数", "Quantity"),
    "tb.redeem.date": ("兑换日期", "Date"),
    "tb.redeem.notes": ("备注", "Notes"),
    "tb.redeem.preview": (
        "{name}当前余额 **{balance}** 分；本次需要 **{cost}** 分，兑换后余额 **{after}** 分。",
        "{name} has **{balance}** points; this costs **{cost}**, leaving **{after}**.",
    ),
    "tb.redeem.short": ("余额不够，保存会被拒绝。", "Not enough points: saving will be refused."),
    "tb.redeem.override": (
        "强制兑换（超出余额或剩余数量，仅管理员）",
        "Override (beyond the balance or stock; administrators only)",
    ),
    "tb.redeem.reason": ("强制兑换理由", "Override reason"),
    "tb.redeem.submit": ("确认兑换", "Redeem"),
    "tb.redeem.done": (
        "已为{name}兑换“{item}”× {quantity}，余额 {balance} 分。",
        "Redeemed {quantity} × “{item}” for {name}; balance {balance} points.",
    ),
    "tb.redeem.done_override": (
        "已强制兑换：{name}“{item}”× {quantity}，余额 {balance} 分。",
        "Overridden: {quantity} × “{item}” for {name}; balance {balance} points.",
    ),
    "tb.col.item": ("项目", "Item"),
    "tb.col.kind": ("类型", "Kind"),
    "tb.col.provider": ("提供单位", "Provider"),
    "tb.col.item_points": ("所需积分", "Points"),
    "tb.col.stock": ("投放数量", "Supplied"),
    "tb.col.item_redeemed": ("已兑换份数", "Redeemed"),
    "tb.col.left": ("剩余", "Left"),
    "tb.col.active": ("可兑换", "Available"),
    "tb.items.empty": ("还没有兑换项目。", "No items yet."),
    "tb.items.add": ("添加兑换项目（管理员）", "Add an item (administrators)"),
    "tb.items.added": ("已添加兑换项目“{name}”。", "Item “{name}” added."),
    "tb.items.save": ("保存兑换项目", "Save item"),
    "tb.board.year": ("统计范围", "Period"),
    "tb.board.all": ("全部年份", "All years"),
    "tb.board.year_n": ("{year}年", "{year}"),
    "tb.board.empty": ("这段时间还没有人存入积分。", "Nobody earned points in this period."),
    "tb.adjust.intro": (
        "旧账结转：原公益银行账户的积分转入；调整：更正积分（正数增加，负数扣减）。都要写明理由。",
        "Carried over: points from the old 公益银行 books; adjustment: a correction (positive "
        "adds, negative deducts). Both need a reason.",
    ),
    "tb.adjust.only_admin": (
        "只有管理员可以调整积分。",
        "Only an administrator can adjust points.",
    ),
    "tb.adjust.kind": ("类型", "Kind"),
    "tb.adjust.points": ("积分", "Points"),
    "tb.adjust.reason": ("理由", "Reason"),
    "tb.adjust.negative": ("允许余额为负", "Allow a negative balance"),
    "tb.adjust.submit": ("保存调整", "Save adjustment"),
    "tb.adjust.done": (
        "已为{name}记入 {points} 分，余额 {balance} 分。",
        "{points} points entered for {name}; balance {balance}.",
    ),
}

"""Text of sign-in, roles, personal numbers, history, restore and the administrator's pages."""

TEXTS = {
    "nav.signin": ("登录", "Sign in"),
    "cert.full_id": ("证明上印完整身份证号", "Print the full ID number"),
    "cert.full_id.help": (
        "默认只印前六位和后四位。印完整号码会记入操作日志。",
        "By default only the first six and last four digits are printed. A full number is logged.",
    ),
    "record.denied": ("只读账号不能记录活动。", "A read-only account cannot record activities."),
    "home.empty.ask_admin": (
        "数据库还是空的，请管理员先载入基础资料或示例数据。",
        "The database is empty; an administrator has to load the reference or sample data.",
    ),
    "nav.audit": ("操作日志", "Audit log"),
    "nav.admin": ("账号与恢复", "Accounts & restore"),
    "sidebar.sign_out": ("退出登录", "Sign out"),
    "signin.title": ("登录三里屯街道志愿服务工作台", "Sign in to the Sanlitun Volunteer Desk"),
    "signin.intro": (
        "请用管理员为您开设的账号登录。",
        "Sign in with the account your administrator made for you.",
    ),
    "signin.username": ("用户名", "User name"),
    "signin.password": ("密码", "Password"),
    "signin.submit": ("登录", "Sign in"),
    "signin.help": (
        "忘记密码或没有账号，请联系街道志愿服务分中心的管理员。",
        "Forgot the password, or no account? Ask the office's administrator.",
    ),
    "signin.sso": ("使用单位统一身份登录", "Sign in with your organisation's account"),
    "signin.sso.named": ("使用 {name} 登录", "Sign in with {name}"),
    "signin.sso.broken": (
        "统一身份登录暂时不可用（服务器缺少 Authlib 或 [auth] 配置不完整），请用密码登录，"
        "并告诉管理员。",
        "Single sign-on is not available (Authlib is missing on the server or [auth] is "
        "incomplete); sign in with a password and tell the administrator.",
    ),
    "signin.sso.unknown": (
        "邮箱 {email} 没有对应的工作台账号，请联系管理员开设。",
        "No desk account has the e-mail {email}; ask the administrator for one.",
    ),
    "signin.expired": (
        "超过 {minutes} 分钟没有操作，已自动退出，请重新登录。",
        "Signed out after {minutes} minutes without activity; please sign in again.",
    ),
    "signin.signed_out": ("已退出登录。", "Signed out."),
    "signin.disabled": (
        "这个账号已被停用或已删除，请联系管理员。",
        "This account was switched off or removed; ask the administrator.",
    ),
    "signin.open.banner": (
        "尚未设置账号：打开本页的人都是管理员。因此工作台只在本机（127.0.0.1）提供服务。"
        "在局域网或互联网上使用之前，请按说明文件（README）添加账号。",
        "No accounts are set up: whoever opens this page is the administrator, so the desk "
        "serves only this computer (127.0.0.1). Add accounts as the README explains before "
        "serving it on a network.",
    ),
    "signin.open.remote": (
        "这台工作台尚未设置账号，只能在运行它的电脑上使用。请管理员先按说明文件添加账号。",
        "This desk has no accounts yet and can be used only on the computer that runs it. "
        "The administrator must add accounts first (see the README).",
    ),
    # --- 操作日志 audit log ----------------------------------------------------------------
    "audit.title": ("操作日志", "Audit log"),
    "audit.denied": ("只有管理员可以打开这一页。", "Only an administrator can open this page."),
    "audit.intro": (
        "谁在什么时候改了什么：每次新增、修改、归档、恢复、查看完整号码和导出完整数据都有记录，"
        "修改前后的值并列显示（身份证号、电话只显示部分）。",
        "Who changed what and when: every addition, change, archiving, restore, full number "
        "shown and full export, with the values before and after (personal numbers masked).",
    ),
    "audit.person": ("操作人", "Person"),
    "audit.table": ("数据表", "Table"),
    "audit.record": ("记录（编号或名称）", "Record (ID or name)"),
    "audit.record.placeholder": ("例如 vol-… 或 姓名", "e.g. vol-… or a name"),
    "audit.period": ("日期", "Dates"),
    "audit.count": ("共 {count} 次操作", "{count} actions"),
    "audit.limited": ("，显示最近 {shown} 次", "; the latest {shown} shown"),
    "audit.none": ("没有符合条件的操作记录。", "No actions match."),
    "audit.col.at": ("时间", "When"),
    "audit.col.actor": ("操作人", "Who"),
    "audit.col.action": ("操作", "Action"),
    "audit.col.table": ("数据表", "Table"),
    "audit.col.record": ("记录", "Record"),
    "audit.col.field": ("字段", "Field"),
    "audit.col.before": ("修改前", "Before"),
    "audit.col.after": ("修改后", "After"),
    "audit.col.row_id": ("记录编号", "Row ID"),
    "history.title": ("修改记录", "History"),
    "history.none": ("还没有修改记录。", "No history yet."),
    "history.more": ("在操作日志中查看全部", "See it all in the audit log"),
    # --- 账号与恢复 administrator's page -------------------------------------------------
    "admin.title": ("账号与恢复", "Accounts & restore"),
    "admin.tab.accounts": ("账号", "Accounts"),
    "admin.tab.archived": ("已归档的数据", "Archived rows"),
    "admin.tab.settings": ("设置", "Settings"),
    "admin.accounts.intro": (
        "账号、角色和密码在 .streamlit/secrets.toml 中设置（见说明文件）；"
        "社区协调员负责的社区和账号的停用可以在这里修改，修改会记入操作日志。",
        "Accounts, roles and passwords are set in .streamlit/secrets.toml (see the README); "
        "a coordinator's communities and switching an account off are changed here, and "
        "logged.",
    ),
    "admin.accounts.none": (
        "尚未设置账号，工作台只在本机开放。添加账号的方法见说明文件。",
        "No accounts yet: the desk is open on this computer only. The README explains how "
        "to add them.",
    ),
    "admin.col.display_name": ("姓名", "Name"),
    "admin.col.role": ("角色", "Role"),
    "admin.col.communities": ("负责社区", "Communities"),
    "admin.col.email": ("统一身份邮箱", "Sign-on e-mail"),
    "admin.col.active": ("状态", "Status"),
    "admin.active.yes": ("启用", "Active"),
    "admin.active.no": ("已停用", "Switched off"),
    "admin.pick": ("选择账号", "Account"),
    "admin.unknown_community": (
        "secrets.toml 中的社区“{name}”在数据中不存在，这个账号不能修改它的数据。"
        "请改正名称，或在下面重新选择负责社区。",
        "The community “{name}” of secrets.toml does not exist, so this account cannot "
        "change its data. Correct the name, or choose the communities below.",
    ),
    "admin.communities.saved": ("已保存 {name} 负责的社区", "{name}'s communities saved"),
    "admin.switch_off": ("停用这个账号", "Switch this account off"),
    "admin.switch_on": ("重新启用这个账号", "Switch this account on again"),
    "admin.active.saved": ("已修改 {name} 的账号状态", "{name}'s account status changed"),
    "admin.settings.intro": (
        "单位名称、负责人、电话等设置，用于证明和报表。",
        "The office's name, head and phone, used on certificates and reports.",
    ),
    "admin.settings.pick": ("选择要修改的设置", "Setting to change"),
    "admin.archived.intro": (
        "归档的数据不再显示和计数，但都还在。在这里选择数据表，可以把归档的行恢复；"
        "恢复的行要和新增的一样符合规则（名称不重复、每天不超过24小时等）。"
        "已取消的活动在活动页面恢复。",
        "Archived rows are no longer shown or counted, but they are kept. Choose a table to "
        "restore one; a restored row must obey the rules a new one does. A cancelled event "
        "is restored on its own page.",
    ),
    "admin.archived.count": ("已归档 {count} 行", "{count} archived rows"),
    "admin.archived.when": ("{by} 于 {at} 归档", "archived by {by}, {at}"),
    "admin.archived.more": ("只显示最近的 {shown} 行。", "Only the latest {shown} are shown."),
    "events.restore": ("恢复这次活动", "Restore this event"),
    "events.restore.help": (
        "取消这次活动时归档了 {count} 条服务记录。恢复后活动改回“已完成”，这些记录重新计入时长、"
        "星级和证明，和取消之前一样。",
        "Cancelling it archived {count} service records. Restored, the event is done again "
        "and exactly those records count again, as before the cancellation.",
    ),
    "events.restore.confirm": ("确认恢复", "Restore it"),
    "events.restored.records": (
        "活动已恢复，{count} 条服务记录随之恢复",
        "Event restored with its {count} service records",
    ),
    "events.restore.refused": (
        "没有恢复：这次活动取消时归档的 {count} 条服务记录不能恢复，"
        "原因如下（活动和记录都没有改动）：",
        "Not restored: the {count} service records archived when the event was cancelled "
        "cannot come back (nothing was changed):",
    ),
}

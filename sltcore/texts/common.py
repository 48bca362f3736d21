"""Text shared by the shell of the app: navigation, sidebar, first run, common buttons."""

TEXTS = {
    "app.title": ("三里屯街道志愿服务工作台", "Sanlitun Volunteer Desk"),
    "app.title.short": ("三里屯志愿服务工作台", "Sanlitun Volunteer Desk"),
    "app.subtitle": (
        "志愿者、活动、服务时长与公益储蓄",
        "Volunteers, events, service hours, time bank",
    ),
    "unit.hours": ("小时", "h"),
    "unit.people": ("人", "people"),
    "nav.section.daily": ("日常工作", "Daily work"),
    "nav.section.leaders": ("领导查看", "For leaders"),
    "nav.section.data": ("基础数据", "Reference data"),
    "nav.home": ("数据总览", "Data overview"),
    "nav.dashboard": ("概览", "Dashboard"),
    "nav.record": ("记录活动", "Record activity"),
    "nav.events": ("活动", "Events"),
    "nav.volunteers": ("志愿者", "Volunteers"),
    "nav.teams": ("队伍", "Teams"),
    "nav.tables": ("基础资料", "Reference tables"),
    "nav.stars": ("星级志愿者", "Star volunteers"),
    "nav.reports": ("报表", "Reports"),
    "sidebar.language": ("语言 Language", "语言 Language"),
    "sidebar.backend_line": ("数据存储：{backend}", "Storage: {backend}"),
    "sidebar.backend.local": ("本地数据库（无需设置）", "Local database (no set-up)"),
    "sidebar.backend.gsheets": ("Google 表格", "Google Sheet"),
    "store.failed.title": ("数据存储需要设置", "The data storage needs setting up"),
    "sidebar.backend.failed": ("未能打开（原因见页面说明）", "could not open (see the page)"),
    "user.default": ("管理员", "Administrator"),
    "sidebar.user_line": ("当前账号：{user}（{role}）", "Signed in as: {user} ({role})"),
    "sidebar.read_at": ("数据读取于 {time}", "Data read at {time}"),
    "sidebar.refresh": ("刷新数据", "Refresh data"),
    "outcome.pending": (
        "有{count}次保存因连接中断尚未确认。每次保存要么完整保存，要么完全没有保存。",
        "{count} save(s) could not be confirmed when the connection broke. Each one is either "
        "wholly saved or not saved at all.",
    ),
    "outcome.check": ("确认是否已保存", "Check whether it was saved"),
    "outcome.saved": (
        "已确认：那次保存已完整保存，无需重新提交。",
        "Confirmed: that save landed whole; do not submit it again.",
    ),
    "outcome.absent": (
        "已确认：那次保存没有保存任何内容，可以重新提交。",
        "Confirmed: nothing of that save was stored; submit it again.",
    ),
    "home.counts": ("各数据表记录数", "Rows per table"),
    "home.table": ("数据表", "Table"),
    "home.rows": ("记录数", "Rows"),
    "home.empty.title": ("欢迎使用！数据库还是空的", "Welcome! The database is empty"),
    "home.empty.body": (
        "可以先载入一套示例数据（虚构的三里屯街道志愿者、活动和服务记录）熟悉功能，"
        "也可以直接开始录入。示例数据随时可以在“基础资料”中归档。",
        "Load a sample data set (invented Sanlitun volunteers, events and records) to look "
        "around, or start entering your own.",
    ),
    "home.empty.demo": ("载入示例数据", "Load sample data"),
    "home.empty.init": ("只建立社区和品牌等基础资料", "Only create communities and programmes"),
    "home.empty.loading": (
        "正在生成示例数据（{volunteers} 名志愿者、{records} 条活动服务记录，另有结对走访和值守），"
        "几秒钟就好……",
        "Generating the sample data ({volunteers} volunteers, {records} records at events, "
        "plus pairing visits and duties): a few seconds…",
    ),
    "home.empty.done": (
        "示例数据已载入：{volunteers} 名志愿者，{records} 条服务记录",
        "Sample data loaded: {volunteers} volunteers, {records} records",
    ),
    "home.start": ("从这里开始", "Start here"),
    "home.go_record": ("记录一次活动", "Record an activity"),
    "common.save": ("保存", "Save"),
    "common.cancel": ("取消", "Cancel"),
    "common.search": ("搜索", "Search"),
    "common.add": ("新增", "Add"),
    "common.edit": ("修改", "Edit"),
    "common.archive": ("归档", "Archive"),
    "common.restore": ("恢复", "Restore"),
    "common.none": ("（无）", "(none)"),
    "common.all": ("全部", "All"),
    "common.readonly": (
        "只读账号：可以查看，不能修改。",
        "Read-only account: you can look, not change.",
    ),
    "common.saved": ("已保存", "Saved"),
    "common.download": ("下载", "Download"),
    "common.empty": ("暂无数据", "No data yet"),
    "common.yes": ("是", "Yes"),
    "common.no": ("否", "No"),
    "error.unexpected": (
        "出现了意外错误，本次操作没有保存。请刷新页面后重试；如仍出现，请把时间告诉管理员。",
        "Something unexpected went wrong and nothing was saved. Reload and try again; if it "
        "persists, tell the administrator the time it happened.",
    ),
}

"""Text of the 排班 (duty rosters) page."""

TEXTS = {
    "nav.rosters": ("排班", "Rosters"),
    "ros.title": ("值守排班", "Duty rosters"),
    "ros.intro": (
        "重点时期的值守：先选时段，再看各岗位每天是否排满；值守结束后登记到岗，到岗的人自动记入服务时长。",
        "Duty at key periods: pick a period, see whether each post is staffed each day; after "
        "a shift, mark who came and their service hours are recorded.",
    ),
    "ros.period": ("值守时段", "Duty period"),
    "ros.period.label": ("{name}（{start} 至 {end}）", "{name} ({start} to {end})"),
    "ros.none": (
        "还没有值守时段。管理员可在下方“新建值守时段”中添加。",
        "No duty periods yet. An administrator adds one under “New duty period” below.",
    ),
    "ros.tab.coverage": ("排班覆盖", "Coverage"),
    "ros.tab.shifts": ("班次与排班", "Shifts"),
    "ros.tab.attendance": ("登记到岗", "Attendance"),
    "ros.tab.print": ("打印与导出", "Print & export"),
    "ros.coverage.gaps": (
        "还有 {count} 个岗位日没有排满，共缺 {people} 人：",
        "{count} post-days are short of {people} people:",
    ),
    "ros.coverage.full": ("这个时段所有岗位都已排满。", "Every post is fully staffed."),
    "ros.coverage.empty": ("这个时段还没有班次。", "This period has no shifts yet."),
    "ros.chart.post": ("岗位", "Post"),
    "ros.chart.date": ("日期", "Date"),
    "ros.chart.ratio": ("排满比例", "Staffed"),
    "ros.chart.filled": ("已排", "Assigned"),
    "ros.chart.needed": ("需要", "Needed"),
    "ros.col.date": ("日期", "Date"),
    "ros.col.time": ("时间", "Time"),
    "ros.col.post": ("岗位", "Post"),
    "ros.col.community": ("社区", "Community"),
    "ros.col.needed": ("需要人数", "Needed"),
    "ros.col.filled": ("已排人数", "Assigned"),
    "ros.col.gap": ("缺人", "Short"),
    "ros.col.people": ("值守人员", "People"),
    "ros.col.name": ("姓名", "Name"),
    "ros.col.status": ("到岗情况", "Attendance"),
    "ros.shift.pick": ("选择班次", "Shift"),
    "ros.shift.label": (
        "{date} {time} {post}（已排 {filled}/{needed}）",
        "{date} {time} {post} ({filled}/{needed})",
    ),
    "ros.assign.who": ("要排进这个班次的志愿者", "Volunteers to put on this shift"),
    "ros.assign.submit": ("保存排班", "Save assignments"),
    "ros.assign.done": ("已排 {count} 人。", "{count} assigned."),
    "ros.shift.add": ("新增班次", "New shift"),
    "ros.shift.added": ("已新增班次。", "Shift saved."),
    "ros.period.add": ("新建值守时段（管理员）", "New duty period (administrators)"),
    "ros.period.added": ("已新建值守时段。", "Period saved."),
    "ros.att.intro": (
        "勾选实际到岗的人，点“保存到岗情况”：到岗的人按班次时长记入服务时长，未勾选的记为缺勤。"
        "可以重复保存，不会重复记录。",
        "Tick who came and save: those present get the shift's hours, the others are marked "
        "absent. Saving again never records anyone twice.",
    ),
    "ros.att.nobody": ("这个班次还没有排人。", "Nobody is assigned to this shift."),
    "ros.att.status": ("当前：{status}", "Now: {status}"),
    "ros.att.recorded": ("已记服务时长", "hours recorded"),
    "ros.att.submit": ("保存到岗情况", "Save attendance"),
    "ros.att.done": (
        "已保存：到岗 {present} 人，缺勤 {absent} 人；"
        "新记服务记录 {created} 条，撤销 {archived} 条。",
        "Saved: {present} present, {absent} absent; {created} records added, {archived} withdrawn.",
    ),
    "ros.print.pdf": (
        "下载打印版（PDF，每天一页 A4）",
        "Download for print (PDF, one A4 page a day)",
    ),
    "ros.print.xlsx": ("下载排班表（Excel）", "Download the roster (Excel)"),
}

"""Text of the daily pages: record activity, events, volunteers, teams, reference tables."""

TEXTS = {
    # --- schema-driven forms ---------------------------------------------------------------
    "forms.choose": ("请选择", "Choose"),
    "forms.pii_keep": (
        "为保护个人信息，这里不显示原号码。留空表示不修改；要更正请输入完整的新号码。",
        "Not shown, to protect personal data. Leave empty to keep it; type the full new number "
        "to correct it.",
    ),
    "forms.refused": (
        "没有保存，请改正下面的内容后再保存（已填写的内容都还在）：",
        "Nothing was saved. Correct the points below and save again (what you typed is kept):",
    ),
    "forms.tags_help": ("多项用顿号“、”或逗号分隔", "Separate several with commas"),
    "kit.download_csv": ("下载表格（CSV）", "Download as CSV"),
    # --- edit forms: the row was saved again after the form was opened ---------------------
    "edit.stale": (
        "打开这个表单之后，这条记录又被保存过（可能是别人在另一台电脑上修改的）。"
        "表单里仍是你填写的内容，现在保存会被拒绝，以免覆盖那次修改。"
        "请记下你要改的内容，点“载入最新内容”后重新填写并保存。",
        "This row was saved again after this form was opened (perhaps by someone else on "
        "another computer). The form still holds what you typed; saving it now is refused so "
        "that change is not overwritten. Note your changes, press “Load the latest”, then make "
        "them again and save.",
    ),
    "edit.stale.fields": ("那次修改了：{fields}。", " Changed there: {fields}."),
    "edit.reload": ("载入最新内容", "Load the latest"),
    # --- volunteer picker (record activity, team members) ----------------------------------
    "picker.search": ("查找志愿者", "Find volunteers"),
    "picker.search.placeholder": (
        "姓名、拼音或首字母（如 wxy）、手机号后四位或队伍名，按回车加入",
        "Name, pinyin or initials (e.g. wxy), last phone digits or a team; Enter adds",
    ),
    "picker.search.placeholder_id": (
        "姓名、拼音或首字母、手机号或身份证号后几位、队伍名，按回车加入",
        "Name, pinyin or initials, last phone or ID digits, a team; Enter adds",
    ),
    "picker.found": ("找到 {count} 人，点一下即可加入", "{count} found: click to add"),
    "picker.found_many": (
        "找到 {count} 人：多输入几个字缩小范围，或在下面“参加的志愿者”中选择",
        "{count} found: type more to narrow it down, or choose below",
    ),
    "picker.added": ("已加入：{name}", "Added: {name}"),
    "picker.click": ("点选加入", "Click to add"),
    "picker.too_many": (
        "找到 {count} 人，只列出前 {limit} 人。请多输入几个字缩小范围。",
        "{count} found; only the first {limit} are listed. Type more to narrow it down.",
    ),
    "picker.none": (
        "没有找到。可以只输入姓名中的一个字、手机号后四位或队伍名的一部分。",
        "Nobody found. Try one character of the name, the last four phone digits or part of "
        "a team's name.",
    ),
    "picker.add_all": ("全部加入（{count} 人）", "Add all {count}"),
    "picker.placeholder": (
        "已加入的人显示在这里；也可在此继续选择",
        "Who is added shows here; you can also choose here",
    ),
    # --- 记录活动 record activity ------------------------------------------------------------
    "record.title": ("记录活动", "Record activity"),
    "record.intro": (
        "三步完成：选择或新建活动 → 选出参加的志愿者 → 核对每人的服务时长，然后点“保存记录”。"
        "时长只计实际服务时间，不含往返路途（《中国注册志愿者管理办法》第十四条）。",
        "Three steps: choose or create the event, pick who attended, check each person's hours, "
        "then press “Save records”. Count actual service time only, travel excluded (art. 14).",
    ),
    "record.step.event": ("① 活动", "① Event"),
    "record.step.people": ("② 参加的志愿者", "② Who attended"),
    "record.step.hours": ("③ 服务时长和内容", "③ Hours and content"),
    "record.mode": ("活动", "Event"),
    "record.mode.existing": ("选择已有活动", "Choose an existing event"),
    "record.mode.new": ("新建活动", "Create a new event"),
    "record.event": ("选择活动", "Event"),
    "record.event.placeholder": (
        "输入日期或活动名称查找，例如 11月28日 或 巡逻",
        "Type a date or a title, e.g. 28 Nov or patrol",
    ),
    "record.event.help": (
        "这里列出近三个月的活动。更早的活动请在“活动”页打开，再点“为这次活动记录时长”。",
        "Events of the last three months. For an older one, open it on the Events page and "
        "use “Record hours for this event”.",
    ),
    "record.no_events": (
        "还没有可以记录的活动。请选上方的“新建活动”，填写活动信息。",
        "No event to record yet. Choose “Create a new event” above and fill it in.",
    ),
    "record.duration": ("活动时长 {hours}", "Event length {hours}"),
    "record.people": ("参加的志愿者", "Attendees"),
    "record.archived_tag": ("已归档", "archived"),
    "record.no_volunteers": (
        "还没有登记志愿者，请先到“志愿者”页面登记。",
        "No volunteers registered yet; register them on the Volunteers page first.",
    ),
    "record.go_volunteers": ("去登记志愿者", "Register volunteers"),
    "record.hours.default": (
        "每人默认 {hours}（活动时长），可逐人修改。",
        "Each person defaults to {hours} (the event's length); change anyone's hours below.",
    ),
    "record.hours.no_people": (
        "在 ② 中选出参加的志愿者后，这里会列出每个人的服务时长。",
        "Once you pick the attendees in ②, each person's hours are listed here.",
    ),
    "record.hours.no_default": (
        "这次活动没有填写起止时间，请为每人填写服务时长。",
        "This event has no start and end time: enter each person's hours.",
    ),
    "record.hours.person": ("{name} 的时长（小时）", "{name}: hours"),
    "record.total": ("共 {count} 人，合计 {hours}", "{count} people, {hours} in total"),
    "record.object.placeholder": ("例如：空巢老人", "e.g. elders living alone"),
    "record.content.placeholder": ("例如：上门探望、打扫卫生", "e.g. home visits, cleaning"),
    "record.submit": ("保存记录", "Save records"),
    "record.pick_event": (
        "请先在 ① 中选择一个活动，或改选“新建活动”。",
        "Choose an event in ① first, or switch to “Create a new event”.",
    ),
    "record.refused": (
        "没有保存，请修改下面的问题后再点“保存记录”（已填写的内容都还在）：",
        "Nothing was saved. Fix the points below and press “Save records” again (what you "
        "typed is kept):",
    ),
    "record.toast": (
        "已保存 {count} 条服务记录，共 {hours}",
        "Saved {count} records, {hours} in total",
    ),
    "record.saved": (
        "刚刚保存：{title}，{count} 人，共 {hours}。如有错误可以撤销。",
        "Just saved: {title}, {count} people, {hours} in total. Undo it if it was a mistake.",
    ),
    "record.open_event": ("查看这次活动", "Open the event"),
    "record.undo": ("撤销这次录入", "Undo this entry"),
    "record.undone": ("已撤销：{count} 条记录已归档", "Undone: {count} records archived"),
    "record.footer": (
        "保存后记录立即计入志愿者的服务时长和星级；撤销只会归档这一次保存的记录。",
        "Saved records count towards hours and stars at once; undo archives only this entry.",
    ),
    "record.confirm.title": (
        "请确认后再保存（尚未保存）",
        "Please confirm before saving (not saved yet)",
    ),
    "record.confirm.duplicate": (
        "{date}已有一个同名、同社区的活动“{title}”。再新建一个会让同一批人重复计时。"
        "是改用已有的活动，还是确实是另一次活动？",
        "There is already an event “{title}” on {date} in this community. A second one would "
        "credit the same people twice. Use the existing event, or is this really another one?",
    ),
    "record.confirm.over": (
        "以下时长超过了活动本身的{duration}：{people}。服务时长只计实际服务时间，不含路途"
        "（管理办法第十四条）。请核对；如确实无误，再确认保存。",
        "These hours are longer than the event itself ({duration}): {people}. Only actual "
        "service time counts, not travel (art. 14). Check them; confirm if they are right.",
    ),
    "record.confirm.use_existing": ("改用已有的活动", "Use the existing event"),
    "record.confirm.save_anyway": ("确认无误，保存", "They are right: save"),
    "record.rule.no_attendees": ("请至少选择一名参加的志愿者。", "Pick at least one attendee."),
    "record.rule.future": (
        "活动日期{date}晚于今天。尚未发生的服务不能记录时长，请核对日期。",
        "The event date {date} is after today. Hours cannot be recorded for service that has "
        "not happened yet; check the date.",
    ),
    "record.rule.cancelled": (
        "这次活动已取消，不能记录服务时长。",
        "This event was cancelled; hours cannot be recorded for it.",
    ),
    "record.rule.unknown": (
        "找不到这名志愿者（可能已被删除），请从名单中移除。",
        "this volunteer no longer exists; remove them from the list.",
    ),
    "record.rule.archived": (
        "已归档，不能再记录服务时长。请从名单中移除，或先在“志愿者”页面恢复。",
        "is archived and cannot get hours. Remove them, or restore them on the Volunteers "
        "page first.",
    ),
    "record.rule.twice_list": (
        "在名单中出现了两次，请只保留一次。",
        "is in the list twice; keep them once.",
    ),
    "record.rule.already": (
        "已有这次活动的服务记录（{hours}小时），同一活动不能重复记录。请从名单中移除。",
        "already has a record for this event ({hours} h); an event is recorded once a person. "
        "Remove them from the list.",
    ),
    "record.rule.hours_missing": ("请填写服务时长。", "enter the hours."),
    "record.rule.hours_positive": (
        "服务时长须大于0小时（现在是{hours}），请改正。",
        "hours must be more than 0 (now {hours}); correct them.",
    ),
    "record.rule.day_limit": (
        "{date}已记录{before}小时，加上本次{hours}小时共{total}小时，超过每天24小时的上限。"
        "请核对时长。",
        "already has {before} h on {date}; with these {hours} h that is {total} h, over the "
        "limit of 24 hours a day. Check the hours.",
    ),
    # --- 活动 events -------------------------------------------------------------------------
    "events.title": ("活动", "Events"),
    "events.intro": (
        "按时间、社区、品牌项目、队伍或状态查找活动；点一行打开活动，查看参加人员和总时长。",
        "Find events by period, community, programme, team or status; click a row to open it.",
    ),
    "events.filter.period": ("时间范围", "Period"),
    "events.filter.text": ("活动名称或地点", "Title or place"),
    "events.count": (
        "共 {count} 个活动（已完成 {done}、计划中 {planned}、已取消 {cancelled}），"
        "{people} 人次，{hours}。",
        "{count} events ({done} done, {planned} planned, {cancelled} cancelled), "
        "{people} attendances, {hours}.",
    ),
    "events.count.after_today": (
        "其中 {n} 个在今天以后。概览页的活动场次只数截至今天、未取消的活动。",
        " {n} of them are after today. The dashboard counts events up to today that were not "
        "cancelled.",
    ),
    "events.none": (
        "没有符合条件的活动。可以放宽上面的条件。",
        "No event matches; widen the filters above.",
    ),
    "events.col.date": ("日期", "Date"),
    "events.col.title": ("活动名称", "Title"),
    "events.col.time": ("时间", "Time"),
    "events.col.community": ("社区", "Community"),
    "events.col.location": ("地点", "Location"),
    "events.col.programme": ("品牌/项目", "Programme"),
    "events.col.team": ("队伍", "Team"),
    "events.col.category": ("类别", "Category"),
    "events.col.status": ("状态", "Status"),
    "events.col.attendees": ("人数", "People"),
    "events.col.hours": ("总时长（小时）", "Hours"),
    "events.add": ("新建活动", "New event"),
    "events.created": ("已新建活动：{title}", "Event created: {title}"),
    "events.back": ("返回活动列表", "Back to the events"),
    "events.not_found": (
        "找不到这个活动（可能已归档）。",
        "This event was not found (it may be archived).",
    ),
    "events.metric.people": ("参加人数", "Attendees"),
    "events.metric.hours": ("总服务时长", "Total hours"),
    "events.metric.status": ("状态", "Status"),
    "events.attendance": ("参加人员", "Attendance"),
    "events.attendance.none": (
        "这次活动还没有服务记录。",
        "No service records for this event yet.",
    ),
    "events.col.name": ("姓名", "Name"),
    "events.col.mobile": ("手机号", "Mobile"),
    "events.col.content": ("服务内容", "Service content"),
    "events.col.recorder": ("记录人", "Recorder"),
    "events.record_here": ("为这次活动记录时长", "Record hours for this event"),
    "events.edit": ("修改活动信息", "Edit the event"),
    "events.updated": ("活动已修改", "Event updated"),
    "events.cancel": ("取消这次活动", "Cancel this event"),
    "events.cancel.help": (
        "活动会保留，状态改为“已取消”；取消后不能再记录时长。这次活动还没有服务记录。",
        "The event stays, marked “Cancelled”, and no more hours can be recorded. It has no "
        "service records.",
    ),
    "events.cancel.records": (
        "取消后活动保留，状态改为“已取消”；这次活动的 {count} 条服务记录（共 {hours}）将被归档，"
        "不再计入服务时长、星级和证明（归档不是删除，历史仍可查）。",
        "The event stays, marked “Cancelled”; its {count} service records ({hours}) will be "
        "archived and no longer count towards hours, stars and certificates (archived, not "
        "deleted).",
    ),
    "events.cancel.confirm": ("确认取消", "Confirm cancellation"),
    "events.cancel.confirm.records": (
        "确认取消，并归档 {count} 条服务记录",
        "Cancel it and archive its {count} records",
    ),
    "events.cancelled": ("活动已取消", "Event cancelled"),
    "events.cancelled.records": (
        "活动已取消，{count} 条服务记录已归档",
        "Event cancelled; {count} service records archived",
    ),
    "events.next_day": ("次日{time}", "{time} (next day)"),
    "events.edit.carry": (
        "这次活动已有 {count} 条服务记录：修改活动日期或社区时，这些记录会一起修改；"
        "把状态改为“已取消”会归档这些记录。",
        "This event has {count} service records: a new date or community is applied to them "
        "too, and setting the status to “Cancelled” archives them.",
    ),
    "events.updated.records": (
        "活动已修改，{count} 条服务记录已随之更新",
        "Event updated; {count} service records updated with it",
    ),
    "events.change.future": (
        "没有保存：这次活动已有 {count} 条服务记录，活动日期不能改到今天以后（{date}）。"
        "尚未发生的服务不能计入时长；如果活动改期，请取消本活动后新建一个。",
        "Not saved: this event has {count} service records, so its date cannot move after "
        "today ({date}). Service that has not happened cannot count; if the event was "
        "postponed, cancel it and create a new one.",
    ),
    "events.change.refused": (
        "没有保存：这次活动的 {count} 条服务记录不能随之修改，原因如下（活动和记录都没有改动）：",
        "Not saved: the event's {count} service records cannot follow the change (neither the "
        "event nor its records were changed):",
    ),
    "events.fix": ("更正个人记录", "Correct one person's record"),
    "events.fix.who": ("选择要更正的记录", "Record to correct"),
    "events.fix.saved": ("已更正 {name} 的记录", "{name}'s record corrected"),
    "events.fix.archive": ("归档这条记录", "Archive this record"),
    "events.fix.archive.warn": (
        "确定要归档 {name} 的这条记录（{hours}）吗？归档后不再计入服务时长、星级和证明，"
        "历史仍可查。",
        "Archive {name}'s record ({hours})? It will no longer count towards hours, stars and "
        "certificates; the history keeps it.",
    ),
    "events.fix.archive.confirm": ("确认归档", "Archive it"),
    "events.fix.archive.keep": ("不归档", "Keep it"),
    "events.fix.archived": ("已归档 {name} 的记录", "{name}'s record archived"),
    # --- 志愿者 volunteers -------------------------------------------------------------------
    "volunteers.title": ("志愿者", "Volunteers"),
    "volunteers.intro": (
        "输入姓名或手机尾号查找，点一行打开档案。身份证号和手机号只显示部分数字。",
        "Search by name or phone suffix; click a row to open the profile. ID and phone "
        "numbers are shown masked.",
    ),
    "volunteers.search": ("查找", "Search"),
    "volunteers.search.placeholder": ("姓名或手机尾号，如 王 或 5678", "Name or phone suffix"),
    "volunteers.filter.team": ("队伍", "Team"),
    "volunteers.count": ("共 {count} 人", "{count} volunteers"),
    "volunteers.none": ("没有符合条件的志愿者。", "No volunteer matches."),
    "volunteers.col.name": ("姓名", "Name"),
    "volunteers.col.sex": ("性别", "Sex"),
    "volunteers.col.mobile": ("手机号", "Mobile"),
    "volunteers.col.community": ("社区", "Community"),
    "volunteers.col.membership": ("类别", "Membership"),
    "volunteers.col.teams": ("队伍", "Teams"),
    "volunteers.col.status": ("状态", "Status"),
    "volunteers.col.hours_year": ("本年时长", "Hours this year"),
    "volunteers.col.hours_total": ("累计时长", "Total hours"),
    "volunteers.col.stars": ("星级", "Stars"),
    "volunteers.add": ("登记新志愿者", "Register a volunteer"),
    "volunteers.added": ("已登记：{name}", "Registered: {name}"),
    "volunteers.dup.id_number": (
        "身份证号与已登记的志愿者 {link} 相同，可能是同一个人。",
        "The ID number is already registered for {link}; it may be the same person.",
    ),
    "volunteers.dup.mobile": (
        "手机号与已登记的志愿者 {link} 相同（家人共用号码时可以继续）。",
        "The mobile number already belongs to {link} (fine if family members share it).",
    ),
    "volunteers.dup.confirm": ("已核对，仍然保存", "Checked: save anyway"),
    "volunteers.dup.discard": ("放弃", "Discard"),
    "volunteers.back": ("返回志愿者名单", "Back to the list"),
    "volunteers.not_found": (
        "找不到这名志愿者（可能已归档）。",
        "This volunteer was not found (maybe archived).",
    ),
    "volunteers.metric.year": ("{year}年服务时长", "Hours in {year}"),
    "volunteers.metric.total": ("累计服务时长", "Total hours"),
    "volunteers.metric.stars": ("星级", "Star level"),
    "volunteers.metric.next": ("距下一星级", "To the next star"),
    "volunteers.stars.none": ("未评星", "No star yet"),
    "volunteers.stars.n": ("{n}星志愿者", "{n}-star volunteer"),
    "volunteers.stars.max": ("已是五星", "Five stars reached"),
    "volunteers.progress": (
        "累计{hours}，距{level}星（{threshold}小时）还差{left}",
        "{hours} so far; {left} more to {level} stars ({threshold} h)",
    ),
    "volunteers.progress.max": ("累计{hours}，已达最高的五星", "{hours}: the top five stars"),
    "volunteers.minimum.met": (
        "{year}年已服务{hours}，达到每年20小时的要求（管理办法第十一条）。",
        "{hours} in {year}: the yearly 20 hours are reached (art. 11).",
    ),
    "volunteers.minimum.new": (
        "{date}新注册，{year}年已服务{hours}。每年服务不少于20小时的要求（管理办法第十一条）"
        "从{next}年起计算。",
        "Registered on {date}; {hours} in {year}. The yearly 20 hours (art. 11) are asked "
        "from {next} on.",
    ),
    "volunteers.minimum.short": (
        "{year}年已服务{hours}，距每年20小时的要求还差{left}（管理办法第十一条）。",
        "{hours} in {year}: {left} short of the yearly 20 hours (art. 11).",
    ),
    "volunteers.details": ("基本信息", "Details"),
    "volunteers.teams": ("所在队伍", "Teams"),
    "volunteers.teams.none": ("未加入队伍。", "Not in a team."),
    "volunteers.events": ("参加的活动（{count}次）", "Events attended ({count})"),
    "volunteers.events.none": ("还没有服务记录。", "No service records yet."),
    "volunteers.col.date": ("日期", "Date"),
    "volunteers.col.event": ("活动", "Event"),
    "volunteers.col.hours": ("时长（小时）", "Hours"),
    "volunteers.edit": ("修改信息", "Edit details"),
    "volunteers.updated": ("已修改：{name}", "Updated: {name}"),
    "volunteers.archive": ("归档（不再使用）", "Archive (no longer active)"),
    "volunteers.archive.help": (
        "归档后此人不再出现在名单和选择框中，已有的服务记录和时长都会保留。",
        "Archived people leave the lists and pickers; their records and hours are kept.",
    ),
    "volunteers.archive.confirm": ("确认归档 {name}", "Archive {name}"),
    "volunteers.archived": ("已归档：{name}", "Archived: {name}"),
    "volunteers.record_link": ("为此人记录活动", "Record an activity"),
    "volunteers.reveal": ("显示完整号码", "Show the full numbers"),
    "volunteers.reveal.help": (
        "用于联系志愿者本人或监护人。每次查看都会记入操作日志。请勿截图、抄录或转发。",
        "To call the volunteer or their guardian. Each time is logged. Do not copy, "
        "screenshot or forward it.",
    ),
    "volunteers.reveal.hide": ("隐藏完整号码", "Hide the full numbers"),
    # --- 队伍 teams --------------------------------------------------------------------------
    "teams.title": ("队伍", "Teams"),
    "teams.intro": (
        "按社区和服务类别查看队伍；本年时长按本队组织的活动统计。点一行管理队员。",
        "Teams by community and category; this year's hours count the events each team "
        "organised. Click a row to manage its members.",
    ),
    "teams.col.name": ("队伍名称", "Team"),
    "teams.col.community": ("社区", "Community"),
    "teams.col.category": ("服务类别", "Category"),
    "teams.col.leader": ("队长", "Leader"),
    "teams.col.members": ("队员数", "Members"),
    "teams.col.hours_year": ("本年时长（小时）", "Hours this year"),
    "teams.col.events_year": ("本年活动", "Events this year"),
    "teams.count": ("共 {count} 支队伍", "{count} teams"),
    "teams.none": ("没有符合条件的队伍。", "No team matches."),
    "teams.add": ("新建队伍", "New team"),
    "teams.created": ("已新建队伍：{name}", "Team created: {name}"),
    "teams.back": ("返回队伍列表", "Back to the teams"),
    "teams.not_found": ("找不到这支队伍（可能已归档）。", "This team was not found."),
    "teams.metric.members": ("队员", "Members"),
    "teams.metric.hours": ("{year}年服务时长", "Hours in {year}"),
    "teams.metric.events": ("{year}年组织活动", "Events in {year}"),
    "teams.unconfirmed": (
        "{year}年本队活动另有 {hours}尚待组织方确认，确认前不计入上面的服务时长。",
        "Another {hours} at the team's events in {year} await the organiser's confirmation "
        "and are not in the hours above until confirmed.",
    ),
    "teams.members": ("队员名单", "Members"),
    "teams.members.none": ("还没有队员，请在下方添加。", "No members yet; add them below."),
    "teams.col.role": ("职务", "Role"),
    "teams.col.mobile": ("手机号", "Mobile"),
    "teams.col.joined": ("加入日期", "Joined"),
    "teams.add_members": ("添加队员", "Add members"),
    "teams.add_members.button": ("加入本队", "Add to the team"),
    "teams.added": ("已加入 {count} 人", "{count} added"),
    "teams.added.none": ("所选的人都已在本队。", "Everyone chosen is already a member."),
    "teams.change": ("调整队员", "Change a member"),
    "teams.member": ("队员", "Member"),
    "teams.make_leader": ("设为队长", "Make leader"),
    "teams.leader_set": ("{name} 已担任队长", "{name} now leads the team"),
    "teams.remove": ("移出本队", "Remove from the team"),
    "teams.removed": ("{name} 已移出本队", "{name} removed"),
    "teams.edit": ("修改队伍信息", "Edit the team"),
    "teams.edit.leader": (
        "队长在上方“调整队员”中设置。",
        "The leader is set under “Change a member” above.",
    ),
    "teams.updated": ("已修改：{name}", "Updated: {name}"),
    # --- 基础资料 generic reference tables ---------------------------------------------------
    "tables.title": ("基础资料", "Reference tables"),
    "tables.intro": (
        "社区、品牌与项目、驻区单位、兑换项目等基础资料：查找、新增、修改、归档。",
        "Communities, programmes, organisations, redemption items: search, add, edit, archive.",
    ),
    "tables.table": ("资料类别", "Table"),
    "tables.search": ("查找", "Search"),
    "tables.search.placeholder": ("输入任意文字", "Any text"),
    "tables.count": ("共 {count} 条", "{count} rows"),
    "tables.none": ("没有符合条件的记录。", "No row matches."),
    "tables.add": ("新增{table}", "Add to {table}"),
    "tables.added": ("已新增：{title}", "Added: {title}"),
    "tables.edit": ("修改或归档", "Edit or archive"),
    "tables.pick": ("选择要修改的记录", "Row to edit"),
    "tables.updated": ("已修改：{title}", "Updated: {title}"),
    "tables.archive": ("归档这条记录", "Archive this row"),
    "tables.archive.help": (
        "归档后不再出现在选择框中，引用它的历史记录保留不变；可在下方“已归档”中恢复。",
        "Archived rows leave the pickers; history pointing at them stays. Restore below.",
    ),
    "tables.archived": ("已归档：{title}", "Archived: {title}"),
    "tables.show_archived": ("显示已归档的记录", "Show archived rows"),
    "tables.archived.none": ("没有已归档的记录。", "No archived rows."),
    "tables.restore": ("恢复", "Restore"),
    "tables.restored": ("已恢复：{title}", "Restored: {title}"),
}

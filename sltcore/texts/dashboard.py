"""Text of the leaders' pages: dashboard, star volunteers, reports and certificates."""

TEXTS = {
    # --- filters -----------------------------------------------------------------------
    "dash.title": ("志愿服务概览", "Volunteer service at a glance"),
    "dash.intro": (
        "三里屯街道7个社区的志愿者、服务时长和活动。选择时间段和社区，数字和图表随之更新。",
        "Volunteers, service hours and events in Sanlitun's 7 communities. Pick a period and "
        "communities; the figures and charts follow.",
    ),
    "dash.period": ("时间段", "Period"),
    "dash.period.last_30_days": ("近30天", "Last 30 days"),
    "dash.period.this_month": ("本月", "This month"),
    "dash.period.last_month": ("上月", "Last month"),
    "dash.period.this_quarter": ("本季度", "This quarter"),
    "dash.period.this_year": ("今年", "This year"),
    "dash.period.service_months": ("志愿服务月", "Service months"),
    "dash.period.help": (
        "近30天截至今天，与之前30天比较（任何一天打开都有完整的一个月可看）；本月、本季度和今年"
        "都截至今天，与上一个月、季度、年的同一段时间比较；志愿服务月是所选年份的3月（3月5日"
        "学雷锋日）和12月，与上一年同月比较；自定义时段与紧挨其前、天数相同的时段比较。",
        "The last 30 days run up to today and compare with the 30 days before (a full month on "
        "any day); this month, quarter and year run up to today and compare with the same "
        "stretch of the previous month, quarter or year; the service months are March (Lei Feng "
        "Day, 5 March) and December of the chosen year, compared with the year before; a custom "
        "range compares with the same number of days just before it.",
    ),
    "dash.period.custom": ("自定义", "Custom range"),
    "dash.year": ("年份", "Year"),
    "dash.range": ("起止日期（含首尾两天）", "From – to (both days included)"),
    "dash.communities": ("社区", "Communities"),
    "dash.communities.all": ("全部社区", "All communities"),
    "dash.showing": (
        "**{what}**（{period}）与**{before}**（{previous}）比较：卡片下方的百分比就是这两段时间的变化。",
        "**{what}** ({period}) compared with **{before}** ({previous}): the percentages under "
        "the figures are the change between the two.",
    ),
    "dash.compare.last_30_days.this": ("近30天", "The last 30 days"),
    "dash.compare.last_30_days.before": ("之前30天", "the 30 days before"),
    "dash.compare.this_month.this": ("本月截至今天", "This month so far"),
    "dash.compare.this_month.before": ("上月同期", "the same days of last month"),
    "dash.compare.last_month.this": ("上月", "Last month"),
    "dash.compare.last_month.before": ("再上一个月", "the month before"),
    "dash.compare.this_quarter.this": ("本季度截至今天", "This quarter so far"),
    "dash.compare.this_quarter.before": ("上季度同期", "the same stretch of last quarter"),
    "dash.compare.this_year.this": ("今年截至今天", "This year so far"),
    "dash.compare.this_year.before": ("去年同期", "the same stretch of last year"),
    "dash.compare.service_months.this": ("志愿服务月", "The service months"),
    "dash.compare.service_months.before": ("上一年的志愿服务月", "those of the year before"),
    "dash.compare.custom.this": ("所选的{days}天", "The {days} days chosen"),
    "dash.compare.custom.before": ("紧挨其前的{days}天", "the {days} days just before"),
    "dash.range_text": ("{start}至{end}", "{start} – {end}"),
    "dash.unconfirmed": (
        "所选时间段内另有 {hours}（{count} 条服务记录）尚待组织方确认，未计入以上数字和图表。",
        "Another {hours} ({count} service records) in the period await the organiser's "
        "confirmation and are in none of the figures and charts.",
    ),
    "stars.unconfirmed": (
        "另有 {people} 名志愿者共 {hours}尚待组织方确认，确认前不计入累计时长和星级。",
        "Another {hours} of {people} volunteers await the organiser's confirmation and count "
        "towards no hours or stars until confirmed.",
    ),
    "reports.wb.unconfirmed": (
        "另有 {hours} 小时（{count} 条服务记录）尚待组织方确认，未计入本表。",
        "Another {hours} h ({count} service records) await the organiser's confirmation and "
        "are not in this sheet.",
    ),
    "dash.range_join": ("、", ", "),
    # --- key figures ---------------------------------------------------------------------
    "dash.fig.registered": ("在册志愿者", "Registered volunteers"),
    "dash.fig.active": ("参与服务的志愿者", "Active volunteers"),
    "dash.fig.hours": ("服务时长（小时）", "Service hours"),
    "dash.fig.events": ("活动场次", "Events"),
    "dash.fig.hours_per_active": ("人均服务时长（小时）", "Hours per active volunteer"),
    "dash.fig.new_registrations": ("新注册志愿者", "New registrations"),
    "dash.metric.registered": ("在册志愿者", "Registered"),
    "dash.metric.active": ("参与志愿者", "Active"),
    "dash.metric.hours": ("服务小时数", "Hours"),
    "dash.metric.events": ("活动场次", "Events"),
    "dash.metric.hours_per_active": ("人均小时数", "Hours / active"),
    "dash.metric.new_registrations": ("新注册", "New"),
    "dash.metric.previous": ("上期：{value}", "Previous period: {value}"),
    "dash.fig.registered.help": (
        "截至统计期末已注册、未退出的志愿者（按志愿者所属社区）",
        "Registered by the period's end and not left (by home community)",
    ),
    "dash.fig.active.help": (
        "统计期内至少有一次已确认服务记录的志愿者（按服务所在社区）",
        "Served at least once in the period, confirmed (by community of service)",
    ),
    "dash.fig.hours.help": (
        "已确认的实际服务时长，不含往返路途（《中国注册志愿者管理办法》第十四条）",
        "Confirmed actual service time, travel excluded (art. 14)",
    ),
    "dash.fig.events.help": (
        "统计期内（截至今天）状态为已完成或计划中的活动，不含已取消的（按活动所在社区）。"
        "“活动”页的总数还包括已取消和今天以后的活动。",
        "Events in the period (up to today) that are done or planned, cancelled ones left out "
        "(by the event's community). The Events page's total also counts cancelled events "
        "and those after today.",
    ),
    "dash.fig.hours_per_active.help": (
        "服务时长 ÷ 参与服务的志愿者人数",
        "Service hours ÷ active volunteers",
    ),
    "dash.fig.new_registrations.help": (
        "注册日期在统计期内的志愿者",
        "Volunteers whose registration date falls in the period",
    ),
    # --- charts: titles, captions, axes ------------------------------------------------
    "dash.chart.by_community": ("各社区服务时长", "Service hours by community"),
    "dash.chart.by_community.caption": (
        "每个社区在所选时间段内志愿者服务的总小时数，从多到少排列。",
        "Total hours volunteers served in each community in the period, most first.",
    ),
    "dash.chart.monthly": ("近24个月服务时长（按社区）", "Monthly hours, last 24 months"),
    "dash.chart.monthly.caption": (
        "截至所选时间段末的24个月，每月服务时长，颜色区分社区；3月和12月是志愿服务月。",
        "Hours per month for the 24 months up to the period's end, coloured by community; "
        "March and December are the service months.",
    ),
    "dash.chart.category": ("各服务类别的服务时长", "Hours by service category"),
    "dash.chart.category.caption": (
        "按活动的服务类别统计的服务时长；未关联活动的记录单列。",
        "Hours by the service category of the event; records without an event are listed apart.",
    ),
    "dash.chart.per_1000": ("每千名常住人口服务时长", "Hours per 1,000 residents"),
    "dash.chart.per_1000.caption": (
        "社区服务时长除以常住人口再乘以1000，便于比较大小不同的社区。",
        "Community hours divided by resident population, times 1,000, so communities of "
        "different size compare fairly.",
    ),
    "dash.chart.active_share": ("在册志愿者参与率", "Share of volunteers who served"),
    "dash.chart.active_share.caption": (
        "各社区在册志愿者中，所选时间段内至少服务过一次的比例。",
        "In each community, the share of registered volunteers who served at least once in "
        "the period.",
    ),
    "dash.chart.stars": ("星级志愿者分布", "Star volunteers"),
    "dash.chart.stars.caption": (
        "按截至期末的累计服务时长评定：100、300、600、1000、1500小时分别为一至五星"
        "（《中国注册志愿者管理办法》第十六条）。另有{below}名志愿者尚未达到一星。",
        "By cumulative hours up to the period's end: 100, 300, 600, 1,000 and 1,500 hours make "
        "one to five stars (art. 16). Another {below} volunteers have not reached one star yet.",
    ),
    "dash.chart.top": ("公益英雄榜：服务时长前10名", "Top 10 volunteers of the period"),
    "dash.chart.top.caption": (
        "所选时间段内服务时长最多的10位志愿者，颜色表示所属社区。",
        "The 10 volunteers with most hours in the period, coloured by home community.",
    ),
    "dash.chart.registrations": ("近24个月新注册志愿者", "New registrations, last 24 months"),
    "dash.chart.registrations.caption": (
        "每月新注册的志愿者人数，颜色区分所属社区。",
        "Volunteers registering each month, coloured by home community.",
    ),
    "dash.chart.programme": ("各品牌与项目的服务时长", "Hours by programme"),
    "dash.chart.programme.caption": (
        "按活动所属的品牌或项目统计的服务时长；不属于任何品牌或项目的单列。",
        "Hours by the brand programme or project of the event; the rest are listed apart.",
    ),
    "dash.axis.community": ("社区", "Community"),
    "dash.axis.hours": ("服务时长（小时）", "Hours"),
    "dash.axis.records": ("服务记录（条）", "Records"),
    "dash.axis.volunteers": ("志愿者（人）", "Volunteers"),
    "dash.axis.month": ("月份", "Month"),
    "dash.axis.category": ("服务类别", "Service category"),
    "dash.axis.per_1000": ("每千人服务时长（小时）", "Hours per 1,000 residents"),
    "dash.axis.population": ("常住人口", "Residents"),
    "dash.axis.share": ("参与率", "Share who served"),
    "dash.axis.registered": ("在册志愿者（人）", "Registered"),
    "dash.axis.active": ("参与服务（人）", "Served"),
    "dash.axis.level": ("星级", "Stars"),
    "dash.axis.name": ("志愿者", "Volunteer"),
    "dash.axis.rank": ("名次", "Rank"),
    "dash.axis.registrations": ("新注册（人）", "New registrations"),
    "dash.axis.programme": ("品牌/项目", "Programme"),
    "dash.axis.kind": ("类型", "Kind"),
    "dash.level": ("{n}星", "{n} stars"),
    "dash.level.1": ("一星", "1 star"),
    "dash.no_category": ("未关联活动", "No linked event"),
    "dash.no_programme": ("未归入品牌或项目", "No programme"),
    # --- empty states --------------------------------------------------------------------
    "dash.empty.period": (
        "所选时间段和社区内还没有服务记录。可以换一个时间段，或到“记录活动”录入。",
        "No service records in this period and these communities yet. Try another period, or "
        "enter some under Record activity.",
    ),
    "dash.empty.chart": ("暂无数据", "Nothing to show yet"),
    "dash.empty.stars": (
        "还没有志愿者累计满100小时（一星）。",
        "No volunteer has 100 cumulative hours (one star) yet.",
    ),
    "dash.empty.population": (
        "所选社区没有填写常住人口，无法计算。可在“基础资料 → 社区”中补充。",
        "The chosen communities have no resident population; add it under Reference tables.",
    ),
    "dash.empty.registrations": (
        "近24个月没有新注册的志愿者。",
        "No registrations in the last 24 months.",
    ),
    "dash.empty.volunteers": (
        "所选社区还没有志愿者。",
        "The chosen communities have no volunteers.",
    ),
    # --- star volunteers page ----------------------------------------------------------
    "stars.title": ("星级志愿者", "Star volunteers"),
    "stars.intro": (
        "按累计服务时长评定星级：100、300、600、1000、1500小时分别为一至五星；注册志愿者每年"
        "应参加志愿服务不少于20小时（《中国注册志愿者管理办法》第十一、十六条）。公益储蓄兑换不减少"
        "计入星级的时长。",
        "Stars by cumulative hours: 100, 300, 600, 1,000 and 1,500 hours make one to five stars; a "
        "registered volunteer serves at least 20 hours a year (arts. 11 and 16). Redeeming "
        "time-bank points never lowers the hours counted for stars.",
    ),
    "stars.tab.all": ("全部（{n}）", "All ({n})"),
    "stars.tab.crossed": ("本期晋级（{n}）", "Reached a new level ({n})"),
    "stars.tab.near": ("即将晋级（{n}）", "Close to the next level ({n})"),
    "stars.tab.below": ("今年不足20小时（{n}）", "Under 20 hours this year ({n})"),
    "stars.help.crossed": (
        "在所选时间段内累计时长跨过了一个星级门槛的志愿者。",
        "Volunteers whose cumulative hours crossed a star threshold during the period.",
    ),
    "stars.help.near": (
        "累计时长距离下一星级门槛不到10%的志愿者。",
        "Volunteers within 10% of the next star threshold.",
    ),
    "stars.help.below": (
        "在册志愿者中，{year}年1月1日至统计期末服务不足20小时的（{year}年新注册的不计，"
        "从下一年起要求）。",
        "Active volunteers with under 20 hours from 1 January {year} to the period's end "
        "(those registered in {year} are asked from the next year on).",
    ),
    "stars.col.name": ("姓名", "Name"),
    "stars.col.community": ("社区", "Community"),
    "stars.col.membership": ("志愿者类别", "Membership"),
    "stars.col.hours_total": ("累计服务时长", "Cumulative hours"),
    "stars.col.level": ("星级", "Stars"),
    "stars.col.stars": ("星级（图示）", "Stars (★)"),
    "stars.col.next_threshold": ("下一星级门槛", "Next threshold"),
    "stars.col.hours_to_next": ("距下一星级", "Hours to next level"),
    "stars.col.hours_period": ("本期服务时长", "Hours this period"),
    "stars.col.hours_year": ("今年服务时长", "Hours this year"),
    "stars.col.crossed": ("本期晋级", "Reached a level"),
    "stars.col.near_next": ("即将晋级", "Close to next"),
    "stars.col.below_minimum": ("今年不足20小时", "Under 20 h this year"),
    "stars.yes": ("是", "yes"),
    "stars.empty": ("没有符合条件的志愿者。", "No volunteer matches."),
    "stars.export": ("导出星级志愿者名单", "Export the star list"),
    "stars.export.help": (
        "名单只列出截至统计期末已达一星及以上的志愿者。",
        "The list holds the volunteers with at least one star by the period's end.",
    ),
    "stars.export.xlsx": ("下载星级名单 Excel（{n}人）", "Star list, Excel ({n})"),
    "stars.export.csv": ("下载星级名单 CSV（{n}人）", "Star list, CSV ({n})"),
    "stars.sheet": ("星级志愿者", "Star volunteers"),
    "stars.hours.export": ("全部志愿者服务时长", "Hours of every volunteer"),
    "stars.hours.help": (
        "另一个文件：统计期末在册的全部志愿者（含尚未评星的）的累计、本期和今年服务时长，"
        "以及尚待组织方确认、未计入的时长。",
        "A separate file: every volunteer on the books at the period's end (with or without a "
        "star), with cumulative, period and year hours, and hours awaiting confirmation.",
    ),
    "stars.hours.xlsx": ("下载服务时长 Excel（{n}人）", "Hours, Excel ({n})"),
    "stars.hours.csv": ("下载服务时长 CSV（{n}人）", "Hours, CSV ({n})"),
    "stars.hours.sheet": ("志愿者服务时长", "Volunteer hours"),
    "stars.hours.title": ("志愿者服务时长", "Volunteer hours"),
    "stars.col.hours_unconfirmed": ("待确认时长（未计入）", "Awaiting confirmation (not counted)"),
    # --- reports page --------------------------------------------------------------------
    "reports.title": ("报表", "Reports"),
    "reports.intro": (
        "每月向上报送的工作报表、星级志愿者名单和志愿服务记录证明。",
        "The monthly report, the star list and volunteer service certificates.",
    ),
    "reports.tab.monthly": ("月度报表", "Monthly report"),
    "reports.tab.stars": ("星级志愿者名单", "Star list"),
    "reports.tab.certificates": ("志愿服务记录证明", "Service certificates"),
    "reports.month": ("月份", "Month"),
    "reports.month_label": ("{year}年{month}月", "{year}-{month:02d}"),
    "reports.build": ("生成月度报表", "Build the monthly report"),
    "reports.building": ("正在生成报表……", "Building the report…"),
    "reports.built": ("报表已生成", "The report is ready"),
    "reports.download": ("下载 {name}", "Download {name}"),
    "reports.monthly.help": (
        "Excel 工作簿：汇总表、每个社区一张表、服务记录清单和图表，可用 Excel、WPS 或 "
        "LibreOffice 打开。",
        "An Excel workbook: a summary, one sheet per community, the service-record list and "
        "charts; opens in Excel, WPS or LibreOffice.",
    ),
    "reports.step.read": ("读取数据", "Reading the data"),
    "reports.step.aggregate": ("汇总统计", "Adding up"),
    "reports.step.write": ("写入文件", "Writing the file"),
    "reports.stars.period": ("统计期", "Period"),
    "reports.stars.build": (
        "生成星级名单和服务时长表",
        "Build the star list and the hours list",
    ),
    "reports.failed": ("生成文件失败，请稍后再试。", "Could not build the file; please try again."),
    # --- monthly workbook ---------------------------------------------------------------
    "reports.sheet.summary": ("汇总", "Summary"),
    "reports.sheet.records": ("服务记录", "Service records"),
    "reports.wb.title": (
        "三里屯街道志愿服务月报（{month}）",
        "Sanlitun volunteer service, {month}",
    ),
    "reports.wb.community_title": (
        "{community}社区志愿服务月报（{month}）",
        "{community}, {month}",
    ),
    "reports.wb.generated": ("生成时间：{time}", "Generated {time}"),
    "reports.wb.figure": ("指标", "Figure"),
    "reports.wb.this_month": ("本月", "This month"),
    "reports.wb.previous": ("上月", "Previous month"),
    "reports.wb.change": ("变化", "Change"),
    "reports.wb.change_pct": ("变化率", "Change %"),
    "reports.wb.by_community": ("各社区情况", "By community"),
    "reports.wb.by_category": ("各服务类别", "By service category"),
    "reports.wb.top": ("本月服务时长前10名", "Top 10 volunteers of the month"),
    "reports.wb.daily": ("每日服务时长", "Hours per day"),
    "reports.wb.day": ("日期", "Day"),
    "reports.wb.no_records": ("本月没有服务记录。", "No service records this month."),
    "reports.wb.event": ("活动", "Event"),
    "reports.wb.volunteer_no": ("志愿者编号", "Volunteer no."),
    # --- certificates ------------------------------------------------------------------
    "cert.intro": (
        "依据民政部《关于规范志愿服务记录证明工作的指导意见》（民发〔2015〕149号）出具。"
        "每份证明有唯一编号，登记在“服务记录证明登记”中；身份证号只显示部分数字。",
        "Issued under the Ministry of Civil Affairs guidance 民发〔2015〕149号. Each certificate "
        "has a unique number kept in the certificate register; the ID number is masked.",
    ),
    "cert.volunteer": ("志愿者", "Volunteer"),
    "cert.volunteer.search": ("输入姓名或编号查找", "Type a name or number"),
    "cert.from": ("服务起始日期", "Service from"),
    "cert.to": ("服务截止日期", "Service to"),
    "cert.issuer": ("出具单位", "Issuing unit"),
    "cert.issuer_head": ("单位负责人", "Head of unit"),
    "cert.officer": ("经办人", "Officer"),
    "cert.contact_phone": ("联系电话", "Contact phone"),
    "cert.issue": ("出具证明", "Issue the certificate"),
    "cert.issuing": ("正在出具证明……", "Issuing…"),
    "cert.issued": ("已出具证明 {number}", "Certificate {number} issued"),
    "cert.download": ("下载证明 PDF（{number}）", "Download the PDF ({number})"),
    "cert.register": ("已出具的证明", "Issued certificates"),
    "cert.register.empty": ("还没有出具过证明。", "No certificate issued yet."),
    "cert.reprint": ("重新打印已出具的证明", "Print an issued certificate again"),
    "cert.reprint.choose": ("证明编号", "Certificate no."),
    "cert.no_volunteers": ("还没有志愿者。", "There are no volunteers yet."),
    "cert.no_hours": (
        "该志愿者在所选期间没有已确认的服务记录，仍可出具（时长为0）。",
        "This volunteer has no confirmed hours in that range; a certificate would show 0 hours.",
    ),
    # the PDF itself (always Chinese: it is an official document)
    "cert.pdf.heading": ("志愿服务记录证明", "Volunteer service certificate"),
    "cert.pdf.number": ("证明编号", "Certificate no."),
    "cert.pdf.name": ("姓名", "Name"),
    "cert.pdf.id_type": ("证件类型", "ID type"),
    "cert.pdf.id_type.value": ("居民身份证", "Resident identity card"),
    "cert.pdf.id_number": ("证件号码", "ID number"),
    "cert.pdf.volunteer_no": ("志愿者编号", "Volunteer no."),
    "cert.pdf.period": ("服务时间", "Service period"),
    "cert.pdf.hours": ("服务时长", "Service hours"),
    "cert.pdf.content": ("服务内容", "Service content"),
    "cert.pdf.body": (
        "兹证明{name}同志于{start}至{end}期间在{issuer}参加志愿服务，经核实累计服务时长{hours}"
        "小时，特此证明。",
        "This certifies that {name} served as a volunteer with {issuer} from {start} to {end}, "
        "for {hours} verified hours.",
    ),
    "cert.pdf.issuer": ("出具单位（盖章）", "Issuing unit (seal)"),
    "cert.pdf.issuer_head": ("单位负责人", "Head of unit"),
    "cert.pdf.officer": ("经办人", "Officer"),
    "cert.pdf.contact": ("联系电话", "Contact"),
    "cert.pdf.date": ("出具日期", "Date"),
    "cert.pdf.basis": (
        "本证明依据《志愿服务记录办法》和民政部《关于规范志愿服务记录证明工作的指导意见》"
        "（民发〔2015〕149号）出具，服务时长只计实际服务时间，不含往返路途。",
        "Issued under the Volunteer Service Record Measures and 民发〔2015〕149号; hours count "
        "actual service time only, travel excluded.",
    ),
    "cert.pdf.verify": (
        "如需核实，请致电出具单位并提供证明编号。",
        "To verify, call the issuing unit.",
    ),
    "cert.default.issuer": ("三里屯街道志愿服务分中心", "Sanlitun volunteer service sub-centre"),
}

"""Text of the data pages: import, export and backup, data health."""

TEXTS = {
    "nav.import": ("导入表格", "Import"),
    "nav.export": ("导出与备份", "Export & backup"),
    "nav.health": ("数据体检", "Data health"),
    "io.yes": ("是", "Yes"),
    "io.no": ("否", "No"),
    # --- 导入表格 import ----------------------------------------------------------------------
    "import.title": ("导入表格", "Import a spreadsheet"),
    "import.intro": (
        "把办公室现有的 Excel、WPS 或 CSV 表格导入工作台，分四步：① 选择数据和文件 → "
        "② 核对表头和各列 → ③ 预览每一行 → ④ 试导入，再导入。"
        "导入是一次完整的操作：要么全部保存，要么一行也不保存。",
        "Bring the office's Excel, WPS or CSV files into the desk in four steps: ① choose the "
        "data and the file → ② check the header and columns → ③ preview every row → ④ dry "
        "run, then import. An import is one action: all of it is saved, or none of it.",
    ),
    "import.readonly": (
        "当前账号是只读账号，不能导入数据。需要导入时请联系管理员。",
        "This account is read-only and cannot import. Ask an administrator.",
    ),
    "import.step.file": ("① 选择数据和文件", "① Data and file"),
    "import.step.columns": ("② 核对表头和各列", "② Header and columns"),
    "import.step.preview": ("③ 预览每一行", "③ Preview every row"),
    "import.step.commit": ("④ 试导入，再导入", "④ Dry run, then import"),
    "import.table": ("导入什么数据", "What to import"),
    "import.expected": (
        "表格里可以有这些列（带\\*的必须有；列的顺序、多余的列、表头上方的标题行都没关系）：{columns}",
        "The file may have these columns (\\* required; order, extra columns and title rows "
        "above the header do not matter): {columns}",
    ),
    "import.template": ("下载空白模板", "Download a blank template"),
    "import.template.file": ("导入模板", "import template"),
    "import.file": ("选择文件（.xlsx、.xls 或 .csv）", "Choose a file (.xlsx, .xls or .csv)"),
    "import.file.help": (
        "Excel 和 WPS 的表格都可以；CSV 可以是 UTF-8 或 GBK 编码。",
        "Excel and WPS files both work; CSV may be UTF-8 or GBK.",
    ),
    "import.sheet": ("工作表", "Sheet"),
    "import.sheet.help": (
        "文件里有多个工作表，已自动选中表头最像的一个；如不对请改选。",
        "The file has several sheets; the one whose header fits best is chosen. Change it if "
        "needed.",
    ),
    "import.encoding": ("文件编码：{encoding}", "Text encoding: {encoding}"),
    "import.header_row": ("表头在第几行", "Header row"),
    "import.header_row.help": (
        "写着“姓名”“身份证号”等列名的那一行。已自动识别，上面的标题行会被跳过。",
        "The row holding the column names (姓名, 身份证号 ...). Detected for you; title rows "
        "above it are skipped.",
    ),
    "import.head": ("查看工作表“{sheet}”的前几行", "First rows of sheet “{sheet}”"),
    "import.mapping": ("各列导入为", "Columns"),
    "import.mapping.help": (
        "每一列已按表头自动对应。不对的请改选；选“不导入”的列会被忽略。",
        "Each column was matched by its header. Correct any that are wrong; columns set to "
        "“Do not import” are ignored.",
    ),
    "import.col": ("{letter}列“{header}”", "Column {letter} “{header}”"),
    "import.col.skip": ("不导入", "Do not import"),
    "import.defaults": ("统一填写", "Same for every row"),
    "import.defaults.help": (
        "文件中没有这些列：在这里选一个值，所有行都按它填写（文件中有这一列时，只用于空白的格子）。",
        "The file has no column for these: choose one value for every row (where the file "
        "has the column, it only fills blank cells).",
    ),
    "import.none": ("（不填）", "(none)"),
    "import.notes": ("说明（{count}条）", "Notes ({count})"),
    "import.fix_first": (
        "先解决上面标红的问题（例如在“统一填写”中选好日期），这里就会列出每一行的检查结果。",
        "Solve the problem marked in red above first (e.g. fill in “Same for every row”); "
        "every row's check then appears here.",
    ),
    "import.previewing": ("正在检查每一行…", "Checking every row…"),
    "import.count.ok": ("可导入", "To import"),
    "import.count.refused": ("有问题", "Refused"),
    "import.count.duplicate": ("已有相同记录", "Already stored"),
    "import.count.skipped": ("跳过（空行、合计等）", "Skipped (blank, totals)"),
    "import.only_problems": ("只看有问题和重复的行", "Only rows with problems or duplicates"),
    "import.col.row": ("行号", "Row"),
    "import.col.status": ("结果", "Result"),
    "import.col.why": ("说明", "Why"),
    "import.preview.none": ("没有要显示的行。", "No rows to show."),
    "import.preview.cut": (
        "只显示前 {shown} 行；所有行都已检查，每一行的检查结果可用下面的按钮下载。",
        "Only the first {shown} rows are shown; every row was checked: download them below.",
    ),
    "import.preview.report": (
        "下载每一行的检查结果（尚未导入）",
        "Download every row's check (nothing imported yet)",
    ),
    "import.dups.links": (
        "这些人（或记录）已在工作台中，不会重复导入。点击可查看：",
        "These are already in the desk and are not imported again. Open one:",
    ),
    "import.dups.link": ("第{row}行：{title}", "Row {row}: {title}"),
    "import.blocked": (
        "文件有上面列出的问题，无法导入。请改正文件或调整上面的设置。",
        "The file has the problems listed above and cannot be imported. Fix the file or the "
        "settings above.",
    ),
    "import.has_refused": (
        "有 {count} 行有问题（见上表“说明”一列）。最好改正文件后重新上传；也可以先跳过它们。",
        "{count} rows have problems (see “Why” above). Best fix the file and upload it again; "
        "or skip them for now.",
    ),
    "import.skip_invalid": (
        "跳过有问题的 {count} 行，只导入其余 {ok} 行",
        "Skip the {count} refused rows and import the other {ok}",
    ),
    "import.dry": ("试导入（检查，不保存）", "Dry run (check, save nothing)"),
    "import.dry.help": (
        "按真正导入的方式检查一遍，包括其他人刚刚保存的数据，但不保存任何内容。",
        "Checks everything as the import would, against the data as it is now, and saves nothing.",
    ),
    "import.dry.running": ("正在试导入…", "Dry run…"),
    "import.dry.done": ("试导入完成，没有保存", "Dry run done, nothing saved"),
    "import.commit.done": ("导入完成", "Import done"),
    "import.progress.done": ("完成", "Done"),
    "import.dry.ok": (
        "试导入通过，没有保存任何内容。确认无误后点“导入”。",
        "The dry run passed and saved nothing. Press Import when ready.",
    ),
    "import.commit": ("导入 {count} 行", "Import {count} rows"),
    "import.commit.running": ("正在导入…", "Importing…"),
    "import.nothing": ("没有可以导入的新行。", "There are no new rows to import."),
    "import.progress.check": ("正在检查…", "Checking…"),
    "import.progress.write": ("正在保存…", "Saving…"),
    "import.failed": ("导入没有完成，没有保存任何内容", "The import did not finish; nothing saved"),
    "import.report": ("下载导入报告", "Download the report"),
    "import.report.file": ("导入报告", "import-report"),
    "import.done.open": ("去看看导入的数据", "See the imported data"),
    "import.done.close": ("好的，关闭", "OK, close"),
    # --- 导出与备份 export and backup ---------------------------------------------------------
    "export.title": ("导出与备份", "Export and back up"),
    "export.intro": (
        "把全部数据下载为一个 Excel 工作簿（每张表一个工作表），或把一张表下载为 CSV。"
        "完整工作簿也是备份：可以恢复到新的空数据库，或用来在本地数据库和 Google 表格之间迁移。",
        "Download all data as one Excel workbook (a sheet per table) or one table as CSV. A "
        "complete workbook is also a backup: it restores into a new, empty store, and moves "
        "the data between the local store and a Google Sheet.",
    ),
    "export.workbook": ("全部数据（Excel 工作簿）", "All data (Excel workbook)"),
    "export.header_lang": ("表头语言", "Header language"),
    "export.unmasked": (
        "包含完整的身份证号（用于备份和迁移）",
        "Include full ID numbers (for backups and moving)",
    ),
    "export.unmasked.help": (
        "完整的身份证号属于个人信息，请妥善保管导出的文件。只有这样的文件才能用于恢复。",
        "Full ID numbers are personal data: keep the file safe. Only such a file can be restored.",
    ),
    "export.masked": (
        "身份证号将打码（如 110105********1234）。",
        "ID numbers are masked (e.g. 110105********1234).",
    ),
    "export.masked.scoped": (
        "身份证号将打码（如 110105********1234）；不是您负责的社区的人，手机号和住址也打码。",
        "ID numbers are masked (e.g. 110105********1234); so are the phones and addresses of "
        "people outside your communities.",
    ),
    "export.masked.all": (
        "身份证号、手机号和住址都将打码，服务对象只显示姓氏。",
        "ID numbers, phones and addresses are masked; beneficiaries are shown by surname.",
    ),
    "export.full": (
        "将包含完整的身份证号，请妥善保管文件；每次下载都记入操作日志。",
        "Full ID numbers included: keep the file safe. Each download is noted in the audit log.",
    ),
    "export.workbook.button": ("下载全部数据", "Download all data"),
    "export.file": ("三里屯志愿服务数据", "sanlitun-desk-data"),
    "export.file.full": ("完整", "full"),
    "export.csv": ("一张表（CSV）", "One table (CSV)"),
    "export.csv.table": ("哪张表", "Table"),
    "export.csv.button": ("下载“{table}”", "Download {table}"),
    "export.csv.help": (
        "CSV 带 UTF-8 标记，Excel 打开时中文正常显示；以 = + - @ 开头的文字不会被当成公式。",
        "The CSV carries a UTF-8 mark so Excel shows the Chinese; text starting with = + - @ "
        "is never run as a formula.",
    ),
    "export.restore": ("从备份恢复", "Restore a backup"),
    "export.restore.admin_only": (
        "只有管理员可以从备份恢复数据。",
        "Only an administrator can restore a backup.",
    ),
    "export.restore.help": (
        "选择一个“包含完整身份证号”导出的工作簿。只能恢复到空的数据库：编号、版本、已归档的记录"
        "和操作日志都原样恢复。",
        "Choose a workbook exported with full ID numbers. It restores only into an empty "
        "store, with ids, versions, archived rows and the audit log as they were.",
    ),
    "export.restore.not_empty": (
        "当前数据库里已有数据，不能在这里恢复（恢复只能进入空的数据库，以免新旧数据混在一起）。"
        "请在服务器上为 SLT_DB 指定一个新文件（或新建一个空的 Google 表格），再来恢复；"
        "一次中断的恢复可以用命令 python -m sltcore restore 文件.xlsx 继续。",
        "This store already holds data, so a backup cannot be restored here (only into an "
        "empty store, so old and new data never mix). Point SLT_DB to a new file (or create "
        "an empty Google Sheet) on the server first; an interrupted restore continues with "
        "`python -m sltcore restore FILE.xlsx`.",
    ),
    "export.restore.file": ("备份文件（.xlsx）", "Backup file (.xlsx)"),
    "export.restore.col.table": ("数据表", "Table"),
    "export.restore.col.rows": ("行数", "Rows"),
    "export.restore.meta": (
        "导出于 {when}，当时的数据存储：{backend}",
        "Exported at {when} from the {backend} store",
    ),
    "export.restore.button": ("恢复到当前数据库", "Restore into this store"),
    "export.restore.running": ("正在恢复…", "Restoring…"),
    "export.restore.failed": ("没有恢复", "Not restored"),
    "export.restore.done": ("已恢复 {count} 行", "{count} rows restored"),
    "export.backup": ("每晚自动备份", "Nightly backup"),
    "export.backup.help": (
        "在服务器上用命令备份：本地数据库会在运行中得到一份完整一致的副本（带日期），只保留最近"
        "几份；加入 crontab 即可每晚自动备份。",
        "Back up from the server's command line: the local store gets a dated, consistent "
        "copy while the app runs, and only the newest few are kept; add it to crontab for a "
        "nightly backup.",
    ),
    # --- 数据体检 data health -----------------------------------------------------------------
    "health.title": ("数据体检", "Data health"),
    "health.intro": (
        "检查全部数据中需要人来处理的问题；每一条后面的链接打开可以修改它的页面。"
        "命令行 python -m sltcore check 列出同样的内容。",
        "Finds what a person should look at in all the data; the link after each opens the "
        "page that mends it. `python -m sltcore check` lists the same.",
    ),
    "health.running": ("正在检查全部数据…", "Checking all the data…"),
    "health.rerun": ("重新检查", "Check again"),
    "health.clean": ("数据体检通过，没有发现问题。", "All clear: no problems found."),
    "health.found": ("发现 {count} 个问题，请逐条处理：", "{count} problems found:"),
    "health.warnings": (
        "另有 {count} 条提醒，可能没有问题，请核对。",
        "{count} warnings, which may be fine: please check them.",
    ),
    "health.more": (
        "只列出前 {shown} 条（共 {count} 条）；全部内容请用命令 python -m sltcore check 查看。",
        "Only the first {shown} of {count} are listed; `python -m sltcore check` lists all.",
    ),
    "health.kind.unreadable": ("表格中无法读取的行", "Rows the sheet holds that cannot be read"),
    "health.kind.unreadable.help": (
        "Google 表格中被手工改动、工作台读不懂的行：请在表格中改正。",
        "Rows edited by hand in the Google Sheet that the desk cannot read: fix them there.",
    ),
    "health.kind.invalid": ("不符合规则的记录", "Rows that fail validation"),
    "health.kind.invalid.help": (
        "例如手机号位数不对、身份证号校验位错误、必填项为空。",
        "E.g. a mobile of the wrong length, a wrong ID check digit, an empty required field.",
    ),
    "health.kind.dangling": ("指向不存在的数据", "Broken references"),
    "health.kind.dangling.help": (
        "记录中引用的社区、队伍、活动或志愿者已不存在。",
        "A community, team, event or volunteer a row refers to does not exist.",
    ),
    "health.kind.duplicate": ("重复的人或名称", "Duplicate people or names"),
    "health.kind.duplicate.help": (
        "两位志愿者的手机号或身份证号相同，或名称重复。",
        "Two volunteers share a mobile or ID number, or a name repeats.",
    ),
    "health.kind.over_24h": ("一天超过24小时", "More than 24 hours a day"),
    "health.kind.over_24h.help": (
        "同一位志愿者同一天的服务时长合计超过24小时。",
        "One volunteer's hours on one day add up to more than 24.",
    ),
    "health.kind.no_community": ("没有所属社区的志愿者", "Volunteers without a community"),
    "health.kind.no_community.help": (
        "社区为空或所属社区已归档：没有协调员负责，社区统计也不计入。",
        "Empty or archived community: no coordinator looks after them and community figures "
        "leave them out.",
    ),
    "health.kind.credited_twice": ("同一活动重复记录", "Credited twice for one event"),
    "health.kind.credited_twice.help": (
        "同一位志愿者在同一活动有两条服务记录，时长被重复计入。",
        "One volunteer has two records for one event, so the hours count twice.",
    ),
    "health.kind.records_archived": (
        "已完成但记录都已归档的活动",
        "Held events whose records are all archived",
    ),
    "health.kind.records_archived.help": (
        "活动状态为“已完成”，但服务记录都已归档，不计入任何时长。",
        "Marked done, but all its records are archived: it counts no hours.",
    ),
    "health.kind.held_without_records": (
        "提醒：已完成但没有服务记录的活动",
        "Warning: held events without records",
    ),
    "health.kind.held_without_records.help": (
        "可能只是还没有补录参加人员。",
        "Perhaps the attendance is just not entered yet.",
    ),
    "health.fix.volunteers": ("去修改", "Fix it"),
    "health.fix.events": ("打开活动", "Open event"),
    "health.fix.teams": ("打开队伍", "Open team"),
    "health.fix.tables": ("去修改", "Fix it"),
    "health.fix.timebank": ("打开公益储蓄", "Open time bank"),
    "health.fix.pairings": ("打开结对", "Open pairings"),
    "health.fix.rosters": ("打开排班", "Open rosters"),
    "health.fix.donations": ("打开捐赠", "Open donations"),
    "health.fix.reports": ("打开报表", "Open reports"),
    "health.fix.admin": ("打开账号与恢复", "Open accounts"),
    "health.fix.audit": ("打开操作日志", "Open audit log"),
    "health.fix.admin_only": ("请管理员修改", "An administrator fixes this"),
    "health.fix.sheet": ("请在表格中修改", "Fix it in the sheet"),
    "health.fix.none": ("暂无修改页面", "No page edits this"),
}

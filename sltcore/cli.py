"""Command line: init, demo, check, import, export, backup, restore. Help and messages in
Chinese and English."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
import time
from collections import Counter
from pathlib import Path

from sltcore import accounts, demo
from sltcore.auth import SYSTEM, Actor
from sltcore.errors import DeskError
from sltcore.exports import backup, workbook
from sltcore.schema import TABLES, import_targets, table
from sltcore.services import health, imports, restore
from sltcore.store import Store, open_store

DESCRIPTION = """三里屯街道志愿服务工作台 · Sanlitun volunteer desk

数据存储：有 .streamlit/secrets.toml 的 [connections.gsheets] 时使用 Google 表格，否则使用本地
数据库 data/sanlitun.db（或环境变量 SLT_DB 指定的文件）；SLT_BACKEND=local|gsheets 可强制选择。
Storage: a Google Sheet when .streamlit/secrets.toml has [connections.gsheets], else the local
file data/sanlitun.db (or $SLT_DB); SLT_BACKEND=local|gsheets overrides."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m sltcore",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="例子 Examples:\n  python -m sltcore init\n"
        "  python -m sltcore demo --volunteers 5000 --records 100000\n"
        "  python -m sltcore check --lang en\n"
        "  python -m sltcore user add wangfang --role coordinator --community 北三里\n"
        "  python -m sltcore import 志愿者名单.xlsx --table volunteers --dry-run\n"
        "  python -m sltcore export 全部数据.xlsx\n"
        "  python -m sltcore export volunteers.csv --table volunteers\n"
        "  python -m sltcore backup /srv/backups --keep 30",
    )
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="输出语言 / output language")
    p.add_argument("--as", dest="user", metavar="USERNAME",
                   help="以哪个账号的身份操作（默认系统管理员）/ act as this account "
                   "(default: the system administrator)")  # fmt: skip
    sub = p.add_subparsers(dest="command", required=True, metavar="命令 command")
    sub.add_parser(
        "init",
        help="建立基础资料：7个社区、品牌与项目、设置（可重复运行）/ "
        "create the reference data: 7 communities, programmes, settings (safe to re-run)",
    )
    d = sub.add_parser(
        "demo",
        help="向空的、或只有基础资料的数据库载入虚构的示例数据 / fill an empty store, or one "
        "holding only the reference data, with invented sample data",
    )
    d.add_argument(
        "--volunteers",
        type=int,
        default=demo.DEFAULT_SIZE["volunteers"],
        help="志愿者人数 / volunteers",
    )
    d.add_argument("--records", type=int, default=demo.DEFAULT_SIZE["records"],
                   help="活动服务记录条数（结对走访、值守记录另计） / service records at "
                        "events (pairing visits and duty records come on top)")  # fmt: skip
    d.add_argument("--seed", type=int, default=2013, help="随机种子 / random seed")
    d.add_argument(
        "--until",
        type=dt.date.fromisoformat,
        default=None,
        help="数据截止日期，默认今天 / last day of the data (default today)",
    )
    c = sub.add_parser(
        "check",
        help="数据体检：无效行、悬空引用、重复手机号或身份证号、每天超过24小时、没有所属社区的志愿者、"
        "同一活动重复记录、已完成却没有有效服务记录的活动；有问题时退出码为1（提醒不算问题）/ data "
        "health: invalid rows, dangling references, duplicate phones or ID numbers, over 24 h "
        "a day, volunteers without a community, a volunteer credited twice for one event, done "
        "events with no live records; exit code 1 when problems are found (warnings do not "
        "count)",
    )
    c.add_argument("--limit", type=int, default=200, help="最多列出几条 / findings to list")
    u = sub.add_parser(
        "user",
        help="账号：生成粘贴到 .streamlit/secrets.toml 的 [accounts.用户名] 小节 / accounts: "
        "print the [accounts.NAME] block to paste into .streamlit/secrets.toml",
    )
    usub = u.add_subparsers(dest="user_command", required=True, metavar="add")
    a = usub.add_parser(
        "add",
        help="新账号：输入两次密码，打印含密码摘要的小节（不保存任何文件）/ a new account: "
        "asks the password twice, prints the block with its hash (writes no file)",
    )
    a.add_argument("name", help="用户名（小写字母、数字、_ . -）/ user name")
    a.add_argument("--role", required=True, choices=accounts.ROLES, help="角色 / role")
    a.add_argument(
        "--community",
        action="append",
        default=[],
        help="负责社区的名称，可重复 / a community by name, repeatable (coordinator)",
    )
    a.add_argument("--display-name", default="", help="显示的姓名 / display name")
    a.add_argument("--email", default="", help="单点登录邮箱（可选）/ e-mail for sign-on")
    _io_parsers(sub)
    return p


def _user_add(args: argparse.Namespace, zh: bool) -> int:
    """Ask the password twice (never echoed, never an argument), print the block to paste."""
    name = args.name.strip().lower()
    if (why := accounts.check_username(name)) is not None:
        print(f"{why}。" if zh else "A user name has 1-40 of a-z 0-9 _ . -", file=sys.stderr)
        return 2
    if args.role == "coordinator" and not args.community:
        print("社区协调员须用 --community 指定负责的社区（可重复）。" if zh else
              "A coordinator needs --community (repeatable).", file=sys.stderr)  # fmt: skip
        return 2
    first = getpass.getpass("密码 Password: ")
    if (why := accounts.password_problem(first)) is not None:
        print(f"{why}。" if zh else f"At least {accounts.MIN_PASSWORD} characters, no outer "
              "spaces.", file=sys.stderr)  # fmt: skip
        return 2
    if getpass.getpass("再输入一次 Again: ") != first:
        print("两次输入的密码不一致，未生成账号。" if zh else
              "The passwords differ; nothing was made.", file=sys.stderr)  # fmt: skip
        return 2
    text = accounts.block(
        name,
        args.role,
        accounts.hash_password(first),
        display_name=args.display_name,
        communities=args.community,
        email=args.email,
    )
    print("# 把下面几行粘贴到 .streamlit/secrets.toml（不要提交到代码库）：" if zh else
          "# Paste these lines into .streamlit/secrets.toml (never commit it):")  # fmt: skip
    print(text, end="")
    return 0


def _io_parsers(sub: argparse._SubParsersAction) -> None:
    i = sub.add_parser(
        "import",
        help="从 Excel/WPS/CSV 文件导入（整批一次保存：全部成功或全部不保存）；"
        "有被拒绝的行时退出码为1，报告输出到标准输出 / import from an xlsx, xls or csv "
        "file as one action (all rows or none); exit code 1 when rows were refused; the "
        "report goes to stdout",
    )
    i.add_argument("file", help="文件 / the file (.xlsx .xls .csv)")
    i.add_argument("--table", required=True, choices=imports.IMPORT_TABLES,
                   help="导入到哪张表 / the table to import into")  # fmt: skip
    i.add_argument("--sheet", help="工作表名称，默认自动选择 / sheet name (default: detected)")
    i.add_argument("--header-row", type=int, help="表头在第几行，默认自动识别 / header row")
    i.add_argument("--map", action="append", default=[], metavar="列=字段 COL=FIELD",
                   help="指定某列导入为哪个字段，如 C=mobile 或 C=-（不导入）/ map a column "
                   "(letter) to a field key, or - to skip it")  # fmt: skip
    i.add_argument("--default", action="append", default=[], metavar="字段=值 FIELD=VALUE",
                   help="空白处统一填写的值，如 registered_on=2026-03-05 / a value for "
                   "every blank cell of a field")  # fmt: skip
    i.add_argument("--dry-run", action="store_true",
                   help="试导入：检查后不保存 / check everything, save nothing")  # fmt: skip
    i.add_argument("--skip-invalid", action="store_true",
                   help="跳过有问题的行，导入其余的行 / import the good rows, skip the "
                   "refused ones")  # fmt: skip
    e = sub.add_parser(
        "export",
        help="导出：FILE.xlsx 为全部数据（每张表一个工作表），FILE.csv 为一张表（需 --table）"
        " / export: FILE.xlsx the whole store (a sheet per table), FILE.csv one table (--table)",
    )
    e.add_argument("file", help="FILE.xlsx 或 FILE.csv")
    e.add_argument("--table", choices=[t.key for t in TABLES], help="CSV 导出哪张表 / for CSV")
    e.add_argument("--header-lang", "--lang", dest="header_lang", choices=("zh", "en"),
                   default=None, help="表头语言，默认中文 / header language "
                   "(default zh)")  # fmt: skip
    e.add_argument("--unmasked", action="store_true",
                   help="包含完整身份证号（仅管理员；恢复备份需要；记入操作日志）/ full ID "
                   "numbers (admins only; needed to restore; noted in the audit log)")  # fmt: skip
    b = sub.add_parser(
        "backup",
        help="在 DIR 中写入带日期的备份（本地数据库用 SQLite 在线备份，运行中也一致；Google 表格"
        "写完整工作簿），只保留最近 N 份 / write a dated backup into DIR (SQLite online backup "
        "for the local store, consistent while the app runs; a full workbook for a Google "
        "Sheet) and keep the newest N",
    )
    b.add_argument("dir", help="备份目录 / backup directory")
    b.add_argument("--keep", type=int, default=14, help="保留几份（默认14）/ backups to keep")
    r = sub.add_parser(
        "restore",
        help="把完整导出的工作簿恢复到空的数据库（编号、版本、已归档的行和操作日志都原样恢复）/ "
        "restore a complete workbook export into an empty store (ids, versions, archived rows "
        "and the audit log as they were)",
    )
    r.add_argument("file", help="FILE.xlsx（export --unmasked 导出的）")


def _actor(store: Store, username: str | None) -> Actor:
    """The account the command acts as: `--as NAME`, an account of the secrets file or of the
    desk's accounts table, resolved as at sign-in (the desk's communities and switch win);
    without it the system administrator (whoever may run commands on the server may do
    everything)."""
    if not username:
        return SYSTEM
    from sltcore import accounts
    from sltcore.services import accounts as desk_accounts

    frames = store.read_all()
    account = accounts.load().get(username)
    if account is None:
        df = frames["accounts"]
        hit = df[df["username"] == username]
        if not hit.empty:
            row = hit.iloc[0]
            account = accounts.Account(username, str(row["display_name"] or ""), str(row["role"]))
    if account is None or not desk_accounts.is_active(account, frames):
        raise DeskError(f"没有名为 {username} 的有效账号", f"no active account named {username}")
    return desk_accounts.actor_for(account, frames)


def _pairs(items: list[str], what: str) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise DeskError(f"{what} 应写成 键=值：{item}", f"{what} must be KEY=VALUE: {item}")
        out[key.strip()] = value.strip()
    return out


def _run_import(args: argparse.Namespace, store: Store, actor: Actor) -> int:
    lang = args.lang
    path = Path(args.file)
    if not path.is_file():
        raise DeskError(f"找不到文件 {path}", f"no such file: {path}")
    source = imports.read_file(path.read_bytes(), path.name)
    t = table(args.table)
    mapping = None
    if args.map:
        first = imports.prepare(source, imports.Settings(t.key, args.sheet, args.header_row))
        mapping = dict(first.mapping)
        valid = set(import_targets(t))
        for letter, target in _pairs(args.map, "--map").items():
            index = imports.column_index(letter)
            if target not in valid and target != "-":
                raise DeskError(
                    f"--map {letter}={target}：{t.zh}没有字段 {target}",
                    f"--map {letter}={target}: {t.en} has no field {target}",
                )
            mapping[index] = None if target == "-" else target
    defaults = _pairs(args.default, "--default")
    for key in defaults:
        if not t.has(key) or t.field(key).system:
            raise DeskError(f"--default：{t.zh}没有字段 {key}", f"--default: no field {key}")
    settings = imports.Settings(t.key, args.sheet, args.header_row, mapping, defaults)
    prepared = imports.prepare(source, settings)
    result = imports.run(store, prepared, actor, dry_run=args.dry_run,
                         skip_invalid=args.skip_invalid)  # fmt: skip
    print(imports.report_text(result, lang))
    if result.blocked:
        print(
            "\n提示：文件缺少的列可以用 --default 字段=值 为所有行统一填写（如 --default "
            "registered_on=2026-03-05），认错的列用 --map 列=字段 改正（如 --map D=mobile）。"
            if lang == "zh"
            else "\nHint: give a missing column one value for every row with --default "
            "FIELD=VALUE (e.g. --default registered_on=2026-03-05); correct a column with --map "
            "COL=FIELD (e.g. --map D=mobile)."
        )
    return 1 if result.failed else 0


def _run_export(args: argparse.Namespace, store: Store, actor: Actor) -> int:
    zh = args.lang == "zh"
    path = Path(args.file)
    header_lang = args.header_lang or args.lang
    if path.suffix.lower() == ".csv":
        if not args.table:
            raise DeskError("导出 CSV 需要 --table 指定哪张表", "a CSV export needs --table")
        data = workbook.export_csv(store, actor, args.table, lang=header_lang,
                                   unmasked=args.unmasked, file_name=path.name)  # fmt: skip
    elif path.suffix.lower() == ".xlsx":
        tables = [args.table] if args.table else None
        data = workbook.export_workbook(store, actor, lang=header_lang, unmasked=args.unmasked,
                                        tables=tables, file_name=path.name)  # fmt: skip
    else:
        raise DeskError("导出文件名应以 .xlsx 或 .csv 结尾", "the file must end in .xlsx or .csv")
    path.write_bytes(data)
    if args.unmasked:
        masked = "（完整数据，已记入操作日志）" if zh else " (in full; noted in the audit log)"
    else:
        masked = "（身份证号已打码）" if zh else " (ID numbers masked)"
    print(f"已导出到 {path}{masked}" if zh else f"Exported to {path}{masked}")
    return 0


def _run_restore(args: argparse.Namespace, store: Store, actor: Actor) -> int:
    zh = args.lang == "zh"
    path = Path(args.file)
    if not path.is_file():
        raise DeskError(f"找不到文件 {path}", f"no such file: {path}")
    data = restore.read_backup(path.read_bytes(), path.name)
    written = restore.restore(store, data, actor)
    total = sum(written.values())
    print(
        f"已从 {path.name} 恢复 {total} 行：" if zh else f"Restored {total} rows from {path.name}:"
    )
    for key, n in written.items():
        print(f"  {key}: {n}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    zh = args.lang == "zh"
    if args.command == "user":
        try:
            return _user_add(args, zh)
        except DeskError as err:
            print(err.message(args.lang), file=sys.stderr)
            return 2
    try:
        store = open_store()
        if args.command == "init":
            added = demo.load_reference(store)
            total = sum(added.values())
            print(f"已新增 {total} 条基础资料。" if zh else f"Added {total} reference rows.")
            return 0
        if args.command == "demo":
            if not demo.can_load_demo(store):
                print("数据库里已有志愿者、活动等数据，未载入示例数据。示例数据只能载入空的、"
                      "或只有基础资料（init 建立的社区、品牌与项目、设置）的数据库；"
                      "请换一个 SLT_DB 文件。"
                      if zh else
                      "The store already holds volunteers, events or other data; sample data "
                      "goes only into an empty store or one with just the reference data init "
                      "creates. Use another SLT_DB file.",
                      file=sys.stderr)  # fmt: skip
                return 2
            started = time.perf_counter()
            written = demo.load_demo(
                store, volunteers=args.volunteers, records=args.records, seed=args.seed,
                until=args.until,
            )  # fmt: skip
            secs = time.perf_counter() - started
            print(
                f"示例数据已载入（{secs:.1f} 秒）："
                if zh
                else f"Sample data loaded ({secs:.1f} s):"
            )
            for key, n in written.items():
                print(f"  {key}: {n}")
            return 0
        if args.command in ("import", "export", "backup", "restore"):
            actor = _actor(store, args.user)
            if args.command == "import":
                return _run_import(args, store, actor)
            if args.command == "export":
                return _run_export(args, store, actor)
            if args.command == "restore":
                return _run_restore(args, store, actor)
            path = backup.backup(store, Path(args.dir), args.keep, actor)
            print(f"已备份到 {path}" if zh else f"Backed up to {path}")
            return 0
        if args.command == "check":
            findings = health.check(store)
            for f in findings[: args.limit]:
                print(f.message(args.lang))
            problems = health.problems(findings)
            warnings = len(findings) - len(problems)
            if problems:
                kinds = Counter(f.kind for f in problems)
                summary = ", ".join(f"{k} {n}" for k, n in kinds.items())
                print(f"发现 {len(problems)} 个问题（{summary}）。" if zh else
                      f"{len(problems)} problems found ({summary}).")  # fmt: skip
            else:
                print(
                    "数据体检通过，没有发现问题。"
                    if zh
                    else "Data health check passed: no problems."
                )
            if warnings:
                print(f"另有 {warnings} 条提醒，请核对。" if zh else
                      f"{warnings} warnings to look at.")  # fmt: skip
            return 1 if problems else 0
    except DeskError as err:
        print(err.message(args.lang), file=sys.stderr)
        return 2
    return 2

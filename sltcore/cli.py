"""Command line: init, demo, check. Help and messages in Chinese and English."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
import time
from collections import Counter

from sltcore import accounts, demo
from sltcore.errors import DeskError
from sltcore.services import health
from sltcore.store import open_store

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
        "  python -m sltcore user add wangfang --role coordinator --community 北三里",
    )
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="输出语言 / output language")
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
                   help="服务记录条数 / service records")  # fmt: skip
    d.add_argument("--seed", type=int, default=2013, help="随机种子 / random seed")
    d.add_argument(
        "--until",
        type=dt.date.fromisoformat,
        default=None,
        help="数据截止日期，默认今天 / last day of the data (default today)",
    )
    c = sub.add_parser(
        "check",
        help="数据体检：无效行、悬空引用、重复手机号或身份证号、每天超过24小时、同一活动重复记录、"
        "已完成却没有有效服务记录的活动；有问题时退出码为1（提醒不算问题）/ data health: invalid "
        "rows, dangling references, duplicate phones or ID numbers, over 24 h a day, a volunteer "
        "credited twice for one event, done events with no live records; exit code 1 when "
        "problems are found (warnings do not count)",
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

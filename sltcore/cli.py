"""Command line: init, demo, check. Help and messages in Chinese and English."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections import Counter

from sltcore import demo
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
        "  python -m sltcore check --lang en",
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
        help="数据体检：无效行、悬空引用、重复手机号或身份证号、每天超过24小时、同一活动重复记录、"
        "已完成却没有有效服务记录的活动；有问题时退出码为1（提醒不算问题）/ data health: invalid "
        "rows, dangling references, duplicate phones or ID numbers, over 24 h a day, a volunteer "
        "credited twice for one event, done events with no live records; exit code 1 when "
        "problems are found (warnings do not count)",
    )
    c.add_argument("--limit", type=int, default=200, help="最多列出几条 / findings to list")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    zh = args.lang == "zh"
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

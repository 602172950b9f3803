"""Command line: `python -m helpers <command>`. Errors a user can fix print one message, no traceback."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from . import config
from .errors import ReportError


def _validate(args: argparse.Namespace) -> int:
    from .load import load_ledgers

    started = time.perf_counter()
    ledgers = load_ledgers(args.data_dir, keep_personal=True)
    for name, frame in ledgers.frames.items():
        print(f"  {name:<26} {len(frame):>9} 行 rows")
    print(f"台账校验通过 / all ledgers valid ({time.perf_counter() - started:.1f} s)")
    return 0


def _figures(args: argparse.Namespace) -> int:
    from .figures import year_figures

    document = year_figures(args.year, args.data_dir, args.params)
    text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _generate(args: argparse.Namespace) -> int:
    from .generate import write_all

    counts = write_all(args.out_dir, scale=args.scale)
    for name, count in counts.items():
        print(f"  {name:<26} {count:>9} 行 rows")
    return 0


def _contract_doc(args: argparse.Namespace) -> int:
    from .contract_doc import render_contract

    text = render_contract()
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m helpers", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="校验全部台账 / validate every ledger")
    p.add_argument("--data-dir", type=Path, default=config.DATA_DIR)
    p.set_defaults(run=_validate)

    p = sub.add_parser("figures", help="计算年度数据并输出 JSON / the year's figures as JSON")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--data-dir", type=Path, default=config.DATA_DIR)
    p.add_argument(
        "--params",
        type=Path,
        default=None,
        help="年度参数文件，提供人工填报数据 / params file with the manual figures",
    )
    p.add_argument("--out", type=Path, default=None)
    p.set_defaults(run=_figures)

    p = sub.add_parser("generate", help="生成样例台账 / write the synthetic sample ledgers")
    p.add_argument("--out-dir", type=Path, default=config.DATA_DIR)
    p.add_argument("--scale", type=int, default=1)
    p.set_defaults(run=_generate)

    p = sub.add_parser("contract-doc", help="输出数据合同文档 / print docs/data-contract.md")
    p.add_argument("--out", type=Path, default=None)
    p.set_defaults(run=_contract_doc)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except ReportError as error:
        print(f"错误 / error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断 / interrupted", file=sys.stderr)
        return 130

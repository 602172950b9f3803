"""Command line: `python -m helpers <command>`. Errors a user can fix print one message, no traceback."""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
import time
from pathlib import Path
from typing import NoReturn

from helpers import config, progress
from helpers.errors import ParamsError, ReportError, os_cause

# Kinds of report, as metrics.RULE_OF_LAW and metrics.DISCLOSURE name them (not imported here, so
# that `--help` stays fast).
KINDS = tuple(config.REPORT_KINDS)


def _profile(args: argparse.Namespace):
    from helpers.bureau import profile_for

    return profile_for(args.bureau)


def _data_dir(args: argparse.Namespace) -> Path:
    """The folder named, else the bureau's default ledger folder (see config)."""
    return args.data_dir or config.data_dir(args.bureau)


def _validate(args: argparse.Namespace) -> int:
    from helpers.ledgers.load import load_ledgers

    started = time.perf_counter()
    with progress.stage("validate", "校验台账"):
        ledgers = load_ledgers(_data_dir(args), keep_personal=True, profile=_profile(args))
    for name, frame in ledgers.frames.items():
        print(f"  {name:<26} {len(frame):>9} 行 rows")
    print(f"台账校验通过 / all ledgers valid ({time.perf_counter() - started:.1f} s)")
    return 0


def _emit(text: str, out: Path | None) -> None:
    if out:
        Path(out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _figures(args: argparse.Namespace) -> int:
    from helpers.report.document import to_json, year_figures

    params = args.params or config.params_path(args.year, args.bureau)
    with progress.stage("figures", "计算年度数据"):
        document = year_figures(args.year, _data_dir(args), params, profile=_profile(args))
    _emit(to_json(document), args.out)
    return 0


def _generate(args: argparse.Namespace) -> int:
    from helpers.ledgers.samples import write_all

    counts = write_all(_data_dir(args), scale=args.scale, profile=_profile(args))
    for name, count in counts.items():
        print(f"  {name:<26} {count:>9} 行 rows")
    return 0


def _contract_doc(args: argparse.Namespace) -> int:
    from helpers.report.contract_doc import render_bureau_ledgers, render_contract

    if args.bureau:
        from helpers.bureau import profile_for

        _emit(render_bureau_ledgers(profile_for(args.bureau), args.bureau), args.out)
    else:
        _emit(render_contract(), args.out)
    return 0


def _report(args: argparse.Namespace) -> int:
    from helpers.runs.report import ReportRequest, build_report

    params = args.params or config.params_path(args.year, args.bureau)
    notebook = args.notebook.resolve() if args.notebook else None
    if notebook is not None and not notebook.is_file():
        raise ParamsError(f"{args.notebook}: 笔记本不存在 / notebook not found")
    request = ReportRequest(args.year, _data_dir(args).resolve(), args.out_dir.resolve(),
                            params.resolve(), args.bureau, args.kind, notebook)  # fmt: skip
    started = time.perf_counter()
    timings = build_report(request)
    stages = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in timings.stages.items())
    print(f"{args.year} 年报告已生成 / report written: {request.final_dir} "
          f"({time.perf_counter() - started:.1f} s: {stages})")  # fmt: skip
    return 0


def _reports(args: argparse.Namespace) -> int:
    from helpers.runs.batch import build_years

    return build_years(args.years, _data_dir(args).resolve(), args.out_dir.resolve(),
                       jobs=args.jobs, bureau=args.bureau, kinds=tuple(args.kinds))  # fmt: skip


def _new_year(args: argparse.Namespace) -> int:
    from helpers.report.scaffold import scaffold

    target = scaffold(args.year, bureau=args.bureau)
    print(f"已生成 / written: {target}；请改写标有“【待改写】”的内容 / rewrite the marked passages")
    return 0


def _new_bureau(args: argparse.Namespace) -> int:
    from helpers.provenance import shown
    from helpers.report.scaffold import start_bureau

    profile, params = start_bureau(args.bureau, args.year)
    print(f"已生成机关档案 / profile written: {shown(profile)}\n"
          f"已生成 {args.year} 年度参数文件 / params written: {shown(params)}\n"
          "请先填写机关档案中标有“【待填写】”的键，再改写参数文件中标有“【待改写】”的段落并填写人工填报数字；"
          f"然后 make validate BUREAU={args.bureau} DATA_DIR=台账目录 / fill in the marked keys")  # fmt: skip
    return 0


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"须为正整数 / must be a positive integer: {text}")
    return value


def _year(text: str) -> int:
    try:
        return config.parse_year(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


# argparse's own complaints (Python 3.11 wording), Chinese first.
_ARGPARSE_WORDS = (
    (r"^argument (\S+): ", r"参数 \1: "),
    (r"the following arguments are required: (.*)", r"缺少必填参数 / missing required options: \1"),
    (r"unrecognized arguments: (.*)", r"无法识别的参数 / unrecognized arguments: \1"),
    (r"invalid choice: (.*) \(choose from (.*)\)", r"无效的取值 \1，可选 \2 / invalid choice"),
    (r"expected (?:one|at least one) argument", r"缺少取值 / a value is expected"),
)


class _Parser(argparse.ArgumentParser):
    """A bad option (YEAR=abc, a misspelt kind) is one Chinese-first line and exit 2, like every
    other error, instead of argparse's English usage text."""

    def error(self, message: str) -> NoReturn:
        for pattern, replacement in _ARGPARSE_WORDS:
            message = re.sub(pattern, replacement, message)
        self.exit(2, f"错误 / error: {message}（用法见 / usage: {self.prog} --help）\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m helpers", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    # Every command works for one bureau: its profile and params in params/<bureau>/, its sample
    # ledgers in data/raw/<bureau>/ unless --data-dir names the folder.
    bureau = argparse.ArgumentParser(add_help=False)
    bureau.add_argument("--bureau", default=config.DEFAULT_BUREAU,
                        help="机关代号，即 params/ 下机关档案所在文件夹名 / the bureau's folder "
                        "under params/")  # fmt: skip
    data = argparse.ArgumentParser(add_help=False)
    data.add_argument("--data-dir", type=Path, default=None,
                      help="台账目录，默认为该机关的样例台账目录 / ledger folder")  # fmt: skip

    p = sub.add_parser("validate", help="校验全部台账 / validate every ledger",
                       parents=[bureau, data])  # fmt: skip
    p.set_defaults(run=_validate)

    p = sub.add_parser("figures", help="计算年度数据并输出 JSON / the year's figures as JSON",
                       parents=[bureau, data])  # fmt: skip
    p.add_argument("--year", type=_year, required=True)
    p.add_argument(
        "--params",
        type=Path,
        default=None,
        help="年度参数文件，提供人工填报数据 / params file with the manual figures",
    )
    p.add_argument("--out", type=Path, default=None)
    p.set_defaults(run=_figures)

    p = sub.add_parser("generate", help="生成样例台账 / write the synthetic sample ledgers",
                       parents=[bureau])  # fmt: skip
    p.add_argument("--out-dir", dest="data_dir", type=Path, default=None)
    p.add_argument("--scale", type=_positive, default=1,
                   help="争议、欠薪两本台账的倍数（基准测试用）/ multiply the disputes and "
                   "wage-arrears ledgers (benchmarks); written block by block")  # fmt: skip
    p.set_defaults(run=_generate)

    p = sub.add_parser("report", help="生成一个年度的报告 / build one year's report",
                       parents=[bureau, data])  # fmt: skip
    p.add_argument("--year", type=_year, required=True)
    p.add_argument("--out-dir", type=Path, default=config.REPORTS_DIR)
    p.add_argument("--params", type=Path, default=None)
    p.add_argument("--kind", choices=KINDS, default=KINDS[0],
                   help="报告种类：rule_of_law 法治政府建设情况报告（默认），disclosure 政府信息公开工作年度报告"
                   "（输出到 OUT_DIR/<年度>-disclosure/）/ which report")  # fmt: skip
    p.add_argument("--notebook", type=Path, default=None,
                   help="所用的笔记本；默认为 notebooks/<机关>/ 下机关自己的笔记本，没有则用 notebooks/ 下的 / "
                   "the notebook to run (default: the bureau's own, else the package's)")  # fmt: skip
    p.set_defaults(run=_report)

    p = sub.add_parser("reports", help="生成多个年度的各种报告和索引页 / every report of several years and an index",
                       parents=[bureau, data])  # fmt: skip
    p.add_argument("--years", type=_year, nargs="+", required=True)
    p.add_argument("--out-dir", type=Path, default=config.REPORTS_DIR)
    p.add_argument("--jobs", type=int, default=None)
    p.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS),
                   help="报告种类，默认全部 / which reports, all by default")  # fmt: skip
    p.set_defaults(run=_reports)

    p = sub.add_parser("new-year", help="从上一年复制新年度参数文件 / scaffold a params file",
                       parents=[bureau])  # fmt: skip
    p.add_argument("--year", type=_year, required=True)
    p.set_defaults(run=_new_year)

    p = sub.add_parser("new-bureau", help="新建机关：档案与第一个年度的参数文件 / start a bureau")
    p.add_argument("--bureau", required=True, help="新机关的代号，如 xinqu / the new bureau's id")
    p.add_argument("--year", type=_year, required=True)
    p.set_defaults(run=_new_bureau)

    p = sub.add_parser("contract-doc", help="输出数据合同文档 / print docs/data-contract.md")
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--bureau", default=None,
                   help="输出该机关自有台账的文档 / document a bureau's own ledgers instead")  # fmt: skip
    p.set_defaults(run=_contract_doc)
    return parser


def os_error_message(error: OSError) -> str:
    """One line naming the path and the cause, Chinese first."""
    cause = os_cause(error)
    path = error.filename or ""
    if error.filename2:
        path = f"{path} → {error.filename2}"
    return f"{path}: {cause}" if path else cause


def _interrupted(signum, frame) -> None:
    """The first Ctrl-C (or SIGTERM) unwinds the run so its cleanup happens; later ones wait."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


def _exit(code: int) -> NoReturn:
    """Leave without the interpreter's shutdown, which can print 'Exception ignored' noise from
    half-stopped kernel clients after an interrupt or a fatal error."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    signal.signal(signal.SIGINT, _interrupted)
    signal.signal(signal.SIGTERM, _interrupted)
    try:
        return args.run(args)
    except ReportError as error:
        print(f"错误 / error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断，未生成新报告，原有报告未改动 / interrupted; nothing was published",
              file=sys.stderr)  # fmt: skip
        _exit(130)
    except MemoryError:
        print("错误 / error: 内存不足，无法完成 / out of memory", file=sys.stderr)
        _exit(2)
    except OSError as error:
        print(f"错误 / error: {os_error_message(error)}", file=sys.stderr)
        return 2

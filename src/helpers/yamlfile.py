"""The analyst's YAML files (a year's params file, a bureau profile), read with messages an analyst
can act on.

A syntax error is located by line and column and named in Chinese first; a value the file's
pydantic model refuses is named by its key path and the field's Chinese description. Both files
are written by hand, so their text must be plain (`MARKUP_RE`). A module of its own, below both
models: the profile, which the ledgers' contract reads, must not import the report's params.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import types
import typing
from collections.abc import Callable
from pathlib import Path

import yaml
from pydantic import BaseModel

from helpers.errors import ParamsError

# Names an entry of a mapping field in messages: (the mapping's key, the entry's key) -> its name.
KeyName = Callable[[str, str], str | None]

# Markup only where it cannot be plain text: a complete tag, a tag start with an attribute, a
# closing tag, <! and <?, and character entities. "<5" and "a<b" are text.
MARKUP_RE = re.compile(
    r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>"
    r"|<[A-Za-z][\w:-]*\s+[\w:-]+\s*="
    r"|</[A-Za-z]"
    r"|<[!?][^<>\n]*>?"
    r"|&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);"
)


# What a field expects, in Chinese and English, by pydantic error type.
_EXPECTED: dict[str, tuple[str, str]] = {}
for _types, _expected in (
    (("int_type", "int_parsing", "int_from_float", "int_parsing_size"), ("整数", "a whole number")),
    (("float_type", "float_parsing", "finite_number"), ("数字", "a number")),
    (("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"),
     ("日期，格式 YYYY-MM-DD（也可写 2024年1月31日 或 2024/1/31）", "a date, YYYY-MM-DD")),
    (("string_type", "string_unicode"), ("文本", "text")),
    (("dict_type", "model_type", "model_attributes_type", "mapping_type"),
     ("键值映射（“键: 值”，逐行缩进）", "a mapping of keys")),
    (("list_type", "tuple_type", "set_type", "iterable_type"), ("列表", "a list")),
    (("bool_type", "bool_parsing"), ("true 或 false", "true or false")),
):  # fmt: skip
    _EXPECTED.update(dict.fromkeys(_types, _expected))


def _is_union(annotation: object) -> bool:
    return typing.get_origin(annotation) in (typing.Union, types.UnionType)


def _field(loc: tuple, model: type[BaseModel], key_name: KeyName | None) -> tuple[str, str, bool]:
    """The key path of an error location without pydantic's union-member tags, the field's Chinese
    name, and whether the error is about a mapping's key rather than its value."""
    path: list[str] = []
    name = ""
    annotation: object = model
    is_key = False
    for part in loc:
        if _is_union(annotation):  # an optional section (X | None) is its model
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = members[0] if len(members) == 1 else annotation
        if part == "[key]":
            is_key = True
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            path.append(str(part))
            name = (field.description or "") if field else ""
            annotation = field.annotation if field else None
        elif typing.get_origin(annotation) is dict:
            parent = path[-1] if path else ""
            path.append(str(part))
            name = (key_name(parent, str(part)) if key_name else None) or name
            annotation = typing.get_args(annotation)[1]
        elif _is_union(annotation):
            annotation = None  # a member tag such as "int": not part of the user's key
        else:
            path.append(str(part))
            annotation = typing.get_args(annotation)[0] if typing.get_args(annotation) else None
    return ".".join(path) or "(顶层 / top level)", name, is_key


def excerpt(value: object) -> str:
    """A value as a message quotes it: text as written, anything else as JSON, cut at 40
    characters."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:40] + "…"


def translate_errors(errors: list[dict], model: type[BaseModel],
                     key_name: KeyName | None = None) -> list[str]:  # fmt: skip
    """One Chinese-first line per faulty key; pydantic reports a union field (int | float) once
    per member, and its English sentences never reach the analyst. `model` is the file's model;
    `key_name(mapping, key)` names an entry of a mapping field (a figure under manual_figures)
    where the model cannot."""
    grouped: dict[tuple[str, bool], list[dict]] = {}
    names: dict[tuple[str, bool], str] = {}
    for item in errors:
        key, name, is_key = _field(item["loc"], model, key_name)
        grouped.setdefault((key, is_key), []).append(item)
        names[(key, is_key)] = name
    lines = []
    for (key, is_key), items in grouped.items():
        name = f"（{names[(key, is_key)]}）" if names[(key, is_key)] else ""
        where = f"键 {key}{name}"
        kinds = [item["type"] for item in items]
        given = items[0].get("input")
        if "extra_forbidden" in kinds:
            lines.append(f"{where}: 未知的键，请检查拼写或删去 / unknown key, check its spelling")
        elif "missing" in kinds:
            lines.append(f"{where}: 缺少必填键 / missing key")
        elif "value_error" in kinds:
            error = next(i for i in items if i["type"] == "value_error")["ctx"]["error"]
            zh, _, en = str(error).partition(" / ")
            if isinstance(given, (str, int, float, dt.date)):
                zh += f"，填写的是“{excerpt(given)}”"
            lines.append(f"{where}: {zh} / {en}" if en else f"{where}: {zh}")
        elif is_key:
            lines.append(f"{where}: 键名应为文本，填写的是“{excerpt(given)}” / "
                         "a key must be text")  # fmt: skip
        else:
            expected = list(dict.fromkeys(_EXPECTED[k] for k in kinds if k in _EXPECTED))
            if _EXPECTED["float_type"] in expected:  # int | float: a number is what is meant
                expected = [e for e in expected if e != _EXPECTED["int_type"]]
            if expected:
                zh = " 或 ".join(e[0] for e in expected)
                en = " or ".join(e[1] for e in expected)
                lines.append(f"{where}: 应为{zh}，填写的是“{excerpt(given)}” / "
                             f"expected {en}, got \"{excerpt(given)}\"")  # fmt: skip
            else:
                lines.append(f"{where}: 取值无效，填写的是“{excerpt(given)}”，请对照规则改正 / "
                             f"invalid value \"{excerpt(given)}\"")  # fmt: skip
    return lines


# PyYAML's problems, by the start of its wording, as (Chinese, English) an analyst can act on.
_YAML_PROBLEMS: tuple[tuple[str, tuple[str, str]], ...] = (
    ("found character '\\t'", ("含有制表符（Tab），缩进只能用空格", "a tab; indent with spaces")),
    ("found undefined alias", ("值以“*”开头，YAML 把它当作引用；请给整段文字加引号",
                               "a value starting with * is read as an alias; quote it")),
    ("found unknown escape character", ("双引号中的反斜杠“\\”不是有效的转义，请改用单引号，或写成“\\\\”",
                                        "a backslash in double quotes; use single quotes")),
    ("could not find expected ':'", ("缺少冒号：键后应写“: ”（冒号加空格），或多行文字的缩进不一致",
                                     "a colon is missing after a key, or a multi-line text is "
                                     "not indented")),
    ("expected ',' or '}'", ("花括号“{”未闭合", "an unclosed {")),
    ("expected ',' or ']'", ("方括号“[”未闭合", "an unclosed [")),
    ("but found another document", ("文件中有第二个文档分隔线“---”，一个文件只能有一个文档",
                                    "a second document (---)")),
    ("expected <block end>", ("缩进不一致：同一层的键须对齐", "inconsistent indentation")),
)  # fmt: skip
_INDENT = ("缩进不一致：同一层的键须对齐，下一层比上一层多缩进", "inconsistent indentation")
# A key written "key:value", without the blank YAML needs after the colon.
_SQUEEZED_COLON = re.compile(r"^\s*(?:-\s+)?[^\s:#'\"][^\s:]*(:)[^\s:/]")


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _scalar_start(lines: list[str], line: int) -> int | None:
    """The line a text running on into `line` starts on: the nearest line above, comments and
    blank lines aside, indented no deeper than `line` (lines indented deeper continue it)."""
    for n in range(line - 1, -1, -1):
        text = lines[n]
        if (
            text.strip()
            and not text.lstrip().startswith("#")
            and _indent(text) <= _indent(lines[line])
        ):
            return n
    return None


def _opening_quote(lines: list[str], line: int, column: int) -> tuple[int, int] | None:
    """Where a quote was opened that the parser took as closed at (`line`, `column`): an odd
    number of that quote before the column means it was opened on an earlier line, left open."""
    before = lines[line][:column]
    quote = max(("'", '"'), key=before.rfind)
    if quote not in before or before.count(quote) % 2 == 0:
        return None
    for n in range(line - 1, -1, -1):
        if lines[n].count(quote) % 2:
            return n, lines[n].rindex(quote)
    return None


def _yaml_problem(error: yaml.MarkedYAMLError, lines: list[str]) -> tuple[int, int, str, str]:
    """Where the mistake is (0-based line and column, which may be before PyYAML's mark: an
    unclosed quote is found at the end of the file) and what it is, in Chinese and English."""
    mark, context_mark = error.problem_mark, error.context_mark
    line, column = mark.line, mark.column
    problem, context = error.problem or "", error.context or ""
    if "quoted scalar" in context and "end of stream" in problem and context_mark:
        return context_mark.line, context_mark.column, "引号未闭合", "an unclosed quote"
    if "cannot start any token" in problem and "'\\t'" not in problem:
        char = problem.split("'")[1]
        return (line, column, f"值不能以“{char}”开头，请给整段文字加引号",
                f"a value cannot start with {char}; quote it")  # fmt: skip
    if "mapping values are not allowed" in problem and ": " in lines[line][:column]:
        return (line, column, "值中含有“: ”（冒号加空格），请给整段文字加引号",
                "the value holds ': '; quote it")  # fmt: skip
    # A key without its colon is found on the next line (mapping values), or where it starts.
    if "mapping values are not allowed" in problem:
        suspect = _scalar_start(lines, line)
    else:
        suspect = context_mark.line if "expected ':'" in problem and context_mark else None
    if suspect is not None and (squeezed := _SQUEEZED_COLON.match(lines[suspect])):
        return (suspect, squeezed.start(1), "冒号后缺空格，应写作“键: 值”",
                "a blank is missing after the colon")  # fmt: skip
    if suspect is not None and "：" in lines[suspect] and ":" not in lines[suspect]:
        return (suspect, lines[suspect].index("："), "键后用了全角冒号“：”，应为半角冒号加空格“: ”",
                "a full-width colon after the key")  # fmt: skip
    if "mapping values are not allowed" in problem:
        return line, column, *_INDENT
    for start, (zh, en) in _YAML_PROBLEMS:
        if start in problem:
            if context_mark and (start.startswith("expected ',' or") or "expected ':'" in start):
                # where the bracket was opened, where the key without a colon starts
                line, column = context_mark.line, context_mark.column
            if "block collection" in context:
                zh += "，列表项“- ”不能与键混在同一层"
                en += ": list items and keys mixed"
            text = lines[line] if line < len(lines) else ""
            if start == "expected <block end>" and "<scalar>" in problem:
                opened = _opening_quote(lines, line, column)
                if opened:
                    return *opened, "引号未闭合", "an unclosed quote"
                if "'" in text[:column] or '"' in text[:column]:
                    zh, en = (
                        "引号外还有文字，整段文字须在一对引号之内",
                        "text after the closing quote",
                    )
            return line, column, zh, en
    return line, column, "格式错误，请检查该行的缩进、冒号和引号", "a syntax error"


def yaml_error_message(path: Path, error: Exception, data: bytes) -> str:
    """What is wrong with a YAML file, located by line and column and quoting the line, Chinese
    first; PyYAML's own English never reaches the analyst."""
    if isinstance(error, UnicodeDecodeError):
        line = data[: error.start].count(b"\n") + 1
        return (f"{path}: 第 {line} 行不是 UTF-8 编码的文字，请用 UTF-8 编码另存该文件 / "
                f"line {line} is not UTF-8 text; save the file as UTF-8")  # fmt: skip
    if not isinstance(error, yaml.MarkedYAMLError) or error.problem_mark is None:
        return f"{path}: YAML 格式错误，请检查缩进、冒号和引号 / not valid YAML"
    lines = data.decode("utf-8", "replace").splitlines()
    line, column, zh, en = _yaml_problem(error, lines)
    text = lines[line].strip() if line < len(lines) else ""
    quoted = f"（该行为“{excerpt(text)}”）" if text else ""
    return (f"{path}: 第 {line + 1} 行第 {column + 1} 列: YAML 格式错误，{zh}{quoted} / "
            f"YAML syntax error at line {line + 1}, column {column + 1}: {en}")  # fmt: skip


# libyaml's parser with PyYAML's safe constructor: the same values, a tenth of the time (a params
# file and its profile are read at each build, in the kernel and in every test). A file it
# refuses is read again by PyYAML's own parser, whose error marks `_yaml_problem` interprets.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> object:
    """A YAML file's content, or a ParamsError locating its syntax error in Chinese."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
        try:
            return yaml.load(text, Loader=_FAST_LOADER)  # noqa: S506 — a safe loader
        except yaml.YAMLError:
            return yaml.safe_load(text)  # PyYAML's own parser, whose errors the message reads
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise ParamsError(yaml_error_message(path, error, data)) from None


def read_mapping(path: Path, missing: str) -> dict:
    """A YAML file of keys (a params file, a bureau profile), or a ParamsError naming the file:
    `missing` when it does not exist, else what is wrong with its text."""
    if not path.is_file():
        raise ParamsError(f"{path}: {missing}")
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise ParamsError(f"{path}: 应为键值映射 / expected a mapping of keys")
    return raw

"""A report's shape as the bureau's notebook gives it: which sections it shows and in which order,
from which templates (the bureau's own, beside its profile, in place of the package's of the same
name), and so which passages the year's params file must hold and which figures the text states.

The notebook is read, not run: its code cells' `report.section("…")` and `report.table("…")`
calls are the report's sections, so that the params file is checked against the sections present
before a kernel starts, and a section left out asks for no passage.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from jinja2 import Environment, nodes

from helpers import config
from helpers.errors import ParamsError

RULE_OF_LAW, DISCLOSURE = "rule_of_law", "disclosure"
TEMPLATE_FOLDERS = {RULE_OF_LAW: "narrative", DISCLOSURE: "disclosure"}
NOTEBOOK_NAMES = {RULE_OF_LAW: "report.ipynb", DISCLOSURE: "disclosure.ipynb"}
# A bureau's own templates: params/<bureau>/templates/ (rule of law) and …/templates/disclosure/.
OWN_TEMPLATES = "templates"


def package_templates(kind: str) -> Path:
    return config.TEMPLATES_DIR / TEMPLATE_FOLDERS[kind]


def own_templates(kind: str, bureau: str) -> Path:
    folder = config.bureau_dir(bureau) / OWN_TEMPLATES
    return folder / "disclosure" if kind == DISCLOSURE else folder


def notebook_path(kind: str, bureau: str = config.DEFAULT_BUREAU) -> Path:
    """The bureau's own notebook (notebooks/<bureau>/report.ipynb) where it has one, else the
    package's."""
    own = config.NOTEBOOKS_DIR / bureau / NOTEBOOK_NAMES[kind]
    if own.is_file():
        return own
    return config.DISCLOSURE_NOTEBOOK if kind == DISCLOSURE else config.REPORT_NOTEBOOK


def _calls(notebook: Path, method: str) -> list[tuple[str, str | None]]:
    """The string arguments of `report.<method>("…")` calls in the notebook's code cells, each
    with its `template="…"` (the wording given in the notebook) if it has one."""
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ParamsError(
            f"{notebook}: 无法读取笔记本 / cannot read the notebook: {error}"
        ) from None
    found: list[tuple[str, str | None]] = []
    for cell in cells:
        if cell.get("cell_type") == "code":
            found += _calls_in("".join(cell.get("source", [])), method)
    return found


@cache  # the notebook is read for its sections, its tables and its figures, in each process
def _calls_in(source: str, method: str) -> tuple[tuple[str, str | None], ...]:
    found: list[tuple[str, str | None]] = []
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return ()  # IPython magics: not a section call, and the kernel will say what is wrong
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == method and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)):  # fmt: skip
            continue
        given = next((k.value.value for k in node.keywords if k.arg == "template"
                          and isinstance(k.value, ast.Constant)
                          and isinstance(k.value.value, str)), None)  # fmt: skip
        found.append((node.args[0].value, given))
    return tuple(found)


def _template_names(folder: Path) -> set[str]:
    if not folder.is_dir():
        return set()
    return {p.name.removesuffix(".html.j2") for p in folder.glob("*.html.j2")}


@dataclass(frozen=True)
class Shape:
    kind: str
    bureau: str
    notebook: Path
    sections: tuple[str, ...]
    tables: tuple[str, ...] = ()
    # Sections whose wording the notebook itself gives (`report.section(name, template=…)`).
    inline: dict[str, str] = field(default_factory=dict)

    @property
    def overrides(self) -> Path | None:
        folder = own_templates(self.kind, self.bureau)
        return folder if folder.is_dir() else None

    def template(self, name: str) -> Path:
        """The section's template: the bureau's own where it has one."""
        own = self.overrides
        if own is not None and (own / f"{name}.html.j2").is_file():
            return own / f"{name}.html.j2"
        return package_templates(self.kind) / f"{name}.html.j2"

    def own_sections(self) -> list[str]:
        """The sections whose wording is the bureau's (its template replaces or adds to the
        package's)."""
        return [name for name in self.sections if self.template(name).parent == self.overrides]

    def check(self) -> None:
        """Every section the notebook shows has a template."""
        missing = [name for name in self.sections
                   if name not in self.inline and not self.template(name).is_file()]  # fmt: skip
        if missing:
            raise ParamsError(
                f"{self.notebook}: 笔记本中的章节没有模板 / sections without a template: "
                + "、".join(missing)
                + f"（模板放在 {package_templates(self.kind).name}/ 或机关目录的 {OWN_TEMPLATES}/ 下，"
                "文件名为 <章节>.html.j2 / put <section>.html.j2 beside the bureau's profile)"
            )

    @cached_property
    def passages_by_section(self) -> dict[str, list[str]]:
        """Each section's passages (the `p.<key>` its template reads), in order."""
        out = {}
        for name in self.sections:
            if name in self.inline:
                out[name] = source_passages(self.inline[name])
            elif self.template(name).is_file():
                out[name] = template_passages(self.template(name))
        return out

    def passages(self) -> list[str]:
        """The passages the sections present read, each once, in report order."""
        return list(dict.fromkeys(k for keys in self.passages_by_section.values() for k in keys))

    def section_of(self, passage: str) -> str | None:
        return next((s for s, keys in self.passages_by_section.items() if passage in keys), None)


def known_passages(kind: str, bureau: str | None = None) -> set[str]:
    """Every passage key some template of this kind reads, the package's or the bureau's: a key
    outside it is a slip of the pen."""
    folders = [package_templates(kind)]
    if bureau is not None:
        folders.append(own_templates(kind, bureau))
    return {key for folder in folders for name in sorted(_template_names(folder))
            for key in template_passages(folder / f"{name}.html.j2")}  # fmt: skip


_PARSER = Environment()


def template_passages(path: Path) -> list[str]:
    """The passage keys a template reads (`p.key` or `p["key"]`), in the order they appear."""
    return source_passages(path.read_text(encoding="utf-8"))


def source_passages(source: str) -> list[str]:
    return list(_passages_in(source))


@cache  # a build asks for the same templates' keys several times (params, shape, scaffold)
def _passages_in(source: str) -> tuple[str, ...]:
    tree = _PARSER.parse(source)
    keys: list[str] = []
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        if isinstance(node.node, nodes.Name) and node.node.name == "p":
            if isinstance(node, nodes.Getattr):
                keys.append(node.attr)
            elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                keys.append(node.arg.value)
    # find_all walks depth-first in source order; a key read twice is one passage
    return tuple(dict.fromkeys(keys))


def shape_for(kind: str, bureau: str = config.DEFAULT_BUREAU,
              notebook: Path | None = None) -> Shape:  # fmt: skip
    """The shape of one bureau's report of one kind: its notebook's sections and tables."""
    notebook = Path(notebook) if notebook is not None else notebook_path(kind, bureau)
    sections = _calls(notebook, "section")
    return Shape(kind, bureau, notebook, tuple(name for name, _ in sections),
                 tuple(name for name, _ in _calls(notebook, "table")),
                 {name: given for name, given in sections if given is not None})  # fmt: skip


def shapes_for(bureau: str = config.DEFAULT_BUREAU, kind: str | None = None,
               notebook: Path | None = None) -> dict[str, Shape]:  # fmt: skip
    """Both report kinds' shapes for a bureau; `notebook` stands in for its own of `kind`."""
    return {k: shape_for(k, bureau, notebook if k == kind else None) for k in TEMPLATE_FOLDERS}

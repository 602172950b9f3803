"""A minimal, fast and reproducible .xlsx writer for large plain tables.

The work paper holds hundreds of thousands of rows for one year; openpyxl's write-only mode needs
about 26 s for 170,000 of them (one Python call per cell), this writer about 2 s (cells built
column by column with pandas and Arrow, repeated text in one shared table). It writes what the
work paper needs and no more: text, numbers and dates (real date cells, so Excel's date filter
works), a bold frozen header row with an autofilter, internal hyperlinks, column widths, and the
workbook's title and dates. Every zip entry carries the workbook's date, so the same content
gives the same bytes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import queue
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

YES, NO = "是", "否"
# Distinct strings kept in the workbook's shared table; further ones are written in their cells
# (inline strings). A work paper of millions of rows holds millions of record numbers, and a
# table of them all would cost the writer gigabytes.
SHARED_STRINGS_MAX = 500_000
# Deflate level of the worksheets: level 3 compresses the work paper's sheets (hundreds of MB
# of repetitive XML) about three times as fast as level 6, for a file about a fifth larger.
SHEET_LEVEL = 3
# Distinct values in one block of a column from which, the table being full, they are all written
# in their cells without looking them up.
_MANY = 1_000

# Cell styles (indices into styles.xml's cellXfs): the header, a date, an internal link.
BOLD, DATE, LINK = 1, 2, 3
# Excel's day 0 in its 1900 date system, as used from 1900-03-01 on.
EXCEL_EPOCH = np.datetime64("1899-12-30", "ns")

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
OFFICE = "application/vnd.openxmlformats-officedocument"


def column_letter(i: int) -> str:
    """1 → A, 27 → AA."""
    out = ""
    while i:
        i, rest = divmod(i - 1, 26)
        out = chr(65 + rest) + out
    return out


def _text(value: str) -> str:
    # Characters XML 1.0 forbids are dropped rather than written as a broken file.
    cleaned = "".join(ch for ch in value if ch in "\t\n\r" or ord(ch) >= 32)
    return escape(cleaned)


class Book:
    """Sheets added in order, then saved once."""

    def __init__(self, title: str, moment: dt.datetime):
        self.title = title
        self.moment = moment
        self.strings: dict[str, int] = {}
        self.sheets: list[tuple[str, tuple[str, Iterable[pa.Array], str], str]] = []

    def _string(self, value: object) -> str:
        text = str(value)
        index = self.strings.get(text)
        if index is None:
            if len(self.strings) >= SHARED_STRINGS_MAX:
                return f'<c t="inlineStr"><is><t xml:space="preserve">{_text(text)}</t></is></c>'
            index = self.strings[text] = len(self.strings)
        return f'<c t="s"><v>{index}</v></c>'

    def _strings(self, values: np.ndarray) -> pa.Array:
        """Cells of distinct strings: an index into the shared table, each new string added in
        order, and past the table's cap the text itself, escaped by Arrow (a column of record
        numbers holds as many distinct strings as rows)."""
        texts = [str(value) for value in values]
        strings = self.strings
        indices = []
        for text in texts:
            index = strings.get(text)
            if index is None and len(strings) < SHARED_STRINGS_MAX:
                index = strings[text] = len(strings)
            indices.append(index)
        shared = pc.binary_join_element_wise(
            '<c t="s"><v>', pc.cast(pa.array(indices, type=pa.int64()), pa.string()), "</v></c>", ""
        )
        if not shared.null_count:
            return shared
        inline = pc.binary_join_element_wise(
            '<c t="inlineStr"><is><t xml:space="preserve">', _escaped(pa.array(texts, type=pa.string())),
            "</t></is></c>", "",
        )  # fmt: skip
        return pc.if_else(shared.is_null(), inline, shared)

    def cells(self, column: pd.Series) -> pa.Array:
        """A column as cell XML, one Arrow string a row. Each distinct value is formatted once
        (factorised), then taken by index in Arrow, so a column of 100,000 rows costs about as
        much as its distinct values and no Python string a row."""
        if pd.api.types.is_datetime64_any_dtype(column):
            return date_cells(column)
        if pd.api.types.is_float_dtype(column):
            # Amounts: nearly every value distinct, formatted by Arrow (shortest round trip).
            numbers = pa.array(column, from_pandas=True)
            whole = pc.and_(pc.equal(pc.floor(numbers), numbers), pc.less(pc.abs(numbers), 1e15))
            text = pc.if_else(
                pc.fill_null(whole, False), pc.cast(pc.cast(numbers, pa.int64(), safe=False), pa.string()),
                pc.cast(numbers, pa.string()),
            )  # fmt: skip
            xml = pc.binary_join_element_wise("<c><v>", text, "</v></c>", "")
            return pc.fill_null(xml, "<c/>")
        if pd.api.types.is_integer_dtype(column) and not isinstance(
            column.dtype, pd.CategoricalDtype
        ):
            # Whole numbers (line numbers, counts) are formatted by Arrow, not one by one.
            numbers = pa.array(column, from_pandas=True)
            xml = pc.binary_join_element_wise(
                "<c><v>", pc.cast(numbers, pa.string()), "</v></c>", ""
            )
            return pc.fill_null(xml, "<c/>")
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        if (
            len(self.strings) >= SHARED_STRINGS_MAX
            and len(uniques) > _MANY
            and isinstance(getattr(uniques, "array", uniques), pd.arrays.ArrowStringArray)
        ):
            uniques = getattr(uniques, "array", uniques)
            # The shared table is full and the column is mostly distinct text (record numbers):
            # written in their cells straight from Arrow, with no Python string for each.
            text = uniques._pa_array.combine_chunks().cast(pa.string())
            table = pc.binary_join_element_wise(
                '<c t="inlineStr"><is><t xml:space="preserve">', _escaped(text), "</t></is></c>", ""
            )
            codes = np.where(codes < 0, len(table), codes)
            table = pa.concat_arrays([table, pa.array(["<c/>"])])
            return table.take(pa.array(codes, type=pa.int64()))
        uniques = np.asarray(uniques, dtype=object)
        kind = pd.api.types.infer_dtype(uniques, skipna=True)
        if kind == "integer":
            table = [f"<c><v>{int(u)}</v></c>" for u in uniques]
        elif kind == "string":
            table = self._strings(uniques)
        else:
            table = [self._cell(u) for u in uniques]
        codes = np.where(codes < 0, len(table), codes)
        table = pa.concat_arrays([pa.array(table, type=pa.string()), pa.array(["<c/>"])])
        return table.take(pa.array(codes, type=pa.int64()))

    def _cell(self, value: object) -> str:
        if isinstance(value, (bool, np.bool_)):
            return self._string(YES if value else NO)
        if isinstance(value, (int, float, np.integer, np.floating)):
            number = float(value)
            return f"<c><v>{int(number) if number.is_integer() else repr(number)}</v></c>"
        if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
            return date_cells(pd.Series([pd.Timestamp(value)]))[0].as_py()
        return self._string(value)

    def constant(self, value: object, count: int) -> pa.Array:
        """One value in `count` cells (a figure's id beside each of its rows)."""
        cell = "<c/>" if value is None else self._cell(value)
        return pc.fill_null(pa.nulls(count, pa.string()), cell)

    def rows(self, frame: pd.DataFrame) -> pa.Array:
        """Row XML for a plain table."""
        return row_xml([self.cells(col.astype(object)) for _, col in frame.items()], len(frame))

    def add_sheet(self, name: str, header: list[str], rows: pa.Array, widths: list[float],
                  links: Sequence[tuple[str, str]] = ()) -> int:  # fmt: skip
        """A sheet: a bold frozen header with an autofilter over `rows` (row XML); returns the
        number of data rows."""
        self.add_sheet_stream(name, header, len(rows), [rows], widths, links)
        return len(rows)

    def add_sheet_stream(self, name: str, header: list[str], count: int,
                         chunks: Iterable[pa.Array], widths: list[float],
                         links: Sequence[tuple[str, str]] = ()) -> None:  # fmt: skip
        """A sheet of `count` rows whose row XML comes in `chunks`, made only while the file is
        written: a sheet of a million rows is never held whole. `links` are internal hyperlinks,
        (cell, place in the workbook) such as ("O2", "'台账'!A5"); style the cells with `styled`."""
        head = "".join(self._string(h).replace("<c ", f'<c s="{BOLD}" ', 1) for h in header)
        last = f"{column_letter(max(len(header), 1))}{count + 1}"
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
            for i, w in enumerate(widths[: len(header)], start=1)
        )
        start = "".join([
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}" '
            f'xmlns:r="{REL}"><dimension ref="A1:{last}"/><sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
            f"<row>{head}</row>",
        ])  # fmt: skip
        hyperlinks = "".join(
            f'<hyperlink ref="{ref}" location="{_attribute(place)}"/>' for ref, place in links
        )
        end = "".join([
            f'</sheetData><autoFilter ref="A1:{last}"/>',
            f"<hyperlinks>{hyperlinks}</hyperlinks>" if hyperlinks else "", "</worksheet>",
        ])  # fmt: skip
        self.sheets.append((name, (start, chunks, end), last))

    def _shared_strings(self) -> list[bytes | memoryview]:
        """sharedStrings.xml, its strings escaped by Arrow: a work paper at scale holds many."""
        head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        values = _escaped(pa.array(list(self.strings), type=pa.string()))
        items = pc.binary_join_element_wise('<si><t xml:space="preserve">', values, "</t></si>", "")
        return [f'{head}<sst xmlns="{MAIN}" uniqueCount="{len(self.strings)}">'.encode(),
                *_payload(items), b"</sst>"]  # fmt: skip

    def save(self, path: Path) -> None:
        stamp = self.moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        sheets = "".join(
            f'<sheet name="{_text(name)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, (name, _, _) in enumerate(self.sheets, start=1)
        )
        defined = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
            f"'{_text(name)}'!$A$1:{last}</definedName>"
            for i, (name, _, last) in enumerate(self.sheets)
        )
        workbook = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{MAIN}" '
            f'xmlns:r="{REL}"><bookViews><workbookView/></bookViews><sheets>{sheets}</sheets>'
            f"<definedNames>{defined}</definedNames></workbook>"
        )
        n = len(self.sheets)
        workbook_rels = "".join(
            f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        ) + (
            f'<Relationship Id="rId{n + 1}" Type="{REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{n + 2}" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        )
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            f'ContentType="{OFFICE}.spreadsheetml.worksheet+xml"/>'
            for i in range(1, n + 1)
        )
        head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        parts = {
            "[Content_Types].xml": (
                f'{head}<Types xmlns="{CT}"><Default Extension="rels" '
                f'ContentType="{OFFICE}.package.relationships+xml"/><Default Extension="xml" '
                'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
                f'ContentType="{OFFICE}.spreadsheetml.sheet.main+xml"/>{overrides}'
                f'<Override PartName="/xl/styles.xml" ContentType="{OFFICE}.spreadsheetml.styles+xml"/>'
                '<Override PartName="/xl/sharedStrings.xml" '
                f'ContentType="{OFFICE}.spreadsheetml.sharedStrings+xml"/>'
                '<Override PartName="/docProps/core.xml" '
                'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
                f'<Override PartName="/docProps/app.xml" ContentType="{OFFICE}.extended-properties+xml"/>'
                "</Types>"
            ),
            "_rels/.rels": (
                f'{head}<Relationships xmlns="{PKG}"><Relationship Id="rId1" '
                f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" '
                'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
                'core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" '
                f'Type="{REL}/extended-properties" Target="docProps/app.xml"/></Relationships>'
            ),
            "docProps/core.xml": (
                f"{head}<cp:coreProperties "
                'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
                'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                f"<dc:title>{_text(self.title)}</dc:title><dc:creator>rule-of-law-report</dc:creator>"
                f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
                f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
                "</cp:coreProperties>"
            ),
            "docProps/app.xml": (
                f"{head}<Properties xmlns="
                '"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
                "<Application>rule-of-law-report</Application></Properties>"
            ),
            "xl/workbook.xml": workbook,
            "xl/_rels/workbook.xml.rels": f'{head}<Relationships xmlns="{PKG}">{workbook_rels}</Relationships>',
            # Styles 0 plain, 1 bold (BOLD), 2 a date as 2021-03-05 (DATE), 3 a link (LINK).
            "xl/styles.xml": (
                f'{head}<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" '
                'formatCode="yyyy-mm-dd"/></numFmts><fonts count="3"><font><sz val="11"/>'
                '<name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font>'
                '<font><u/><sz val="11"/><color rgb="FF0563C1"/><name val="Calibri"/></font>'
                '</fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill>'
                '<patternFill patternType="gray125"/></fill></fills><borders count="1"><border>'
                "<left/><right/><top/><bottom/><diagonal/></border></borders>"
                '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
                '</cellStyleXfs><cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" '
                'borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" '
                'xfId="0" applyFont="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" '
                'xfId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="2" fillId="0" '
                'borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1">'
                '<cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
            ),
        }
        date_time = self.moment.timetuple()[:6]

        def entry(name: str, level: int = 6) -> zipfile.ZipInfo:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info._compresslevel = level  # what ZipFile.open(info, "w") compresses with
            return info

        with zipfile.ZipFile(
            path, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=6
        ) as archive:
            for name, text in parts.items():
                archive.writestr(entry(name), text.encode("utf-8"), compresslevel=6)
            # Sheets are written as their rows are made; the strings they share come last. A
            # thread compresses what the main one has made meanwhile (zlib lets go of the GIL).
            for i, (_, (start, chunks, end), _) in enumerate(self.sheets, start=1):
                with archive.open(
                    entry(f"xl/worksheets/sheet{i}.xml", SHEET_LEVEL), "w", force_zip64=True
                ) as out:
                    with _writer(out) as write:
                        write(start.encode("utf-8"))
                        for rows in chunks:
                            for piece in _payload(rows):
                                write(piece)
                        write(end.encode("utf-8"))
            with archive.open(entry("xl/sharedStrings.xml"), "w", force_zip64=True) as out:
                for piece in self._shared_strings():
                    out.write(piece)


def date_cells(column: pd.Series) -> pa.Array:
    """Dates as Excel date cells: the day number in the 1900 date system with a date format, so
    that Excel sorts them and offers its date filter (text dates offer neither)."""
    values = column.to_numpy(dtype="datetime64[ns]")
    missing = np.isnat(values)
    days = (values - EXCEL_EPOCH) / np.timedelta64(1, "D")
    numbers = pa.array(np.where(missing, 0.0, days), mask=missing)
    if np.all(np.mod(days[~missing], 1) == 0):
        numbers = pc.cast(numbers, pa.int64())
    xml = pc.binary_join_element_wise(
        f'<c s="{DATE}"><v>', pc.cast(numbers, pa.string()), "</v></c>", ""
    )
    return pc.fill_null(xml, "<c/>")


def styled(cells: pa.Array, style: int) -> pa.Array:
    """Cells given a style of styles.xml (LINK for a hyperlink's cell)."""
    return pc.replace_substring(cells, "<c", f'<c s="{style}"', max_replacements=1)


def _attribute(value: str) -> str:
    return _text(value).replace('"', "&quot;")


def _escaped(values: pa.Array) -> pa.Array:
    """Text as XML character data, as `_text` makes it, for a whole array at once."""
    # Characters XML 1.0 forbids are dropped rather than written as a broken file.
    values = pc.replace_substring_regex(values, "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f]", "")
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        values = pc.replace_substring(values, char, entity)
    return values


def row_xml(columns: list[pa.Array], count: int) -> pa.Array:
    """Rows of cell XML, joined column by column in Arrow: <row>…</row> each."""
    if not columns:
        return pa.array(["<row></row>"] * count, type=pa.string())
    return pc.binary_join_element_wise("<row>", *columns, "</row>", "")


def _payload(rows: pa.Array) -> list[memoryview]:
    """The UTF-8 bytes of an Arrow string array's values, end to end, without copying."""
    if not len(rows):
        return []
    offsets_buffer, data_buffer = rows.buffers()[1:3]
    width = 8 if rows.type == pa.large_string() else 4
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64 if width == 8 else np.int32)
    first, last = int(offsets[rows.offset]), int(offsets[rows.offset + len(rows)])
    return [memoryview(data_buffer)[first:last]] if data_buffer is not None else []


@contextlib.contextmanager
def _writer(out) -> Iterator[Callable[[bytes | memoryview], None]]:
    """`write` that hands pieces to a thread writing (and so compressing) them in order."""
    pending: queue.Queue = queue.Queue(maxsize=4)
    failure: list[BaseException] = []

    def drain() -> None:
        while (piece := pending.get()) is not None:
            if not failure:
                try:
                    out.write(piece)
                except BaseException as error:  # reported in the main thread
                    failure.append(error)

    thread = threading.Thread(target=drain, daemon=True)
    thread.start()

    def write(piece: bytes | memoryview) -> None:
        if failure:
            raise failure[0]
        pending.put(piece)

    try:
        yield write
    finally:
        pending.put(None)
        thread.join()
    if failure:
        raise failure[0]

"""CSV and XLSX of a statistics table: Vietnamese headers, the active filters in the file
name and in a last line, suppressed cells written as “< 3”."""

import csv
import datetime
import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .forms import Filters
from .tables import SUPPRESSION_NOTE, Suppressed, Table


def _cell(value, kind: str):
    if value is None:
        return ""
    if isinstance(value, Suppressed):
        return str(value)
    if kind == "percent" or isinstance(value, Decimal):
        return float(value) if kind in ("percent", "decimal") else int(value)
    return value


def _filters_line(f: Filters) -> str:
    parts = [_("Kỳ: %(first)s – %(last)s") % {"first": f"{f.first:%d/%m/%Y}", "last": f"{f.last:%d/%m/%Y}"}]
    parts.append(_("Địa bàn: %(area)s") % {"area": f.area.label})
    if f.market:
        parts.append(_("Chợ: %(name)s") % {"name": f.market.name})
    if f.cooperative:
        parts.append(_("Hợp tác xã: %(name)s") % {"name": f.cooperative.name})
    return "; ".join(parts)


def filename(table: Table, f: Filters, extension: str) -> str:
    return f"choso-{table.key}-{f.slug()}.{extension}"


def table_csv(table: Table, f: Filters) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(c.label) for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_text(row.get(c.key), c.kind) for c in table.columns])
    writer.writerow([])
    writer.writerow([_filters_line(f)])
    if table.has_suppressed:
        writer.writerow([str(SUPPRESSION_NOTE)])
    # A byte-order mark, so that Excel opens the Vietnamese text as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_text(value, kind: str) -> str:
    value = _cell(value, kind)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(_text(value))


def _sheet_title(title: str) -> str:
    """Excel refuses \\ / ? * [ ] : in sheet names and more than 31 characters."""
    return "".join("-" if ch in "\\/?*[]:" else ch for ch in title)[:31]


def _text(value):
    """Text that a spreadsheet would run as a formula (=, +, -, @) is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def table_xlsx(table: Table, f: Filters) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(str(table.title)))
    bold = Font(bold=True)
    header = []
    for column in table.columns:
        cell = WriteOnlyCell(sheet, value=str(column.label))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in table.rows:
        cells = []
        for column in table.columns:
            cell = WriteOnlyCell(sheet, value=_text(_cell(row.get(column.key), column.kind)))
            if column.kind == "date":
                cell.number_format = "DD/MM/YYYY"
            elif column.kind == "money":
                cell.number_format = "#,##0"
            elif column.kind in ("percent", "decimal"):
                cell.number_format = "0.0"
            cells.append(cell)
        sheet.append(cells)
    sheet.append([])
    sheet.append([_filters_line(f)])
    if table.has_suppressed:
        sheet.append([str(SUPPRESSION_NOTE)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

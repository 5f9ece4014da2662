"""A report table as CSV, XLSX (openpyxl, with a native bar chart) and PDF (ReportLab, with its
own bar chart): well-kept libraries, no browser or plotting stack needed."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from maitred.analytics.report_tables import ReportTable

FORMATS = ("csv", "xlsx", "pdf")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
_UNSAFE = re.compile(r"^[=+\-@\t\r]")  # spreadsheet formula injection (OWASP CSV injection)


def _cell(value: str | int | float) -> str | int | float:
    """Text a spreadsheet would run as a formula is quoted so it stays text."""
    if isinstance(value, str) and _UNSAFE.match(value):
        return "'" + value
    return value


def to_csv(table: ReportTable) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_cell(table.title)])
    writer.writerow(["Period", table.period])
    for label, value in table.headline:
        writer.writerow([label, value])
    writer.writerow([])
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_cell(value) for value in row])
    return out.getvalue().encode("utf-8")


def to_xlsx(table: ReportTable) -> bytes:
    book = Workbook()
    sheet = book.create_sheet("Report", 0)
    book.remove(book.worksheets[1])  # the empty sheet every new workbook has
    sheet.append([_cell(table.title)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["Period", table.period])
    for label, value in table.headline:
        sheet.append([label, value])
    sheet.append([])
    header_row = sheet.max_row + 1
    sheet.append(table.columns)
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([_cell(value) for value in row])
    if table.chart:
        data = book.create_sheet("Chart data")
        data.append(["Label", table.chart_label])
        for label, value in table.chart:
            data.append([_cell(label), value])
        chart = BarChart()
        chart.title = table.chart_label
        chart.add_data(
            Reference(data, min_col=2, min_row=1, max_row=len(table.chart) + 1),
            titles_from_data=True,
        )
        chart.set_categories(Reference(data, min_col=1, min_row=2, max_row=len(table.chart) + 1))
        sheet.add_chart(chart, f"{chr(ord('A') + len(table.columns) + 1)}{header_row}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _chart(table: ReportTable) -> Drawing:
    drawing = Drawing(170 * mm, 70 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y = int(10 * mm), int(12 * mm)
    chart.width, chart.height = int(150 * mm), int(50 * mm)
    chart.data = [[value for _, value in table.chart]]
    chart.categoryAxis.categoryNames = [label[-5:] for label, _ in table.chart]
    chart.categoryAxis.labels.angle = 45 if len(table.chart) > 8 else 0
    chart.categoryAxis.labels.fontSize = 6
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = colors.HexColor("#b5452b")
    drawing.add(chart)
    return drawing


def to_pdf(table: ReportTable) -> bytes:
    out = io.BytesIO()
    styles = getSampleStyleSheet()
    story: list[Flowable] = [
        Paragraph(table.title, styles["Title"]),
        Paragraph(table.period, styles["Normal"]),
        Spacer(1, 4 * mm),
        Table([[label, str(value)] for label, value in table.headline]),
        Spacer(1, 6 * mm),
    ]
    if table.chart:
        story += [Paragraph(table.chart_label, styles["Heading3"]), _chart(table)]
    grid = Table([table.columns, *[[str(v) for v in row] for row in table.rows]], repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
            ]
        )
    )
    story.append(grid)
    SimpleDocTemplate(out, pagesize=A4, title=table.title).build(story)
    return out.getvalue()


RENDERERS: dict[str, Callable[[ReportTable], bytes]] = {
    "csv": to_csv,
    "xlsx": to_xlsx,
    "pdf": to_pdf,
}

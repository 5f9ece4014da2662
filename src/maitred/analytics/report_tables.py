"""A figure's answer laid out as a report: a title, a few headline lines, one table and the
series a chart draws. The file formats (report_files.py) only render this."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

FIGURES = ("bookings", "revenue", "customers", "funnel")
TITLES = {
    "bookings": "Bookings",
    "revenue": "Revenue",
    "customers": "Customers",
    "funnel": "Sales funnel",
}

Cell = str | int | float


@dataclass(frozen=True)
class ReportTable:
    title: str
    period: str
    headline: list[tuple[str, Cell]]
    columns: list[str]
    rows: list[list[Cell]]
    chart_label: str = ""
    chart: list[tuple[str, float]] = field(default_factory=list)


def _money(value: Any) -> float:
    return round(float(value), 2)


def _bookings(answer: dict[str, Any]) -> ReportTable:
    rows: list[list[Cell]] = [
        [str(p["period"]), p["bookings"], p["confirmed"], p["cancelled"], _money(p["revenue"])]
        for p in answer["series"]
    ]
    return ReportTable(
        title="",
        period="",
        headline=[
            ("Bookings", answer["total_bookings"]),
            ("Confirmed or completed", answer["confirmed_bookings"]),
            ("Cancelled", answer["cancelled_bookings"]),
            (f"Revenue ({answer['currency']})", _money(answer["total_revenue"])),
            ("Average booking value", _money(answer["average_booking_value"])),
            ("Average party size", answer["average_party_size"]),
        ],
        columns=["Period", "Bookings", "Confirmed", "Cancelled", "Revenue"],
        rows=rows,
        chart_label="Bookings",
        chart=[(str(row[0]), float(row[1])) for row in rows],
    )


def _revenue(answer: dict[str, Any]) -> ReportTable:
    recognised, collected = answer["recognised"], answer["collected"]
    rows: list[list[Cell]] = [[str(p["period"]), _money(p["amount"])] for p in recognised["series"]]
    return ReportTable(
        title="",
        period="",
        headline=[
            (f"Revenue recognised ({answer['currency']})", _money(recognised["total"])),
            ("Change from the period before (%)", recognised["change_percent"] or 0.0),
            ("Cash collected", _money(collected["gross"])),
            ("Refunded", _money(collected["refunded"])),
            ("Net collected", _money(collected["net"])),
            ("Balances due", _money(answer["balances_due"])),
        ],
        columns=["Period", "Revenue recognised"],
        rows=rows,
        chart_label="Revenue recognised",
        chart=[(str(row[0]), float(row[1])) for row in rows],
    )


def _customers(answer: dict[str, Any]) -> ReportTable:
    rows: list[list[Cell]] = [
        [c["name"], c["bookings"], _money(c["revenue"])] for c in answer["top_customers"]
    ]
    return ReportTable(
        title="",
        period="",
        headline=[
            ("New customers", answer["new"]),
            ("Returning customers", answer["returning"]),
            ("Active customers", answer["active"]),
            ("Repeat rate", answer["repeat_rate"]),
        ],
        columns=["Customer", "Bookings", "Revenue"],
        rows=rows,
        chart_label="Revenue by customer",
        chart=[(str(row[0]), float(row[2])) for row in rows],
    )


def _funnel(answer: dict[str, Any]) -> ReportTable:
    rows: list[list[Cell]] = [
        [
            s["source"],
            s["leads"],
            s["contacted"],
            s["quoted"],
            s["won"],
            s["booked"],
            s["lost"],
            s["conversion_rate"],
        ]
        for s in answer["by_source"]
    ]
    return ReportTable(
        title="",
        period="",
        headline=[
            ("Leads", answer["leads"]),
            ("Booked", answer["booked"]),
            ("Lost", answer["lost"]),
            ("Conversion rate", answer["conversion_rate"]),
        ],
        columns=["Source", "Leads", "Contacted", "Quoted", "Won", "Booked", "Lost", "Conversion"],
        rows=rows,
        chart_label="Leads by stage",
        chart=[(s["stage"], float(s["count"])) for s in answer["stages"]],
    )


_LAYOUTS = {"bookings": _bookings, "revenue": _revenue, "customers": _customers, "funnel": _funnel}


def table_of(figure: str, name: str, answer: dict[str, Any]) -> ReportTable:
    return replace(
        _LAYOUTS[figure](answer),
        title=f"{name}: {TITLES[figure]}",
        period=f"{answer['period']['from']} to {answer['period']['to']}",
    )

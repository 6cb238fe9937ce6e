"""What each open dataset is, for the page (decision 111): what it holds, how often it changes, its
files, and its data dictionary (every column: name, type, meaning) in the screen's language. The
columns are the reads' own (`appeals.reads.open_data`, `regional.open_data`); a test holds the
dictionary to them."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from appeals.reads.open_data import APPEAL_COLUMNS, CATEGORY_COLUMNS, FIGURE_COLUMNS, ORGANISATION_COLUMNS
from regional.open_data import COLUMNS as REGION_COLUMNS

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"

TEXT = _("text")
WHOLE = _("whole number")
MOMENT = _("date and time, ISO 8601, Almaty time (UTC+5)")
FLAG = _("true or false")
DEGREES = _("number, degrees (WGS 84)")
PERCENT = _("number, per cent to one decimal")


@dataclass(frozen=True)
class Column:
    name: str
    kind: Promise
    meaning: Promise


@dataclass(frozen=True)
class File:
    name: str  # e.g. "appeals.csv"
    format: str  # CSV, JSON, GeoJSON
    monthly: bool  # takes ?month=


@dataclass(frozen=True)
class Dataset:
    key: str
    title: Promise
    holds: Promise
    changes: Promise
    files: tuple[File, ...]
    tables: tuple[tuple[Promise | None, tuple[Column, ...]], ...]  # (a table's title, its columns)

    @property
    def monthly(self) -> bool:
        return any(file.monthly for file in self.files)


_ANSWERED_AND_AFTER = (
    Column("deadline", MOMENT, _("The deadline the topic's rule set; empty while it has none.")),
    Column(
        "answered", FLAG, _("Answered: done, not done or refused with reasons, as the dashboard counts it.")
    ),
    Column("answered_at", MOMENT, _("When it was answered; empty when it was not.")),
    Column("answered_on_time", FLAG, _("Answered by the deadline; empty when it was not answered.")),
    Column("closed_at", MOMENT, _("When it was closed after the call to the citizen; empty until then.")),
    Column("overdue_now", FLAG, _("Being worked past its deadline when the file was made.")),
    Column(
        "repeat_count",
        WHOLE,
        _("How many later calls about the same problem an operator linked to it as repeats (not rows here)."),
    ),
)
_STATUS = Column(
    "status",
    TEXT,
    _(
        "Where it stands: received, registered, assigned, in_progress, reopened (being worked); "
        "done, not_done, rejected (answered); citizen_informed, closed."
    ),
)
_TOPIC = (
    Column("category_code", TEXT, _("The topic's code (the catalogue); empty until an operator chose it.")),
    Column("category_name_kk", TEXT, _("The topic's name in Kazakh.")),
    Column("category_name_ru", TEXT, _("The topic's name in Russian.")),
)
_RECEIVED = Column("received_at", MOMENT, _("When the 109 line received it."))

APPEAL_DICTIONARY = (
    Column("number", WHOLE, _("The appeal's number at the akimat.")),
    _RECEIVED,
    *_TOPIC,
    _STATUS,
    Column(
        "organisation_code",
        TEXT,
        _("The code of the organisation responsible (the catalogue); empty until one is."),
    ),
    Column("organisation_name_kk", TEXT, _("The organisation's name in Kazakh.")),
    Column("organisation_name_ru", TEXT, _("The organisation's name in Russian.")),
    Column(
        "address",
        TEXT,
        _("The building it is about, without a flat or an office; empty until an operator registered it."),
    ),
    Column(
        "longitude",
        DEGREES,
        _("Longitude of the place to 0.001° (a block, not a door); empty with the address."),
    ),
    Column(
        "latitude",
        DEGREES,
        _("Latitude of the place to 0.001° (a block, not a door); empty with the address."),
    ),
    *_ANSWERED_AND_AFTER,
)
CATEGORY_DICTIONARY = (
    Column("code", TEXT, _("The topic's code.")),
    Column("parent", TEXT, _("The code of its group; empty for a group.")),
    Column("name_kk", TEXT, _("The topic's name in Kazakh.")),
    Column("name_ru", TEXT, _("The topic's name in Russian.")),
    Column(
        "sla_calendar",
        TEXT,
        _(
            "How its deadline is counted: round_the_clock (every hour) or working_days (working hours, "
            "09:00-18:00 on working days)."
        ),
    ),
    Column("sla_hours", WHOLE, _("Hours to answer, counted as sla_calendar says.")),
    Column("emergency", FLAG, _("An emergency: forwarded to 112, never in the appeals' files.")),
    Column("active", FLAG, _("Offered for new appeals.")),
)
ORGANISATION_DICTIONARY = (
    Column("code", TEXT, _("The organisation's code.")),
    Column("kind", TEXT, _("Its kind: utility, management_company, akimat_department, contractor, other.")),
    Column("name_kk", TEXT, _("The organisation's name in Kazakh.")),
    Column("name_ru", TEXT, _("The organisation's name in Russian.")),
    Column("active", FLAG, _("Given new appeals.")),
)
FIGURE_DICTIONARY = (
    Column("kind", TEXT, _("The row: total, category or organisation.")),
    Column(
        "code",
        TEXT,
        _("The topic's or organisation's code; empty for the total and for appeals without one."),
    ),
    Column("name_kk", TEXT, _("Its name in Kazakh.")),
    Column("name_ru", TEXT, _("Its name in Russian.")),
    Column("received", WHOLE, _("Appeals received in the month (not those handed to another akimat).")),
    Column("repeats", WHOLE, _("Repeats among the received.")),
    Column("answered", WHOLE, _("Appeals answered in the month.")),
    Column("answered_on_time", WHOLE, _("Of these, answered by the deadline.")),
    Column(
        "answered_on_time_percent", PERCENT, _("Answered on time, per cent of the answered; empty when none.")
    ),
    Column("closed", WHOLE, _("Appeals closed in the month.")),
)
REGION_DICTIONARY = (
    Column("akimat", TEXT, _("The akimat's code: the first word of its site's address.")),
    Column("akimat_name_kk", TEXT, _("The akimat's name in Kazakh.")),
    Column("akimat_name_ru", TEXT, _("The akimat's name in Russian.")),
    Column("number", WHOLE, _("The appeal's number at the akimat.")),
    _RECEIVED,
    *_TOPIC,
    _STATUS,
    *_ANSWERED_AND_AFTER,
)

MONTHLY_CHANGES = _(
    "Continuously: an appeal's status changes until it is closed. A file of the current month may be "
    "5 minutes old, of an earlier month an hour."
)

APPEALS = Dataset(
    "appeals",
    _("Appeals of a month"),
    _(
        "One row per appeal received in the month, as the public may see it: topic, status, organisation "
        "responsible, place and timings. Never who sent it, their words, or an emergency. Repeats linked "
        "to an appeal and cancelled appeals are not rows, so there are fewer rows than the figures' received."
    ),
    MONTHLY_CHANGES,
    (
        File("appeals.csv", "CSV", True),
        File("appeals.json", "JSON", True),
        File("appeals.geojson", "GeoJSON", True),
    ),
    ((None, APPEAL_DICTIONARY),),
)
CATALOGUE = Dataset(
    "catalogue",
    _("Catalogue"),
    _("The topics of appeals with their deadlines, and the organisations responsible."),
    _("When the akimat edits its catalogue; a file may be an hour old."),
    (
        File("categories.csv", "CSV", False),
        File("organisations.csv", "CSV", False),
        File("catalogue.json", "JSON", False),
    ),
    (
        (_("Topics (categories.csv)"), CATEGORY_DICTIONARY),
        (_("Organisations (organisations.csv)"), ORGANISATION_DICTIONARY),
    ),
)
FIGURES = Dataset(
    "figures",
    _("Figures of a month"),
    _(
        "The month's figures of the 109 line as the dashboard counts them: in total, by topic and by "
        "organisation responsible."
    ),
    MONTHLY_CHANGES,
    (File("figures.csv", "CSV", True), File("figures.json", "JSON", True)),
    ((None, FIGURE_DICTIONARY),),
)
AKIMAT_DATASETS = (APPEALS, CATALOGUE, FIGURES)
REGION_APPEALS = Dataset(
    "appeals",
    _("Appeals of a month in the region"),
    _(
        "One row per appeal received in the month at any akimat of the region, as the public may see it, "
        "from the region's consolidated data: no address, place or organisation. An appeal is listed here "
        "once an operator registered it (before, it may still be an emergency waiting to go to 112); the "
        "akimat's own file lists it from the start."
    ),
    MONTHLY_CHANGES,
    (File("appeals.csv", "CSV", True), File("appeals.json", "JSON", True)),
    ((None, REGION_DICTIONARY),),
)

# What each column list is described by (a test checks names and order).
DESCRIBED = {
    APPEAL_COLUMNS: APPEAL_DICTIONARY,
    CATEGORY_COLUMNS: CATEGORY_DICTIONARY,
    ORGANISATION_COLUMNS: ORGANISATION_DICTIONARY,
    FIGURE_COLUMNS: FIGURE_DICTIONARY,
    REGION_COLUMNS: REGION_DICTIONARY,
}

"""CSV and XLSX of the dashboard's figures and of the list behind a figure: the same numbers as the
page, headers in the screen's language, applicants' data only for roles that see it."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from tests.appeals.conftest import intake
from tests.consoles.dashboard.conftest import person
from tests.consoles.dashboard.known import Known


def csv_rows(answer) -> list[list[str]]:
    text = answer.content.decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheet programs read the Cyrillic right
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_figures_as_csv(known: Known):
    answer = person("akim", "ru").get("/console/dashboard/export.csv")
    assert answer.status_code == 200 and answer["Content-Type"] == "text/csv; charset=utf-8"
    assert answer["Content-Disposition"].startswith('attachment; filename="dashboard-')
    rows = csv_rows(answer)
    assert rows[0] == ["Итого"]
    header, total = rows[1], rows[2]
    assert header[:4] == ["Обращения", "Поступило", "Повторные, %", "Отвечено"]
    figures = dict(zip(header, total, strict=True))
    late, on_time = "С опозданием", "В срок, %"
    assert (figures["Поступило"], figures["Отвечено"], figures[late], figures["Закрыто"]) == (
        "5",
        "2",
        "1",
        "1",
    )
    assert (figures[on_time], figures["Повторные, %"], figures["Просрочено сейчас"]) == (
        "50.0",
        "20.0",
        "1",
    )
    sections = [row[0] for index, row in enumerate(rows) if index and not rows[index - 1]]
    assert sections == ["По организациям", "По категориям", "По ответственным", "Динамика"]
    heating = next(row for row in rows if row and row[0] == "Отопление")
    assert heating[2] == "5"
    assert known.overdue.applicant_phone not in answer.content.decode()


def test_the_figures_as_xlsx_in_kazakh(known: Known):
    answer = person("analyst", "kk").get("/console/dashboard/export.xlsx")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(answer.content), read_only=True)
    assert book.sheetnames == [
        "Барлығы",
        "Ұйымдар бойынша",
        "Санаттар бойынша",
        "Жауапты тұлғалар бойынша",
        "Уақыт қатары",
    ]
    header, total = list(book["Барлығы"].iter_rows(values_only=True))
    figures = dict(zip(header, total, strict=True))
    assert figures["Қабылданды"] == 5 and figures["Мерзімінде, %"] == 50.0 and figures["Қазір ашық"] == 2
    series = list(book["Уақыт қатары"].iter_rows(values_only=True))
    assert series[0][:3] == ("Кезең басы", "Кезең соңы", "Қабылданды")
    assert len(series) == 31 and sum(row[2] for row in series[1:]) == 5


def test_the_list_behind_a_figure_without_personal_data_for_an_akim(known: Known):
    answer = person("akim").get("/console/dashboard/appeals.csv?figure=open_now")
    rows = csv_rows(answer)
    assert rows[0][:3] == ["№", "Поступило", "Статус"] and "Телефон" not in rows[0]
    assert {int(row[0]) for row in rows[1:]} == {known.overdue.number, known.due_soon.number}
    overdue = next(row for row in rows[1:] if int(row[0]) == known.overdue.number)
    assert overdue[rows[0].index("Просроченные")] == "да"
    text = answer.content.decode()
    assert known.overdue.applicant_phone not in text and known.overdue.applicant_name not in text


def test_the_list_with_applicants_for_a_supervisor_as_xlsx(known: Known):
    answer = person("supervisor").get("/console/dashboard/appeals.xlsx?figure=answered")
    book = load_workbook(io.BytesIO(answer.content), read_only=True)
    header, *rows = list(book["Обращения"].iter_rows(values_only=True))
    assert header[-2:] == ("ФИО", "Телефон")
    assert {row[0] for row in rows} == {known.closed_on_time.number, known.done_late.number}
    late = next(row for row in rows if row[0] == known.done_late.number)
    assert late[header.index("В срок")] == "нет"


def test_a_name_written_as_a_formula_stays_text_in_the_list(city):
    appeal = intake(phone="+77057770022", applicant_name='=HYPERLINK("http://evil.example","x")')
    rows = csv_rows(person("supervisor").get("/console/dashboard/appeals.csv?figure=open_now"))
    row = next(row for row in rows[1:] if row[0] == str(appeal.number))
    assert row[rows[0].index("ФИО")] == '\'=HYPERLINK("http://evil.example","x")'
    assert row[rows[0].index("Телефон")] == "+77057770022"


def test_an_export_with_wrong_filters_says_why(city):
    answer = person("akim", "kk").get("/console/dashboard/export.csv?start=2026-03-10&end=2026-03-01")
    assert answer.status_code == 400 and "Басы соңынан кейін" in answer.content.decode()
    assert "Начало" not in answer.content.decode()

"""The dashboard's XLSX writer: what it writes reads back in openpyxl as the same sheets, values and
types, whatever the text holds."""

from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook

from consoles.dashboard.xlsx import column_letters, workbook


def test_sheets_read_back_with_their_titles_texts_and_numbers():
    wide = [f"c{n}" for n in range(30)]  # past Z: AA, AB…
    data = workbook(
        [
            ("Барлығы", [["Өтініштер", "Қабылданды", "Мерзімінде, %"], ["Барлық өтініштер", 5, 50.0]]),
            ("Обращения", [["№", "Адрес"], [7, 'ул. "Мира" <5> & Co'], [8, None, "", "бос емес"], wide]),
        ]
    )
    for read_only in (True, False):
        book = load_workbook(io.BytesIO(data), read_only=read_only)
        assert book.sheetnames == ["Барлығы", "Обращения"]
        total = list(book["Барлығы"].iter_rows(values_only=True))
        assert total == [("Өтініштер", "Қабылданды", "Мерзімінде, %"), ("Барлық өтініштер", 5, 50.0)]
        assert isinstance(total[1][1], int) and isinstance(total[1][2], float)
        rows = list(book["Обращения"].iter_rows(values_only=True))
        assert rows[1][:2] == (7, 'ул. "Мира" <5> & Co')
        assert rows[2][:4] == (8, None, None, "бос емес")  # empty cells stay empty, the rest in place
        assert rows[3][:30] == tuple(wide)


def test_text_keeps_its_spaces_and_loses_what_xml_cannot_hold():
    data = workbook([("A", [["  два пробела ", "bell\x07 and\ttab"]])])
    values = next(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert values == ("  два пробела ", "bell and\ttab")


def test_the_package_has_the_parts_a_spreadsheet_program_looks_for():
    names = set(zipfile.ZipFile(io.BytesIO(workbook([("A", [[1]]), ("B", [])]))).namelist())
    assert names == {
        "[Content_Types].xml",
        "_rels/.rels",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/styles.xml",
        "xl/worksheets/sheet1.xml",
        "xl/worksheets/sheet2.xml",
    }


def test_column_letters():
    assert [column_letters(n) for n in (0, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA",
    ]  # fmt: skip

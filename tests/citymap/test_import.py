"""Importing a city's objects: every row checked, rejected rows reported with their reasons and
nothing written half-way, a re-import updating by external id, CSV with WKT or lon/lat."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from citymap.errors import CityMapError
from citymap.imports.service import import_city_objects
from citymap.models import MapObject, ServiceLink, Street
from tests.citymap.city import building, city_features, feature, geojson, line, offset, point
from tests.citymap.conftest import ANALYST, OPERATOR, SUPERVISOR


def reasons(report):
    return {(row.number, problem.field, problem.code) for row in report.rejected for problem in row.problems}


def test_a_city_imports_with_its_network_and_measures(city):
    assert MapObject.objects.filter(kind="building").count() == 40
    abaya = city["building:abaya-12а"]
    assert (abaya.house, abaya.house_number) == ("12а", 12)
    assert abaya.address_ru == "ул. Абая, 12а" and abaya.address_kk == "Абай көшесі, 12а"
    assert (abaya.apartments, abaya.floors, abaya.year_built) == (60, 5, 1975)
    assert abaya.management_company.code == "osi-test"
    assert Street.objects.count() == 4
    yard = city["yard:yard-abaya-1"]
    assert yard.area_m2 == pytest.approx(1600, rel=0.02)  # a 40 m square, measured on the sphere
    pipe = city["pipe:T-2-1"]
    assert pipe.length_m == pytest.approx(200 + (100**2 + 150**2) ** 0.5, rel=0.02)
    boiler = city["boiler_house:K-2"]
    assert boiler.person.full_name == "Серик Жакупов"
    assert boiler.properties == {"power_mw": 12}
    assert ServiceLink.objects.filter(supplier=boiler, consumer=pipe).exists()
    assert ServiceLink.objects.filter(supplier=pipe).count() == 6


def test_bad_rows_are_each_reported_and_nothing_is_imported(organisations):
    features = [
        building("abaya", "1"),  # good
        building("abaya", "2", organisation="no-such-org"),  # unknown organisation
        building("abaya", "5", street_ru=""),  # required field missing
        feature(point(0, 0), kind="building", external_id="far", street_ru="ул. Мира", street_kk="Мир көшесі",
                house="1", organisation="osi-test") | {"geometry": {"type": "Point", "coordinates": [71.4, 51.1]}},
        feature({"type": "Polygon", "coordinates": [[list(offset(0, 0)), list(offset(10, 10)),
                 list(offset(10, 0)), list(offset(0, 10)), list(offset(0, 0))]]},
                kind="yard", external_id="bowtie", name_ru="Двор", organisation="osi-test"),  # self-crossing
        feature(point(5, 5), kind="pipe", external_id="P-1", name_ru="Труба", organisation="heat-network"),
        building("abaya", "11", floors="пять"),
        building("abaya", "1"),  # the same external id again
        feature(point(5, 5), kind="fountain", external_id="F-1", name_ru="Фонтан", organisation="osi-test"),
        feature(line((0, 0), (10, 0)), kind="cable", external_id="C-1", name_ru="Кабель",
                organisation="power-grid", serves=["building:nowhere"]),
        feature(point(0, 0), kind="well", external_id="W-1", name_ru="Колодец", organisation="heat-network",
                person="Нет Такого"),
    ]  # fmt: skip
    report = import_city_objects(SUPERVISOR, geojson(features), filename="bad.geojson")
    assert not report.imported and report.rows == 11
    assert reasons(report) == {
        (2, "organisation", "unknown_organisation"),
        (3, "street_ru", "required"),
        (4, "geometry", "outside_boundary"),
        (5, "geometry", "geometry_not_valid"),
        (6, "geometry", "wrong_geometry_type"),
        (7, "floors", "not_a_number"),
        (8, "external_id", "duplicate_in_file"),
        (9, "kind", "unknown_kind"),
        (10, "serves", "unknown_reference"),
        (11, "person", "unknown_person"),
    }
    assert MapObject.objects.count() == 0 and Street.objects.count() == 0
    rejected = {row.number: row for row in report.rejected}
    assert rejected[8].external_id == "abaya-1"
    with translation.override("ru"):
        assert rejected[2].problems[0].text == (
            "Неизвестная организация no-such-org в поле organisation: сначала добавьте её на странице настроек."
        )
        assert "(строки 1 и 8)" in rejected[8].problems[0].text
    with translation.override("kk"):
        assert rejected[2].problems[0].text.startswith("organisation өрісіндегі no-such-org ұйымы белгісіз")


def test_a_reimport_updates_by_external_id_and_never_duplicates(city):
    before = MapObject.objects.count()
    abaya = city["building:abaya-12а"]
    moved = building("abaya", "12а", floors=9, apartments=144, street_kk="Абай к-сі", street_ru="улица Абая")
    moved["geometry"] = point(10, 10)
    new = building("abaya", "99")
    pipe = next(f for f in city_features() if f["properties"]["external_id"] == "T-2-1")
    pipe["properties"]["serves"] = ["abaya-1"]
    report = import_city_objects(SUPERVISOR, geojson([moved, new, pipe]), filename="again.geojson")
    assert report.imported and (report.created, report.updated) == (1, 2)
    assert MapObject.objects.count() == before + 1
    abaya.refresh_from_db()
    assert (abaya.floors, abaya.apartments) == (9, 144)
    assert abaya.point.coords == pytest.approx(offset(10, 10))
    assert abaya.address_ru == "улица Абая, 12а"
    # "ул. Абая" and "улица Абая" are one street: it is renamed, not doubled ("пер. Абая" would be another).
    assert list(Street.objects.filter(name_ru__contains="Абая").values_list("key", flat=True)) == ["ул абая"]
    # The pipe now serves exactly what the file says; the boiler house's own link is untouched.
    assert list(
        ServiceLink.objects.filter(supplier=city["pipe:T-2-1"]).values_list(
            "consumer__external_id", flat=True
        )
    ) == ["abaya-1"]
    assert ServiceLink.objects.filter(supplier=city["boiler_house:K-2"]).count() == 1
    again = import_city_objects(SUPERVISOR, geojson([moved, new, pipe]), filename="again.geojson")
    assert (again.created, again.updated) == (0, 3) and MapObject.objects.count() == before + 1


def test_csv_with_wkt_or_lon_lat_and_semicolons(organisations):
    lon, lat = offset(0, 0)
    text = (
        "kind;external_id;name_ru;name_kk;street_ru;street_kk;house;organisation;wkt;lon;lat;diameter_mm\n"
        f"building;b-1;;;ул. Мира;Мир көшесі;7 А;osi-test;;{lon};{lat};\n"
        f"pipe;p-1;Водовод;Су құбыры;;;;heat-network;LINESTRING({lon} {lat}, {lon + 0.001} {lat});;;150\n"
        "\n"
        f"well;w-1;Колодец;Құдық;;;;heat-network;;{lon};abc;\n"
    )
    report = import_city_objects(SUPERVISOR, text.encode("utf-8-sig"), filename="objects.csv")
    assert reasons(report) == {(5, "geometry", "invalid_coordinates")}  # line 5: the blank line counts
    assert MapObject.objects.count() == 0
    report = import_city_objects(SUPERVISOR, text.rsplit("\n", 2)[0].encode(), filename="objects.csv")
    assert report.imported and report.created == 2
    house = MapObject.objects.get(external_id="b-1")
    assert house.house == "7а" and house.address_kk == "Мир көшесі, 7а"
    assert MapObject.objects.get(external_id="p-1").properties == {"diameter_mm": "150"}


@pytest.mark.parametrize(
    ("content", "filename", "code"),
    [
        (b"", "x.geojson", "empty_file"),
        (b"\xff\xfe{", "x.geojson", "not_utf8"),
        (b"{not json", "x.geojson", "invalid_json"),
        (b'{"type": "Feature"}', "x.geojson", "not_feature_collection"),
        (b"kind,external_id\nbuilding,1\n", "x.csv", "missing_columns"),
        (b"kind,external_id,organisation\nbuilding,1,osi-test\n", "x.csv", "no_geometry_columns"),
        (b"whatever", "x.xlsx", "unknown_format"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(organisations, content, filename, code):
    report = import_city_objects(SUPERVISOR, content, filename=filename)
    assert report.file_problem.code == code and not report.imported
    assert MapObject.objects.count() == 0


def test_only_those_who_manage_the_catalogue_import(organisations):
    for actor in (OPERATOR, ANALYST):
        with pytest.raises(CityMapError) as refused:
            import_city_objects(actor, geojson([building("abaya", "1")]), filename="x.geojson")
        assert refused.value.problems[0].code == "forbidden"
    assert import_city_objects(SUPERVISOR, geojson([building("abaya", "1")]), filename="x.geojson").imported


def test_the_management_command_imports_or_lists_the_rejected_rows(organisations, tmp_path, petropavlovsk):
    good = tmp_path / "city.geojson"
    good.write_bytes(geojson([building("abaya", "1"), building("abaya", "2")]))
    bad = tmp_path / "bad.geojson"
    bad.write_bytes(geojson([building("abaya", "5"), building("abaya", "1", organisation="nope")]))
    from io import StringIO

    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("import_city_objects", "petropavlovsk", str(bad), "--language", "ru", stdout=out)
    assert "1" in str(failed.value)
    assert "строка 2" in out.getvalue() and "nope" in out.getvalue()
    assert MapObject.objects.count() == 0
    out = StringIO()
    call_command("import_city_objects", "petropavlovsk", str(good), stdout=out)
    assert MapObject.objects.count() == 2 and "2" in out.getvalue()


def test_what_the_database_cannot_store_is_refused_not_crashed_on(organisations):
    text = (
        '{"type": "FeatureCollection", "features": ['
        '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [69.145, 54.872]}, "properties": '
        '{"kind": "well", "external_id": "W-1", "name_ru": "Колодец", "organisation": "heat-network", "depth": NaN}},'
        '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [69.145, 54.872]}, "properties": '
        '{"kind": "well", "external_id": "W-2", "name_ru": "Колодец", "organisation": "heat-network", "note": "a\\u0000b"}},'
        '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [69.145, 54.872]}, "properties": '
        '{"kind": "well", "external_id": "W-3\\u0000", "name_ru": "Колодец", "organisation": "heat-network"}},'
        '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [1e400, 54.872]}, "properties": '
        '{"kind": "well", "external_id": "W-4", "name_ru": "Колодец", "organisation": "heat-network"}}'
        "]}"
    )
    report = import_city_objects(SUPERVISOR, text.encode(), filename="x.geojson")
    assert reasons(report) == {
        (1, "depth", "invalid_characters"),
        (2, "note", "invalid_characters"),
        (3, "external_id", "invalid_characters"),
        (4, "geometry", "invalid_coordinates"),
    }
    assert MapObject.objects.count() == 0


def test_a_house_spanning_two_numbers_is_kept_as_written(organisations):
    wide = building("abaya", "1")
    wide["properties"]["house"] = "12-14"
    report = import_city_objects(SUPERVISOR, geojson([wide]), filename="x.geojson")
    assert report.imported and MapObject.objects.get().house == "12-14"

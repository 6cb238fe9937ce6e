"""Settings, the city map: a file uploaded through the map's import service; a clean file is
imported, a file with one bad row writes nothing and lists each rejected row with its reason in the
person's language; only supervisors."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from citymap.models import MapObject
from tests.citymap.city import building, city_features, geojson
from tests.consoles.settings.conftest import client_of

pytestmark = pytest.mark.usefixtures("inside", "organisations")


def upload(client, content: bytes, name: str = "city.geojson"):
    return client.post("/console/settings/city-map/", {"file": SimpleUploadedFile(name, content)})


def test_a_clean_file_is_imported(supervisor):
    answer = upload(supervisor, geojson(city_features()))
    text = answer.content.decode()
    assert answer.status_code == 200 and 'id="import-done"' in text
    assert MapObject.objects.filter(kind="building").count() == 40
    assert "создано объектов: " in text


@pytest.mark.parametrize(
    ("language", "said", "not_said"),
    [("kk", "Ештеңе жүктелмеді", "Ничего не загружено"), ("ru", "Ничего не загружено", "Ештеңе жүктелмеді")],
)
def test_one_bad_row_writes_nothing_and_every_rejected_row_is_listed(language, said, not_said):
    features = city_features()
    features[3] = building("abaya", "11", organisation="no-such-service")
    features[7]["properties"]["kind"] = "castle"
    answer = upload(client_of("supervisor", language, name=f"sup-{language}"), geojson(features))
    text = answer.content.decode()
    assert answer.status_code == 400 and said in text and not_said not in text
    assert 'data-row="4" data-code="unknown_organisation"' in text
    assert 'data-row="8" data-code="unknown_kind"' in text
    assert not MapObject.objects.exists()


def test_a_file_that_cannot_be_read_is_refused_whole(supervisor):
    answer = upload(supervisor, b"\xff\xfe not json", name="city.geojson")
    assert answer.status_code == 400 and 'id="import-refused"' in answer.content.decode()
    assert not MapObject.objects.exists()


def test_no_file_is_a_clear_error(supervisor):
    answer = supervisor.post("/console/settings/city-map/", {})
    assert answer.status_code == 400 and "Выберите файл GeoJSON или CSV." in answer.content.decode()


def test_only_those_who_manage_the_catalogue(inside):
    assert client_of("operator", "ru", name="op-map").get("/console/settings/city-map/").status_code == 403
    assert client_of("supervisor", "kk", name="sup-map").get("/console/settings/city-map/").status_code == 200


@pytest.mark.parametrize(("language", "said"), [("kk", "Файлдың бағандары"), ("ru", "Столбцы файла")])
def test_the_page_says_the_files_columns_and_its_example_imports(language, said):
    """A supervisor reads the format on the page itself (no path into the code's repository) and
    the example it offers is a file the import takes."""
    client = client_of("supervisor", language, name=f"sup-format-{language}")
    text = client.get("/console/settings/city-map/").content.decode()
    assert said in text and "docs/" not in text and "boiler_house" in text
    example = re.search(r'<a href="([^"]+city-map-example[^"]*\.csv)" download>', text).group(1)
    assert example.startswith("/static/")
    content = (settings.BASE_DIR / "consoles" / "static" / "consoles" / "city-map-example.csv").read_bytes()
    answer = upload(client, content, name="example.csv")
    assert answer.status_code == 200 and 'id="import-done"' in answer.content.decode()
    made = set(MapObject.objects.values_list("kind", "external_id"))
    assert made == {("boiler_house", "bh-2"), ("building", "b-101")}

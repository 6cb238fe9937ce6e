"""The map's example operations (graphql/operations/citymap/) validate against the served schema and
each runs clean in a real scenario: a call at an address under an outage, linked, called back."""

from __future__ import annotations

import datetime

from django.utils import timezone
from graphql import parse, validate

from ikomek.schema import schema
from testkit.graphql import data_of, gql
from testkit.paths import GRAPHQL

OPERATIONS = GRAPHQL / "operations" / "citymap"


def operation(name: str) -> str:
    return (OPERATIONS / f"{name}.graphql").read_text(encoding="utf-8")


def test_every_operation_validates():
    paths = sorted(OPERATIONS.glob("*.graphql"))
    assert len(paths) == 10
    for path in paths:
        assert validate(schema.graphql_schema, parse(path.read_text(encoding="utf-8"))) == [], path.name


def test_every_operation_runs_in_a_real_scenario(city, operator_client, supervisor_client, anonymous_client):
    ran: set[str] = set()

    def run(client, name, **variables):
        ran.add(name)
        return data_of(gql(client, operation(name), variables))

    house = run(anonymous_client, "AddressSearch", text="Абай көшесі 2", limit=3)["addressSearch"][0]
    assert house["labelRu"] == "ул. Абая, 2"
    near = run(anonymous_client, "NearestObjects", location=house["point"])["nearestObjects"]
    assert near[0]["id"] == house["id"]
    now = timezone.now()
    outage = run(
        operator_client,
        "DeclareOutage",
        input={
            "kind": "HEATING",
            "nature": "EMERGENCY",
            "cause": "Порыв на теплотрассе Т-2-1",
            "startsAt": now.isoformat(),
            "expectedEndAt": (now + datetime.timedelta(hours=4)).isoformat(),
            "sourceObjectId": str(city["boiler_house:K-2"].pk),
        },
    )["declareOutage"]["outage"]
    assert run(operator_client, "OutagesAt", objectId=house["id"])["outagesAt"][0]["id"] == outage["id"]
    linked = run(
        operator_client,
        "LinkCallToOutage",
        input={
            "outageId": outage["id"],
            "call": {"applicantPhone": "+77051113001", "buildingId": house["id"]},
        },
    )["linkCallToOutage"]
    card = run(operator_client, "MapObjectCard", id=house["id"])["mapObject"]
    assert (
        card["outagesNow"][0]["callCount"] == 1
        and card["openAppeals"][0]["number"] == linked["appeal"]["number"]
    )
    run(
        operator_client,
        "LinkAppealToObject",
        input={"number": linked["appeal"]["number"], "objectId": house["id"]},
    )
    assert run(anonymous_client, "CurrentOutages")["currentOutages"][0]["isCurrent"]
    ranked = run(supervisor_client, "HotspotObjects", category="heating")["hotspotObjects"]
    assert ranked[0]["mapObject"]["key"] == "building:abaya-2"
    ended = run(operator_client, "EndOutage", input={"outageId": outage["id"]})["endOutage"]
    assert ended["callbacks"][0]["status"] == "DONE"
    assert ran == {path.stem for path in OPERATIONS.glob("*.graphql")}

"""What of an akimat lives in the public schema, besides the read model (rebuilt on restore, never copied):
its registry row and host names, and the region's own records about it (its escalation queue and the map
ranking it last reported), which no akimat could send again."""

from __future__ import annotations

from typing import Any

from django.contrib.gis.geos import GEOSGeometry
from django.utils.dateparse import parse_datetime

from operations.backups.errors import BackupError
from regional.models import Escalation, EscalationEntry, PlaceRanking
from tenants.models import Akimat, Domain

REGISTRY_FIELDS = ("slug", "schema_name", "kato", "kind", "name_kk", "name_ru", "name_en", "is_active")
ESCALATION_FIELDS = (
    "appeal_number",
    "category",
    "cause",
    "reason",
    "state",
    "escalated_at",
    "escalated_by",
    "received_at",
    "updated_at",
)
ENTRY_FIELDS = ("kind", "comment", "actor_subject", "actor_name", "actor_role", "at")


def _plain(value: object) -> object:
    return value.isoformat() if hasattr(value, "isoformat") else value


def collect(akimat: Akimat) -> dict[str, Any]:
    """The akimat's public rows, read in the caller's transaction (the backup's snapshot)."""
    schema = akimat.schema_name
    escalations = []
    for escalation in Escalation.objects.filter(schema=schema).order_by("id").prefetch_related("entries"):
        escalations.append(
            {
                **{name: _plain(getattr(escalation, name)) for name in ESCALATION_FIELDS},
                "entries": [
                    {name: _plain(getattr(entry, name)) for name in ENTRY_FIELDS}
                    for entry in escalation.entries.order_by("at", "id")
                ],
            }
        )
    ranking = PlaceRanking.objects.filter(schema=schema).first()
    return {
        "akimat": {
            **{name: getattr(akimat, name) for name in REGISTRY_FIELDS},
            "boundary": akimat.boundary.ewkt,
            "created_at": akimat.created_at.isoformat(),
        },
        "domains": [
            {"domain": domain, "is_primary": primary}
            for domain, primary in akimat.domains.order_by("domain").values_list("domain", "is_primary")
        ],
        "escalations": escalations,
        "place_ranking": None
        if ranking is None
        else {
            "computed_at": ranking.computed_at.isoformat(),
            "since": ranking.since.isoformat(),
            "until": ranking.until.isoformat(),
            "places": ranking.places,
        },
    }


def upsert_akimat(rows: dict[str, Any], slug: str, schema: str) -> tuple[Akimat, bool]:
    """Create the registry row, or bring an existing one to the archive's (its `is_active` stays)."""
    source = rows["akimat"]
    holder = Akimat.objects.filter(kato=source["kato"]).exclude(slug=slug).first()
    if holder is not None:
        raise BackupError(
            f"KATO {source['kato']} already belongs to akimat {holder.slug!r} in this deployment; "
            "restore over that one (with its slug and --replace) instead"
        )
    fields = {name: source[name] for name in ("kato", "kind", "name_kk", "name_ru", "name_en")}
    fields["boundary"] = GEOSGeometry(source["boundary"])
    akimat = Akimat.objects.filter(slug=slug).first()
    created = akimat is None
    if created:
        akimat = Akimat(slug=slug, schema_name=schema, is_active=source["is_active"], **fields)
    else:
        for name, value in fields.items():
            setattr(akimat, name, value)
    akimat.save()
    return akimat, created


def restore_domains(akimat: Akimat, rows: dict[str, Any], own_domain: str, *, renamed: bool) -> list[str]:
    """This deployment's own host name for the akimat, and (same slug) the archive's other host names
    that no other akimat here holds. What was not restored is said."""
    notes = []
    wanted = [own_domain] if renamed else [own_domain, *(d["domain"] for d in rows["domains"])]
    for name in dict.fromkeys(wanted):
        taken = Domain.objects.filter(domain=name).exclude(tenant=akimat).first()
        if taken is not None:
            notes.append(f"domain {name} not restored: it serves {taken.tenant.slug!r} here")
            continue
        Domain.objects.get_or_create(domain=name, tenant=akimat, defaults={"is_primary": False})
    if not akimat.domains.filter(is_primary=True).exists():
        akimat.domains.filter(domain=own_domain).update(is_primary=True)
    return notes


def restore_region_records(rows: dict[str, Any], schema: str) -> list[str]:
    """The region's escalations and map ranking of the akimat, where this deployment has none (another
    deployment, or a new slug); where it has them, the region's own are newer and stay."""
    notes = []
    if rows["escalations"] and not Escalation.objects.filter(schema=schema).exists():
        for record in rows["escalations"]:
            entries = record["entries"]
            escalation = Escalation.objects.create(
                schema=schema,
                **{
                    name: parse_datetime(value) if name.endswith("_at") and value else value
                    for name, value in record.items()
                    if name != "entries"
                },
            )
            EscalationEntry.objects.bulk_create(
                EscalationEntry(escalation=escalation, **{**entry, "at": parse_datetime(entry["at"])})
                for entry in entries
            )
        notes.append(f"{len(rows['escalations'])} regional escalation(s) restored")
    ranking = rows["place_ranking"]
    if ranking is not None and not PlaceRanking.objects.filter(schema=schema).exists():
        PlaceRanking.objects.create(
            schema=schema,
            computed_at=parse_datetime(ranking["computed_at"]),
            since=parse_datetime(ranking["since"]),
            until=parse_datetime(ranking["until"]),
            places=ranking["places"],
        )
        notes.append("map ranking restored")
    return notes

"""GraphQL of what crosses the akimat's boundary: transfer proposal, transfer and its progress at the
receiver, where a received appeal came from, the regional escalation; and the transfer targets."""

from __future__ import annotations

import graphene
from django.db import connection
from django_tenants.utils import get_public_schema_name

from accounts.permissions import Operation
from appeals.api.enums import AppealStatus, RegionalEscalationStateEnum
from appeals.api.errors import require_read
from appeals.models import Appeal
from appeals.rules.calendar import ALMATY
from appeals.states import Status
from tenants.models import Akimat, AkimatKind
from tenants.sandbox import current_is_sandbox
from tenants.schema import AkimatRef, akimat_ref


class AppealTransferType(graphene.ObjectType):
    class Meta:
        name = "AppealTransfer"
        description = "The akimat this appeal was transferred to, and its appeal's status there."

    akimat = graphene.Field(AkimatRef, required=True)
    number = graphene.Int(description="the appeal's number at the receiving akimat, once it answered")
    status = graphene.Field(AppealStatus, description="the status there, followed until it is closed")
    status_label = graphene.String()
    status_changed_at = graphene.DateTime()
    handled_by = graphene.Field(
        AkimatRef, description="where the appeal is handled when the receiving akimat passed it on"
    )
    handled_by_number = graphene.Int(description="its number there, once that akimat answered")


class TransferOriginType(graphene.ObjectType):
    class Meta:
        name = "TransferOrigin"
        description = "The akimat that transferred this appeal here, and its number there."

    akimat = graphene.Field(AkimatRef, required=True)
    number = graphene.Int(required=True)


class RegionalEscalationType(graphene.ObjectType):
    class Meta:
        name = "RegionalEscalation"

    state = graphene.Field(RegionalEscalationStateEnum, required=True)
    escalated_at = graphene.DateTime()


def resolve_transfer_proposal(root: Appeal, info: graphene.ResolveInfo) -> AkimatRef | None:
    return akimat_ref(info, root.transfer_proposal)


def resolve_transferred_to(root: Appeal, info: graphene.ResolveInfo) -> AppealTransferType | None:
    if not root.transferred_to:
        return None
    status = root.transferred_to_status
    at = root.transferred_to_status_at
    return AppealTransferType(
        akimat=akimat_ref(info, root.transferred_to),
        number=root.transferred_to_number,
        status=status,
        status_label=Status(status).label if status else None,
        status_changed_at=at.astimezone(ALMATY) if at else None,
        handled_by=akimat_ref(info, root.handled_by) if root.handled_by else None,
        handled_by_number=root.handled_by_number,
    )


def resolve_transferred_from(root: Appeal, info: graphene.ResolveInfo) -> TransferOriginType | None:
    if not root.transferred_from:
        return None
    return TransferOriginType(akimat=akimat_ref(info, root.transferred_from), number=root.origin_number)


def resolve_regional_escalation(root: Appeal, info: graphene.ResolveInfo) -> RegionalEscalationType | None:
    if not root.regional_escalation:
        return None
    at = root.regional_escalated_at
    return RegionalEscalationType(
        state=str(root.regional_escalation), escalated_at=at.astimezone(ALMATY) if at else None
    )


class CrossTenantQuery(graphene.ObjectType):
    transfer_targets = graphene.List(
        graphene.NonNull(AkimatRef),
        required=True,
        description="The other active akimats of the region an appeal can be transferred to",
    )

    @staticmethod
    def resolve_transfer_targets(root: None, info: graphene.ResolveInfo) -> list[Akimat]:
        require_read(info, Operation.APPEAL_TRANSFER)
        akimats = (
            Akimat.objects.filter(is_active=True, is_sandbox=current_is_sandbox())
            .exclude(kind=AkimatKind.REGION)
            .exclude(schema_name__in=[connection.schema_name, get_public_schema_name()])
            .only("slug", "name_kk", "name_ru")
            .order_by("kato")
        )
        return list(akimats)

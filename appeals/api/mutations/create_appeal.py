"""createAppeal: intake from any channel; idempotent with a client key."""

from __future__ import annotations

from typing import Any

import graphene

from accounts.permissions import Operation
from accounts.principal import Principal
from appeals import actions
from appeals.actions import AppealInput
from appeals.api.cross_tenant import AkimatRef, akimat_ref
from appeals.api.enums import AppealChannel, AppealPriority, ApplicantLanguage, value_of
from appeals.api.loading import columns_read, selected
from appeals.api.mutations._base import AppealMutation
from appeals.api.types import AppealType, GeoPointInput
from appeals.tracking.access_code import readable


class CreateAppealInput(graphene.InputObjectType):
    channel = AppealChannel(required=True)
    description = graphene.String(required=True)
    applicant_phone = graphene.String(required=True, description="any common format; stored as E.164")
    applicant_name = graphene.String(default_value="")
    applicant_iin = graphene.String(default_value="", description="12 digits with a valid control digit")
    applicant_language = ApplicantLanguage(description="the language of the call: call-backs and 112 use it")
    address = graphene.String(default_value="")
    location = GeoPointInput(
        description="inside the region; outside this akimat's boundary a transfer is proposed"
    )
    object_key = graphene.String(
        default_value="",
        description="a map object, kind:externalId (building:abaya-12): the appeal is linked to it and "
        "routed to its organisation; refused (unknown_object) once the akimat's map is loaded and has no "
        "such object",
    )
    category = graphene.String(default_value="", description="category code; required when register is true")
    priority = AppealPriority()
    client_key = graphene.String(
        default_value="",
        description="retrying with the same key returns the first appeal instead of a new one",
    )
    register = graphene.Boolean(default_value=False, description="operator intake: register at once")


class CreateAppeal(AppealMutation):
    operation = Operation.APPEAL_CREATE

    class Arguments:
        input = CreateAppealInput(required=True)

    created = graphene.Boolean(description="false when the client key returned an earlier appeal")
    repeat_candidates = graphene.List(
        graphene.NonNull(AppealType), required=True, description="open appeals this one may repeat"
    )
    transfer_proposal = graphene.Field(
        AkimatRef,
        description="the location lies in this akimat: the akimat's operators may transfer the appeal "
        "there (transferAppeal needs the operator's role; an integrator's call needs nothing more)",
    )
    access_code = graphene.String(
        description="for the citizen's receipt (read it out on the phone): with the number it opens "
        "trackAppeal; the same on a retry with the client key; null when refused"
    )

    @classmethod
    def loading(cls, info: graphene.ResolveInfo) -> dict[str, Any]:
        # Ten whole candidates cost intake's web worker about a fifth of its time (decision 90).
        return {"candidate_fields": columns_read(selected(info, "repeatCandidates"))}

    @classmethod
    def perform(
        cls, principal: Principal, data: CreateAppealInput, candidate_fields: set[str] | None = None
    ) -> dict:
        location = data.location
        result = actions.create_appeal(
            principal,
            AppealInput(
                channel=value_of(data.channel),
                description=data.description,
                applicant_phone=data.applicant_phone,
                applicant_name=data.applicant_name,
                applicant_iin=data.applicant_iin,
                language=value_of(data.applicant_language) if data.applicant_language else "",
                address=data.address,
                longitude=location.longitude if location else None,
                latitude=location.latitude if location else None,
                object_key=data.object_key,
                category_code=data.category,
                priority=value_of(data.priority) if data.priority else "",
                client_key=data.client_key,
                register=data.register,
            ),
            candidate_fields=candidate_fields,
        )
        return {
            "appeal": result.appeal,
            "created": result.created,
            "repeat_candidates": result.repeat_candidates,
        }

    @classmethod
    def mutate(cls, root: None, info: graphene.ResolveInfo, input: CreateAppealInput) -> CreateAppeal:
        payload = super().mutate(root, info, input)
        if payload.repeat_candidates is None:
            payload.repeat_candidates = []
        if payload.appeal is not None:
            payload.transfer_proposal = akimat_ref(info, payload.appeal.transfer_proposal)
            payload.access_code = readable(payload.appeal.access_code) or None
        return payload

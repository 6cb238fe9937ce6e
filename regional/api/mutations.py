"""The region's decisions on escalations: one mutation each, typed user errors, no rule of their own."""

from __future__ import annotations

import graphene

from regional import escalations
from regional.api.common import UserError, user_errors
from regional.api.types import EscalationType
from regional.errors import RegionalError


class EscalationMutation(graphene.Mutation):
    class Meta:
        abstract = True

    escalation = graphene.Field(
        EscalationType, description="the escalation after the decision; null when refused"
    )
    errors = graphene.List(graphene.NonNull(UserError), required=True)

    decision = ""

    @classmethod
    def mutate(
        cls, root: None, info: graphene.ResolveInfo, input: graphene.InputObjectType
    ) -> EscalationMutation:
        try:
            escalation = escalations.decide(
                info.context.principal, input.id, cls.decision, cls.comment_of(input)
            )
        except RegionalError as error:
            return cls(errors=user_errors(error))
        return cls(escalation=escalation, errors=[])

    @staticmethod
    def comment_of(data: graphene.InputObjectType) -> str:
        raise NotImplementedError


class AcceptInput(graphene.InputObjectType):
    id = graphene.Int(required=True)
    comment = graphene.String(default_value="")


class InstructionsInput(graphene.InputObjectType):
    id = graphene.Int(required=True)
    instructions = graphene.String(required=True)


class ResolutionInput(graphene.InputObjectType):
    id = graphene.Int(required=True)
    resolution = graphene.String(required=True)


class AcceptEscalation(EscalationMutation):
    """The region takes the appeal in hand."""

    decision = "accept"

    class Arguments:
        input = AcceptInput(required=True)

    @staticmethod
    def comment_of(data: AcceptInput) -> str:
        return data.comment


class AssignEscalationBack(EscalationMutation):
    """Back to the akimat with instructions (required)."""

    decision = "assign_back"

    class Arguments:
        input = InstructionsInput(required=True)

    @staticmethod
    def comment_of(data: InstructionsInput) -> str:
        return data.instructions


class ResolveEscalation(EscalationMutation):
    """The region resolved it (resolution required)."""

    decision = "resolve"

    class Arguments:
        input = ResolutionInput(required=True)

    @staticmethod
    def comment_of(data: ResolutionInput) -> str:
        return data.resolution


class RegionalEscalationMutation(graphene.ObjectType):
    accept_escalation = AcceptEscalation.Field()
    assign_escalation_back = AssignEscalationBack.Field()
    resolve_escalation = ResolveEscalation.Field()

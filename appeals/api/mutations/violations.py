"""The lawyer's mutations on a violation: recordExplanation, proposeSanction, closeViolation."""

from __future__ import annotations

from typing import Any

import graphene

from accounts.permissions import Operation
from appeals import actions
from appeals.api.errors import UserError, user_errors
from appeals.api.types import ViolationType
from appeals.errors import AppealError
from appeals.reads.queues import with_person_history
from appeals.transitions import authorise


class ViolationTextInput(graphene.InputObjectType):
    id = graphene.Int(required=True)
    text = graphene.String(required=True)


class ViolationMutation(graphene.Mutation):
    class Meta:
        abstract = True

    violation = graphene.Field(ViolationType)
    errors = graphene.List(graphene.NonNull(UserError), required=True)

    action: Any = None
    keyword = "text"
    # Checked before the input is read (see AppealMutation.operation).
    operation = Operation.VIOLATION_MANAGE

    @classmethod
    def mutate(cls, root: None, info: graphene.ResolveInfo, input: ViolationTextInput) -> ViolationMutation:
        try:
            authorise(info.context.principal, cls.operation)
            violation = cls.action(info.context.principal, input.id, **{cls.keyword: input.text})
        except AppealError as error:
            return cls(errors=user_errors(error))
        annotated = with_person_history(type(violation).objects.filter(pk=violation.pk)).get()
        return cls(violation=annotated, errors=[])


class RecordExplanation(ViolationMutation):
    class Arguments:
        input = ViolationTextInput(required=True)

    action = staticmethod(actions.record_explanation)
    keyword = "explanation"


class ProposeSanction(ViolationMutation):
    class Arguments:
        input = ViolationTextInput(required=True)

    action = staticmethod(actions.propose_sanction)
    keyword = "sanction"


class CloseViolation(ViolationMutation):
    class Arguments:
        input = ViolationTextInput(required=True)

    action = staticmethod(actions.close_violation)
    keyword = "note"

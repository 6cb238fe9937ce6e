"""The shape every appeal mutation shares: validate input, call one action, turn its domain
errors into typed user errors. No rule lives here."""

from __future__ import annotations

from typing import Any, ClassVar

import graphene

from accounts.permissions import Operation
from accounts.principal import Principal
from appeals.api.errors import UserError, user_errors
from appeals.api.types import AppealType
from appeals.errors import AppealError
from appeals.models import Appeal
from appeals.transitions import authorise


class AppealMutation(graphene.Mutation):
    class Meta:
        abstract = True

    appeal = graphene.Field(AppealType, description="the appeal after the change; null when refused")
    errors = graphene.List(graphene.NonNull(UserError), required=True)

    # What the caller's roles must allow. It is checked before the input is read, so a caller who
    # may not run the mutation learns nothing, not even whether the appeal exists.
    operation: ClassVar[Operation]

    @classmethod
    def perform(cls, principal: Principal, data: Any) -> Appeal | dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def loading(cls, info: graphene.ResolveInfo) -> dict[str, Any]:
        """What the selection says the action need not load, as keyword arguments of `perform`."""
        return {}

    @classmethod
    def mutate(cls, root: None, info: graphene.ResolveInfo, input: Any) -> AppealMutation:
        try:
            authorise(info.context.principal, cls.operation)
            outcome = cls.perform(info.context.principal, input, **cls.loading(info))
        except AppealError as error:
            return cls(errors=user_errors(error))
        values = outcome if isinstance(outcome, dict) else {"appeal": outcome}
        return cls(errors=[], **values)


class NumberInput(graphene.InputObjectType):
    number = graphene.Int(required=True)
    comment = graphene.String(default_value="")

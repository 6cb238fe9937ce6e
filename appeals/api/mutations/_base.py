"""The shape every appeal mutation shares: validate input, call one action, turn its domain
errors into typed user errors. No rule lives here."""

from __future__ import annotations

from typing import Any

import graphene

from accounts.principal import Principal
from appeals.api.errors import UserError, user_errors
from appeals.api.types import AppealType
from appeals.errors import AppealError
from appeals.models import Appeal


class AppealMutation(graphene.Mutation):
    class Meta:
        abstract = True

    appeal = graphene.Field(AppealType, description="the appeal after the change; null when refused")
    errors = graphene.List(graphene.NonNull(UserError), required=True)

    @classmethod
    def perform(cls, principal: Principal, data: Any) -> Appeal | dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def mutate(cls, root: None, info: graphene.ResolveInfo, input: Any) -> AppealMutation:
        try:
            outcome = cls.perform(info.context.principal, input)
        except AppealError as error:
            return cls(errors=user_errors(error))
        values = outcome if isinstance(outcome, dict) else {"appeal": outcome}
        return cls(errors=[], **values)


class NumberInput(graphene.InputObjectType):
    number = graphene.Int(required=True)
    comment = graphene.String(default_value="")

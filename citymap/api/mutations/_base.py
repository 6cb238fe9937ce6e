"""The shape every map mutation shares: call one action, turn its refusals (the map's and appeals',
whose actions it calls) into typed user errors. No rule lives here."""

from __future__ import annotations

from typing import Any, ClassVar

import graphene
from graphql import GraphQLError

from accounts.permissions import Operation
from accounts.principal import Principal
from appeals.api.errors import UserError
from appeals.errors import AppealError
from citymap.access import authorise
from citymap.api.errors import user_errors
from citymap.errors import CityMapError


class MapMutation(graphene.Mutation):
    class Meta:
        abstract = True

    errors = graphene.List(graphene.NonNull(UserError), required=True)

    # Checked before the input is read: a caller who may not run it learns nothing of the map.
    operation: ClassVar[Operation] = Operation.APPEAL_ROUTE

    @classmethod
    def perform(cls, principal: Principal, data: Any) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def mutate(cls, root: None, info: graphene.ResolveInfo, input: Any) -> MapMutation:
        try:
            authorise(info.context.principal, cls.operation)
            values = cls.perform(info.context.principal, input)
        except (CityMapError, AppealError) as error:
            return cls(errors=user_errors(error))
        except GraphQLError as error:  # an id that is no id: typed like every other refusal
            extensions = error.extensions or {}
            return cls(
                errors=[
                    UserError(field=extensions.get("field"), code=extensions["code"], message=error.message)
                ]
            )
        return cls(errors=[], **values)

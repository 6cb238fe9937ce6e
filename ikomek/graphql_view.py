"""The GraphQL endpoint and the limits every request gets.

Depth is capped, batching is off, and introspection is off in production.
"""

from __future__ import annotations

from django.conf import settings
from django.views.decorators.csrf import csrf_exempt
from graphene.validation import DisableIntrospection, depth_limit_validator
from graphene_django.views import GraphQLView
from graphql.validation import specified_rules

from ikomek.schema import regional_schema, schema

MAX_QUERY_DEPTH = 10


class LimitedGraphQLView(GraphQLView):
    batch = False

    def __init__(self, **kwargs: object) -> None:
        # The spec's own rules too: a list given here replaces them (unknown fields were answered
        # with empty data instead of an error).
        rules = [*specified_rules, depth_limit_validator(max_depth=MAX_QUERY_DEPTH)]
        if settings.PRODUCTION:
            rules.append(DisableIntrospection)
        kwargs.setdefault("validation_rules", rules)
        kwargs.setdefault("graphiql", settings.DEBUG)
        super().__init__(**kwargs)


tenant_graphql_view = csrf_exempt(LimitedGraphQLView.as_view(schema=schema))
regional_graphql_view = csrf_exempt(LimitedGraphQLView.as_view(schema=regional_schema))

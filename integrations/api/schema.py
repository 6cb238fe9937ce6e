"""Webhooks in the akimat's GraphQL (assembled by ikomek.schema): an integrator manages its own,
a supervisor sees and deletes any. Each mutation calls one service and turns its refusal into a
typed error; the secret is in the payload of the call that makes it, and nowhere else."""

from __future__ import annotations

import datetime

import graphene
from django.utils.translation import gettext_lazy as _

from apierrors.graphql import api_error
from appeals.api.errors import UserError
from appeals.api.fields import time_field
from integrations import subscriptions
from integrations.errors import WebhookError
from integrations.models import EventType, Webhook


class WebhookType(graphene.ObjectType):
    id = graphene.ID(required=True)
    client_id = graphene.String(required=True, description="the integrator's Keycloak client")
    url = graphene.String(required=True)
    event_types = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description=f"of {', '.join(EventType.values)}",
    )
    created_at = time_field("created_at", required=True)
    rotated_at = time_field("rotated_at")
    previous_secret_until = time_field(
        "previous_secret_until",
        description="while the rotation overlaps, deliveries carry a signature with the secret before",
    )

    @staticmethod
    def resolve_id(webhook: Webhook, info: graphene.ResolveInfo) -> str:
        return str(webhook.pk)


def _errors(error: WebhookError) -> list[UserError]:
    problem = error.problem
    # The message as gettext gave it: UserError says it in the caller's language (en, kk, ru, or both).
    return [UserError(field=problem.field, code=problem.code, message=problem.message)]


def _webhook_id(value: str) -> int:
    text = str(value or "")
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise WebhookError("id", "not_found", _("No webhook {id} here."), id=text[:40])
    return int(text)


class WebhookWithSecret(graphene.Mutation):
    class Meta:
        abstract = True

    webhook = graphene.Field(WebhookType)
    secret = graphene.String(description="the signing secret: shown this once, keep it")
    errors = graphene.List(graphene.NonNull(UserError), required=True)


class CreateWebhook(WebhookWithSecret):
    """Deliver the akimat's appeal changes of these types to this https URL, signed (see
    graphql/README.md, Following changes). Integrators only."""

    class Arguments:
        url = graphene.String(required=True)
        event_types = graphene.List(graphene.NonNull(graphene.String), required=True)

    @staticmethod
    def mutate(root: None, info: graphene.ResolveInfo, url: str, event_types: list[str]) -> CreateWebhook:
        try:
            webhook, secret = subscriptions.create_webhook(
                info.context.principal, url=url, event_types=event_types
            )
        except WebhookError as error:
            return CreateWebhook(errors=_errors(error))
        return CreateWebhook(webhook=webhook, secret=secret, errors=[])


class RotateWebhookSecret(WebhookWithSecret):
    """A new secret at once; the old one still signs beside it until `overlapHours` (24) have passed."""

    class Arguments:
        id = graphene.ID(required=True)
        overlap_hours = graphene.Int()

    @staticmethod
    def mutate(
        root: None, info: graphene.ResolveInfo, id: str, overlap_hours: int | None = None
    ) -> RotateWebhookSecret:
        overlap = datetime.timedelta(hours=overlap_hours) if overlap_hours is not None else None
        try:
            webhook, secret = subscriptions.rotate_secret(
                info.context.principal, _webhook_id(id), overlap=overlap
            )
        except WebhookError as error:
            return RotateWebhookSecret(errors=_errors(error))
        return RotateWebhookSecret(webhook=webhook, secret=secret, errors=[])


class DeleteWebhook(graphene.Mutation):
    """No more deliveries, from now on (what is still queued is dropped without a call)."""

    class Arguments:
        id = graphene.ID(required=True)

    deleted = graphene.Boolean(description="true once deleted; null when refused")
    errors = graphene.List(graphene.NonNull(UserError), required=True)

    @staticmethod
    def mutate(root: None, info: graphene.ResolveInfo, id: str) -> DeleteWebhook:
        try:
            subscriptions.delete_webhook(info.context.principal, _webhook_id(id))
        except WebhookError as error:
            return DeleteWebhook(errors=_errors(error))
        return DeleteWebhook(deleted=True, errors=[])


class WebhooksQuery(graphene.ObjectType):
    webhooks = graphene.List(
        graphene.NonNull(WebhookType),
        required=True,
        description="The caller's webhooks (an integrator's own; a supervisor's: all of the akimat)",
    )

    @staticmethod
    def resolve_webhooks(root: None, info: graphene.ResolveInfo) -> list[Webhook]:
        try:
            return list(subscriptions.webhooks_of(info.context.principal))
        except WebhookError as error:
            problem = error.problem
            raise api_error(problem.message, code=problem.code, field=problem.field) from None


class WebhooksMutation(graphene.ObjectType):
    create_webhook = CreateWebhook.Field()
    rotate_webhook_secret = RotateWebhookSecret.Field()
    delete_webhook = DeleteWebhook.Field()

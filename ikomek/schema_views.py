"""The GraphQL contract at a stable URL: `GET /graphql/schema.graphql` on each host gives the SDL
that host serves (introspection is off in production; the SDL is published, not secret)."""

from __future__ import annotations

import hashlib
from functools import cache

import graphene
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.views.decorators.http import require_GET
from graphql import print_schema

from ikomek.schema import regional_schema, schema

SDL_TYPE = "text/plain; charset=utf-8"


@cache
def _printed(served: graphene.Schema) -> tuple[bytes, str]:
    text = print_schema(served.graphql_schema).encode()
    return text, f'"{hashlib.sha256(text).hexdigest()[:32]}"'


def _sdl(request: HttpRequest, served: graphene.Schema) -> HttpResponse:
    text, etag = _printed(served)
    if request.META.get("HTTP_IF_NONE_MATCH") == etag:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(text, content_type=SDL_TYPE)
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def tenant_sdl(request: HttpRequest) -> HttpResponse:
    return _sdl(request, schema)


@require_GET
def regional_sdl(request: HttpRequest) -> HttpResponse:
    return _sdl(request, regional_schema)

"""The GraphQL endpoint and the limits every request gets, in one place.

Depth, aliases and the number of selected fields are capped, batching is off, introspection is off
in production, and a query text is parsed and validated once per process: clients send the same
few documents again and again, and parsing plus validation was a large share of a request
(the starting design, outside this repository, measured +39% requests/s from caching them). Text
the database cannot store is refused before anything resolves (ikomek.graphql_inputs), and every
error carries `extensions.code`: the resolver's own, `invalid_request` for a request that is not
valid GraphQL for this schema, `internal_error` (message withheld, logged) for anything unexpected.
"""

from __future__ import annotations

import logging
from functools import cache, lru_cache

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import connection, transaction
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.http.multipartparser import MultiPartParserError
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.views.decorators.csrf import csrf_exempt
from graphene.validation import DisableIntrospection, depth_limit_validator
from graphene_django.constants import MUTATION_ERRORS_FLAG
from graphene_django.settings import graphene_settings
from graphene_django.views import GraphQLView, HttpError
from graphql import (
    ASTValidationRule,
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    OperationType,
    ValidationContext,
    execute,
    get_operation_ast,
    parse,
    specified_rules,
    validate,
)

from accounts.middleware import acts_by_token
from apierrors.envelope import error_response
from apierrors.graphql import message_for
from apierrors.language import in_language, requested_language
from ikomek.api_failures import (
    CSRF_FAILED,
    DATABASE_UNAVAILABLE,
    FORM_UNREADABLE,
    INTERNAL_ERROR,
    NO_QUERY,
    NOT_UTF8,
    ONLY_POST,
    QUERY_NOT_TEXT,
    QUERY_TOO_LONG,
    RETRY_AFTER_SECONDS,
    TOO_DEEP,
    database_down,
)
from ikomek.graphql_echo import without_echo
from ikomek.graphql_inputs import StorableTextRule, variables_refusal
from ikomek.graphql_messages import in_callers_language, with_enum_values
from ikomek.schema import regional_schema, schema

log = logging.getLogger(__name__)

MAX_QUERY_DEPTH = 10
MAX_ALIASES = 30
MAX_FIELDS = 400  # selections in one document: a plain cost bound
MAX_QUERY_LENGTH = 20_000  # characters; longer texts are refused before parsing
DOCUMENT_CACHE_SIZE = 512


class MaxAliasesRule(ASTValidationRule):
    """Aliases let one request repeat an expensive field many times: cap them."""

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self.count = 0

    def enter_field(self, node: FieldNode, *_args: object) -> None:
        if node.alias is not None:
            self.count += 1
            if self.count == MAX_ALIASES + 1:
                self.report_error(GraphQLError(f"Too many aliases: at most {MAX_ALIASES} per request.", node))


class MaxFieldsRule(ASTValidationRule):
    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self.count = 0

    def enter_field(self, node: FieldNode, *_args: object) -> None:
        self.count += 1
        if self.count == MAX_FIELDS + 1:
            self.report_error(
                GraphQLError(f"Too many fields selected: at most {MAX_FIELDS} per request.", node)
            )


@cache
def validation_rules() -> tuple[type[ASTValidationRule], ...]:
    """The specification's rules plus ours; built once: the rule classes are part of the cache key."""
    rules: list[type[ASTValidationRule]] = [
        *specified_rules,
        depth_limit_validator(max_depth=MAX_QUERY_DEPTH),
        MaxAliasesRule,
        MaxFieldsRule,
        StorableTextRule,
    ]
    if settings.PRODUCTION:
        rules.append(DisableIntrospection)
    return tuple(rules)


@lru_cache(maxsize=DOCUMENT_CACHE_SIZE)
def parsed_and_validated(
    graphql_schema: GraphQLSchema, rules: tuple[type[ASTValidationRule], ...], query: str
) -> tuple[DocumentNode | None, tuple[GraphQLError, ...]]:
    """The parsed document and its validation errors; documents are read-only, so sharing is safe."""
    try:
        document = parse(query)
    except GraphQLError as error:
        return None, (error,)
    errors = validate(graphql_schema, document, list(rules), graphene_settings.MAX_VALIDATION_ERRORS)
    return document, tuple(errors)


def csrf_refusal(request: HttpRequest) -> JsonResponse | None:
    """A session cookie is an ambient credential: another site's page could post with it. Requests
    acting as a signed-in person must prove they come from our own pages (Django's CSRF check:
    token and, over HTTPS, origin). A bearer token is no ambient credential (the principal
    middleware marks such requests exempt), and an anonymous request acts for nobody."""
    if request.method in ("GET", "HEAD", "OPTIONS") or getattr(request, "_dont_enforce_csrf_checks", False):
        return None
    if not getattr(request.user, "is_authenticated", False):
        return None
    rejected = CsrfViewMiddleware(lambda _request: HttpResponse()).process_view(request, None, (), {})
    if rejected is None:
        return None
    return error_response(request, 403, "csrf_failed", CSRF_FAILED)


# graphene-django's dispatch without its `ensure_csrf_cookie`: a call with a bearer token has no use
# for a CSRF cookie, and making one (32 random characters from the system's source, masked) was a
# measurable share of intake's time, besides a Set-Cookie on every integrator's answer.
_DISPATCH_WITHOUT_CSRF_COOKIE = GraphQLView.dispatch.__wrapped__


class LimitedGraphQLView(GraphQLView):
    batch = False

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        refused = csrf_refusal(request)
        if refused is not None:
            return refused
        if acts_by_token(request):
            response = _DISPATCH_WITHOUT_CSRF_COOKIE(self, request, *args, **kwargs)
        else:
            response = super().dispatch(request, *args, **kwargs)
        if getattr(request, "_database_unavailable", False):
            response.status_code = 503
            response["Retry-After"] = RETRY_AFTER_SECONDS
        return response

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("graphiql", settings.GRAPHIQL)
        super().__init__(**kwargs)
        self.rules = validation_rules()

    def execute_graphql_request(
        self,
        request: HttpRequest,
        data: dict,
        query: str | None,
        variables: dict | None,
        operation_name: str | None,
        show_graphiql: bool = False,
    ) -> ExecutionResult | None:
        if not query:
            if show_graphiql:
                return None
            raise HttpError(HttpResponseBadRequest(), NO_QUERY)
        if not isinstance(query, str):
            raise HttpError(HttpResponseBadRequest(), QUERY_NOT_TEXT)
        if len(query) > MAX_QUERY_LENGTH:
            raise HttpError(HttpResponseBadRequest(), format_lazy(QUERY_TOO_LONG, limit=MAX_QUERY_LENGTH))

        graphql_schema = self.schema.graphql_schema
        document, errors = parsed_and_validated(graphql_schema, self.rules, query)
        if document is None:
            return ExecutionResult(data=None, errors=list(errors))

        operation_ast = get_operation_ast(document, operation_name)
        is_mutation = operation_ast is not None and operation_ast.operation == OperationType.MUTATION
        if (
            request.method.lower() == "get"
            and operation_ast is not None
            and operation_ast.operation != OperationType.QUERY
        ):
            if show_graphiql:
                return None
            raise HttpError(HttpResponseNotAllowed(["POST"]), ONLY_POST)
        if errors:
            return ExecutionResult(data=None, errors=list(errors))
        request._graphql_variables = variables  # what format_error keeps out of its messages
        refusal = variables_refusal(variables)
        if refusal is not None:
            return ExecutionResult(data=None, errors=[refusal])

        options = {
            "root_value": self.get_root_value(request),
            "context_value": self.get_context(request),
            "variable_values": variables,
            "operation_name": operation_name,
            "middleware": self.get_middleware(request),
        }
        if self.execution_context_class:
            options["execution_context_class"] = self.execution_context_class
        try:
            atomic = graphene_settings.ATOMIC_MUTATIONS or connection.settings_dict.get(
                "ATOMIC_MUTATIONS", False
            )
            if is_mutation and atomic:
                with transaction.atomic():
                    result = execute(graphql_schema, document, **options)
                    if getattr(request, MUTATION_ERRORS_FLAG, False) is True:
                        transaction.set_rollback(True)
                return result
            return execute(graphql_schema, document, **options)
        except Exception as error:  # graphene-django's contract: an error becomes the payload
            return ExecutionResult(errors=[error])

    def parse_body(self, request: HttpRequest) -> dict:
        # graphene-django decodes application/graphql unguarded, and echoes the codec's own words
        # for application/json: checked here, once, for both.
        if self.get_content_type(request) in ("application/json", "application/graphql"):
            try:
                request.body.decode("utf-8")
            except UnicodeDecodeError:
                raise HttpError(HttpResponseBadRequest(), NOT_UTF8) from None
        try:
            return super().parse_body(request)
        except (MultiPartParserError, SuspiciousOperation):  # a form body Django cannot parse
            raise HttpError(HttpResponseBadRequest(), FORM_UNREADABLE) from None
        except RecursionError:  # [[[[...]]]]: thousands of levels in a few kilobytes
            raise HttpError(HttpResponseBadRequest(), TOO_DEEP) from None

    def format_error(self, error: Exception) -> dict:
        formatted = dict(GraphQLView.format_error(error))
        extensions = dict(formatted.get("extensions") or {})
        formatted["extensions"] = extensions
        language = requested_language(getattr(self, "request", None))
        if "code" not in extensions:
            original = getattr(error, "original_error", None)
            resolver_failed = isinstance(error, GraphQLError) and bool(error.path) and original is not None
            if database_down(original or error):
                # An outage, not a bug: the caller retries (the whole answer is a 503, see dispatch).
                request = getattr(self, "request", None)
                if request is not None:
                    request._database_unavailable = True
                formatted["message"] = in_language(DATABASE_UNAVAILABLE, language)
                extensions["code"] = "database_unavailable"
                return formatted
            if (resolver_failed and not isinstance(original, GraphQLError)) or not isinstance(
                error, GraphQLError | HttpError
            ):
                # A bug or an outage: its text may quote the database or the code, so it stays in the log.
                log.error("graphql request failed", exc_info=original or error)
                formatted["message"] = in_language(INTERNAL_ERROR, language)
                extensions["code"] = "internal_error"
                return formatted
            extensions["code"] = "invalid_request"  # syntax, validation, variables, the HTTP form
            if isinstance(error, HttpError) and isinstance(error.message, Promise):  # ours, translated
                formatted["message"] = in_language(error.message, language)
                return formatted
            english, field = without_echo(error, formatted["message"], self._variables())
            english = with_enum_values(english, self.schema.graphql_schema)
            formatted["message"], detail = in_callers_language(english, error, language)
            if field:
                extensions["field"] = field
            if detail:
                extensions["detail"] = detail
            return formatted
        formatted["message"] = message_for(error, formatted["message"], language, extensions.get("code"))
        return formatted

    def _variables(self) -> object:
        return getattr(getattr(self, "request", None), "_graphql_variables", None)


# Exempt from the middleware's blanket check: the view checks session requests itself (above), so
# bearer and anonymous clients need no CSRF cookie.
tenant_graphql_view = csrf_exempt(LimitedGraphQLView.as_view(schema=schema))
regional_graphql_view = csrf_exempt(LimitedGraphQLView.as_view(schema=regional_schema))

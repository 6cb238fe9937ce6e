"""Open311's two formats: JSON, and XML with the specification's element names (its clients
parse either). Stdlib ElementTree: the documents are flat lists of flat records."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from xml.etree import ElementTree

from django.http import HttpRequest, HttpResponse, JsonResponse

FORMATS = ("json", "xml")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(parent: ElementTree.Element, record: Mapping[str, object]) -> None:
    for name, value in record.items():
        child = ElementTree.SubElement(parent, name)
        if isinstance(value, Mapping):
            _fill(child, value)
        elif isinstance(value, list):
            for item in value:  # a list's items are named for it in the singular ("formats": format)
                element = ElementTree.SubElement(child, name.removesuffix("s"))
                if isinstance(item, Mapping):
                    _fill(element, item)
                else:
                    element.text = _text(item)
        else:
            child.text = _text(value)


def xml_document(root: str, item: str, records: Iterable[Mapping[str, object]]) -> bytes:
    top = ElementTree.Element(root)
    for record in records:
        _fill(ElementTree.SubElement(top, item), record)
    return ElementTree.tostring(top, encoding="utf-8", xml_declaration=True)


def answer_record(fmt: str, root: str, record: Mapping[str, object]) -> HttpResponse:
    """One record as the whole document (discovery)."""
    if fmt == "xml":
        top = ElementTree.Element(root)
        _fill(top, record)
        body = ElementTree.tostring(top, encoding="utf-8", xml_declaration=True)
        return HttpResponse(body, content_type="text/xml; charset=utf-8")
    return JsonResponse(dict(record), json_dumps_params={"ensure_ascii": False})


def answer(
    fmt: str, root: str, item: str, records: list[Mapping[str, object]], *, status: int = 200
) -> HttpResponse:
    """A list of records as the caller asked: JSON (an array) or XML (`<root><item>…`)."""
    if fmt == "xml":
        body = xml_document(root, item, records)
        return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")
    return JsonResponse(records, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def error_shape(request: HttpRequest, status: int, objects: list[dict[str, object]]) -> HttpResponse:
    """Refusals made before Open311's views run (a token, a rate limit, an unknown path) as Open311's
    list of errors, as the views answer theirs (`API_ERROR_SHAPES` in settings)."""
    fmt = "xml" if request.path.endswith(".xml") else "json"
    records = [{"code": entry["code"], "description": entry["message"]} | entry for entry in objects]
    return answer(fmt, "errors", "error", records, status=status)

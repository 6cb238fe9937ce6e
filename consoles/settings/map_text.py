"""Leaflet.draw's own wording (its `L.drawLocal`) in the screen's language: the buttons and hints
the area map shows while a person draws."""

from __future__ import annotations

from django.utils.translation import gettext as _


def draw_texts() -> dict[str, object]:
    cancel = {"title": _("Cancel drawing"), "text": _("Cancel")}
    return {
        "draw": {
            "toolbar": {
                "actions": cancel,
                "finish": {"title": _("Finish drawing"), "text": _("Finish")},
                "undo": {"title": _("Delete the last point"), "text": _("Delete the last point")},
                "buttons": {"polygon": _("Draw an area")},
            },
            "handlers": {
                "polygon": {
                    "tooltip": {
                        "start": _("Click to start drawing the area."),
                        "cont": _("Click to continue drawing the area."),
                        "end": _("Click the first point to close the area."),
                    }
                },
                "polyline": {"error": _("The area's edges must not cross.")},
            },
        },
        "edit": {
            "toolbar": {
                "actions": {
                    "save": {"title": _("Save changes"), "text": _("Save")},
                    "cancel": {"title": _("Cancel editing"), "text": _("Cancel")},
                    "clearAll": {"title": _("Remove the area"), "text": _("Remove all")},
                },
                "buttons": {
                    "edit": _("Edit the area"),
                    "editDisabled": _("No area to edit"),
                    "remove": _("Remove the area"),
                    "removeDisabled": _("No area to remove"),
                },
            },
            "handlers": {
                "edit": {"tooltip": {"text": _("Drag the corners to change the area."), "subtext": ""}},
                "remove": {"tooltip": {"text": _("Click the area to remove it.")}},
            },
        },
    }

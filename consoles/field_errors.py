"""Field errors a screen reader reads with their field. The consoles' templates give a field's
error the id `<field id>-error`; Django 5.2 would point `aria-describedby` at `<field id>_error`
(its own error list's id), which no template renders. A form mixing this in points its refused
fields at the id the templates do render, whether the form's own checks refused them or an
action's problems were added afterwards."""

from __future__ import annotations

from django import forms


class DescribedErrors(forms.Form):
    def add_error(self, field: str | None, error: object) -> None:
        super().add_error(field, error)
        for name in self.errors:
            if name not in self.fields or self.fields[name].widget.is_hidden:
                continue
            if self[name].use_fieldset:  # a group of radios is described on its fieldset, by the template
                continue
            attrs = self.fields[name].widget.attrs
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = f"{self[name].auto_id}-error"

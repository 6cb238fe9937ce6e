"""The regional console's period: the last 7, 30, 90 or 365 days; anything else is a field error in
the screen's language."""

from __future__ import annotations

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from consoles.field_errors import DescribedErrors
from regional import kpis
from regional.console import PERIOD_DAYS


class PeriodForm(DescribedErrors):
    days = forms.TypedChoiceField(
        label=_("Period"),
        coerce=int,
        required=False,
        empty_value=kpis.DEFAULT_DAYS,
        error_messages={"invalid_choice": _("Choose the last 7, 30, 90 or 365 days.")},
    )

    def __init__(self, query: QueryDict) -> None:
        data = query.copy()
        if not data.get("days"):
            data["days"] = str(kpis.DEFAULT_DAYS)  # bound with the default: the list shows it chosen
        super().__init__(data)
        field = self.fields["days"]
        field.choices = [(days, gettext("%(days)s days") % {"days": days}) for days in PERIOD_DAYS]

    def chosen_days(self) -> int | None:
        """The period asked for; None when it is not one of the console's."""
        return self.cleaned_data["days"] if self.is_valid() else None

"""The region's public figures (`/figures/` on the regional host, anonymous; decision 102): each
akimat's 109 line over the last 7, 30 or 90 days or in a calendar month (`?month=YYYY-MM`, asked as
an akimat's page asks it: `consoles.months`) side by side with their total, from the region's read
model (`regional.kpis`, the same definitions as each akimat's own page; its tallies are by day, so
a month is its days), each row leading to that akimat's page. The sandbox is no part of the region."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django_tenants.utils import get_public_schema_name

from consoles.hosts import akimat_site
from consoles.language import linked_url
from consoles.months import Month, asked, offered, region_first, today
from consoles.public_figures.views import DAYS, days_asked, percent
from regional.kpis import Kpis, Period, kpis_by_scope
from tenants.models import Akimat


def _sum(parts: list[Kpis]) -> Kpis:
    """The listed akimats' figures added up: the total is theirs, not the read model's region-wide
    scope, which also holds akimats since switched off (their history stays in the read model)."""
    total = Kpis()
    for part in parts:
        total.add(part)
    return total


@require_GET
def region_figures_page(request: HttpRequest) -> HttpResponse:
    akimats = list(
        Akimat.objects.in_region()
        .exclude(schema_name=get_public_schema_name())
        .filter(is_active=True)
        .order_by("kato")
    )
    first = region_first(akimats)
    month: Month | None = None
    if "month" in request.GET:
        month, refusal = asked(request.GET.get("month"), first)
        period = Period.of(month.first, min(month.last, today()))
    else:
        start, end, refusal = days_asked(request)
        period = Period.of(start, end)
    kpis = kpis_by_scope([a.schema_name for a in akimats], None, period)
    rows = [
        {
            "akimat": akimat,
            "url": linked_url(f"{akimat_site(akimat.slug)}/figures/"),
            "kpis": kpis[akimat.schema_name],
            "percent": percent(kpis[akimat.schema_name]),
        }
        for akimat in akimats
    ]
    total = _sum(list(kpis.values()))
    context = {
        "period": period,
        "days": None if month else (period.end - period.start).days + 1,
        "month": month,
        "months": offered(first),
        "choices": DAYS,
        "refusal": refusal,
        "total": total,
        "percent": percent(total),
        "rows": rows,
        "language_next": request.get_full_path() if refusal is None else "/figures/",
    }
    return render(request, "consoles/public_figures/region.html", context, status=400 if refusal else 200)

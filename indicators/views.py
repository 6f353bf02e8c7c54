import logging

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts import permissions
from config.downloads import PARQUET, PDF, attachment, page_tables_response
from indicators import cdpe, exports, labels, pathways, results
from indicators.engine import months, volet3
from indicators.forms import DeliveryUploadForm, PeriodForm
from indicators.ingestion import UploadRefused, receive_delivery
from indicators.models import Delivery, IndicatorTable

logger = logging.getLogger(__name__)


def dashboard(request, code: str):
    collectivity = permissions.collectivity_or_404(request.user, code, permissions.may_view_indicators)
    volet2_rows = results.volet2_rows(collectivity)
    year, organism_rows = results.organism_rows(collectivity)
    volet3_rows = results.monthly_rows(collectivity, IndicatorTable.VOLET3)
    plein_emploi_rows = results.monthly_rows(collectivity, IndicatorTable.PLEIN_EMPLOI)
    pathway_months = pathways.against_target(
        results.monthly_rows(collectivity, IndicatorTable.INTENSIVE_PATHWAYS),
        list(collectivity.conventions.values_list("start_date", "end_date", "intensive_pathways_target")),
    )
    export = page_tables_response(
        request,
        f"indicateurs-{collectivity.code}",
        lambda: [
            exports.volet2_table(volet2_rows),
            exports.organisms_table(year, organism_rows),
            exports.volet3_table(volet3_rows),
        ],
    )
    if export:
        return export
    return render(
        request,
        "indicators/dashboard.html",
        {
            "title": f"Indicateurs – {collectivity.name}",
            "collectivity": collectivity,
            "volet2_rows": volet2_rows,
            "volet3_rows": volet3_rows,
            # one row per indicator, one cell per month (the table is read indicator by indicator)
            "volet3_by_indicator": [
                (labels.VOLET3[c], [row.get(c) for row in volet3_rows]) for c in volet3.COLUMNS[1:]
            ],
            "plein_emploi_rows": plein_emploi_rows,
            "plein_emploi_by_indicator": [
                (label, [row.get(column) for row in plein_emploi_rows]) for column, label in labels.PLEIN_EMPLOI.items()
            ],
            "pathway_months": pathway_months,
            "organism_year": year,
            "organism_rows": [
                {**row, "type_organisme": labels.ORGANISMS.get(row["type_organisme"], row["type_organisme"])}
                for row in organism_rows
            ],
            "comments": results.comments(collectivity, volet2_rows),
            "may_upload": permissions.may_upload_delivery(request.user, collectivity),
            "may_view_worklist": permissions.may_view_worklist(request.user, collectivity),
        },
    )


@require_http_methods(["GET", "POST"])
def deliveries(request, code: str):
    collectivity = permissions.collectivity_or_404(request.user, code, permissions.may_view_indicators)
    may_upload = permissions.may_upload_delivery(request.user, collectivity)
    form = DeliveryUploadForm()
    if request.method == "POST":
        if not may_upload:
            raise Http404
        form = DeliveryUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                delivery = receive_delivery(
                    collectivity=collectivity, user=request.user, files=form.cleaned_data["files"]
                )
            except UploadRefused as refusal:
                form.add_error("files", str(refusal))
            else:
                return redirect("indicators:delivery_detail", pk=delivery.pk)
    deliveries = Delivery.objects.filter(collectivity=collectivity).select_related("uploaded_by")
    export = page_tables_response(
        request, f"livraisons-{collectivity.code}", lambda: [exports.deliveries_table(deliveries)]
    )
    if export:
        return export
    return render(
        request,
        "indicators/deliveries.html",
        {
            "title": f"Livraisons de données – {collectivity.name}",
            "collectivity": collectivity,
            "deliveries": deliveries,
            "form": form,
            "may_upload": may_upload,
        },
    )


def _delivery(request, pk: int) -> Delivery:
    delivery = get_object_or_404(
        Delivery.objects.select_related("collectivity", "uploaded_by").filter(
            collectivity__in=permissions.visible_collectivities(request.user)
        ),
        pk=pk,
    )
    return delivery


def delivery_detail(request, pk: int):
    delivery = _delivery(request, pk)
    template = "indicators/_delivery_status.html" if request.htmx else "indicators/delivery_detail.html"
    return render(request, template, {"title": f"Livraison n° {delivery.pk}", "delivery": delivery})


def worklist(request, code: str):
    collectivity = permissions.collectivity_or_404(request.user, code, permissions.may_view_worklist)
    found = results.orientation_worklist(collectivity)
    month = found.month
    stem = f"a-orienter-{collectivity.code}-{month:%Y-%m}" if month else f"a-orienter-{collectivity.code}"
    export = page_tables_response(request, stem, lambda: [exports.worklist_table(found.people)])
    if export:  # pseudonyms only: the identifiers are never exported
        return export
    if found.with_identifiers:
        logger.info(
            "Liste à orienter avec les identifiants du département affichée à l'utilisateur %s (%s, %s personnes)",
            request.user.pk,
            collectivity.code,
            len(found.people),
        )
    return render(
        request,
        "indicators/worklist.html",
        {
            "title": f"À orienter – {collectivity.name}",
            "collectivity": collectivity,
            "month": month,
            "people": found.people,
            "with_identifiers": found.with_identifiers,
            "to_france_travail": len(found.to_france_travail),
            "as_of": found.as_of,
            "older": found.older,
            "window_start": months.shift(month, 1 - results.WORKLIST_MONTHS) if month else None,
        },
    )


def france_travail_list(request, code: str):
    """The new entrants of the work list's months that France Travail orients (six weeks past)."""
    collectivity = permissions.collectivity_or_404(request.user, code, permissions.may_view_worklist)
    found = results.france_travail_list(collectivity)
    stem = f"orientation-france-travail-{collectivity.code}" + (f"-{found.month:%Y-%m}" if found.month else "")
    export = page_tables_response(request, stem, lambda: [exports.france_travail_table(found.people)])
    if export:
        return export
    return render(
        request,
        "indicators/france_travail.html",
        {
            "title": f"Orientation par France Travail – {collectivity.name}",
            "collectivity": collectivity,
            "month": found.month,
            "as_of": found.as_of,
            "people": found.people,
        },
    )


def cdpe_synthesis(request, code: str):
    """The synthesis for the comité pour l'emploi départemental over a chosen period: page, PDF, spreadsheet."""
    collectivity = permissions.collectivity_or_404(request.user, code, permissions.may_view_indicators)
    tables = {table: results.monthly_rows(collectivity, table) for table in cdpe.TABLES}
    delivered = sorted(row["mois"] for rows in tables.values() for row in rows)
    if "du" in request.GET:
        form = PeriodForm(request.GET)
    elif delivered:  # the last three months delivered
        form = PeriodForm({"du": months.label(months.shift(delivered[-1], -2)), "au": months.label(delivered[-1])})
    else:
        form = PeriodForm()
    found = cdpe.synthesis(tables, form.cleaned_data["du"], form.cleaned_data["au"]) if form.is_valid() else None
    if found:
        stem = f"synthese-cdpe-{collectivity.code}-{found.first:%Y-%m}-{found.last:%Y-%m}"
        context = {"collectivity": collectivity, "found": found}
        if request.GET.get("format") == "pdf":
            return attachment(cdpe.render_pdf(context), f"{stem}.pdf", PDF)
        export = page_tables_response(request, stem, lambda: [exports.cdpe_table(found)])
        if export:
            return export
    return render(
        request,
        "indicators/cdpe.html",
        {
            "title": f"Synthèse pour le comité pour l'emploi – {collectivity.name}",
            "collectivity": collectivity,
            "form": form,
            "found": found,
        },
    )


def plein_emploi_export(request, code: str) -> HttpResponse:
    """The delays of the loi pour le plein emploi as a file (?format=csv or xlsx); without a format, the
    dashboard that shows them."""
    collectivity = permissions.collectivity_or_404(request.user, code, permissions.may_view_indicators)
    rows = results.monthly_rows(collectivity, IndicatorTable.PLEIN_EMPLOI)
    export = page_tables_response(
        request, f"indicateurs-plein-emploi-{collectivity.code}", lambda: [exports.plein_emploi_table(rows)]
    )
    return export or redirect("indicators:dashboard", code=collectivity.code)


def volet2_export(request, code: str) -> HttpResponse:
    collectivity = permissions.collectivity_or_404(request.user, code, permissions.may_view_indicators)
    return exports.volet2_csv(collectivity, results.volet2_rows(collectivity))


def volet3_export(request, code: str) -> HttpResponse:
    collectivity = permissions.collectivity_or_404(request.user, code, permissions.may_view_indicators)
    return exports.volet3_csv(collectivity, results.monthly_rows(collectivity, "volet3"))


def parquet_export(request, code: str) -> HttpResponse:
    """Bulk export of the stored results (every table, month and definition version) as Parquet."""
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    from indicators.models import IndicatorResult

    collectivity = permissions.collectivity_or_404(request.user, code, permissions.may_view_indicators)
    rows = [
        {"collectivite": collectivity.code, "tableau": r.table, "mois": r.month, "version": r.version,
         "indicateur": key, "valeur": None if value is None else str(value)}
        for r in IndicatorResult.objects.filter(collectivity=collectivity).order_by("table", "month")
        for key, value in (r.values.items() if r.table != "organismes" else [])
    ]  # fmt: skip
    buffer = io.BytesIO()
    pq.write_table(
        pa.Table.from_pylist(rows) if rows else pa.table({"collectivite": pa.array([], pa.string())}), buffer
    )
    return attachment(buffer.getvalue(), f"indicateurs-{collectivity.code}.parquet", PARQUET)

from collections import Counter
from datetime import date

from data_inclusion.schema.v1 import ModeAccueil, Public, Thematique
from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accounts import permissions
from config.downloads import PARQUET, XLSX, attachment, csv_response, page_tables_response
from config.french import count
from conventions.models import Convention
from funding.forms import UploadForm
from offer import coverage, files, quality, services, tables
from offer.forms import ServiceForm, StructureForm
from offer.models import DuplicateCandidate, OfferService, OfferStructure, ServiceFunding

THEMES = [(t.value, t.label) for t in Thematique]


def _scope(request):
    """The territory the page looks at: a collectivité, a region, or (national accounts) everything."""
    code = request.GET.get("territoire", "")
    visible = permissions.visible_collectivities(request.user)
    if code.startswith("region-"):
        region = get_object_or_404(permissions.visible_regions(request.user), code=code.removeprefix("region-"))
        collectivities = visible.filter(region=region)
        label = region.name
    elif code:
        collectivities = visible.filter(code=code)
        if not collectivities.exists():
            raise Http404
        label = collectivities.first().name
    else:
        collectivities = visible
        label = "National" if permissions.is_national(request.user) else "Mon territoire"
    departements = {d.code for c in collectivities.prefetch_related("departements") for d in c.departements.all()}
    return label, departements, collectivities


def dashboard(request):
    label, departements, _ = _scope(request)
    service_qs = OfferService.objects.filter(departement__in=departements)
    records = list(service_qs.values_list("data", flat=True))
    themes = coverage.coverage([r.get("thematiques", []) for r in records])
    today = date.today()
    months = []
    referenced = Counter(s.strftime("%Y-%m") for s in service_qs.values_list("referenced_at", flat=True))
    updated = Counter(d.strftime("%Y-%m") for d in service_qs.values_list("date_maj", flat=True))
    for back in range(11, -1, -1):
        index = today.year * 12 + today.month - 1 - back
        key = f"{index // 12:04d}-{index % 12 + 1:02d}"
        months.append((key, referenced.get(key, 0), updated.get(key, 0)))
    export = page_tables_response(request, "offre-tableau-de-bord", lambda: tables.dashboard_tables(months, themes))
    if export:
        return export
    return render(
        request,
        "offer/dashboard.html",
        {
            "title": f"Offre d'insertion – {label}",
            "label": label,
            "structures": OfferStructure.objects.filter(departement__in=departements).count(),
            "services": len(records),
            "mean_quality": quality.mean_quality(records[:5000]),
            "themes": themes,
            "summary": coverage.summary(themes),
            "months": months,
            "pending_duplicates": DuplicateCandidate.objects.filter(
                departement__in=departements, status=DuplicateCandidate.Status.PENDING
            ).count(),
            "regions": permissions.visible_regions(request.user),
            "collectivities": permissions.visible_collectivities(request.user),
            "may_reference": permissions.may_reference_offer(request.user),
            "upload_form": UploadForm(),
            "territory": request.GET.get("territoire", ""),
        },
    )


def search(request):
    _, departements, _ = _scope(request)
    results = OfferService.objects.filter(departement__in=departements).select_related("structure")
    theme, public, mode, place = (request.GET.get(k, "") for k in ("thematique", "public", "mode_accueil", "commune"))
    departement = request.GET.get("departement", "")
    if theme:
        results = results.filter(thematiques__icontains=f'"{theme}"')
    if public:
        results = results.filter(publics__icontains=f'"{public}"')
    if mode:
        results = results.filter(modes_accueil__icontains=f'"{mode}"')
    if place:
        results = results.filter(Q(commune__icontains=place) | Q(code_insee=place))
    if departement:
        results = results.filter(departement=departement)
    results = results.prefetch_related("fundings__convention__collectivity", "fundings__action_sheet")
    export = page_tables_response(request, "offre-recherche", lambda: [tables.search_table(results)])
    if export:
        return export
    results = list(results[:200])
    return render(
        request,
        "offer/search.html",
        {
            "title": "Rechercher un service",
            "results": results,
            "themes": THEMES,
            "publics": [(p.value, p.label) for p in Public],
            "modes": [(m.value, m.label) for m in ModeAccueil],
            "query": {
                k: request.GET.get(k, "") for k in ("thematique", "public", "mode_accueil", "commune", "departement")
            },
        },
    )


@require_POST
def import_offer(request):
    if not permissions.may_reference_offer(request.user):
        raise Http404
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choisissez un fichier.")
        return redirect("offer:dashboard")
    uploaded = form.cleaned_data["file"]
    try:
        result = services.import_offer(
            filename=uploaded.name,
            data=uploaded.read(),
            allowed_departements=permissions.offer_departements(request.user),
            by=request.user,
        )
    except services.OfferImportError as error:
        messages.error(
            request, "Import refusé, rien n'a été enregistré : " + " ; ".join(str(i) for i in error.issues[:100])
        )
        return redirect("offer:dashboard")
    for warning in result.warnings[:50]:
        messages.warning(request, str(warning))
    found = services.detect_duplicates(sorted(permissions.offer_departements(request.user) or []) or None)
    messages.success(
        request,
        f"Import réussi : {count(result.structures, 'structure')}, {count(result.services, 'service')} ; "
        f"{count(found, 'doublon probable')} à revoir.",
    )
    return redirect("offer:dashboard")


def export_offer(request, fmt: str):
    _, departements, _ = _scope(request)
    structures = OfferStructure.objects.filter(departement__in=departements)
    service_qs = OfferService.objects.filter(departement__in=departements)
    data = services.export_data(structures, service_qs)
    kind = request.GET.get("nature", "services")
    if fmt == "json":
        return attachment(files.write_json(data), "offre.json", "application/json")
    if fmt == "xlsx":
        return attachment(files.write_xlsx(data), "offre.xlsx", XLSX)
    if kind not in files.KINDS:
        raise Http404
    if fmt == "csv":
        return attachment(files.write_csv(data[kind]), f"{kind}.csv", "text/csv; charset=utf-8")
    if fmt == "parquet":
        return attachment(files.write_parquet(data[kind]), f"{kind}.parquet", PARQUET)
    if fmt == "financements":
        links = ServiceFunding.objects.filter(service__in=service_qs).select_related(
            "convention__collectivity", "action_sheet"
        )
        return csv_response(
            "financements.csv",
            ["service_id", "convention", "collectivite", "annee", "fiche_action"],
            (
                [
                    link.service_id,
                    link.convention_id,
                    link.convention.collectivity.code,
                    link.convention.year,
                    link.action_sheet.number if link.action_sheet else "",
                ]
                for link in links
            ),
        )
    raise Http404


def duplicates(request):
    _, departements, _ = _scope(request)
    pending = DuplicateCandidate.objects.filter(departement__in=departements, status=DuplicateCandidate.Status.PENDING)
    rows = []
    for candidate in pending[:200]:
        model = OfferStructure if candidate.kind == "structures" else OfferService
        found = {o.pk: o for o in model.objects.filter(pk__in=[candidate.first_id, candidate.second_id])}
        rows.append((candidate, found.get(candidate.first_id), found.get(candidate.second_id)))
    export = page_tables_response(request, "offre-doublons", lambda: [tables.duplicates_table(rows)])
    if export:
        return export
    return render(
        request,
        "offer/duplicates.html",
        {"title": "Doublons probables", "rows": rows, "may_reference": permissions.may_reference_offer(request.user)},
    )


@require_POST
def review(request, pk: int):
    if not permissions.may_reference_offer(request.user):
        raise Http404
    _, departements, _ = _scope(request)
    candidate = get_object_or_404(DuplicateCandidate, pk=pk, departement__in=departements)
    decision = request.POST.get("decision")
    if decision not in (DuplicateCandidate.Status.MERGED, DuplicateCandidate.Status.DISTINCT):
        raise Http404
    services.review(candidate=candidate, decision=decision, by=request.user)
    messages.success(request, "Décision enregistrée.")
    return redirect("offer:duplicates")


@require_POST
def link_funding(request, service_id: str):
    """Link a service to a convention (and a fiche action) that funds it."""
    if not permissions.may_reference_offer(request.user):
        raise Http404
    _, departements, _ = _scope(request)
    service = get_object_or_404(OfferService, pk=service_id, departement__in=departements)
    convention = get_object_or_404(Convention.objects.for_user(request.user), pk=request.POST.get("convention"))
    sheet = convention.action_sheets.filter(pk=request.POST.get("action_sheet") or 0).first()
    ServiceFunding.objects.get_or_create(service=service, convention=convention, action_sheet=sheet)
    messages.success(request, f"{service} est lié au financement de {convention}.")
    target = request.POST.get("next") or ""
    allowed = {request.get_host()}
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=allowed, require_https=request.is_secure()):
        target = "offer:search"  # never to another site (open redirect)
    return redirect(target)


@require_http_methods(["GET", "POST"])
def enter(request, kind: str):
    """Reference a structure or a service by hand, checked by the official models."""
    if not permissions.may_reference_offer(request.user) or kind not in ("structure", "service"):
        raise Http404
    allowed = permissions.offer_departements(request.user)
    structures = (
        OfferStructure.objects.all() if allowed is None else OfferStructure.objects.filter(departement__in=allowed)
    )
    if kind == "structure":
        form = StructureForm(request.POST or None)
    else:
        form = ServiceForm(request.POST or None, structures=structures)
    if request.method == "POST" and form.is_valid():
        record = form.validated
        model = OfferStructure if kind == "structure" else OfferService
        if allowed is not None and services.departement_of(record) not in allowed:
            form.add_error("code_insee" if kind == "structure" else None, "hors du territoire de votre compte")
        elif allowed is not None and services.foreign_ids(model, [record["id"]], allowed):
            form.add_error(None, "Cet identifiant est déjà référencé par un autre territoire.")
        else:
            if kind == "structure":
                services.save_offer([record], [], by=request.user)
            else:
                services.save_offer([], [record], by=request.user)
            done = "référencée" if kind == "structure" else "référencé"
            messages.success(request, f"« {record['nom']} » est {done} dans le schéma data·inclusion.")
            return redirect("offer:dashboard")
    title = "Référencer une structure" if kind == "structure" else "Référencer un service"
    return render(request, "offer/enter.html", {"title": title, "form": form})

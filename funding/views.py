from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts import permissions
from config import french
from config.downloads import XLSX, attachment, page_tables_response
from config.form_errors import errors_text
from config.formats import format_euros
from config.params import year_param
from conventions.lifecycle import TransitionRefused
from conventions.models import Convention
from conventions.volets import Volet
from funding import excel, excel_import, plans, rules, services
from funding.ceilings import Volet1Formula, allocate_volet1
from funding.forms import CeilingForm, EnvelopeForm, PlanLineInlineForm, SimulationForm, UploadForm
from funding.models import PlanLine
from funding.structure import SECTIONS
from funding.tables import ceilings_table, simulation_table
from territories.models import Collectivity


def _convention(request, pk: int, *, editing=False) -> Convention:
    return permissions.convention_or_404(request.user, pk, permissions.may_edit_financing_plan if editing else None)


def _plan_context(request, convention) -> dict:
    may_edit = permissions.may_edit_financing_plan(request.user, convention)
    lines = list(PlanLine.objects.filter(convention=convention).select_related("action_sheet"))
    reading = plans.read_plan(convention)  # read once for the totals, the checks and the finalisation's refusals
    rule_lines = reading.lines
    ceilings = plans.ceilings_of(convention)
    volets = []
    for volet in Volet:
        state, collectivity = rules.totals(rule_lines, volet)
        volet_lines = [line for line in lines if line.volet == volet]
        volets.append(
            {
                "number": volet,
                "sections": SECTIONS[volet],
                "rows": [
                    (
                        line,
                        PlanLineInlineForm(instance=line, volet=volet, prefix=f"l{line.pk}") if may_edit else None,
                        f"line-{line.pk}",
                    )
                    for line in volet_lines
                ],
                "state_total": state,
                "collectivity_total": collectivity,
                "ceiling": ceilings[volet],
                "convention_amount": convention.amounts[volet],
            }
        )
    checks = plans.page_checks(convention, reading)
    return {
        "convention": convention,
        "volets": volets,
        "checks": checks,
        "blocking": rules.blocking_failures(checks),
        # while the plan is negotiated: what the finalisation would refuse (the same list as the to-do of the home
        # page), so that a plan without a blocking rule does not read as ready while its totals or fiches are not
        "finalisation": plans.amount_refusals(convention, reading=reading) if convention.editable else None,
        "valorisation": rules.valorisation(rule_lines),
        "may_edit": may_edit,
        "upload_form": UploadForm(),
    }


def plan(request, pk: int):
    convention = _convention(request, pk)
    context = _plan_context(request, convention)
    return render(request, "funding/plan.html", {"title": f"Plan de financement – {convention}", **context})


def _plan_response(request, convention):
    if request.htmx:
        return render(request, "funding/_plan_body.html", _plan_context(request, convention))
    return redirect("funding:plan", pk=convention.pk)


def _plan_write(request, write) -> bool:
    """A write to the plan, refused with its reasons (the plan frozen, the line changed meanwhile), never half-done."""
    try:
        write()
    except TransitionRefused as refusal:
        messages.error(request, " ".join(refusal.reasons))
        return False
    return True


@require_POST
def line_add(request, pk: int, volet: int):
    convention = _convention(request, pk, editing=True)
    if volet not in SECTIONS:
        raise Http404
    _plan_write(
        request,
        lambda: services.plan_line_add(convention_id=convention.pk, volet=Volet(volet), by=request.user),
    )
    return _plan_response(request, convention)


@require_POST
def line_update(request, pk: int, line_pk: int):
    """Saved at every change (htmx): the totals and the rules come back at once."""
    convention = _convention(request, pk, editing=True)
    line = PlanLine.objects.filter(convention=convention, pk=line_pk).first()
    if line is None:
        messages.error(request, services.LINE_GONE)
        return _plan_response(request, convention)
    purpose = line.purpose  # the form writes its values on the line it is given
    form = PlanLineInlineForm(request.POST, instance=line, volet=line.volet, prefix=f"l{line.pk}")
    if not form.is_valid():
        messages.error(
            request,
            f"Ligne « {purpose} » non enregistrée : "
            + " ".join(f"{form.fields[f].label} – {e}" for f, errors in form.errors.items() for e in errors),
        )
        return _plan_response(request, convention)
    values = {name: form.cleaned_data[name] for name in PlanLineInlineForm.Meta.fields}

    def write():
        saved = services.plan_line_update(
            convention_id=convention.pk,
            line_id=line.pk,
            lock_version=form.cleaned_data["lock_version"],
            values=values,
            by=request.user,
        )
        messages.success(request, f"Ligne « {saved.purpose} » enregistrée ; totaux et règles recalculés.")

    _plan_write(request, write)
    return _plan_response(request, convention)


@require_POST
def line_delete(request, pk: int, line_pk: int):
    convention = _convention(request, pk, editing=True)
    try:
        lock_version = int(request.POST["lock_version"])
    except (KeyError, ValueError):
        messages.error(request, "Suppression refusée : la version de la ligne manque ; rechargez la page.")
        return _plan_response(request, convention)
    _plan_write(
        request,
        lambda: services.plan_line_delete(convention_id=convention.pk, line_id=line_pk, lock_version=lock_version),
    )
    return _plan_response(request, convention)


def export_xlsx(request, pk: int):
    convention = _convention(request, pk)
    lines = PlanLine.objects.filter(convention=convention).select_related("action_sheet")
    data = excel.export_plan(convention, list(lines), plans.ceilings_of(convention))
    return attachment(data, f"plan-de-financement-{convention.collectivity.code}-{convention.year}.xlsx", XLSX)


@require_POST
def import_xlsx(request, pk: int):
    convention = _convention(request, pk, editing=True)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choisissez un fichier .xlsx.")
        return redirect("funding:plan", pk=pk)
    uploaded = form.cleaned_data["file"]
    try:
        imported = excel_import.import_plan(
            excel_import.read_upload(uploaded),
            filename=uploaded.name,
            convention=convention,
            action_numbers=set(convention.action_sheets.values_list("number", flat=True)),
        )
    except excel_import.PlanImportError as error:
        messages.error(request, "Plan refusé, rien n'a été modifié : " + " ; ".join(str(e) for e in error.errors[:50]))
        return redirect("funding:plan", pk=pk)
    if _plan_write(request, lambda: services.plan_replace(convention=convention, lines=imported.lines)):
        for warning in imported.warnings:
            messages.warning(request, warning)
        messages.success(request, f"Plan importé : {len(imported.lines)} lignes.")
    return redirect("funding:plan", pk=pk)


def ceilings(request):
    if not permissions.may_view_ceilings(request.user):
        raise Http404
    year = year_param(request.GET)
    collectivities = permissions.visible_collectivities(request.user).select_related("region")
    in_force = plans.ceilings_in_force(collectivities, year)  # a multi-year campaign's earlier ones « réputés stables »
    rows = [(c, [in_force.get((c.pk, v)) for v in Volet]) for c in collectivities]
    totals = [sum((cs[i].amount for _, cs in rows if cs[i]), 0) for i in range(3)]
    export = page_tables_response(request, f"plafonds-{year}", lambda: [ceilings_table(rows)])
    if export:
        return export
    envelope = services.envelope_for(year)
    over = []
    if envelope and permissions.is_national(request.user):
        over = [v for v, total in zip(Volet, totals, strict=True) if total > getattr(envelope, f"volet{v}")]
    return render(
        request,
        "funding/ceilings.html",
        {
            "title": f"Plafonds {year}",
            "year": year,
            "rows": rows,
            "carried": any(ceiling and ceiling.year != year for _, cs in rows for ceiling in cs),
            "totals": totals,
            "envelope": envelope,
            "over_envelope": over,
            "national": permissions.is_national(request.user),
            "upload_form": UploadForm(),
            # two forms on one page, each with ids of its own
            "envelope_form": EnvelopeForm(
                auto_id="enveloppe-%s",
                initial={
                    "year": year,
                    **({f: getattr(envelope, f) for f in ("total", "volet1", "volet2", "volet3")} if envelope else {}),
                },
            ),
            "ceiling_form": CeilingForm(auto_id="plafond-%s", initial={"year": year, "volet": 3}),
        },
    )


@require_http_methods(["GET", "POST"])
def simulation(request):
    """Volet 1 ceilings of every collectivité from the formula, against the envelope, before notifying."""
    if not permissions.may_set_ceilings(request.user):
        raise Http404
    year = year_param(request.GET)
    envelope = services.envelope_for(year)
    initial = {"year": year, "tranche_size": 1000}
    if envelope:
        initial.update(
            envelope=envelope.volet1, base=envelope.volet1_base, per_tranche=envelope.volet1_per_tranche,
            tranche_size=envelope.volet1_tranche_size,
        )  # fmt: skip
    # a link that only names the year (« Plafonds 2025 » → simulation) opens the form with that year's envelope
    submitted = request.POST or (request.GET if "envelope" in request.GET else None)
    form = SimulationForm(submitted, initial=initial)
    allocation, rows = None, []
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        collectivities = list(Collectivity.objects.select_related("region"))
        formula = Volet1Formula(data["base"], data["per_tranche"], data["tranche_size"])
        allocation = allocate_volet1({c.code: c.rsa_households for c in collectivities}, formula, data["envelope"])
        rows = [(c, allocation.amounts[c.code]) for c in collectivities]
        if request.method == "POST" and "notifier" in request.POST:
            try:
                count = services.notify_volet1(
                    year=data["year"],
                    volet1_envelope=data["envelope"],
                    formula=formula,
                    allocation=allocation,
                    notified_on=date.today(),
                )
            except services.CeilingImportError as refusal:
                messages.error(
                    request, "Pré-notification refusée, rien n'a été enregistré : " + " ".join(refusal.errors)
                )
            else:
                messages.success(request, f"{count} plafonds du volet 1 pré-notifiés pour {data['year']}.")
                return redirect(f"/financement/plafonds/?annee={data['year']}")
        export = page_tables_response(request, f"simulation-volet1-{data['year']}", lambda: [simulation_table(rows)])
        if export:
            return export
    # the export links repeat the simulation's parameters (the simulation itself may have been posted)
    query = urlencode({k: v for k, v in form.data.items() if k in form.fields}) if form.is_bound else ""
    prenotify = ""
    if allocation:
        prenotify = (
            f"Les plafonds du volet 1 de {french.count(len(rows), 'collectivité')} sont enregistrés pour "
            f"{form.cleaned_data['year']} (total {format_euros(allocation.total)}) et deviennent les plafonds "
            "opposables de leurs conventions ; une nouvelle pré-notification les remplacera."
        )
    return render(
        request,
        "funding/simulation.html",
        {"title": "Simulation des plafonds du volet 1", "form": form, "allocation": allocation, "rows": rows,
         "query": query, "prenotify_consequence": prenotify, "envelope_missing": envelope is None, "year": year},
    )  # fmt: skip


# The CALPAE file has one line per collectivité (about a hundred).
CALPAE_MAX_BYTES = 1024 * 1024
CALPAE_MAX_ROWS = 1000


@require_POST
def calpae_import(request):
    if not permissions.may_set_ceilings(request.user):
        raise Http404
    form = UploadForm(request.POST, request.FILES)
    year = year_param(request.POST)
    if form.is_valid():
        uploaded = form.cleaned_data["file"]
        if uploaded.size > CALPAE_MAX_BYTES:
            messages.error(request, f"{uploaded.name} : fichier trop volumineux (1 Mio au plus).")
            return redirect(f"/financement/plafonds/?annee={year}")
        try:
            text = uploaded.read().decode("utf-8")
        except UnicodeDecodeError:
            messages.error(request, f"{uploaded.name} : encodage attendu UTF-8.")
            return redirect(f"/financement/plafonds/?annee={year}")
        if text.count("\n") > CALPAE_MAX_ROWS:
            messages.error(request, f"{uploaded.name} : plus de {CALPAE_MAX_ROWS} lignes (une par collectivité).")
            return redirect(f"/financement/plafonds/?annee={year}")
        try:
            count = services.import_calpae(year=year, filename=uploaded.name, text=text)
        except services.CeilingImportError as error:
            messages.error(request, "Import refusé, rien n'a été modifié : " + " ; ".join(error.errors[:50]))
        else:
            messages.success(request, f"{count} plafonds du volet 2 importés (crédits CALPAE 2022).")
    else:
        uploaded = request.FILES.get("file")
        problem = " ".join(form.errors.get("file", ["Choisissez un fichier."]))
        messages.error(
            request, f"Import refusé, rien n'a été modifié : {uploaded.name} : {problem}" if uploaded else problem
        )
    return redirect(f"/financement/plafonds/?annee={year}")


@require_POST
def envelope_set(request):
    """The DGEFP sets the national envelope of a year and splits it between the volets (R-FIN-12)."""
    if not permissions.may_set_ceilings(request.user):
        raise Http404
    form = EnvelopeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.envelope_save(
                year=data["year"],
                total=data["total"],
                parts={volet: data[f"volet{volet.value}"] for volet in Volet},
                reserve=data["reserve"],
            )
        except services.CeilingImportError as refusal:
            messages.error(request, "Enveloppe refusée : " + " ".join(refusal.errors))
        else:
            messages.success(request, f"Enveloppe {data['year']} enregistrée.")
    else:
        messages.error(request, "Enveloppe refusée : " + errors_text(form))
    return redirect(f"/financement/plafonds/?annee={year_param(request.POST, name='year')}")


@require_POST
def ceiling_set(request):
    """A ceiling entered by the DGEFP (volet 3 for the selected territories, corrections)."""
    if not permissions.may_set_ceilings(request.user):
        raise Http404
    form = CeilingForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.ceiling_save(
                collectivity=data["collectivity"],
                year=data["year"],
                volet=Volet(data["volet"]),
                amount=data["amount"],
                prenotified_on=data["prenotified_on"],
            )
        except services.CeilingImportError as refusal:
            messages.error(request, "Plafond refusé : " + " ".join(refusal.errors))
        else:
            messages.success(request, f"Plafond du volet {data['volet']} de {data['collectivity']} enregistré.")
    else:
        messages.error(request, "Plafond refusé : " + errors_text(form))
    return redirect(f"/financement/plafonds/?annee={year_param(request.POST, name='year')}")

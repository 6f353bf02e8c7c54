"""The column mapping pages: a collectivité's saved mappings, a sample read to propose one, the mapping saved."""

import json

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import permissions
from indicators import mappings
from indicators.engine.schema import FILES
from indicators.forms import ColumnMappingForm, MappingSampleForm
from indicators.models import ColumnMapping


def _collectivity(request, code):
    return permissions.collectivity_or_404(request.user, code, permissions.may_upload_delivery)


@require_http_methods(["GET", "POST"])
def column_mappings(request, code: str):
    """GET: the saved mappings and the sample form; POST: the sample read, the proposed mapping to check."""
    collectivity = _collectivity(request, code)
    form = MappingSampleForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded, file = form.cleaned_data["sample"], form.cleaned_data["file"]
        try:
            sample = mappings.sample(uploaded.name, uploaded.read(), file, collectivity)
        except ValueError as error:
            form.add_error("sample", f"{uploaded.name} : {error}")
        else:
            form = _proposed(file, sample, mappings.version(mappings.saved_mapping(collectivity, file)))
            return _edit(request, collectivity, form, sample_name=uploaded.name, sample=sample)
    return render(
        request,
        "indicators/column_mappings.html",
        {
            "title": f"Correspondances de colonnes – {collectivity.name}",
            "collectivity": collectivity,
            "mappings": ColumnMapping.objects.filter(collectivity=collectivity).select_related("updated_by"),
            "form": form,
        },
    )


@require_GET
def edit_column_mapping(request, code: str, file: str):
    """A saved mapping edited without a sample: its headers re-chosen, its value translations corrected."""
    collectivity = _collectivity(request, code)
    mapping = mappings.saved_mapping(collectivity, file)
    if mapping is None:
        raise Http404
    return _edit(request, collectivity, _proposed(file, mappings.editing(mapping), mappings.version(mapping)))


@require_POST
def save_column_mapping(request, code: str):
    collectivity = _collectivity(request, code)
    file, header = request.POST.get("file"), _header(request.POST.get("header"))
    if file not in FILES or header is None:
        raise Http404
    form = ColumnMappingForm(request.POST, spec=FILES[file], header=header)
    if form.is_valid():
        try:
            mappings.save(
                collectivity=collectivity,
                user=request.user,
                file=file,
                columns=form.columns(),
                header=header,
                values=form.values(),
                # absent from a form posted by other means than the page: not checked
                based_on=request.POST.get("based_on"),
            )
        except mappings.MappingRefused as refused:
            for problem in refused.problems:
                form.add_error(None, problem)
        else:
            messages.success(
                request,
                f"Correspondance enregistrée pour {file} : les prochaines livraisons qui portent ces en-têtes "
                "seront lues avec elle.",
            )
            return redirect("indicators:column_mappings", code=collectivity.code)
    return _edit(request, collectivity, form)


@require_POST
def delete_column_mapping(request, code: str, file: str):
    collectivity = _collectivity(request, code)
    mappings.delete(collectivity=collectivity, file=file)
    messages.success(request, f"Correspondance de {file} supprimée.")
    return redirect("indicators:column_mappings", code=collectivity.code)


def _header(text: str | None) -> list[str] | None:
    try:
        header = json.loads(text or "")
    except ValueError:
        return None
    return header if isinstance(header, list) and all(isinstance(cell, str) for cell in header) else None


def _proposed(file: str, sample: mappings.Sample, based_on: str) -> ColumnMappingForm:
    return ColumnMappingForm(
        spec=FILES[file],
        header=sample.header,
        initial={"file": file, "header": sample.header, "based_on": based_on}
        | {ColumnMappingForm.field_name(c): h or "" for c, h in sample.proposal.items()}
        | {ColumnMappingForm.values_name(c): text for c, text in sample.values.items()},
    )


def _edit(request, collectivity, form, sample_name=None, sample=None):
    return render(
        request,
        "indicators/column_mapping_edit.html",
        {
            "title": f"Correspondance de colonnes – {collectivity.name}",
            "collectivity": collectivity,
            "form": form,
            "file": form.spec.name,
            "sample_name": sample_name,
            "sample": sample,
            "column_fields": [
                (
                    form[ColumnMappingForm.field_name(c.name)],
                    form[ColumnMappingForm.values_name(c.name)]
                    if ColumnMappingForm.values_name(c.name) in form.fields
                    else None,
                )
                for c in form.spec.columns
            ],
        },
    )

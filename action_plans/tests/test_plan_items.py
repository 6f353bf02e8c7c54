"""The items of the action plan (fiches action, feuille de route, parcours types) written by the service: under the
convention's lock while the plan may change, and refused when the page they were changed on is stale."""

import html

import pytest
from django.urls import reverse

from accounts.models import Role
from action_plans import services
from action_plans.models import ActionSheet, RoadmapItem
from conventions.lifecycle import ConcurrentEdit, TransitionRefused
from conventions.models import ConventionState
from territories.models import Collectivity
from tests.factories import ActionSheetFactory, ConventionFactory, RoadmapItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def convention():
    return ConventionFactory(collectivity=Collectivity.objects.get(code="01D"), state=ConventionState.NEGOTIATION)


def sheet_data(sheet, **changes) -> dict:
    data = {
        "lock_version": sheet.lock_version,
        "number": sheet.number,
        "title": sheet.title,
        "context": sheet.context,
        "objectives": sheet.objectives,
        "description": sheet.description,
        "start_date": sheet.start_date.isoformat(),
        "duration_months": sheet.duration_months,
    }
    return {**data, **changes}


def test_a_change_made_from_a_stale_page_is_refused_and_the_other_agents_kept(convention, make_user, client):
    sheet = ActionSheetFactory(convention=convention, title="Référents de parcours")
    url = reverse("action_plans:edit", args=[convention.pk, "fiches", sheet.pk])
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL, "01D"))
    page = client.get(url).content.decode()
    assert 'type="hidden" name="lock_version" value="0"' in page
    assert "Lock version" not in page  # a hidden field, without a label
    seen = sheet_data(sheet)  # both agents loaded the page at version 0
    assert client.post(url, {**seen, "title": "Référents renforcés"}).status_code == 302

    client.force_login(make_user(Role.DDETS, "01"))
    stale = client.post(url, {**seen, "title": "Ateliers collectifs"})
    assert stale.status_code == 200
    assert (
        "« Action 1 – Référents renforcés » : fiche action modifiée par quelqu'un d'autre depuis l'affichage de la "
        "page ; rien n'a été enregistré" in html.unescape(stale.content.decode())
    )
    sheet.refresh_from_db()
    assert (sheet.title, sheet.lock_version) == ("Référents renforcés", 1)

    reloaded = client.post(url, sheet_data(sheet, title="Ateliers collectifs"))
    assert reloaded.status_code == 302
    sheet.refresh_from_db()
    assert (sheet.title, sheet.lock_version) == ("Ateliers collectifs", 2)


def test_a_second_item_of_the_same_axis_is_refused(convention):
    RoadmapItemFactory(convention=convention, commitments="Premiers engagements")
    with pytest.raises(TransitionRefused, match="Cet élément de la feuille de route existe déjà pour cette convention"):
        services.plan_item_save(
            model=RoadmapItem,
            convention_id=convention.pk,
            item_id=None,
            lock_version=None,
            values={"axis": "entree_parcours", "commitments": "Autres engagements", "milestones": ""},
        )
    assert list(RoadmapItem.objects.values_list("commitments", flat=True)) == ["Premiers engagements"]


def test_no_change_once_the_plan_is_frozen(convention):
    sheet = ActionSheetFactory(convention=convention, title="Référents de parcours")
    convention.state = ConventionState.FINALISED
    convention.save()
    with pytest.raises(TransitionRefused, match="Le plan d'action n'est plus modifiable : la convention est à l'état"):
        services.plan_item_save(
            model=ActionSheet, convention_id=convention.pk, item_id=sheet.pk, lock_version=0, values={"title": "X"}
        )
    sheet.refresh_from_db()
    assert (sheet.title, sheet.lock_version) == ("Référents de parcours", 0)


def test_a_change_to_an_item_deleted_meanwhile_is_refused(convention):
    sheet = ActionSheetFactory(convention=convention)
    sheet_id = sheet.pk
    sheet.delete()
    with pytest.raises(ConcurrentEdit, match="Cette fiche action n'est plus dans le plan d'action : rechargez la page"):
        services.plan_item_save(
            model=ActionSheet, convention_id=convention.pk, item_id=sheet_id, lock_version=0, values={"title": "X"}
        )
    assert not ActionSheet.objects.exists()

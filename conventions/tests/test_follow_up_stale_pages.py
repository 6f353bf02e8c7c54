"""The follow-up writes of a signed convention (formal notice, its withdrawal, execution reports) read the
convention's state under its lock, not the copy of the page that asked: once the résiliation is recorded, a page
loaded before it can no longer serve a notice, lift one or report on the convention."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Role
from conventions import services
from conventions.lifecycle import TransitionRefused
from conventions.models import Convention, ConventionState, Denunciation, ExecutionReport
from tests.factories import filled, signed, step

pytestmark = pytest.mark.django_db


@pytest.fixture
def terminated(make_user):
    """The Ain's 2024 convention under formal notice from 30 June, its page loaded then, résiliée on 30 August."""
    agent = make_user(Role.DDETS, "01")
    convention = signed(filled("01D", 2024, amount_volet1=Decimal("250000.00"), prefect_name="P",
                               president_name="P", regional_prefect_name="P"), agent)  # fmt: skip
    notice = services.denunciation_notify(convention=convention, by=agent, notice_date=date(2024, 6, 30), reason="x")
    page = Convention.objects.get(pk=convention.pk)
    step(convention, "terminate", agent, date(2024, 8, 30))
    assert Convention.objects.get(pk=convention.pk).state == ConventionState.TERMINATED
    return page, notice, agent


def test_no_new_notice_from_a_page_loaded_before_the_termination(terminated):
    page, _, agent = terminated
    with pytest.raises(TransitionRefused, match="Seule une convention signée ou en exécution peut être dénoncée"):
        services.denunciation_notify(convention=page, by=agent, notice_date=date(2024, 9, 2), reason="encore")
    assert Denunciation.objects.filter(convention=page).count() == 1


def test_a_notice_is_not_lifted_once_the_termination_is_recorded(terminated):
    _, notice, _ = terminated
    with pytest.raises(TransitionRefused, match="La convention est résiliée : la mise en demeure ne se lève plus"):
        services.denunciation_withdraw(denunciation=notice, on=date(2024, 8, 29))
    notice.refresh_from_db()
    assert notice.withdrawn_on is None


def test_no_execution_report_from_a_page_loaded_before_the_termination(terminated):
    page, _, agent = terminated
    with pytest.raises(TransitionRefused, match="celle-ci est à l'état « Résiliée »"):
        services.execution_report_record(
            convention=page, by=agent, kind="retard", reported_on=date(2024, 8, 1), description="Retard"
        )
    assert not ExecutionReport.objects.exists()

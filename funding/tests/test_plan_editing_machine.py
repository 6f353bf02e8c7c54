"""Two agents edit one financing plan at once, each from the page as they last loaded it: a Hypothesis state machine
drives the real services (lines added, changed, deleted, the workbook imported, the page reloaded, the convention
finalised, the fiche action of the action plan changed) and checks after every step, from the rows, that no write
was lost or made from a stale page: a change or a deletion goes through only when the line (the fiche) is still the
version the agent saw and the plan is still open, and the lines and the fiche are then exactly what the writes that
went through made them."""

from collections import Counter
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from accounts.models import Role
from action_plans import services as action_plan_services
from action_plans.models import ActionSheet
from conventions import lifecycle
from conventions.volets import Volet
from funding import services
from funding.models import PlanLine
from tests.factories import filled, financeable, step

pytestmark = pytest.mark.django_db
AGENTS = ("ddets", "cd")
TITLES = st.sampled_from(["Référents renforcés", "Ateliers collectifs"])
AMOUNTS = st.integers(0, 2_000_000).map(lambda cents: Decimal(cents) / 100)


class TwoEditors(RuleBasedStateMachine):
    users: dict = {}
    reached: Counter = Counter()

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.convention = financeable(
            filled(
                "01D",
                2024,
                amount_volet1=Decimal("100000.00"),
                amount_volet2=Decimal("400000.00"),
                prefect_name="P",
                president_name="P",
                regional_prefect_name="P",
            )
        )
        step(self.convention, "open_negotiation", self.users["ddets"], self.convention.start_date)
        self.open = True
        # a workbook of the plan as it is now (one that finalisation accepts), for the import rule
        self.workbook = [
            {"volet": line.volet, "section": line.section, "nature": line.nature, "purpose": line.purpose,
             "state_amount": line.state_amount, "collectivity_amount": line.collectivity_amount}
            for line in self._lines()
        ]  # fmt: skip
        # what the database should hold: line → (state amount, version), from the writes that went through
        self.expected = {line.pk: (line.state_amount, line.lock_version) for line in self._lines()}
        # what each agent's page shows: line → version
        self.pages = {agent: {pk: version for pk, (_, version) in self.expected.items()} for agent in AGENTS}
        # the fiche action finalisation requires: (title, version) in the database, the version each agent's page shows
        self.sheet = ActionSheet.objects.get(convention=self.convention)
        self.expected_sheet = (self.sheet.title, self.sheet.lock_version)
        self.sheet_pages = dict.fromkeys(AGENTS, self.sheet.lock_version)

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _lines(self):
        return PlanLine.objects.filter(convention=self.convention)

    def _attempt(self, label: str, write, *, allowed: bool) -> bool:
        try:
            write()
        except lifecycle.TransitionRefused as refusal:
            assert not allowed, f"{label} refusé à tort : {refusal.reasons}"
            assert refusal.reasons and all(reason for reason in refusal.reasons)
            done = False
        else:
            assert allowed, f"{label} accepté depuis une page périmée ou un plan arrêté"
            done = True
        what = f"{'fait' if done else 'refusé'} : {label}{'' if self.open else ' (plan arrêté)'}"
        event(what)
        self.reached[what] += 1
        return done

    def _seen_line(self, agent: str, data) -> tuple[int, int, bool] | None:
        """A line of the agent's page, the version the page shows, and whether a write from it must go through."""
        lines = sorted(self.pages[agent])
        if not lines:
            return None
        line = data.draw(st.sampled_from(lines))
        seen = self.pages[agent][line]
        return line, seen, self.open and line in self.expected and self.expected[line][1] == seen

    @rule(agent=st.sampled_from(AGENTS), data=st.data(), amount=AMOUNTS)
    def change_a_line(self, agent, data, amount):
        if not (picked := self._seen_line(agent, data)):
            return
        line, seen, allowed = picked
        if self._attempt(
            "modifier une ligne",
            lambda: services.plan_line_update(
                convention_id=self.convention.pk,
                line_id=line,
                lock_version=seen,
                values={"state_amount": amount},
                by=self.users[agent],
            ),
            allowed=allowed,
        ):
            self.expected[line] = (amount, seen + 1)
            self.pages[agent][line] = seen + 1  # the page comes back with the line saved

    @rule(agent=st.sampled_from(AGENTS), data=st.data())
    def delete_a_line(self, agent, data):
        if not (picked := self._seen_line(agent, data)):
            return
        line, seen, allowed = picked
        if self._attempt(
            "supprimer une ligne",
            lambda: services.plan_line_delete(convention_id=self.convention.pk, line_id=line, lock_version=seen),
            allowed=allowed,
        ):
            del self.expected[line]
            del self.pages[agent][line]

    @rule(agent=st.sampled_from(AGENTS), volet=st.sampled_from([Volet.PROJECT_LEAD, Volet.LOCAL_SOLUTIONS]))
    def add_a_line(self, agent, volet):
        added = []
        if self._attempt(
            "ajouter une ligne",
            lambda: added.append(
                services.plan_line_add(convention_id=self.convention.pk, volet=volet, by=self.users[agent])
            ),
            allowed=self.open,
        ):
            line = added[0]
            self.expected[line.pk] = (line.state_amount, line.lock_version)
            self.pages[agent][line.pk] = line.lock_version

    @rule(agent=st.sampled_from(AGENTS))
    def import_the_workbook(self, agent):
        """Every line replaced at once by the workbook's; the importing agent's page comes back with them."""
        if self._attempt(
            "importer le classeur",
            lambda: services.plan_replace(convention=self.convention, lines=self.workbook),
            allowed=self.open,
        ):
            self.expected = {line.pk: (line.state_amount, line.lock_version) for line in self._lines()}
            self.reload_the_page(agent)

    @rule(first=st.sampled_from(AGENTS), title=TITLES)
    def both_change_the_fiche(self, first, title):
        """The two agents save the fiche one right after the other, each from the page they have."""
        for agent in (first, *(other for other in AGENTS if other != first)):
            self.change_the_fiche(agent, title)

    @rule(agent=st.sampled_from(AGENTS), title=TITLES)
    def change_the_fiche(self, agent, title):
        seen = self.sheet_pages[agent]
        if self._attempt(
            "modifier la fiche action",
            lambda: action_plan_services.plan_item_save(
                model=ActionSheet,
                convention_id=self.convention.pk,
                item_id=self.sheet.pk,
                lock_version=seen,
                values={"title": title},
            ),
            allowed=self.open and seen == self.expected_sheet[1],
        ):
            self.expected_sheet = (title, seen + 1)
            self.sheet_pages[agent] = seen + 1

    @rule(agent=st.sampled_from(AGENTS))
    def reload_the_page(self, agent):
        self.pages[agent] = {pk: version for pk, (_, version) in self.expected.items()}
        self.sheet_pages[agent] = self.expected_sheet[1]

    @rule()
    def finalise(self):
        if not self.open:
            return
        try:
            step(self.convention, "finalise", self.users["ddets"], self.convention.start_date)
        except lifecycle.TransitionRefused:
            self.reached["refusé : finaliser"] += 1  # the plan as edited breaks a rule: it stays open
        else:
            self.open = False
            self.reached["fait : finaliser"] += 1

    @invariant()
    def the_lines_are_what_the_accepted_writes_made_them(self):
        assert {line.pk: (line.state_amount, line.lock_version) for line in self._lines()} == self.expected
        self.sheet.refresh_from_db()
        assert (self.sheet.title, self.sheet.lock_version) == self.expected_sheet


def test_no_change_of_the_plan_is_lost_or_made_from_a_stale_page(make_user):
    TwoEditors.users = {"ddets": make_user(Role.DDETS, "01"), "cd": make_user(Role.DEPARTMENTAL_COUNCIL, "01D")}
    TwoEditors.reached = Counter()
    run_state_machine_as_test(
        TwoEditors,
        settings=settings(
            max_examples=30,
            stateful_step_count=20,
            deadline=None,
            # the same sequences at every run: the paths asserted below are then reached every time (a random
            # run of 30 sequences missed one now and then, a flaky failure that tells nothing about the code)
            derandomize=True,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
    reached = TwoEditors.reached
    print(f"\nchemins parcourus : {dict(sorted(reached.items()))}")
    for path in (
        "fait : modifier une ligne", "refusé : modifier une ligne", "fait : supprimer une ligne",
        "refusé : supprimer une ligne", "fait : ajouter une ligne", "fait : importer le classeur", "fait : finaliser",
        "fait : modifier la fiche action", "refusé : modifier la fiche action",
    ):  # fmt: skip
        assert reached[path] > 0, path
    assert sum(n for path, n in reached.items() if path.endswith("(plan arrêté)")) > 0

"""No euro paid beyond what the rules allow, whatever the order of operations: a Hypothesis state machine
drives the real services (lifecycle, avenants, payments, financial report, settlement, recovery,
dénonciation) through random sequences with random and hostile amounts, and after every step checks the
invariants against the database, counted from the rows themselves rather than through funding/money.py.

A refusal (TransitionRefused, or an amount the parser refuses) is an expected outcome; any other exception
fails the test. Coverage of the paths is reported with Hypothesis events (`--hypothesis-show-statistics`).
"""

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import F, Sum
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from accounts.models import Role
from conventions import lifecycle, services
from conventions.amounts import LIMIT, parse_amount
from conventions.models import Convention, ConventionState, Volet3Selection
from conventions.volets import Volet
from funding import payments, reports, settlement
from funding.models import Payment, PaymentKind, PaymentStatus, PlanLine, Recovery, ReportLine, VoletBalance
from territories.models import Collectivity
from tests.factories import ActionSheetFactory, CeilingFactory, ConventionFactory, PlanLineFactory, RoadmapItemFactory

pytestmark = pytest.mark.django_db
D = Decimal
S = ConventionState
CEILINGS = {
    Volet.PROJECT_LEAD: D("280000.00"),
    Volet.LOCAL_SOLUTIONS: D("1100000.00"),
    Volet.TERRITORIAL_DEPLOYMENT: D("500000.00"),
}
HOSTILE = ["1e30", "1E+20", "99999999999999999", "１２３", "٣٠٠", "1_000", "1e-2", "-5", "12,345", "NaN", "", "abc"]
DATES = {
    "open_negotiation": date(2024, 1, 8),
    "finalise": date(2024, 1, 29),
    "approve": date(2024, 2, 20),
    "sign": date(2024, 3, 8),
    "start_execution": date(2024, 3, 11),
    "receive_final_report": date(2025, 2, 14),
    "close": date(2025, 5, 2),
}
HAPPY_PATH = ["open_negotiation", "finalise", "approve", "sign", "start_execution", "receive_final_report"]


def typed_amounts():
    """What a user types: amounts around the ceilings, written the French way, or hostile text."""
    valid = st.decimals(min_value=0, max_value=D("1500000"), places=2).map(lambda d: f"{d:,.2f}".replace(",", " "))
    return st.one_of(valid, valid.map(lambda text: text.replace(".", ",")), st.sampled_from(HOSTILE))


volets = st.sampled_from(list(Volet))


class FundingLoop(RuleBasedStateMachine):
    agent = None  # set by the test: a DDETS agent of the Ain
    reached: Counter = Counter()  # the paths taken, over all the examples of a run

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        ain = Collectivity.objects.get(code="01D")
        for volet, amount in CEILINGS.items():
            CeilingFactory(collectivity=ain, volet=volet, amount=amount)
        self.convention = ConventionFactory(
            collectivity=ain, amount_volet1=D("180000.00"), amount_volet2=D("950000.00")
        )
        ActionSheetFactory(convention=self.convention)
        RoadmapItemFactory(convention=self.convention)
        self._plan_as_convention(self.convention.amounts)
        self.page = Convention.objects.get(pk=self.convention.pk)  # the convention as the council's page shows it
        self.settled_report = None  # the report's lines when the balance was settled

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # ---- helpers -------------------------------------------------------------------------------------
    def _current(self) -> Convention:
        self.convention.refresh_from_db()
        return self.convention

    def _plan_as_convention(self, amounts) -> None:
        """The user updates the financing plan to the amounts (State share; volet 2 co-financed at 50 %)."""
        for line in PlanLine.objects.filter(convention=self.convention):
            line.delete()
        for volet, amount in amounts.items():
            if amount > 0:
                PlanLineFactory(convention=self.convention, volet=volet, state_amount=amount)

    def _attempt(self, label: str, action) -> None:
        try:
            action()
        except lifecycle.TransitionRefused as refusal:
            assert refusal.reasons and all(isinstance(r, str) and r for r in refusal.reasons)
            self._seen(f"refusé : {label}")
        else:
            self._seen(f"fait : {label}")

    def _seen(self, what: str) -> None:
        event(what)
        self.reached[what] += 1

    # ---- rules ---------------------------------------------------------------------------------------
    @initialize(
        start=st.sampled_from([0, 4, 5, 5, 6, 6, 7, 7]),
        pay=st.booleans(),
        selected=st.booleans(),
        spent=st.sampled_from(["0.3", "1", "2"]),
    )
    def start_from(self, start, pay, selected, spent):
        """Most runs start from a signed convention (its advances proposed, perhaps paid, and in some its balance
        settled, perhaps paid), so that the steps left reach payments, avenants, reports and settlements; the others
        start from the draft. The Ain is selected for volet 3 in some runs. Hypothesis leaves some rules out of whole
        runs: the payments made here do not depend on the rules drawn."""
        self.selected = selected
        if selected:
            Volet3Selection.objects.create(collectivity=self.convention.collectivity, year=2024)
        for name in HAPPY_PATH[:start]:
            self.step(name)
            if name == "sign" and pay:
                self._pay_what_is_proposed()
        if start >= len(HAPPY_PATH):
            # The final report received: a share of the allocation spent (twice it on volet 2, co-financed at
            # 50 %); under 60 % after a paid advance, the settlement finds an overpayment to recover.
            amounts = self._current().amounts
            share = D(spent) * 2
            self.import_report(
                [
                    (v, f"{amounts[v] * (share if v == Volet.LOCAL_SOLUTIONS else D(spent)):.2f}")
                    for v in Volet
                    if amounts[v]
                ]
            )
            if start > len(HAPPY_PATH):  # and the balance settled: the steps left pay it, recover, try the rest
                self.settle()
                if pay:
                    self._pay_what_is_proposed()

    def _pay_what_is_proposed(self):
        for _ in range(4):
            self.pay_the_next_payment()

    @rule(volet=volets, typed=typed_amounts(), keep_plan=st.booleans())
    def set_amount(self, volet, typed, keep_plan):
        try:
            amount = parse_amount(typed)
        except ValueError:
            event("montant refusé par l'analyseur")
            return
        convention = self._current()

        def update():
            services.convention_update(
                convention=convention, lock_version=convention.lock_version, values={volet.amount_field: amount}
            )
            if not keep_plan:
                self._plan_as_convention(self._current().amounts)

        self._attempt("modifier un montant", update)

    @rule()
    def next_step(self):
        convention = self._current()
        name = next((n for n in HAPPY_PATH if convention.state in lifecycle.TRANSITIONS[n].sources), None)
        if name is None:
            return
        self.step(name)

    @rule(name=st.sampled_from([*HAPPY_PATH, "close", "settle_balance", "terminate"]))
    def step(self, name):
        convention = self._current()
        on = DATES.get(name, date(2025, 4, 1))
        values = {}
        if name == "approve":
            values = {"deliberation_date": on}
        if name == "sign":
            values = {f: on for f in ("prefect_signed_on", "president_signed_on", "regional_prefect_signed_on")}
        self._attempt(
            name,
            lambda: lifecycle.apply_transition(
                name, convention=convention, by=self.agent, on=on, lock_version=convention.lock_version, **values
            ),
        )

    @precondition(lambda self: self._current().state in (S.SIGNED, S.IN_EXECUTION))
    @rule()
    def denounce_and_terminate(self):
        """Only where a denunciation is possible (the refusal elsewhere is the service's first line): so that
        every run, whatever its draws, reaches a résiliation."""
        convention = self._current()

        def terminate():
            if not convention.denunciations.exists():
                services.denunciation_notify(
                    convention=convention, by=self.agent, notice_date=date(2024, 6, 3), reason="Inexécution"
                )
            lifecycle.apply_transition(
                "terminate",
                convention=convention,
                by=self.agent,
                on=date(2024, 8, 5),
                lock_version=convention.lock_version,
            )

        self._attempt("résilier", terminate)

    @rule(volet=volets, typed=typed_amounts(), update_plan=st.booleans())
    def avenant(self, volet, typed, update_plan):
        try:
            amount = parse_amount(typed)
        except ValueError:
            event("montant d'avenant refusé par l'analyseur")
            return
        convention = self._current()
        amounts = {v.amount_field: (amount if v == volet else convention.amounts[v]) for v in Volet}

        def agree():
            amendment = services.amendment_propose(
                convention=convention, by=self.agent, purpose="Avenant", amounts=amounts, end_date=convention.end_date
            )
            if update_plan:
                self._plan_as_convention({v: amounts[v.amount_field] for v in Volet})
            services.amendment_agree(amendment=amendment, party="etat", on=date(2024, 6, 1))
            services.amendment_agree(amendment=amendment, party="departement", on=date(2024, 6, 2))

        # A refused avenant stays pending: the next one is refused until it is withdrawn, as on the pages.
        self._attempt("avenant", agree)
        for pending in convention.amendments.filter(applied_at__isnull=True):
            pending.delete()

    @precondition(lambda self: self._current().state in services.AMENDABLE)
    @rule(volet=volets, share=st.integers(0, 100))
    def avenant_within_the_ceiling(self, volet, share):
        """The avenant a user means: a share of the ceiling, typed the French way, the plan updated with it."""
        self.avenant(volet, f"{CEILINGS[volet] * share / 100:.2f}".replace(".", ","), update_plan=True)

    @rule()
    def pay_the_next_payment(self):
        """The oldest approved payment recorded paid by another agent; or the oldest proposed one approved by the
        DDETS, then recorded paid by another agent (the usual path, so that every run reaches each kind of
        payment whatever its draws)."""
        approved = Payment.objects.filter(convention=self.convention, status=PaymentStatus.APPROVED).order_by("pk")
        if approved.exists():
            self._move(approved.first(), "payer")
            return
        proposed = Payment.objects.filter(convention=self.convention, status=PaymentStatus.PROPOSED).order_by("pk")
        if proposed.exists():
            payment = proposed.first()
            self._move(payment, "approuver")
            payment.refresh_from_db()
            if payment.status == PaymentStatus.APPROVED:
                self._move(payment, "payer")

    @rule(data=st.data(), move=st.sampled_from(["approuver", "payer", "payer (par l'agent qui a approuvé)", "annuler"]))
    def move_payment(self, data, move):
        candidates = list(Payment.objects.filter(convention=self.convention).order_by("pk"))
        if not candidates:
            return
        self._move(data.draw(st.sampled_from(candidates)), move)

    def _move(self, payment, move):
        actions = {
            "approuver": lambda: payments.approve_payment(payment_id=payment.pk, by=self.agent),
            "payer": lambda: payments.mark_paid(
                payment_id=payment.pk, paid_on=date(2024, 4, 2), chorus_reference=f"CH-{payment.pk}", by=self.recorder
            ),
            # separation of duties: always refused, whatever the payment's state
            "payer (par l'agent qui a approuvé)": lambda: payments.mark_paid(
                payment_id=payment.pk, paid_on=date(2024, 4, 2), chorus_reference=f"CH-{payment.pk}", by=self.agent
            ),
            "annuler": lambda: payments.cancel_payment(payment_id=payment.pk, reason="Erreur de saisie"),
        }
        self._attempt(f"{move} ({payment.get_kind_display().lower()})", actions[move])

    @rule()
    def reload_the_page(self):
        self.page = Convention.objects.get(pk=self.convention.pk)

    @rule(spent=st.lists(st.tuples(volets, typed_amounts()), max_size=3), from_the_page=st.booleans())
    def import_report(self, spent, from_the_page=False):
        """The final report imported, from the convention as it is or from the page's copy (loaded earlier)."""
        lines = []
        for position, (volet, typed) in enumerate(spent, 5):
            try:
                amount = parse_amount(typed)
            except ValueError:
                event("dépense refusée par l'analyseur")
                return
            section, nature = {1: ("equipes_cd", "chefferie_projet"), 2: ("remobilisation", "personnel"),
                               3: ("solutions_locales", "subvention_operateur")}[volet]  # fmt: skip
            lines.append(
                {"volet": volet, "section": section, "nature": nature, "purpose": "Dépense", "amount": amount,
                 "position": position}
            )  # fmt: skip
        convention = self.page if from_the_page else self._current()
        self._attempt(
            f"bilan{' (page chargée plus tôt)' if from_the_page else ''}",
            lambda: reports.report_replace(convention=convention, lines=lines),
        )

    @rule()
    def settle(self):
        self._attempt(
            "arrêter le solde",
            lambda: settlement.settle_balances(convention=self._current(), by=self.agent, on=date(2025, 4, 1)),
        )
        if Payment.objects.filter(convention=self.convention, kind=PaymentKind.BALANCE).exists():
            self._seen("solde à verser proposé")

    @precondition(lambda self: VoletBalance.objects.filter(convention=self.convention, to_recover__gt=0).exists())
    @rule(data=st.data(), exact=st.booleans())
    def recover(self, data, exact):
        balance = data.draw(
            st.sampled_from(list(VoletBalance.objects.filter(convention=self.convention, to_recover__gt=0)))
        )
        amount = balance.to_recover if exact else balance.to_recover + D("0.01")
        self._attempt(
            "titre de perception",
            lambda: settlement.record_recovery(
                balance_id=balance.pk,
                by=self.agent,
                number=f"TP-{balance.pk}",
                issued_on=date(2025, 5, 1),
                amount=amount,
            ),
        )

    # ---- invariants, from the rows -------------------------------------------------------------------
    @invariant()
    def money_within_the_rules(self):
        convention = Convention.objects.get(pk=self.convention.pk)
        fixed = convention.state not in (S.DRAFT, S.NEGOTIATION)
        rows = Payment.objects.filter(convention=convention)
        balances = {b.volet: b for b in VoletBalance.objects.filter(convention=convention)}
        settled = convention.state in (S.BALANCE_SETTLED, S.CLOSED)
        if settled:
            self._seen("solde arrêté atteint")
            assert set(balances) == set(Volet)
            # what the balance was settled on never changes afterwards (a report from any page is refused)
            report = sorted(ReportLine.objects.filter(convention=convention).values_list("volet", "amount"))
            if self.settled_report is None:
                self.settled_report = report
            assert report == self.settled_report
        for volet in Volet:
            allocated = convention.amounts[volet]
            assert allocated.as_tuple().exponent == -2 and 0 <= allocated < LIMIT
            if fixed:
                # R-FIN-03 and R-CONV-04 once the amounts are fixed (finalised and after)
                assert allocated <= CEILINGS[volet], (volet, allocated)
                if volet == Volet.TERRITORIAL_DEPLOYMENT and not self.selected:
                    assert allocated == 0
            mine = rows.filter(volet=volet)
            # Separation of duties: no payment recorded paid by the agent who approved it.
            assert not mine.filter(status=PaymentStatus.PAID, paid_recorded_by=F("approved_by")).exists()
            assert not any(seen.startswith("fait : payer (par l'agent qui a approuvé)") for seen in self.reached)
            paid = mine.filter(status=PaymentStatus.PAID).aggregate(s=Sum("amount"))["s"] or D("0")
            open_ = mine.filter(status__in=[PaymentStatus.PROPOSED, PaymentStatus.APPROVED]).aggregate(s=Sum("amount"))[
                "s"
            ] or D("0")
            # No euro ever paid or promised beyond the volet's ceiling.
            assert paid + open_ <= CEILINGS[volet], (volet, paid, open_)
            payable = balances[volet].due if volet in balances else allocated
            # R-FIN-07: what is open fits in what may still be paid.
            assert open_ <= max(payable - paid, D("0")), (volet, payable, paid, open_)
            if settled:
                # R-FIN-08: after settlement only the balance is open; the balance paid plus the advances never
                # exceed the contribution due, and what was paid beyond it is the amount to recover.
                assert not mine.filter(
                    kind=PaymentKind.ADVANCE, status__in=[PaymentStatus.PROPOSED, PaymentStatus.APPROVED]
                ).exists()
                balance = balances[volet]
                assert paid + open_ <= max(balance.due, balance.paid)
                assert balance.to_recover == max(balance.paid - balance.due, D("0"))
                for recovery in Recovery.objects.filter(balance=balance):
                    assert recovery.amount == balance.to_recover
        if convention.state in (S.SIGNED, S.IN_EXECUTION) and not balances:
            self._seen("avance proposée ou payée")


def test_no_euro_paid_beyond_the_rules_whatever_the_order(make_user):
    FundingLoop.agent = make_user(Role.DDETS, "01")
    FundingLoop.recorder = make_user(Role.DREETS, "84", username="dreets-paiements")
    FundingLoop.reached = Counter()
    run_state_machine_as_test(
        FundingLoop,
        settings=settings(
            max_examples=80,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    reached = FundingLoop.reached
    print(f"\nchemins parcourus : {dict(sorted(reached.items()))}")
    # The run reached the paths that matter: signature with its advances paid, settlement, the balance paid,
    # résiliation.
    # (Applied avenants and titres de perception are reached too, a few times a run: counted above, and each has
    # its own scenario test.)
    for path in (
        "fait : sign",
        "fait : payer (avance de 60 %)",
        "fait : arrêter le solde",
        "solde à verser proposé",
        "fait : payer (solde)",
        "fait : résilier",
    ):
        assert reached[path] > 0, path

from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = "Financement"

    def ready(self):
        from conventions.lifecycle import register_effect, register_precondition
        from funding.payments import (
            amendment_payment_refusals,
            balances_stored_refusals,
            propose_advances,
            readjust_advances,
            record_report_received,
        )
        from funding.plans import allocation_refusals, finalisation_refusals

        # The amounts, their plan and their action plan hold before the convention is finalised, signed or
        # changed by avenant (R-FIN-01, R-FIN-03, R-CONV-04, R-SUIVI-03, R-SUIVI-04).
        for step in ("finalise", "sign", "amend"):
            register_precondition(step, finalisation_refusals)
        register_precondition("amend", amendment_payment_refusals)
        register_precondition("propose_amendment", allocation_refusals)
        # The balance is settled through funding.payments.settle_balances only (it stores each volet's balance).
        register_precondition("settle_balance", balances_stored_refusals)
        # R-FIN-07: the advance of each volet is proposed at signature, and proposed anew after an avenant.
        register_effect("sign", lambda convention, by, on: propose_advances(convention))
        register_effect("amend", lambda convention, by, on: readjust_advances(convention))
        register_effect("receive_final_report", record_report_received)

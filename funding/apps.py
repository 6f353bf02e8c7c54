from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = "Financement"

    def ready(self):
        from conventions.lifecycle import register_effect, register_precondition
        from funding.payments import propose_advances, record_report_received
        from funding.plans import finalisation_refusals

        # A financing plan that breaks a blocking rule keeps its convention from being finalised.
        register_precondition("finalise", finalisation_refusals)
        # R-FIN-07: the advance of each volet is proposed at signature.
        register_effect("sign", lambda convention, by, on: propose_advances(convention))
        register_effect("receive_final_report", record_report_received)

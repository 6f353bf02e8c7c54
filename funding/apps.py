from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = "Financement"

    def ready(self):
        from conventions.lifecycle import register_precondition
        from funding.plans import finalisation_refusals

        # A financing plan that breaks a blocking rule keeps its convention from being finalised.
        register_precondition("finalise", finalisation_refusals)

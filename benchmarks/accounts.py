"""The demo accounts of the load test, each with the collectivité and region its pages are in scope of."""

ACCOUNTS = {
    "dgefp": ("01D", "84"),
    "dreets-ara": ("38D", "84"),
    "ddets-01": ("01D", None),
    "cd-01": ("01D", None),
    "cd-38": ("38D", None),
    "ft-national": ("59D", "32"),
}
NATIONAL = {"dgefp"}

"""Load test of the demo dashboards (locust): 50 concurrent users, each logged in with a demo account,
browsing the pages an agent reads most.

    benchmarks/run_load.sh            # runs it on SQLite, then on PostgreSQL, and prints the tables

Requests go to 127.0.0.1 only (a gunicorn of the project started by run_load.sh).
"""

import random
import re

from locust import HttpUser, between, task

# Each demo account with the collectivité and region its pages are in scope of.
ACCOUNTS = {
    "dgefp": ("01D", "84"),
    "dreets-ara": ("38D", "84"),
    "ddets-01": ("01D", None),
    "cd-01": ("01D", None),
    "cd-38": ("38D", None),
    "ft-national": ("59D", "32"),
}
PASSWORD = "demo-contractualisation-2024"


class Agent(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self):
        self.username = random.choice(list(ACCOUNTS))  # noqa: S311 - picking a demo account
        self.collectivity, self.region = ACCOUNTS[self.username]
        page = self.client.get("/compte/connexion/", name="connexion")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
        self.client.post(
            "/compte/connexion/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.host}/compte/connexion/"},
            name="connexion",
        )

    @task(3)
    def home(self):
        self.client.get("/", name="accueil")

    @task(2)
    def conventions(self):
        self.client.get("/conventions/", name="conventions")

    @task(2)
    def indicators(self):
        self.client.get(f"/indicateurs/collectivites/{self.collectivity}/", name="indicateurs d'une collectivité")

    @task(2)
    def collectivity_dashboard(self):
        self.client.get(f"/pilotage/collectivites/{self.collectivity}/", name="tableau de bord d'une collectivité")

    @task(1)
    def region_dashboard(self):
        if self.region:
            self.client.get(f"/pilotage/regions/{self.region}/", name="tableau de bord d'une région")

    @task(1)
    def offer(self):
        self.client.get(f"/offre/?territoire={self.collectivity}", name="offre d'une collectivité")

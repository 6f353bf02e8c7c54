"""Load test of the demo dashboards (locust): 50 concurrent users browsing the pages an agent reads most,
each with a session opened beforehand by benchmarks/sessions.py (a login costs a deliberately slow password
check, paid once a day, not at every page).

    benchmarks/run_load.sh            # runs it on SQLite, then on PostgreSQL, and prints the tables

Requests go to 127.0.0.1 only (a gunicorn of the project started by run_load.sh).
"""

import itertools
import json
import os
from pathlib import Path

from locust import HttpUser, between, task

from benchmarks.accounts import ACCOUNTS, NATIONAL

SESSIONS = json.loads(Path(os.environ.get("LOAD_SESSIONS", "var/bench/sessions.json")).read_text())
_next_session = itertools.cycle(SESSIONS)


class Agent(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self):
        session = next(_next_session)
        self.username = session["username"]
        self.collectivity, self.region = ACCOUNTS[self.username]
        self.client.cookies.set("sessionid", session["cookie"])

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
    def national_dashboard(self):
        if self.username in NATIONAL:
            self.client.get("/pilotage/", name="tableau de bord national")

    @task(1)
    def offer(self):
        self.client.get(f"/offre/?territoire={self.collectivity}", name="offre d'une collectivité")

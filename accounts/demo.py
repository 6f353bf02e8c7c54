"""Fictitious demo accounts: every role, in two départements of two regions, so refusals can be seen."""

from dataclasses import dataclass

from django.db import transaction

from accounts.models import Role, User
from territories.models import Collectivity, Departement, Region

DEMO_PASSWORD = "demo-contractualisation-2024"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    first_name: str
    last_name: str
    role: Role
    region: str | None = None
    departement: str | None = None
    collectivity: str | None = None


DEMO_ACCOUNTS = [
    DemoAccount("dgefp", "Camille", "Fictive (DGEFP)", Role.DGEFP),
    DemoAccount("dreets-ara", "Dominique", "Fictif (DREETS ARA)", Role.DREETS, region="84"),
    DemoAccount("dreets-hdf", "Claude", "Fictive (DREETS HDF)", Role.DREETS, region="32"),
    DemoAccount("ddets-01", "Alex", "Fictif (DDETS Ain)", Role.DDETS, departement="01"),
    DemoAccount("ddets-38", "Sacha", "Fictive (DDETS Isère)", Role.DDETS, departement="38"),
    DemoAccount("ddets-59", "Morgan", "Fictif (DDETS Nord)", Role.DDETS, departement="59"),
    DemoAccount("cd-01", "Jules", "Fictif (CD Ain)", Role.DEPARTMENTAL_COUNCIL, collectivity="01D"),
    DemoAccount("cd-38", "Lou", "Fictive (CD Isère)", Role.DEPARTMENTAL_COUNCIL, collectivity="38D"),
    DemoAccount("cd-59", "Eden", "Fictif (CD Nord)", Role.DEPARTMENTAL_COUNCIL, collectivity="59D"),
    DemoAccount("cd-02", "Noa", "Fictive (CD Aisne)", Role.DEPARTMENTAL_COUNCIL, collectivity="02D"),
    DemoAccount("ft-01", "Charlie", "Fictif (France Travail Ain)", Role.FRANCE_TRAVAIL, departement="01"),
    DemoAccount("ft-national", "Maxime", "Fictive (France Travail national)", Role.FRANCE_TRAVAIL),
]


@transaction.atomic
def seed_demo_accounts() -> list[User]:
    """Create or reset the demo accounts. Idempotent."""
    users = []
    for account in DEMO_ACCOUNTS:
        user, _ = User.objects.update_or_create(
            username=account.username,
            defaults={
                "first_name": account.first_name,
                "last_name": account.last_name,
                "email": f"{account.username}@demo.invalid",
                "role": account.role,
                "region": Region.objects.get(code=account.region) if account.region else None,
                "departement": Departement.objects.get(code=account.departement) if account.departement else None,
                "collectivity": Collectivity.objects.get(code=account.collectivity) if account.collectivity else None,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        users.append(user)
    return users

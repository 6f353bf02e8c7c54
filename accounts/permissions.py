"""Every "may this user do this to this object" question is answered here.

Default deny: a function answers True only for the roles its docstring names.
Object checks are written over the scoped querysets, so that the list a user
sees and the objects a user may open can never disagree.
"""

from django.db.models import QuerySet

from accounts.models import Role
from territories.models import Collectivity, Region


def is_national(user) -> bool:
    return user.is_authenticated and (user.role == Role.DGEFP or (user.is_superuser and not user.role))


def _state_side(user) -> bool:
    """The State's negotiating side: DGEFP, DDETS / préfecture (a role test, before any scope query)."""
    return is_national(user) or (user.is_authenticated and user.role == Role.DDETS)


def is_read_only(user) -> bool:
    """France Travail agents read; they never change anything."""
    return user.role == Role.FRANCE_TRAVAIL


def visible_collectivities(user) -> QuerySet[Collectivity]:
    """DGEFP and national France Travail: all. DREETS: its region. DDETS / préfecture and
    departmental France Travail: the collectivités of its département (the Rhône DDETS sees the
    Rhône and the Métropole de Lyon). Conseil départemental: its own collectivité."""
    collectivities = Collectivity.objects.all()
    if not user.is_authenticated:
        return collectivities.none()
    if is_national(user):
        return collectivities
    if user.role == Role.DREETS:
        return collectivities.filter(region_id=user.region_id)
    if user.role in (Role.DDETS, Role.FRANCE_TRAVAIL):
        if user.departement_id is None:
            return collectivities if user.role == Role.FRANCE_TRAVAIL else collectivities.none()
        return collectivities.filter(departements=user.departement_id)
    if user.role == Role.DEPARTMENTAL_COUNCIL:
        return collectivities.filter(pk=user.collectivity_id)
    return collectivities.none()


def visible_regions(user) -> QuerySet[Region]:
    """DGEFP and national France Travail: all regions. DREETS: its own. Others see no regional view."""
    regions = Region.objects.all()
    if not user.is_authenticated:
        return regions.none()
    if is_national(user) or (user.role == Role.FRANCE_TRAVAIL and user.departement_id is None):
        return regions
    if user.role == Role.DREETS:
        return regions.filter(pk=user.region_id)
    return regions.none()


def may_view_collectivity(user, collectivity: Collectivity) -> bool:
    """Whoever has the collectivité in scope (see visible_collectivities)."""
    return visible_collectivities(user).filter(pk=collectivity.pk).exists()


def may_edit_collectivity(user, collectivity: Collectivity) -> bool:
    """The signatory details of a collectivité: DGEFP, the DDETS / préfecture of one of its
    départements, and the conseil départemental itself. Not the DREETS (it supervises),
    not France Travail (read-only)."""
    if not may_view_collectivity(user, collectivity):
        return False
    return is_national(user) or user.role in (Role.DDETS, Role.DEPARTMENTAL_COUNCIL)


def may_view_history(user, collectivity: Collectivity) -> bool:
    """The audit trail: whoever may view the collectivité, except France Travail."""
    return may_view_collectivity(user, collectivity) and not is_read_only(user)


def may_administer(user) -> bool:
    """Account administration (Django admin): superusers only."""
    return user.is_authenticated and user.is_superuser


def may_view_indicators(user, collectivity: Collectivity) -> bool:
    """Aggregated indicators: whoever has the collectivité in scope, France Travail included."""
    return may_view_collectivity(user, collectivity)


def may_upload_delivery(user, collectivity: Collectivity) -> bool:
    """Beneficiary data of a collectivité: its own conseil départemental, and the DGEFP."""
    if not may_view_collectivity(user, collectivity):
        return False
    return is_national(user) or (user.role == Role.DEPARTMENTAL_COUNCIL and user.collectivity_id == collectivity.pk)


def may_view_worklist(user, collectivity: Collectivity) -> bool:
    """The person-level orientation work list: the conseil départemental's own agents only."""
    return user.is_authenticated and user.role == Role.DEPARTMENTAL_COUNCIL and user.collectivity_id == collectivity.pk


def may_negotiate_convention(user, convention) -> bool:
    """Edit a convention and record its steps: the two negotiating parties (the DDETS / préfecture of
    one of its départements and the conseil départemental) and the DGEFP. The DREETS and France
    Travail read."""
    return may_edit_collectivity(user, convention.collectivity)


def may_create_convention(user, collectivity: Collectivity) -> bool:
    """Open a convention: the State's side, DGEFP or the DDETS / préfecture of the collectivité."""
    return _state_side(user) and may_view_collectivity(user, collectivity)


def may_edit_financing_plan(user, convention) -> bool:
    """The two negotiating parties and the DGEFP, while the convention is negotiated or an avenant is pending."""
    from funding.plans import plan_open

    return may_negotiate_convention(user, convention) and plan_open(convention)


def may_view_ceilings(user) -> bool:
    """Ceilings: the DGEFP (national) and the DREETS (their region)."""
    return is_national(user) or user.role == Role.DREETS


def may_set_ceilings(user) -> bool:
    """Simulating and notifying the ceilings: the DGEFP only."""
    return is_national(user)


def may_manage_payments(user, convention) -> bool:
    """Approve a payment, record it paid, settle the balance: the State's side (DDETS / préfecture of
    the collectivité, DGEFP)."""
    return _state_side(user) and may_view_collectivity(user, convention.collectivity)


def may_record_paid(user, convention) -> bool:
    """Record a payment made by the comptable (its date and Chorus reference): a State agent of the
    collectivité's scope, the DREETS of its region included (the regional services of the programme), and
    never the agent who approved it (funding.payments.separation_refusals)."""
    return may_manage_payments(user, convention) or (
        user.role == Role.DREETS and may_view_collectivity(user, convention.collectivity)
    )


def may_report(user, convention) -> bool:
    """The financial report, the mid-year synthesis and the implementation report: the conseil
    départemental (and the DGEFP)."""
    return may_view_collectivity(user, convention.collectivity) and (
        is_national(user)
        or (user.role == Role.DEPARTMENTAL_COUNCIL and user.collectivity_id == convention.collectivity_id)
    )


def may_view_consolidation(user) -> bool:
    """Consolidated credits: the DGEFP (national) and the DREETS (their region)."""
    return may_view_ceilings(user)


def offer_departements(user) -> set[str] | None:
    """The départements whose offer a user may reference: None for national accounts (all)."""
    if is_national(user):
        return None
    codes = set()
    for collectivity in visible_collectivities(user).prefetch_related("departements"):
        codes.update(d.code for d in collectivity.departements.all())
    return codes


def may_reference_offer(user) -> bool:
    """Import, enter, link and review the offer: the DGEFP, DDETS / préfectures and conseils
    départementaux (the animateur du référencement), within their territory; not France Travail
    nor the DREETS, who read."""
    return user.is_authenticated and (is_national(user) or user.role in (Role.DDETS, Role.DEPARTMENTAL_COUNCIL))


def may_share(user, collectivity: Collectivity) -> bool:
    """A shareable link to aggregated indicators: the State's services and the conseil départemental in
    scope (not France Travail, which reads)."""
    return may_view_collectivity(user, collectivity) and not is_read_only(user)


def collectivity_or_404(user, code: str, allowed=None) -> Collectivity:
    """The collectivité if in the user's scope (and `allowed(user, collectivity)` when given);
    otherwise 404, as if it did not exist."""
    from django.http import Http404
    from django.shortcuts import get_object_or_404

    collectivity = get_object_or_404(visible_collectivities(user), code=code)
    if allowed and not allowed(user, collectivity):
        raise Http404
    return collectivity


def convention_or_404(user, pk: int, allowed=None):
    """The convention if in the user's scope (and `allowed(user, convention)` when given); otherwise 404."""
    from django.http import Http404
    from django.shortcuts import get_object_or_404

    from conventions.models import Convention

    convention = get_object_or_404(Convention.objects.for_user(user).select_related("collectivity__region"), pk=pk)
    if allowed and not allowed(user, convention):
        raise Http404
    return convention

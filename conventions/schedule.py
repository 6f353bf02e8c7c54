"""A convention's schedule: the deadlines of its campaign (`conventions.deadlines`, plain functions) read with the
dates its steps were reached, for its page, the lists of conventions and the dashboards."""

from datetime import date

from conventions import deadlines
from conventions.models import Convention


def reached_dates(convention: Convention) -> dict[str, date]:
    return {event.to_state: event.occurred_on for event in convention.events.all()}


def convention_deadlines(convention: Convention, today: date) -> list[deadlines.Deadline]:
    return deadlines.deadlines(
        start=convention.start_date,
        end=convention.end_date,
        reached=reached_dates(convention),
        today=today,
        schedule=schedule_of(convention),
    )


def schedule_of(convention: Convention):
    from campaigns.lookup import campaign_of
    from campaigns.rules import Schedule

    return Schedule.of(campaign_of(convention))


def overdue_step(convention: Convention, today: date) -> deadlines.Deadline | None:
    """The step the convention is late for (« Signature par les trois parties », due on…), or None."""
    return deadlines.overdue(
        start=convention.start_date,
        end=convention.end_date,
        reached=reached_dates(convention),
        today=today,
        state=convention.state,
        schedule=schedule_of(convention),
    )


def convention_is_late(convention: Convention, today: date) -> bool:
    return overdue_step(convention, today) is not None

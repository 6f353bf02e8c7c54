"""Running actions at the same moment, as simultaneous requests do: each in its own thread and database connection,
all let go together. For the tests of races on the convention's lock (PostgreSQL; SQLite serialises its writers)."""

import threading

from django.db import connection


def at_the_same_moment(*actions) -> list:
    """Each action's result, or the exception it raised, in the order of the actions."""
    started, outcomes = threading.Barrier(len(actions)), [None] * len(actions)

    def run(index, action):
        try:
            started.wait()
            outcomes[index] = action()
        except Exception as error:  # the outcome the test reads, whatever it is
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, action)) for i, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes

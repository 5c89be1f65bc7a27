"""Privacy duties: a participant downloads their data and asks for erasure; organizers
erase a person; a retention job anonymises rejected applications after a while.

    export.person_export(user=...)          what a participant downloads (JSON)
    services.erasure_request_create(...)    the participant's request, acknowledged by email
    services.person_erasure_plan(...)       what erasing a person would do, for the
                                            confirmation page
    services.person_erase(...)              erase a person, all or nothing
    retention.retention_run(...)            anonymise rejected applications past the period

Erasure anonymises in place rather than deleting: stipend records must stay (accounting
law) and survey numbers feed the impact figures, so rows keep their ids, dates, amounts
and answers' numbers while the person's name, addresses and words go.
"""

from django.urls import reverse


def erase_url(*, users=(), requests=()) -> str:
    """The organizers' confirmation page that erases people (admin, erasure requests)."""
    query = []
    if users:
        query.append("users=" + ",".join(str(pk) for pk in users))
    if requests:
        query.append("requests=" + ",".join(str(pk) for pk in requests))
    return reverse("admin:mm_program_erasurerequest_erase") + "?" + "&".join(query)

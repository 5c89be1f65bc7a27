"""Pages for one person are never stored by a browser or a proxy.

A signed-in person's pages show their data and carry links that act as them without a
sign-in (their survey links, a mentee's invitation); an emailed link's page (a survey, an
invitation, a reminder pause, held answers to confirm) is itself such a link. Stored in a
shared computer's cache, or a proxy's, any of them lets the next person in. So every
response to a signed-in person, and every page under a link with a token, says
``Cache-Control: private, no-store`` (Django's never_cache). One rule here rather than a
decorator on each view: a new participant page is covered the day it is written.
"""

from django.utils.cache import add_never_cache_headers

# The URL arguments that make a link act for someone: our emailed links' signed tokens,
# and allauth's password reset key.
TOKEN_ARGUMENTS = ("token", "key")


class PrivatePagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _for_one_person(request):
            cache_control = response.get("Cache-Control", "")
            if "no-store" not in cache_control or "private" not in cache_control:
                add_never_cache_headers(response)
        return response


def _for_one_person(request) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    match = getattr(request, "resolver_match", None)
    return match is not None and any(name in match.kwargs for name in TOKEN_ARGUMENTS)

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """The client's address for rate limits, from the header the proxy sets.

    Takes the first entry of a list (X-Forwarded-For style) and falls back to the
    connection's address when the header is missing or not an address, so that a bad
    header never turns a form post into a server error.
    """
    header = "HTTP_" + settings.CLIENT_IP_HEADER.upper().replace("-", "_")
    candidate = request.META.get(header, "").split(",")[0].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104 - a key, not a bind

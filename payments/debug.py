"""Error reports (Django's debug page, the error emails to ADMINS) without bank details.

``sensitive_post_parameters`` on the views hides the posted fields, but a traceback also
lists every frame's local variables, and the libraries that handle an account
(schwifty, cryptography, Django's forms) keep it in theirs. This filter hides all of
them in a request that posts bank details, and in this app's and those libraries' frames
anywhere (commands, tasks). What the project's own filter hides (passwords in URLs, see
mm_program/error_reports.py) stays hidden.
"""

from mm_program.error_reports import CredentialsReporterFilter

BANK_PREFIX = "bank-"
HIDDEN_MODULES = ("payments", "schwifty", "cryptography")


def _posts_bank_details(request) -> bool:
    if request is None or getattr(request, "method", "") != "POST":
        return False
    try:
        return any(key.startswith(BANK_PREFIX) for key in request.POST)
    except Exception:  # noqa: BLE001 - an unreadable body: be safe
        return True


class BankDetailsReporterFilter(CredentialsReporterFilter):
    def get_post_parameters(self, request):
        params = super().get_post_parameters(request)
        if not _posts_bank_details(request):
            return params
        params = params.copy()
        for key in params:
            if key.startswith(BANK_PREFIX):
                params[key] = self.cleansed_substitute
        return params

    def get_traceback_frame_variables(self, request, tb_frame):
        module = tb_frame.f_globals.get("__name__", "").split(".")[0]
        if module in HIDDEN_MODULES or _posts_bank_details(request):
            return [("(all local variables)", self.cleansed_substitute)]
        return super().get_traceback_frame_variables(request, tb_frame)

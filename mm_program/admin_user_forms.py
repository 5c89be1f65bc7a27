"""The user admin's forms, with the parts of Django's that render invalid HTML mended.

- The change form's password summary is a <div> (ReadOnlyPasswordHashWidget) that Django
  gives the field's `disabled` attribute and an `aria-describedby` naming help text whose
  id it never renders: neither is allowed there.
- The set-password form's help text holds a <ul> that the admin template wraps in a <p>.
"""

from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    ReadOnlyPasswordHashWidget,
    SetUnusablePasswordMixin,
    UserChangeForm,
)
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class PasswordSummaryWidget(ReadOnlyPasswordHashWidget):
    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for attr in ("disabled", "aria-describedby"):
            context["widget"]["attrs"].pop(attr, None)
        return context


class UserAdminChangeForm(UserChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "password" in self.fields:
            self.fields["password"].widget = PasswordSummaryWidget()


class UserAdminPasswordForm(AdminPasswordChangeForm):
    # The same words as Django's, as a sentence instead of a list.
    usable_password_help_text = format_lazy(
        "{} {}", SetUnusablePasswordMixin.usable_password_help_text,
        _("If disabled, the current password for this user will be lost."))

"""The organizers' admin site: the program's own sections first, in the order of the work.

Django lists an admin index alphabetically, which put the scheduler's internals (clocked,
crontabs, solar events) above triage. Here each app says where it goes and in what order
its models come, on its AppConfig, so the ground names no app:

- ``admin_position``: a number, lower first; apps without one (Django's, allauth's, the
  scheduler's) follow in alphabetical order;
- ``admin_models``: model names (lower case) in the order of the work; models not listed
  follow alphabetically.

Installed through ``ProgramAdminConfig`` in place of ``django.contrib.admin``.
"""

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

# After every app that says where it goes.
UNPLACED = 1_000


def _app_key(app: dict) -> tuple:
    config = apps.get_app_config(app["app_label"])
    return getattr(config, "admin_position", UNPLACED), app["name"].lower()


def _model_key(order: tuple[str, ...]):
    def key(model: dict) -> tuple:
        name = model["object_name"].lower()
        return (order.index(name) if name in order else len(order)), model["name"]
    return key


class ProgramAdminSite(admin.AdminSite):
    def get_app_list(self, request, app_label=None):
        app_list = sorted(self._build_app_dict(request, app_label).values(), key=_app_key)
        for app in app_list:
            order = tuple(getattr(apps.get_app_config(app["app_label"]), "admin_models", ()))
            app["models"].sort(key=_model_key(order))
        return app_list


class ProgramAdminConfig(AdminConfig):
    default_site = "mm_program.admin_site.ProgramAdminSite"

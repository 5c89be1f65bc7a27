"""Imports in the organizer area (django-import-export): resources, widgets, the admin's
steps. See ``base`` for what the resources share."""

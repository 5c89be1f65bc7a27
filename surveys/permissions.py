"""Who may see the impact dashboard: organizers (active staff in the Organizers group) and
superusers. Participants never see anyone's answers; survey links show only their own."""

from mm_program.roles import is_organizer

__all__ = ["is_organizer"]

"""Admin for mentorships, meetings and final projects."""

"""The pages of matching, by whom they are for: ``apply`` (the public interest forms),
``mentorships`` (a mentorship's own pages), ``mentoring`` (the dashboard and the mentor's
rows), ``invitations`` (the invited mentee's page)."""

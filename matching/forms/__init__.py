"""The forms of matching, by what they are for: ``applications`` (the interest forms and
decisions), ``mentorships`` (meetings, terms, project, ending), ``invitations`` (a
mentor's own mentee), and what they share (``common``)."""

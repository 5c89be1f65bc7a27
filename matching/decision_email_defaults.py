"""The decision emails' first text, seeded into DecisionEmail rows by a migration.

Organizers edit the rows in admin; this text is only the starting point and the
fallback when a row is missing.
"""

DEFAULTS = {
    "accepted": {
        "subject": "Welcome to {{ program }}",
        "body": """Hi {{ name }},

You're accepted as a {{ role }}.
{% if message %}
{{ message }}
{% endif %}
{% if role == "mentee" %}Next, we find your mentor: you'll both get an introduction \
email.{% else %}We'll introduce you to mentees who fit your areas and capacity; you can \
change how many you take at any time.{% endif %}

The organizers""",
    },
    "waitlisted": {
        "subject": "Your application to {{ program }}: on the waitlist",
        "body": """Hi {{ name }},

Thank you for applying to {{ program }}. Right now we don't have a {% if role == "mentee" %}\
mentor whose time and areas fit{% else %}mentee who fits your areas{% endif %}, so we've put \
you on our waitlist. Admissions are rolling: we'll write as soon as that changes, and you \
don't need to do anything.
{% if message %}
{{ message }}
{% endif %}
The {{ program }} organizers""",
    },
    "declined": {
        "subject": "Your application to {{ program }}",
        "body": """Hi {{ name }},

Thank you for applying to {{ program }}. We're not able to offer you a place this time.
{% if message %}
{{ message }}
{% endif %}
Admissions are rolling, so you're welcome to apply again when your situation changes.

The {{ program }} organizers""",
    },
    "redirected": {
        "subject": "A better fit for you than {{ program }}: {{ redirect_program }}",
        "body": """Hi {{ name }},

Thank you for applying to {{ program }}. Having read your application, we think \
{{ redirect_program }} would serve you better right now than 1-on-1 mentorship, and we'd \
encourage you to apply there{% if redirect_url %}: {{ redirect_url }}{% else %}.{% endif %}
{% if message %}
{{ message }}
{% endif %}
This isn't a rejection: you're welcome to come back to {{ program }} afterwards.

The {{ program }} organizers""",
    },
}

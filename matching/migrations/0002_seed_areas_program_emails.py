"""Every installation starts with the research areas from the seeds, one rolling program
and the decision emails' default text. Organizers edit all three in admin."""

from django.db import migrations

AREAS = [
    ("Mechanistic interpretability", "mechanistic-interpretability"),
    ("Evaluations and dangerous capabilities", "evals"),
    ("Agent foundations", "agent-foundations"),
    ("AI governance and policy", "governance"),
    ("Aligning language models", "aligning-language-models"),
    ("Deceptive AI and model organisms", "deceptive-ai"),
    ("Power-seeking and consequentialist cognition", "power-seeking"),
    ("Multipolar and cooperative AI", "multipolar"),
    ("Shard theory", "shard-theory"),
    ("Cyborgism and simulator theory", "cyborgism"),
    ("Activation engineering", "activation-engineering"),
    ("Security and AI hacking", "ai-security"),
    ("Interdisciplinary AI safety", "interdisciplinary"),
    ("Field-building and distillation", "field-building"),
]


def seed(apps, schema_editor):
    from matching.decision_email_defaults import DEFAULTS

    ResearchArea = apps.get_model("matching", "ResearchArea")
    Program = apps.get_model("matching", "Program")
    DecisionEmail = apps.get_model("matching", "DecisionEmail")
    for position, (name, slug) in enumerate(AREAS):
        ResearchArea.objects.get_or_create(slug=slug, defaults={"name": name,
                                                                "position": position})
    if not Program.objects.exists():
        Program.objects.create(
            name="AI Safety Mentors and Mentees",
            slug="mentors-and-mentees",
            tagline="1-on-1 mentorship into full-time AI safety work.",
        )
    for decision, text in DEFAULTS.items():
        DecisionEmail.objects.get_or_create(decision=decision, defaults=text)


class Migration(migrations.Migration):
    dependencies = [("matching", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

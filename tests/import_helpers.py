"""Helpers of the import tests: files as organizers bring them, and the admin's steps."""

import csv
import io
import re
from html import unescape

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

# A Google Forms export: its own headers (the questions), its own timestamp format.
GOOGLE_FORM_HEADERS = [
    "Timestamp", "Email address", "What is your name?", "Your time zone",
    "What are you doing now?", "Which research areas interest you?",
    "How many hours per week can you commit?", "What do you want from a mentorship?",
    "Do you intend to work full-time in AI safety?", "Do you need funding?",
]

# Which field each of those columns fills, as an organizer maps them once.
GOOGLE_FORM_MAPPING = ["submitted_at", "email", "name", "timezone", "occupation",
                       "research_areas", "hours_per_week", "goals", "fulltime_intent",
                       "needs_funding"]


def google_form_row(n: int, **changes) -> list:
    row = {
        "Timestamp": f"2025/03/{n % 28 + 1:02d} 10:22:33", "Email address": f"ann{n}@uni.example",
        "What is your name?": f"Ann Applicant {n}", "Your time zone": "Europe/Berlin",
        "What are you doing now?": "Master's student",
        "Which research areas interest you?": "Mechanistic interpretability, Agent foundations",
        "How many hours per week can you commit?": "8",
        "What do you want from a mentorship?": "Write a distillation.",
        "Do you intend to work full-time in AI safety?": "Yes, within about two years",
        "Do you need funding?": "No",
    }
    row.update(changes)
    return [row[h] for h in GOOGLE_FORM_HEADERS]


def csv_file(headers, rows, name="responses.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(), content_type="text/csv")


def import_url(model: str) -> str:
    return reverse(f"admin:matching_{model}_import")


def upload(client, model, program, upload_file, **extra):
    return client.post(import_url(model), {"program": program.pk, "import_file": upload_file,
                                           **extra})


def hidden_fields(html: str) -> dict:
    return {unescape(name): unescape(value) for name, value in re.findall(
        r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)}


def submit_mapping(client, model, page_html: str, keys: list[str], name="Google Form"):
    data = {**hidden_fields(page_html), "step": "map", "source_name": name}
    data.pop("csrfmiddlewaretoken", None)
    for index, key in enumerate(keys):
        data[f"column_{index}"] = key
    return client.post(import_url(model), data)


def confirm(client, model, page_html: str):
    match = re.search(r'<form method="post" action="([^"]+process_import/)">(.*?)</form>',
                      page_html, re.S)
    assert match, "no confirm form on the page"
    data = hidden_fields(match.group(2))
    data.pop("csrfmiddlewaretoken", None)
    return client.post(match.group(1), data)


def preview_rows(html: str) -> list[str]:
    body = re.search(r'<table class="mm-import-preview">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert body, "no preview table"
    return re.findall(r"<tr[^>]*>(.*?)</tr>", body.group(1), re.S)


def cells(row_html: str) -> list[str]:
    return [unescape(re.sub(r"<[^>]+>", " ", cell)).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row_html, re.S)]


def header_labels(html: str) -> list[str]:
    head = re.search(r'<table class="mm-import-preview">\s*<thead>(.*?)</thead>', html, re.S)
    return [unescape(re.sub(r"<br>.*", "", th, flags=re.S)).strip()
            for th in re.findall(r"<th[^>]*>(.*?)</th>", head.group(1), re.S)]

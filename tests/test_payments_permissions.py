"""Who may reach a payee's stipend pages: the payee. Everyone else gets 404 as if the
request did not exist (the mentor of the same mentorship included: a mentee's reasons
for needing money are theirs); anonymous visitors are sent to sign in. Nothing changes
either way, and nobody ever sees someone else's account, even masked."""

import pytest
from django.urls import reverse

from mm_program.models import Message
from payments.models import BankDetails, StipendRequest

from .helpers import days_ago
from .payments_fixtures import submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deliver_at_once")]

PRIVATE = ("It lets me work fewer shifts.", "DE89 •••• •••• •••• 3000", "300.00")


@pytest.fixture
def ada_request(world):
    return submit(world["m"], world["ada"])


def requests_for(world, req):
    m = world["m"]
    new = {"period_start": days_ago(13).isoformat(), "period_end": days_ago(1).isoformat(),
           "hours": "5", "rate": "30", "justification": "Hijack",
           "bank-holder_name": "Eve", "bank-kind": "iban",
           "bank-iban": "GB33 BUKB 2020 1555 5555 55"}
    return {
        "new (page)": ("get", reverse("stipend_new", args=[m.pk]), None),
        "new (send)": ("post", reverse("stipend_new", args=[m.pk]), new),
        "pick": ("get", reverse("stipend_pick") + f"?mentorship={m.pk}", None),
        "detail": ("get", reverse("stipend_detail", args=[req.pk]), None),
    }


REQUESTS = ["new (page)", "new (send)", "detail"]


def snapshot():
    return (list(StipendRequest.objects.order_by("pk").values_list("pk", "status", "hours")),
            list(BankDetails.objects.order_by("pk").values_list("pk", "masked")),
            Message.objects.count())


def send(client, method, url, data):
    return client.get(url) if method == "get" else client.post(url, data)


@pytest.mark.parametrize("request_name", REQUESTS)
@pytest.mark.parametrize("intruder", ["another mentor", "another mentee", "organizer",
                                      "payments officer"])
def test_other_people_get_not_found_and_change_nothing(client, world, ada_request,
                                                       organizer, officer, request_name,
                                                       intruder):
    user = {"another mentor": world["alan"], "another mentee": world["cleo"],
            "organizer": organizer, "payments officer": officer}[intruder]
    method, url, data = requests_for(world, ada_request)[request_name]
    before = snapshot()
    client.force_login(user)
    response = send(client, method, url, data)
    assert response.status_code == 404
    for private in PRIVATE:
        assert private not in response.content.decode()
    assert snapshot() == before


def test_the_mentor_of_the_mentorship_cannot_see_the_mentees_request(client, world,
                                                                     ada_request):
    client.force_login(world["grace"])
    assert client.get(reverse("stipend_detail", args=[ada_request.pk])).status_code == 404
    for url in (reverse("dashboard"), reverse("stipend_list"),
                reverse("mentorship_detail", args=[world["m"].pk])):
        html = client.get(url).content.decode()
        for private in PRIVATE:
            assert private not in html


def test_picking_someone_elses_mentorship_leads_to_not_found(client, world):
    client.force_login(world["cleo"])
    response = client.get(reverse("stipend_pick"), {"mentorship": world["m"].pk},
                          follow=True)
    assert response.status_code == 404
    assert client.get(reverse("stipend_pick"), {"mentorship": "x"}).url == \
        reverse("stipend_list")


@pytest.mark.parametrize("request_name", [*REQUESTS, "pick"])
def test_anonymous_visitors_are_sent_to_sign_in(client, world, ada_request, request_name):
    method, url, data = requests_for(world, ada_request)[request_name]
    before = snapshot()
    response = send(client, method, url, data)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert snapshot() == before


@pytest.mark.parametrize("name", ["stipend_list", "stipend_bank_details"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_cannot_reach_the_own_pages(client, name, method):
    response = getattr(client, method)(reverse(name))
    assert response.status_code in (302, 405)
    if response.status_code == 302:
        assert response.url.startswith(reverse("account_login"))
    assert not BankDetails.objects.exists()


def test_a_participant_only_ever_sees_and_changes_their_own_bank_details(client, world,
                                                                        ada_request):
    client.force_login(world["cleo"])
    for url in (reverse("stipend_list"), reverse("stipend_bank_details"),
                reverse("dashboard")):
        html = client.get(url).content.decode()
        assert "DE89 •••• •••• •••• 3000" not in html and "Ada Lovelace" not in html
    client.post(reverse("stipend_bank_details"), {
        "bank-holder_name": "Cleo", "bank-kind": "iban",
        "bank-iban": "GB33 BUKB 2020 1555 5555 55", "bank-bic": ""})
    assert BankDetails.objects.get(user=world["ada"]).masked == "DE89 •••• •••• •••• 3000"
    assert BankDetails.objects.get(user=world["cleo"]).masked == "GB33 •••• •••• •••• 5555"


def test_the_bank_details_page_never_redirects_off_site(client, world):
    client.force_login(world["cleo"])
    response = client.post(reverse("stipend_bank_details") + "?next=https://evil.example/",
                           {"bank-holder_name": "Cleo", "bank-kind": "iban",
                            "bank-iban": "GB33 BUKB 2020 1555 5555 55", "bank-bic": "",
                            "next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == reverse("stipend_list")


@pytest.mark.parametrize("back", ["0", "home", "stipend_list", "evil.example"])
def test_a_next_that_is_not_a_path_goes_to_the_stipends_page(client, world, back):
    # Found by tests/test_fuzz_stipend_forms.py: next=0 was a server error (redirect()
    # took the bare word for a view's name).
    client.force_login(world["cleo"])
    response = client.post(reverse("stipend_bank_details"), {
        "bank-holder_name": "Cleo", "bank-kind": "iban",
        "bank-iban": "GB33 BUKB 2020 1555 5555 55", "bank-bic": "", "next": back})
    assert response.status_code == 302 and response.url == reverse("stipend_list")


def test_no_url_carries_an_account(client, world, ada_request):
    """Bank details travel in POST bodies only: no page links to a URL with one."""
    client.force_login(world["ada"])
    for url in (reverse("dashboard"), reverse("stipend_list"),
                reverse("stipend_detail", args=[ada_request.pk]),
                reverse("stipend_bank_details"), reverse("stipend_new", args=[world["m"].pk])):
        html = client.get(url).content.decode()
        assert "iban=" not in html.lower() and "account_number=" not in html
        assert 'method="get"' not in html.replace("method=\"get\" action=\"/stipends/new/\"",
                                                   "")

"""*Bank details reveals* in admin: payments officers and organizers read who saw whose
bank details and who was refused them, filter granted from refused, and see refused rows
stand out. A refused row shows no account; a granted one shows it masked, never more."""

import pytest
from django.test import Client
from django.urls import reverse

from payments.models import BankDetailsReveal

from .factories import UserFactory
from .payments_fixtures import DEMO_IBAN, DEMO_IBAN_SPACED, iban_account

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deliver_at_once")]

LOG = "admin:payments_bankdetailsreveal_changelist"
MASKED = "DE89 •••• •••• •••• 3000"


@pytest.fixture
def one_of_each(organizer, officer, officer_client):
    """Olivia (organizer) is refused Ada's bank details; Pat (officer) reveals them."""
    from payments.services.bank import bank_details_save

    ada = UserFactory(email="ada@example.org", name="Ada Lovelace")
    details = bank_details_save(user=ada, account=iban_account(), by=ada)
    url = reverse("admin:payments_bankdetails_reveal", args=[details.pk])
    olivia = Client()  # officer_client is the test's ``client``
    olivia.force_login(organizer)
    assert olivia.post(url).status_code == 403
    assert officer_client.post(url).status_code == 200
    return (BankDetailsReveal.objects.get(outcome="refused"),
            BankDetailsReveal.objects.get(outcome="granted"))


@pytest.mark.parametrize("who", ["organizer", "officer"])
def test_officers_and_organizers_read_the_log_with_refusals_standing_out(
        client, one_of_each, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse(LOG))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<span class="mm-badge mm-tone-red">Refused</span>' in html
    assert '<strong class="mm-text-red">Olivia Organizer</strong>' in html
    assert '<span class="mm-badge mm-tone-green">Granted</span>' in html
    assert html.count(MASKED) == 1  # the granted row's, masked
    assert DEMO_IBAN not in html and DEMO_IBAN_SPACED not in html


def test_the_log_filters_granted_and_refused(organizer_client, one_of_each):
    refused, granted = one_of_each
    only_refused = organizer_client.get(reverse(LOG) + "?outcome__exact=refused")
    assert list(only_refused.context["cl"].result_list) == [refused]
    assert MASKED not in only_refused.content.decode()
    only_granted = organizer_client.get(reverse(LOG) + "?outcome__exact=granted")
    assert list(only_granted.context["cl"].result_list) == [granted]


def test_a_refused_rows_page_shows_who_and_that_it_was_refused_and_no_account(
        organizer_client, one_of_each):
    refused, _ = one_of_each
    page = organizer_client.get(reverse("admin:payments_bankdetailsreveal_change",
                                        args=[refused.pk])).content.decode()
    assert "Olivia Organizer" in page and "Refused" in page and "Ada Lovelace" in page
    assert MASKED not in page and DEMO_IBAN not in page


def test_staff_without_a_role_and_participants_do_not_read_the_log(client, staff_viewer,
                                                                    one_of_each):
    client.force_login(staff_viewer)
    assert client.get(reverse(LOG)).status_code == 403
    client.force_login(UserFactory())
    assert client.get(reverse(LOG)).status_code == 302

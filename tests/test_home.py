def test_the_start_page_explains_the_program_and_links_both_forms(client, program):
    html = client.get("/").content.decode()
    assert "30 minutes a week per mentee is enough" in html
    assert "Rolling admissions" in html
    assert 'href="/apply/mentee/"' in html
    assert 'href="/apply/mentor/"' in html


def test_the_health_check_reaches_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok" and response.json()["database"]["ok"]


def test_the_favicon_is_found_where_browsers_look_for_it(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.url.endswith("favicon.svg")

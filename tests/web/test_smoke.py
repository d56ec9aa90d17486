from tests.factories import make_world


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_lead_sees_project(app, client, auth):
    with app.app_context():
        make_world()
    assert auth.login("lena").status_code == 302
    page = client.get("/")
    assert b"Bias study" in page.data
    assert b"Other study" not in page.data


def test_lead_home_shows_each_annotators_progress(app, client, auth):
    with app.app_context():
        make_world()
    auth.login("alice")
    page = client.get("/").get_data(as_text=True)
    assert "Continue" in page and "team" not in page
    auth.logout()
    auth.login("lena")
    page = client.get("/").get_data(as_text=True)
    assert 'class="table team"' in page and "alice" in page and "bob" in page

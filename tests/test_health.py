def test_healthz_answers_without_the_database(client):
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")


def test_readyz_checks_the_database(client, db):
    response = client.get("/readyz")
    assert (response.status_code, response.content) == (200, b"ok\n")

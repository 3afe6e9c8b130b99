"""What every request gets: an id to match a report to a log line, and a session cookie
that is signed, checked, and never sent to a visitor who has none."""

from __future__ import annotations

import os

import pytest
from flask import session

from qrsvc.logs import REQUEST_ID, RequestIds


def test_every_answer_carries_a_unique_request_id(client):
    ids = [client.get(path).headers["X-Request-ID"] for path in ("/healthz", "/", "/nowhere") * 5]
    assert len(set(ids)) == len(ids)
    assert all(REQUEST_ID.match(request_id) for request_id in ids)


def test_a_well_formed_id_from_the_proxy_is_kept(client):
    answer = client.get("/healthz", headers={"X-Request-ID": "nginx-5f2b9c1e0a7d"})
    assert answer.headers["X-Request-ID"] == "nginx-5f2b9c1e0a7d"


@pytest.mark.parametrize(
    "incoming",
    ["short", "x" * 65, "evil id with spaces", "<script>alert(1)</script>", "đền-thờ-12345", ""],
)
def test_a_malformed_or_hostile_id_is_replaced(client, incoming):
    answer = client.get("/healthz", headers={"X-Request-ID": incoming})
    assert answer.headers["X-Request-ID"] != incoming
    assert REQUEST_ID.match(answer.headers["X-Request-ID"])


def test_ids_differ_between_processes_forked_from_one_master():
    ids = RequestIds()
    first = ids.next()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child is a gunicorn worker forked after the app was loaded
        os.write(write, ids.next().encode())
        os._exit(0)
    os.waitpid(pid, 0)
    child = os.read(read, 100).decode()
    os.close(read)
    os.close(write)
    assert child.split("-")[0] != first.split("-")[0]
    assert ids.next().split("-")[0] == first.split("-")[0]


@pytest.fixture
def session_app(app):
    @app.get("/probe/session/<value>")
    def store(value):
        session["probe"] = value
        return "stored"

    @app.get("/probe/session")
    def read():
        return session.get("probe", "nothing")

    return app


def test_a_visitor_without_a_cookie_gets_none(session_app):
    answer = session_app.test_client().get("/probe/session")
    assert answer.text == "nothing"
    assert "Set-Cookie" not in answer.headers


def test_the_session_round_trips_and_rejects_tampering(session_app):
    client = session_app.test_client()
    assert "session=" in client.get("/probe/session/đền").headers["Set-Cookie"]
    assert client.get("/probe/session").text == "đền"
    cookie = client.get_cookie("session")
    client.set_cookie("session", cookie.value[:-2] + ("AA" if cookie.value[-2:] != "AA" else "BB"))
    assert client.get("/probe/session").text == "nothing"
    for hostile in ("", "x" * 4000, "not.a.signed.cookie", "\x00\x01"):
        client.set_cookie("session", hostile)
        assert client.get("/probe/session").text == "nothing"


def test_a_new_secret_key_follows_the_configuration(session_app):
    client = session_app.test_client()
    client.get("/probe/session/old")
    old_key = session_app.config["SECRET_KEY"]
    session_app.config["SECRET_KEY"] = "a completely different secret key for the test"
    session_app.secret_key = session_app.config["SECRET_KEY"]
    assert client.get("/probe/session").text == "nothing"  # signed with the old key
    session_app.config["SECRET_KEY_FALLBACKS"] = [old_key]
    assert client.get("/probe/session").text == "old"  # rotation: the old key still reads

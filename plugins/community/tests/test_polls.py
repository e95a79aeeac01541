"""Polls through their pages: adding one, voting once, the results, closing, bad input,
who may vote, the exit (export, import, "Download my data"), and votes cast at the same
moment over real HTTP."""

from __future__ import annotations

import http.client
import io
import json
import threading
import zipfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pleio_community import plugin as community
from pleio_community import polls
from pleio_community.polls.model import Poll

from pleio_core.plugin_api import SITE_DATABASES, ContentAdded, SiteRoot
from pleio_core.testing import (
    LiveServer,
    PleioTestSetup,
    SiteWorld,
    add_through_form,
    assert_valid_html,
    bearer,
    make_token,
    page_csrf,
    sign_in_client,
)

HOST = "polls.localhost"
PEOPLE = {"anne": "member", "bert": "member", "carl": "member", "eva": "editor", "ada": "admin"}
VOTERS = 20  # distinct accounts, each sending two ballots at once over HTTP


class World(SiteWorld):
    server: LiveServer

    def last_transaction(self) -> bytes:
        with self.committed("/") as site:
            return site._p_jar.db().lastTransaction()

    def edit(self):
        """A transaction on the site's database, yielding its root (as a script would)."""
        return _Editing(self)


class _Editing:
    def __init__(self, world: World) -> None:
        self.manager = SITE_DATABASES(world.app.registry).get(world.site).transaction()

    def __enter__(self) -> SiteRoot:
        conn = self.manager.__enter__()
        return next(v for v in conn.root().values() if isinstance(v, SiteRoot))

    def __exit__(self, *exc) -> None:
        self.manager.__exit__(*exc)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    setup = PleioTestSetup(tmp_path_factory.mktemp("polls"))
    setup.write_site("polls", modules=("community",), hosts=(HOST,), access="public")
    for who, role in PEOPLE.items():
        setup.create_account(f"{who}@example.nl", who.capitalize(), polls=role)
    for n in range(VOTERS):
        setup.create_account(f"voter{n}@example.nl", f"Stemmer {n}", polls="member")
    setup.create_account("olga@example.nl", "Olga")  # no member of this site
    world = World(setup, setup.make_app(), "polls", HOST)
    world.server = LiveServer(world.app)
    yield world
    world.server.close()
    setup.close()


def add_poll(client, where: str = "/community/", status: int = 303, **fields):
    values = {"title": "Welke dag past het best?", "choices": "Maandag\nDinsdag\nDonderdag",
              "access": "public", **fields}  # fmt: skip
    return add_through_form(client, where, "poll", status=status, **values)


def vote(client, poll: str, *choices: int, status: int = 303, **extra):
    token = page_csrf(client.get(poll))
    fields = [("csrf_token", token), *(("choice", str(c)) for c in choices), *extra.items()]
    return client.post(f"{poll}@@vote", fields, status=status)


def results(client, poll: str) -> dict[str, tuple[str, str]]:
    """Choice → (votes, share) as the results table says them in words."""
    rows = client.get(poll).html.select(".poll-table tbody tr")
    return {
        row.th.text.replace("(jouw keuze)", "").strip(): (
            row.select("td")[0].text.strip(),
            row.select("td")[1].text.strip(),
        )
        for row in rows
    }


def words(page) -> str:
    """The page's text as one reads it (without its tags)."""
    return " ".join(page.html.text.split())


def alert(page) -> str:
    return " ".join(page.html.select_one("[role=alert]").text.split())


# -- adding and voting -----------------------------------------------------------------------


def test_a_member_adds_a_poll_and_others_vote_once_and_see_the_results(world) -> None:
    anne, bert, carl = world.client("anne"), world.client("bert"), world.client("carl")
    poll = add_poll(anne, title="Waar lunchen we?", choices="Kantine\r\nPark\r\n\r\nBinnen")
    page = bert.get(poll).html
    assert page.h1.text == "Waar lunchen we?"
    ballot = page.select_one("#ballot-form")
    assert ballot.legend.text == "Je antwoord (kies er één)"
    assert [label.text.strip() for label in ballot.select("label")] == ["Kantine", "Park", "Binnen"]
    assert {i["type"] for i in ballot.select("input[name=choice]")} == {"radio"}
    assert "Je ziet de uitslag zodra je hebt gestemd" in words(page)
    assert not page.select(".poll-table")  # not before voting
    voted = bert.get(vote(bert, poll, 1).location)
    assert voted.html.select_one("[role=status]").text == "Je stem is geteld. Bedankt!"
    assert "Je stemde: Park." in words(voted) and not voted.html.select("#ballot-form")
    vote(carl, poll, 1)
    vote(anne, poll, 2)
    assert results(bert, poll) == {"Kantine": ("0", "0%"), "Park": ("2", "67%"),
                                   "Binnen": ("1", "33%")}  # fmt: skip
    assert "3 stemmers" in words(bert.get(poll))
    mine = bert.get(poll).html.select_one(".poll-mine").find_parent("tr")
    assert mine.th.text.startswith("Park")  # said in words, not by colour
    signs_in = [a.text for a in world.client().get(poll).html.select("main a")]
    assert "Log in om te stemmen." in signs_in


def test_more_than_one_choice_when_the_poll_allows_it(world) -> None:
    anne, bert = world.client("anne"), world.client("bert")
    poll = add_poll(anne, title="Welke onderwerpen?", choices="Archief\nPrivacy\nOpen data",
                    multiple=True)  # fmt: skip
    assert {i["type"] for i in bert.get(poll).html.select("#ballot-form input[name=choice]")} == {
        "checkbox"
    }
    vote(bert, poll, 0, 2)
    assert results(bert, poll) == {"Archief": ("1", "100%"), "Privacy": ("0", "0%"),
                                   "Open data": ("1", "100%")}  # fmt: skip
    assert "Je stemde: Archief, Open data." in words(bert.get(poll))


# -- bad input: clear Dutch, 4xx, nothing written ------------------------------------------


def test_bad_votes_are_refused_in_dutch_and_change_nothing(world) -> None:
    anne, bert, carl = world.client("anne"), world.client("bert"), world.client("carl")
    poll = add_poll(anne, title="Eén keuze")
    vote(bert, poll, 0)
    cases = [
        (bert, (1,), {}, 409, "Je hebt al gestemd in deze peiling"),
        (carl, (), {}, 400, "Kies een antwoord."),
        (carl, (0, 1), {}, 400, "Kies maar één antwoord"),
        (carl, (), {"choice": "7"}, 400, "Dat is geen van de keuzes"),
        (carl, (), {"choice": "-1"}, 400, "Dat is geen van de keuzes"),
        (carl, (0,), {"serial": "99"}, 409, "De peiling is veranderd nadat je haar opende"),
    ]
    before = world.last_transaction()
    for client, choices, extra, status, message in cases:
        answer = vote(client, poll, *choices, status=status, **extra)
        assert message in alert(answer), message
        assert answer.html.h1.text == "Eén keuze"  # the poll again, with why
    client = world.client("carl")
    client.post(f"{poll}@@vote", {"choice": "0"}, status=400)  # no CSRF token
    upload = [("choice", "keuze.txt", b"0")]  # a file where a choice's number goes
    token = page_csrf(client.get(poll))
    client.post(f"{poll}@@vote", {"csrf_token": token}, upload_files=upload, status=400)
    assert world.last_transaction() == before
    with world.committed(poll) as stored:
        assert dict(stored.votes).keys() == {next(iter(stored.votes))}  # bert's only
        assert stored.votes[next(iter(stored.votes))].choices == (0,)
    # closed: no more votes, and the page says since when
    token = page_csrf(anne.get(poll))
    anne.post(f"{poll}@@close", {"csrf_token": token}, status=303)
    answer = vote(carl, poll, 0, status=409)
    assert "Deze peiling is gesloten" in alert(answer)
    assert "Gesloten sinds" in words(answer) and not answer.html.select("#ballot-form")


def test_the_form_refuses_bad_polls_in_dutch_and_adds_nothing(world) -> None:
    anne = world.client("anne")
    past = (datetime.now(UTC) - timedelta(hours=1)).astimezone().strftime("%Y-%m-%dT%H:%M")
    cases = {
        "Geef minstens twee keuzes, één per regel.": {"choices": "Alleen deze"},
        "Geef minstens twee keuzes": {"choices": "\n \n"},
        "Hoogstens 20 keuzes.": {"choices": "\n".join(f"Keuze {n}" for n in range(21))},
        "Een keuze heeft hoogstens 200 tekens.": {"choices": "Kort\n" + "x" * 201},
        "Elke keuze maar één keer: „ja” staat er twee keer.": {"choices": "Ja\nNee\n ja "},
        "Dit sluitingsmoment is al voorbij": {"closes_at": past},
        "Geef een datum en tijd, bijvoorbeeld 2026-12-01T09:00.": {"closes_at": "morgen"},
    }
    before = world.last_transaction()
    for message, fields in cases.items():
        answer = add_poll(anne, status=400, **fields)
        assert message in words(answer), message
    assert world.last_transaction() == before


def test_choices_are_fixed_once_someone_voted(world) -> None:
    anne, bert = world.client("anne"), world.client("bert")
    poll = add_poll(anne, title="Vaste keuzes", choices="A\nB")
    form = anne.get(f"{poll}@@edit").forms["content-form"]
    form["choices"] = "A\nB\nC"  # before any vote: fine
    form.submit("save", status=303)
    vote(bert, poll, 2)
    form = anne.get(f"{poll}@@edit").forms["content-form"]
    form["choices"] = "A\nC\nB"
    refused = form.submit("save", status=400)
    assert "Er is al gestemd, dus de keuzes kunnen niet meer veranderen." in words(refused)
    form = anne.get(f"{poll}@@edit").forms["content-form"]
    form["title"] = "Vaste keuzes, nieuwe titel"  # the rest may change
    form.submit("save", status=303)
    token = bearer(make_token(sign_in_client(world.setup, world.app, "anne@example.nl", HOST),
                              "polls"))  # fmt: skip
    api, url = world.client(), "/api/v1/content" + poll.rstrip("/")
    serial = api.get(url, headers=token).json["serial"]
    refused = api.patch_json(url, {"serial": serial, "choices": ["A", "B"]}, headers=token,
                             status=422)  # fmt: skip
    assert "choices" in refused.json["errors"]
    changed = api.patch_json(url, {"serial": serial, "results": "after-closing"}, headers=token)
    assert changed.json["choices"] == ["A", "B", "C"]
    future = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    made = api.post_json("/api/v1/content/community",
                         {"type": "poll", "title": "Via de API", "choices": ["Ja", "Nee"],
                          "closes_at": future}, headers=token, status=201)  # fmt: skip
    assert made.json["closes_at"].startswith(future[:16])
    past = (datetime.now(UTC) - timedelta(days=3)).isoformat()
    api.post_json("/api/v1/content/community",
                  {"type": "poll", "title": "Te laat", "choices": ["Ja", "Nee"],
                   "closes_at": past}, headers=token, status=422)  # fmt: skip
    # a moment out of range is refused, never a 500; one without an offset is Dutch time
    for bad in ("0001-01-01T00:30+01:00", "9999-12-31T23:59-05:00", "morgen"):
        api.post_json("/api/v1/content/community",
                      {"type": "poll", "title": "Buiten bereik", "choices": ["Ja", "Nee"],
                       "closes_at": bad}, headers=token, status=422)  # fmt: skip
    dutch = api.post_json("/api/v1/content/community",
                          {"type": "poll", "title": "Nederlandse tijd", "choices": ["Ja", "Nee"],
                           "closes_at": "2099-01-01T10:00"}, headers=token, status=201)  # fmt: skip
    assert dutch.json["closes_at"] == "2099-01-01T09:00:00+00:00"  # 10:00 in Amsterdam
    with world.committed(urlsplit(dutch.location).path.removeprefix("/api/v1/content")) as made:
        assert made.closes_at == datetime(2099, 1, 1, 9, 0, tzinfo=UTC)


# -- results after closing, closing by hand ------------------------------------------------


def test_results_after_closing_and_who_may_close(world) -> None:
    anne, bert, carl, eva = (world.client(w) for w in ("anne", "bert", "carl", "eva"))
    soon = (datetime.now(UTC) + timedelta(days=2)).replace(second=0, microsecond=0)
    local = soon.astimezone(_amsterdam()).strftime("%Y-%m-%dT%H:%M")
    poll = add_poll(anne, title="Geheime stemming", results="after-closing", closes_at=local)
    page = bert.get(poll)
    assert "Open tot" in words(page)
    assert page.html.select_one("#poll-state time").text == soon.astimezone(_amsterdam()).strftime(
        "%d-%m-%Y %H:%M"
    )  # shown in Dutch time
    vote(bert, poll, 0)
    after = bert.get(poll)
    assert "De uitslag is te zien zodra de peiling sluit." in words(after)
    assert not after.html.select(".poll-table")
    assert anne.get(poll).html.select(".poll-table")  # its owner keeps track
    assert "omdat je de peiling mag bewerken" in words(anne.get(poll))
    token = page_csrf(carl.get(poll))
    before = world.last_transaction()
    carl.post(f"{poll}@@close", {"csrf_token": token}, status=403)  # a member, not its owner
    assert world.last_transaction() == before
    eva.post(f"{poll}@@close", {"csrf_token": page_csrf(eva.get(poll))}, status=303)  # an editor
    closed = carl.get(poll)
    assert "Gesloten sinds" in words(closed)
    assert results(carl, poll)["Maandag"] == ("1", "100%")
    assert not closed.html.select("#ballot-form")
    edit = anne.get(f"{poll}@@edit").forms["content-form"]  # a closed poll's form saves as it is
    edit.submit("save", status=303)


def _amsterdam() -> ZoneInfo:
    return ZoneInfo("Europe/Amsterdam")


# -- who may vote --------------------------------------------------------------------------


def test_in_a_group_only_its_members_vote(world) -> None:
    anne, bert, carl = world.client("anne"), world.client("bert"), world.client("carl")
    group = add_through_form(anne, "/community/", "group", title="Kring", body="Over ons.",
                             access="public", joining="open")  # fmt: skip
    bert.post(f"{group}@@join", {"csrf_token": page_csrf(bert.get(group))}, status=303)
    poll = add_poll(anne, where=group, title="Kringvraag")
    assert "Kringvraag" in words(carl.get(group))  # a tool of the group
    page = carl.get(poll)
    assert "Word lid van de groep om te stemmen." in words(page)
    assert not page.html.select("#ballot-form")
    before = world.last_transaction()
    carl.post(f"{poll}@@vote", {"csrf_token": page_csrf(page), "choice": "0"}, status=403)
    world.client().post(f"{poll}@@vote", {"choice": "0"}, status=400)  # no token, no vote
    assert world.last_transaction() == before
    vote(bert, poll, 0)
    with world.committed(poll) as stored:
        assert stored.voter_count() == 1 and stored.group is not None


#: The poll's own views and the core's forms, with the methods each answers.
VIEWS = [("", "GET"), ("@@vote", "POST"), ("@@close", "POST"), ("@@edit", "GET"),
         ("@@edit", "POST"), ("@@delete", "GET"), ("@@delete", "POST")]  # fmt: skip


def test_who_may_not_see_a_poll_gets_nothing_from_any_of_its_views(world) -> None:
    anne = world.client("anne")
    poll = add_poll(anne, title="Alleen voor mij", access="private")
    olga = world.setup.signed_in(world.app, "olga@example.nl", HOST)  # of no site here
    clients = {None: world.client(), "bert": world.client("bert"), "olga": olga}
    before = world.last_transaction()
    for who, client in clients.items():
        token = "polls-csrf-token"  # a valid one: CSRF must not hide a 403
        client.testapp.set_cookie("pleio_csrf", token)
        for view, method in VIEWS:
            if method == "GET":
                got = client.get(poll + view, expect_errors=True)
            else:
                fields = {"csrf_token": token, "choice": "0"}
                got = client.post(poll + view, fields, expect_errors=True)
            assert got.status_int in (401, 403, 404), (who, view, method, got.status_int)
            assert "Alleen voor mij" not in words(got)
    assert world.last_transaction() == before


def test_a_poll_made_by_its_class_alone_has_pages_that_work(world) -> None:
    """``Poll(owner=x)`` with a title and a text: the two default choices."""
    anne, bert = world.client("anne"), world.client("bert")
    with world.committed(add_poll(anne, title="Van Anne")) as made:
        owner = made.owner
    with world.edit() as site:
        poll = Poll(owner=owner)
        poll.title = "Gemaakt in code"
        poll.set_body("Een *korte* uitleg.")
        site["community"].add("in-code", poll)
        world.app.registry.notify(ContentAdded(poll))
    page = bert.get("/community/in-code/")
    assert [label.text.strip() for label in page.html.select("#ballot-form label")] == ["Ja", "Nee"]
    vote(bert, "/community/in-code/", 0)
    assert results(anne, "/community/in-code/")["Ja"] == ("1", "100%")


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    title=st.text(st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn")), min_size=1,
                  max_size=60).filter(str.strip),
    choices=st.lists(
        st.text(st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn")), min_size=1,
                max_size=40).map(lambda c: " ".join(c.split())).filter(bool),
        min_size=2, max_size=5, unique_by=str.casefold,
    ),
)  # fmt: skip
def test_any_text_in_the_question_and_choices_comes_back_as_written(world, title, choices) -> None:
    anne = world.client("anne")
    poll = add_poll(anne, title=title, choices="\n".join(choices))
    page = anne.get(poll).html
    assert page.h1.text == " ".join(title.split())
    labels = [" ".join(label.text.split()) for label in page.select("#ballot-form label")]
    assert labels == choices


def test_the_poll_pages_are_valid_html(world) -> None:
    anne, bert = world.client("anne"), world.client("bert")
    poll = add_poll(anne, title="Geldig", multiple=True)
    pages = {"add form": anne.get("/community/@@add?type=poll").body,
             "before": bert.get(poll).body, "anonymous": world.client().get(poll).body,
             "refused": vote(bert, poll, status=400).body}  # fmt: skip
    vote(bert, poll, 0, 1)
    pages["after"] = bert.get(poll).body
    pages["owner"] = anne.get(poll).body
    assert_valid_html(pages)


# -- the exit and the demo -----------------------------------------------------------------


def test_my_data_holds_my_own_votes_only(world) -> None:
    anne, carl = world.client("anne"), world.client("carl")
    poll = add_poll(anne, title="Mijn gegevens")
    vote(carl, poll, 2)
    vote(anne, poll, 0)
    response = carl.get("/@@my-data").forms["my-data-form"].submit(status=200)
    with zipfile.ZipFile(io.BytesIO(response.body)) as zf:
        part = json.loads(zf.read("plugins/community.json"))
    mine = [v for v in part["poll_votes"] if v["poll"] == "Mijn gegevens"]
    assert [(v["path"], v["choices"]) for v in mine] == [(poll, ["Donderdag"])]
    assert "anne" not in json.dumps(part).lower()


def test_the_demo_group_has_a_poll_in_both_languages(world) -> None:
    with world.edit() as site:
        community.pleio_sample_content(site, world.app.registry, "nl", None, "Ada")
        polls.sample_content(site["community"]["sample-group"], world.app.registry, "en", None,
                             "Ada")  # fmt: skip
    group = world.client().get("/community/sample-group/").html
    links = {a.text: a["href"] for a in group.select("a")}
    page = world.client("ada").get(links["Op welke dag houden we het volgende overleg?"])
    assert [label.text.strip() for label in page.html.select("#ballot-form label")] == [
        "Maandag", "Dinsdag", "Donderdag"]  # fmt: skip
    assert "Which day suits our next meeting?" in links


def test_an_exported_site_keeps_its_votes(pleio_setup: PleioTestSetup, tmp_path) -> None:
    pleio_setup.write_site("polls", modules=("community",), hosts=(HOST,), access="public")
    for who in ("anne", "bert"):
        pleio_setup.create_account(f"{who}@example.nl", who.capitalize(), polls="member")
    app = pleio_setup.make_app()
    anne, bert = (pleio_setup.signed_in(app, f"{w}@example.nl", HOST) for w in ("anne", "bert"))
    poll = add_poll(anne, title="Meeverhuizen", multiple=True)
    vote(anne, poll, 0, 2)
    vote(bert, poll, 1)
    pleio_setup.close()
    archive = str(tmp_path / "polls.zip")
    assert pleio_setup.pleio("site", "export", "polls", archive) == 0
    assert pleio_setup.pleio("site", "import", "copy", archive, "--host", "copy.localhost") == 0
    names = zipfile.ZipFile(archive).namelist()
    [doc] = [d for n in names if n.startswith("content/")
             if (d := json.loads(zipfile.ZipFile(archive).read(n)))["type"] == "poll"]  # fmt: skip
    assert sorted(v["email"] for v in doc["extra"]["community"]["votes"]) == [
        "anne@example.nl", "bert@example.nl"]  # fmt: skip
    app = pleio_setup.make_app()
    anne = pleio_setup.signed_in(app, "anne@example.nl", "copy.localhost")
    assert results(anne, poll) == {"Maandag": ("1", "50%"), "Dinsdag": ("1", "50%"),
                                   "Donderdag": ("1", "50%")}  # fmt: skip
    assert "Je stemde: Maandag, Donderdag." in words(anne.get(poll))
    vote(anne, poll, 1, status=409)  # still her vote, on the copy


# -- at the same moment, over real HTTP ----------------------------------------------------


def _session(client) -> tuple[str, str]:
    """The cookies of a signed-in WebTest client, and the CSRF token they carry."""
    cookies = {c.name: c.value for c in client.testapp.cookiejar}
    return "; ".join(f"{k}={v}" for k, v in cookies.items()), cookies["pleio_csrf"]


def _post(server: LiveServer, path: str, cookie: str, fields: dict) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        body = urlencode(fields)
        form = "application/x-www-form-urlencoded"
        headers = {"Host": HOST, "Cookie": cookie, "Content-Type": form}
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def test_votes_at_the_same_moment_are_all_counted_each_account_once(world) -> None:
    """Every voter sends two ballots at once (different choices): exactly one of each
    pair counts, the other is told 409; the counts are exact."""
    poll = add_poll(world.client("anne"), title="Drukte")

    def signed_in(n: int) -> tuple[str, str]:
        client = world.setup.signed_in(world.app, f"voter{n}@example.nl", HOST)
        client.get(poll)  # (its CSRF cookie)
        return _session(client)

    with ThreadPoolExecutor(4) as pool:  # (the password checks run side by side)
        sessions = list(pool.map(signed_in, range(VOTERS)))
    start = threading.Barrier(2 * VOTERS)

    def send(n: int, choice: int) -> tuple[int, int, int]:
        cookie, token = sessions[n]
        start.wait()
        return n, choice, _post(world.server, f"{poll}@@vote", cookie,
                                {"csrf_token": token, "choice": str(choice)})  # fmt: skip

    jobs = [(n, (n + k) % 3) for n in range(VOTERS) for k in (0, 1)]
    with ThreadPoolExecutor(2 * VOTERS) as pool:
        answers = list(pool.map(lambda job: send(*job), jobs))
    by_voter: dict[int, list[int]] = {}
    for n, _choice, status in answers:
        by_voter.setdefault(n, []).append(status)
    assert all(sorted(s) == [303, 409] for s in by_voter.values()), by_voter
    counted = Counter(choice for _n, choice, status in answers if status == 303)
    with world.committed(poll) as stored:
        assert stored.voter_count() == VOTERS
        assert {t.choice: t.votes for t in stored.tally()[1]} == {
            "Maandag": counted[0], "Dinsdag": counted[1], "Donderdag": counted[2]}  # fmt: skip
        assert sum(counted.values()) == VOTERS


@pytest.mark.parametrize(
    ("votes", "why"),
    [
        ("geen lijst", "a list of votes"),
        ([{"email": "niemand@example.nl", "choices": ["Ja"], "time": "2026-01-01T10:00+01:00"}],
         "e-mail address of an account"),
        ([{"email": "a@example.nl", "choices": ["Misschien"], "time": "2026-01-01T10:00+01:00"}],
         "not one of the choices"),
        ([{"email": "a@example.nl", "choices": ["Ja", "Nee"], "time": "2026-01-01T10:00+01:00"}],
         "several in a single-choice poll"),
        ([{"email": "a@example.nl", "choices": ["Ja"], "time": "2026-01-01T10:00"}],
         "time zone"),
        ([{"email": "a@example.nl", "choices": ["Ja"], "time": "2026-01-01T10:00+01:00"}] * 2,
         "two votes of one account"),
    ],
)  # fmt: skip
def test_an_import_refuses_votes_it_cannot_count(votes, why) -> None:
    poll = Poll("Geïmporteerd")
    accounts = {"a@example.nl": "account-a"}
    with pytest.raises(ValueError, match=why):
        polls.import_extra(poll, {"votes": votes}, accounts.get)
    assert polls.import_extra(object(), {}, accounts.get) is False  # not a poll: not ours

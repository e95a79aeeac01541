"""Events through their pages: adding with a date, time and zone, answering yes, maybe or
no, the waiting list, the attendee list and its CSV, the lists, bad input, the exit."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pleio_core.plugin_api import csv_response
from pleio_core.testing import (
    PleioTestSetup,
    SiteWorld,
    add_through_form,
    page_csrf,
    rebuild_archive,
)

HOST = "feest.localhost"
PEOPLE = {"anne": "member", "bert": "member", "carl": "member", "dora": "member",
          "eva": "editor", "admin": "admin"}  # fmt: skip


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> SiteWorld:
    setup = PleioTestSetup(tmp_path_factory.mktemp("events"))
    setup.write_site("feest", modules=("community",), hosts=(HOST,), access="public")
    for who, role in PEOPLE.items():
        setup.create_account(f"{who}@example.nl", who.capitalize(), feest=role)
    world = SiteWorld(setup, setup.make_app(), "feest", HOST)
    yield world
    setup.close()


def later(days: int = 10, hour: int = 14) -> datetime:
    day = (datetime.now(UTC) + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, hour, 0)


def add_event(client, where="/community/", title="Borrel", status=303, start=None, end=None,
              **fields):  # fmt: skip
    start = start or later()
    end = end or start + timedelta(hours=2)
    values = {"title": title, "access": "public", **fields}
    form = client.get(f"{where}@@add?type=event").forms["content-form"]
    for key, value in values.items():
        if isinstance(value, bool):
            form[key] = value
        elif hasattr(form[key], "force_value"):
            form[key].force_value(value)
        else:
            form[key] = value
    form.fields["date"][0].value = start.strftime("%Y-%m-%d")
    form.fields["time"][0].value = start.strftime("%H:%M")
    form.fields["date"][1].value = end.strftime("%Y-%m-%d")
    form.fields["time"][1].value = end.strftime("%H:%M")
    response = form.submit("save", status=status)
    return response.location.split(HOST, 1)[1] if status == 303 else response


def answer(client, path: str, value: str, status=303):
    token = page_csrf(client.get(path))
    return client.post(path + "@@rsvp", {"csrf_token": token, "answer": value}, status=status)


def test_an_event_keeps_its_zone_and_is_shown_in_it(world) -> None:
    start = later(hour=9)
    path = add_event(world.client("anne"), title="Zomeroverleg", start=start,
                     location="Stadhuis", online_link="https://meet.example.nl/x",
                     timezone="America/Paramaribo")  # fmt: skip
    with world.committed(path) as event:
        assert event.timezone == "America/Paramaribo"
        assert event.start.tzinfo is not None and event.start.utcoffset() == timedelta(0)
        assert event.local_start().replace(tzinfo=None) == start
        assert event.start == start.replace(tzinfo=event.zone).astimezone(UTC)
        assert event.rsvp and event.location == "Stadhuis"
    page = world.client().get(path)
    assert start.strftime("%d-%m-%Y 09:00") in page.text and "Suriname" in page.text
    edit = world.client("anne").get(path + "@@edit").forms["content-form"]
    assert edit.fields["time"][0].value == "09:00"  # the form shows the event's own time
    edit.submit("save", status=303)
    with world.committed(path) as event:
        assert event.local_start().replace(tzinfo=None) == start


def test_yes_maybe_no_and_the_waiting_list_moves_up(world) -> None:
    path = add_event(world.client("eva"), title="Kleine workshop", capacity="2")
    for who in ("anne", "bert", "carl", "dora"):
        answer(world.client(who), path, "yes")
    page = world.client("dora").get(path)
    assert "wachtlijst, op plaats 2" in page.text
    with world.committed(path) as event:
        assert event.attendance.seated == [_id(world, "anne"), _id(world, "bert")]
    answer(world.client("anne"), path, "no")
    with world.committed(path) as event:
        seated, waiting = event.attendance.seated, event.attendance.waiting
        assert len(seated) == 2 and len(waiting) == 1
    assert "Je komt: je hebt een plaats." in world.client("carl").get(path).text
    assert "plaats 1" in world.client("dora").get(path).text
    answer(world.client("bert"), path, "maybe")
    assert "Je komt: je hebt een plaats." in world.client("dora").get(path).text
    notes = world.client("carl").get("/@@notifications").text
    assert "Kleine workshop" in notes and "wachtlijst" in notes
    answer(world.client("bert"), path, "yes")  # back: at the end of the line
    with world.committed(path) as event:
        assert event.attendance.waiting == [_id(world, "bert")]


_ids: dict[str, str] = {}


def _id(world, who: str) -> str:
    if who not in _ids:
        path = add_event(world.client(who), title=f"Van {who}")
        with world.committed(path) as event:
            _ids[who] = event.owner
    return _ids[who]


def test_organisers_see_who_comes_and_download_it(world) -> None:
    path = add_event(world.client("anne"), title="=Formule feest")
    answer(world.client("bert"), path, "yes")
    answer(world.client("carl"), path, "maybe")
    for who in ("anne", "eva", "admin"):
        page = world.client(who).get(path + "@@attendees")
        assert "Bert" in page.text and "Carl" in page.text
    for who in ("bert", None):
        world.client(who).get(path + "@@attendees", status=403)
        world.client(who).get(path + "@@attendees.csv", status=403)
    download = world.client("anne").get(path + "@@attendees.csv")
    assert download.content_type == "text/csv"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(download.body.decode("utf-8-sig"))))
    assert rows[0] == ["Naam", "Antwoord", "Geantwoord"]
    assert [r[:2] for r in rows[1:]] == [["Bert", "Komt"], ["Carl", "Misschien"]]
    assert "Wie komt" not in world.client("bert").get(path).text


def test_the_cell_that_looks_like_a_formula_is_defused(world) -> None:
    bad = ["=1+1", "+31", "-2", "@SUM(A1)"]
    response = csv_response("x.csv", ["name"], [[cell] for cell in [*bad, "Anne"]], bom=True)
    rows = list(csv.reader(io.StringIO(response.body.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == [*("'" + cell for cell in bad), "Anne"]


def test_bad_input_is_refused_and_changes_nothing(world) -> None:
    anne = world.client("anne")
    start = later()
    bad = {
        "Het evenement moet eindigen nadat het begint": {"end": start - timedelta(hours=1)},
        "minstens 1 plaats": {"capacity": "0"},
        "minstens 1 plaats ": {"capacity": "-5"},
        "https://": {"online_link": "javascript:alert(1)"},
        "https:// ": {"online_link": "ftp://example.nl/x"},
        "hoogstens 31 dagen": {"end": start + timedelta(days=32)},
    }
    for message, fields in bad.items():
        page = add_event(anne, title="Fout", status=400, start=start, **fields)
        assert message.strip() in page.text, message
    # 02:30 on the last Sunday of March does not exist in Amsterdam: refused, not moved
    page = add_event(anne, title="Fout", status=400, start=datetime(2031, 3, 30, 2, 30))
    assert "De klok gaat dan vooruit" in page.text
    form = anne.get("/community/@@add?type=event").forms["content-form"]
    form["title"] = "Fout"
    form.fields["date"][0].value = form.fields["date"][1].value = start.strftime("%Y-%m-%d")
    form.fields["time"][0].value, form.fields["time"][1].value = "10:00+05:00", "12:00"
    assert "Geef de tijd als 09:30" in form.submit("save", status=400).text
    with world.committed("/community") as folder:
        assert "fout" not in folder
    # answers: to a past, a cancelled and a closed event, a made-up answer
    path = add_event(world.client("eva"), title="Gesloten", rsvp=False)
    page = answer(world.client("bert"), path, "yes", status=400)
    assert "vraagt niet wie er komt" in page.text
    path = add_event(world.client("eva"), title="Afgelast", cancelled=True)
    assert "afgelast" in answer(world.client("bert"), path, "yes", status=400).text
    path = add_event(world.client("eva"), title="Voorbij", start=later(days=-3),
                     end=later(days=-3, hour=16))  # fmt: skip
    assert "begonnen of voorbij" in answer(world.client("bert"), path, "yes", status=400).text
    path = add_event(world.client("eva"), title="Open")
    assert "ja, misschien of nee" in answer(world.client("bert"), path, "wellicht", 400).text
    for title in ("gesloten", "afgelast", "voorbij", "open"):
        with world.committed(f"/community/{title}") as event:
            assert event.attendance is None
    # without the CSRF token, or without being signed in
    world.client("bert").post(path + "@@rsvp", {"answer": "yes"}, status=400)
    visitor = world.client().post(path + "@@rsvp", {"answer": "yes"}, expect_errors=True)
    assert visitor.status_int in (400, 401, 403)


def test_lists_upcoming_first_then_past_in_pages(world) -> None:
    eva = world.client("eva")
    for n in range(3):
        add_event(eva, title=f"Toekomst {n}", start=later(days=30 - n))
    add_event(eva, title="Verleden", start=later(days=-30), end=later(days=-30, hour=18))
    add_event(eva, title="Leden", access="members", start=later(days=2))
    page = world.client().get("/community/@@events")
    coming = [a.text for a in page.html.select("#upcoming-heading ~ ul a")]
    assert coming.index("Toekomst 2") < coming.index("Toekomst 1") < coming.index("Toekomst 0")
    assert "Leden" not in coming and "Leden" in world.client("anne").get("/community/@@events")
    assert "Verleden" in [a.text for a in page.html.select("#past-heading ~ ul a")]
    for bad in ("0", "x", "%C2%B2"):
        world.client().get(f"/community/@@events?page={bad}", status=400)


def test_in_a_group_only_its_members_answer(world) -> None:
    anne = world.client("anne")
    group = add_through_form(anne, "/community/", "group", title="Club", access="public")
    path = add_event(anne, where=group, title="Clubavond")
    answer(world.client("bert"), path, "yes", status=403)
    token = page_csrf(world.client("bert").get(group))
    world.client("bert").post(group + "@@join", {"csrf_token": token}, status=303)
    answer(world.client("bert"), path, "yes")
    listing = world.client().get(group + "@@events")
    assert [a.text for a in listing.html.select(".event-list a")] == ["Clubavond"]
    assert "Clubavond" in world.client().get("/community/@@events")
    feed = icalendar.Calendar.from_ical(world.client().get(group + "@@events.ics").body)
    assert [str(e["summary"]) for e in feed.walk("VEVENT")] == ["Clubavond"]


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=st.text(st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn")), min_size=1,
                    max_size=40).filter(str.strip))  # fmt: skip
def test_any_text_is_kept_and_shown(world, text) -> None:
    path = add_event(world.client("anne"), title=text, location=text, body=text)
    with world.committed(path) as event:
        assert event.location == text.strip()
    answer(world.client("bert"), path, "yes")  # (bert's name in the list and the CSV)
    assert world.client().get(path).status_int == 200
    assert world.client().get(path + "@@ics").status_int == 200
    assert world.client("anne").get(path + "@@attendees.csv").status_int == 200
    assert world.client().get("/community/@@events.ics").status_int == 200


def test_the_ics_of_an_event_and_the_feeds_parse_back(world) -> None:
    start = later(days=20, hour=19)
    path = add_event(world.client("eva"), title="Avond in Londen", start=start,
                     timezone="Europe/London", location="Trafalgar Square")  # fmt: skip
    add_event(world.client("eva"), title="Alleen leden", access="members")
    answer_ = world.client().get(path + "@@ics")
    assert answer_.content_type == "text/calendar"
    assert answer_.headers["Content-Disposition"].startswith("attachment;")
    calendar = icalendar.Calendar.from_ical(answer_.body)
    [event] = calendar.walk("VEVENT")
    assert str(event["summary"]) == "Avond in Londen"
    assert event["dtstart"].params["TZID"] == "Europe/London"
    assert event.decoded("dtstart").replace(tzinfo=None) == start
    assert event.decoded("dtstart").utcoffset() in (timedelta(0), timedelta(hours=1))
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(hours=2)
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert str(event["location"]) == "Trafalgar Square"
    assert str(event["url"]).endswith(path)
    site = icalendar.Calendar.from_ical(world.client().get("/community/@@events.ics").body)
    titles = {str(e["summary"]) for e in site.walk("VEVENT")}
    assert "Avond in Londen" in titles and "Alleen leden" not in titles  # anonymous: public
    tzids = {str(tz["tzid"]) for tz in site.walk("VTIMEZONE")}
    assert {"Europe/London", "Europe/Amsterdam"} <= tzids
    member = icalendar.Calendar.from_ical(world.client("anne").get("/community/@@events.ics").body)
    assert "Alleen leden" in {str(e["summary"]) for e in member.walk("VEVENT")}
    for e in site.walk("VEVENT"):  # every zone a VEVENT names has its VTIMEZONE
        assert e["dtstart"].params.get("TZID", "UTC") in tzids | {"UTC"}


def test_the_exit_carries_the_answers(world, tmp_path) -> None:
    """(Last in the module: the export needs the databases closed.)"""
    path = add_event(world.client("eva"), title="Uitvoer", capacity="1")
    answer(world.client("anne"), path, "yes")
    answer(world.client("bert"), path, "yes")
    answer(world.client("carl"), path, "no")
    mine = world.client("bert").get("/@@my-data").forms["my-data-form"].submit(status=200)
    data = zipfile.ZipFile(io.BytesIO(mine.body)).read("plugins/community.json")
    [own] = [r for r in json.loads(data)["event_answers"] if r["event"] == "Uitvoer"]
    assert own["answer"] == "yes" and own["waiting_place"] == 1
    world.setup.close()
    archive = tmp_path / "feest.zip"
    assert world.setup.pleio("site", "export", "feest", str(archive)) == 0
    assert world.setup.pleio("site", "import", "kopie", str(archive),
                             "--host", "kopie.localhost") == 0  # fmt: skip
    copy = SiteWorld(world.setup, world.setup.make_app(), "kopie", "kopie.localhost")
    with world.committed(path) as old, copy.committed(path) as new:
        assert len(new.attendance.seated) == len(old.attendance.seated) == 1
        assert len(new.attendance.waiting) == 1
        assert {r.answer for r in new.attendance.replies.values()} == {"yes", "no"}
        assert new.local_start() == old.local_start()
    page = copy.client().get("/community/@@events")
    assert "Uitvoer" in page.text
    # an archive edited by hand: a start without an offset is the event's own zone's time;
    # an end before the start stops the import (the form's rules, which an import skips)
    names = zipfile.ZipFile(archive).namelist()
    docs = {n: json.loads(zipfile.ZipFile(archive).read(n)) for n in names
            if n.startswith("content/")}  # fmt: skip
    [name] = [n for n, d in docs.items() if d["path"].endswith("uitvoer")]
    fields = docs[name]["fields"]
    for case, (start, end, code) in {
        "naive": ("2031-06-01T10:00", "2031-06-01T12:00", 0),
        "backwards": ("2031-06-01T12:00+02:00", "2031-06-01T10:00+02:00", 2),
    }.items():
        docs[name]["fields"] = {**fields, "start": start, "end": end}
        edited = tmp_path / f"{case}.zip"
        edited.write_bytes(rebuild_archive(archive, {name: json.dumps(docs[name]).encode()}))
        copy.setup.close()
        site = f"kopie{case}"
        assert world.setup.pleio("site", "import", site, str(edited),
                                 "--host", f"{site}.localhost") == code  # fmt: skip
        if code == 0:
            imported = SiteWorld(world.setup, world.setup.make_app(), site, f"{site}.localhost")
            with imported.committed(path) as event:
                assert event.start == datetime(2031, 6, 1, 8, 0, tzinfo=UTC)  # 10:00 in summer
            assert "Uitvoer" in every_page(imported.client(), "/community/@@events")


def every_page(client, url: str) -> str:
    """The text of a list and of each of its next pages."""
    texts = []
    while url:
        page = client.get(url)
        texts.append(page.text)
        link = page.html.select_one('a[rel="next"]')
        url = link["href"] if link is not None else ""
    return "\n".join(texts)

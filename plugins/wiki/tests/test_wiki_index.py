"""The link index on its own: titles, former titles, links and who takes a freed title."""

from pleio_wiki.content import Page
from pleio_wiki.index import WikiIndex, wiki_root
from pleio_wiki.links import link_titles, normal_title

from pleio_core.plugin_api import ModuleFolder


def page(title: str, body: str = "") -> Page:
    made = Page(title)
    made.set_body(body)
    return made


def test_titles_resolve_in_any_case_and_spacing_and_after_renames() -> None:
    index = WikiIndex()
    b = page("Page  B")
    index.add(b)
    assert index.resolve("page b") is b and index.resolve("PAGE   B ") is b
    b.title = "Page C"
    index.renamed(b, "Page  B")
    b.title = "Page D"
    index.renamed(b, "Page C")
    assert index.resolve("page b") is b and index.resolve("page c") is b
    assert index.resolve("page d") is b and index.resolve("page e") is None
    newcomer = page("Page B")
    index.add(newcomer)  # a page that has the title now wins over a former title
    assert index.resolve("Page B") is newcomer and index.resolve("Page C") is b


def test_links_and_what_links_here_follow_saves_and_removals() -> None:
    index = WikiIndex()
    a, b = page("A", "To [[B]] and [[b|bee]]."), page("B")
    index.add(a)
    index.add(b)
    assert index.linking_to(b) == [a] and index.linking_to(a) == []
    a.set_body("No links now.")
    index.set_links(a)
    assert index.linking_to(b) == []
    a.set_body("[[B]] again")
    index.set_links(a)
    generation = index.generation()
    index.remove(a)
    assert index.linking_to(b) == [] and index.resolve("A") is None
    assert index.generation() > generation
    twin_one, twin_two = page("Twin"), page("Twin")
    index.add(twin_one)
    index.add(twin_two)
    assert index.resolve("twin") is twin_one
    index.remove(twin_one)
    assert index.resolve("twin") is twin_two


def test_link_titles_and_the_wiki_a_page_belongs_to() -> None:
    assert link_titles("[[A]] [[ b |x]] `[[code]]` [[]] [[c|]]") == {"a", "b"}  # no empty parts
    assert normal_title("  Hello   World ") == "hello world"
    folder = ModuleFolder("wiki", "Wiki")
    top = folder.add("top", page("Top"))
    sub = top.add("sub", page("Sub"))
    assert wiki_root(sub) is folder and wiki_root(top) is folder


def test_other_pages_with_a_held_title_are_candidates_after_it_in_order() -> None:
    index = WikiIndex()
    first, second, third = page("Same"), page("same"), page("SAME")
    for each in (first, second, third):
        index.add(each)
    assert list(index.candidates("Same")) == [first, *sorted((second, third), key=lambda p: p.uid)]
    second.title = "Other"
    index.renamed(second, "same")  # it has another title now: no longer a candidate
    assert list(index.candidates("same")) == [first, third]
    assert list(index.candidates("other")) == [second]
    index.remove(first)  # the freed title goes to the page that still has it
    assert index.resolve("same") is third and list(index.candidates("same")) == [third]
    assert not index.alike


def test_an_index_made_before_it_knew_alike_pages_resolves_and_learns_them() -> None:
    index = WikiIndex()
    del index.alike  # as an index stored by an older version reads
    held = page("Held")
    index.add(held)
    assert list(index.candidates("held")) == [held]
    also = page("Held")
    index.add(also)
    assert list(index.candidates("held")) == [held, also]

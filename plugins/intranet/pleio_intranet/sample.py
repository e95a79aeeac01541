"""The intranet of a demo site (``make run``): news (one featured, with a lead image), two
blog posts, a status update that mentions someone, and a page with a sub-page."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image, ImageDraw
from pyramid.registry import Registry

from pleio_core.plugin_api import Content, ContentAdded, SiteRoot, unique_name

from .content import BlogPost, News, OrgPage, StatusUpdate
from .images import lead_image_from

TEXTS: dict[str, dict[str, Any]] = {
    "nl": {
        "featured": ("Het nieuwe intranet is er", "Nieuws, blogs, statusberichten en de "
                     "pagina's van de organisatie staan nu op één plek. Reageer gerust!"),
        "alt": "Een blauwe en oranje golf op een lichte achtergrond",
        "news": ("Kantoor gesloten op Koningsdag", "Op 27 april is het kantoor dicht."),
        "blogs": [
            ("Mijn eerste week", "Een week rondgekeken, veel nieuwe gezichten gezien."),
            ("Wat ik leerde over archiveren", "Bewaar minder, maar bewaar het goed."),
        ],
        "status": "Vandaag thuis aan het jaarplan, samen met @{name}.",
        "page": ("Over de organisatie", "Wie we zijn en wat we doen."),
        "sub_page": ("Organogram", "De afdelingen en hun teams."),
    },
    "en": {
        "featured": ("The new intranet is here", "News, blogs, status updates and the "
                     "organisation's pages are now in one place. Do reply!"),
        "alt": "A blue and an orange wave on a light background",
        "news": ("Office closed on King's Day", "The office is closed on 27 April."),
        "blogs": [
            ("My first week", "A week of looking around and meeting new colleagues."),
            ("What I learnt about archiving", "Keep less, but keep it well."),
        ],
        "status": "Working from home on the annual plan today, with @{name}.",
        "page": ("About the organisation", "Who we are and what we do."),
        "sub_page": ("Organisation chart", "The departments and their teams."),
    },
}  # fmt: skip


def sample_image() -> bytes:
    """A small PNG drawn here: the demo needs no image files."""
    image = Image.new("RGB", (1200, 600), (240, 244, 248))
    draw = ImageDraw.Draw(image)
    draw.ellipse((-200, 300, 700, 900), fill=(21, 66, 115))
    draw.ellipse((500, 350, 1500, 1000), fill=(230, 110, 20))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def add_sample_content(
    site: SiteRoot, registry: Registry, language: str, owner: str | None, owner_name: str
) -> None:
    """Once: nothing is added to an intranet that holds anything."""
    texts = TEXTS.get(language)
    folder = site["intranet"]
    if texts is None or len(folder):
        return

    def add(container: Any, factory: type[Content], title: str, body: str) -> Any:
        content = factory(title, owner=owner)
        content.owner_name = owner_name
        content.set_body(body)
        content.access = "public"
        container.add(unique_name(container, title), content)
        registry.notify(ContentAdded(content))
        return content

    # the events come after the fields: the catalog and the featured list read them
    title, body = texts["featured"]
    featured = News(title, owner=owner)
    featured.owner_name, featured.access, featured.featured = owner_name, "public", True
    featured.set_body(body)
    featured.lead_image = lead_image_from(io.BytesIO(sample_image()), "intranet.png")
    featured.lead_image_alt = texts["alt"]
    folder.add(unique_name(folder, title), featured)
    registry.notify(ContentAdded(featured))
    add(folder, News, *texts["news"])
    for post in texts["blogs"]:
        add(folder, BlogPost, *post)
    status = texts["status"].format(name=owner_name or "Anne")
    add(folder, StatusUpdate, status, status)
    page = add(folder, OrgPage, *texts["page"])
    add(page, OrgPage, *texts["sub_page"])

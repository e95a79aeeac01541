"""Everyone's own folder: private, in the workspace's top folder, made when first asked for.

The module folder remembers whose folder is which (``personal_folders``: account id → the
folder), so renaming or moving it keeps it theirs, and finding it reads one small mapping;
a folder that was deleted (to the trash) is theirs no more.
"""

from __future__ import annotations

from typing import Any

from BTrees.OOBTree import OOBTree
from pyramid.request import Request

from pleio_core.plugin_api import ContentAdded, is_attached

from .model import WorkspaceFolder
from .names import MAX_NAME_BYTES, BadName, clean_name

KEY = "personal_folders"


def personal_folder(workspace: Any, account_id: str) -> WorkspaceFolder | None:
    """The account's own folder in ``workspace`` (the module folder), or None."""
    folders = getattr(workspace, KEY, None)
    found = folders.get(account_id) if folders is not None else None
    return found if found is not None and is_attached(found) else None


def make_personal_folder(request: Request, workspace: Any) -> WorkspaceFolder:
    """The visitor's own folder, made now if they have none: private, named after them."""
    identity = request.identity
    found = personal_folder(workspace, identity.id)
    if found is not None:
        return found
    try:
        base = clean_name(identity.name)
    except BadName:
        base = "Mijn bestanden" if request.locale_name == "nl" else "My files"
    while len(f"{base} (999)".encode()) > MAX_NAME_BYTES:  # (room for the number it may get)
        base = base[:-1].rstrip()
    name, n = base, 1
    while name in workspace:
        n += 1
        name = f"{base} ({n})"
    folder = WorkspaceFolder(name, owner=identity.id)
    folder.owner_name = identity.name
    folder.access = "private"
    workspace.add(name, folder)
    folders = getattr(workspace, KEY, None)
    if folders is None:
        folders = OOBTree()
        setattr(workspace, KEY, folders)
    folders[identity.id] = folder
    request.registry.notify(ContentAdded(folder, request))
    return folder

"""Content: the base classes every module stores its content in."""

from .folder import Folder, Item
from .site import ModuleFolder, PlatformRoot, SiteRoot

__all__ = ["Folder", "Item", "ModuleFolder", "PlatformRoot", "SiteRoot"]

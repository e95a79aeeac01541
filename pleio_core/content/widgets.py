"""Pleio's versions of the deform widgets whose stock behaviour needs a script or a store.

Pleio renders deform forms with its own templates (``templates/deform``): labelled, no
inline script, no ``style=``. For most widgets a template is all it takes. For these the
widget's Python has to agree with the template too, so ``use_pleio_widgets`` gives every
field of a form that has one of deform's own the Pleio version, with the same settings:

- ``SequenceWidget``: works without JavaScript. It shows one empty item more than there are
  values, and drops the items left empty when the form is sent, so "add" is "fill in the
  empty one" and "remove" is "empty it". ``static/sequence.js`` adds the buttons.
- ``DateTimeInputWidget``: one native ``<input type="datetime-local">`` instead of deform's
  date and time pair, in the Netherlands' time.
- ``FileUploadWidget``: a plain ``<input type="file">`` read in the request it comes with:
  no temporary store, so its ``tmpstore`` argument is not used (pass ``None``).
- ``CheckboxChoiceWidget`` and ``SelectWidget``: nothing chosen counts as no value, so a
  required field asks for a choice and ``missing`` applies.

Only deform's exact classes are replaced: a plugin's own subclass is left as it is.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import colander
import deform
import deform.widget

from pleio_core.clock import LOCAL_ZONE
from pleio_core.i18n import _


class SequenceWidget(deform.widget.SequenceWidget):
    """A sequence that needs no script: one empty item more, empty items dropped."""

    def serialize(self, field: deform.Field, cstruct: Any, **kw: Any) -> Any:
        filled = 0 if cstruct in (colander.null, None) else len(cstruct)
        if self.max_len is not None and filled >= self.max_len:
            kw.setdefault("blank_item", False)
        else:
            # deform pads to min_len with empty items already; one more only past it
            kw.setdefault("blank_item", filled >= (self.min_len or 0))
        return super().serialize(field, cstruct, **kw)

    def deserialize(self, field: deform.Field, pstruct: Any) -> Any:
        if isinstance(pstruct, list):
            pstruct = [item for item in pstruct if not is_blank(item)]
        return super().deserialize(field, pstruct)


def is_blank(pstruct: Any) -> bool:
    """Whether a sequence item was left empty: every value in it blank (a box not ticked
    sends nothing, so it counts as empty too)."""
    if pstruct is colander.null or pstruct is None:
        return True
    if isinstance(pstruct, str):
        return not pstruct.strip()
    if isinstance(pstruct, dict):
        return all(is_blank(value) for value in pstruct.values())
    if isinstance(pstruct, list):
        return all(is_blank(value) for value in pstruct)
    return False  # an uploaded file


class DateTimeInputWidget(deform.widget.DateTimeInputWidget):
    """One ``datetime-local`` input ("2026-12-01T09:00"): the wall-clock time of the
    Netherlands, as all dates in Pleio's forms, sent on to colander with its offset, so the
    form shows and saves the same moment. A ``colander.DateTime(default_tzinfo=None)``
    (moments without a zone) is shown and read as it is."""

    def serialize(self, field: deform.Field, cstruct: Any, **kw: Any) -> Any:
        value = "" if cstruct in (colander.null, None) else local_value(field, cstruct)
        readonly = kw.get("readonly", self.readonly)
        template = self.readonly_template if readonly else self.template
        values = self.get_template_values(field, value, kw)
        return field.renderer(template, **values)

    def deserialize(self, field: deform.Field, pstruct: Any) -> Any:
        if pstruct is colander.null:
            return colander.null
        if not isinstance(pstruct, str):
            raise colander.Invalid(field.schema, _("Give a date and time."), pstruct)
        value = pstruct.strip()
        if not value:
            return colander.null
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            return value  # colander says what is wrong with it
        if when.tzinfo is None and _zoned(field):
            return when.replace(tzinfo=LOCAL_ZONE).isoformat()
        return value


def _zoned(field: deform.Field) -> bool:
    return getattr(field.schema.typ, "default_tzinfo", None) is not None


def local_value(field: deform.Field, cstruct: str) -> str:
    """A colander ``DateTime`` cstruct (ISO 8601 with its offset) as a ``datetime-local``
    value in the Netherlands' time; what does not parse (a value sent back with an error)
    is left out, as an input of this type may hold only a moment."""
    try:
        when = datetime.fromisoformat(cstruct)
    except ValueError:
        return ""
    if when.tzinfo is not None and _zoned(field):
        when = when.astimezone(LOCAL_ZONE)
    when = when.replace(tzinfo=None, microsecond=0)
    return when.isoformat(timespec="seconds" if when.second else "minutes")


def date_value(cstruct: Any) -> str:
    """A colander ``Date`` cstruct as the value of an ``<input type="date">``: a date sent
    back with an error that is no date ("2026-02-31") is not one the input may hold."""
    if not isinstance(cstruct, str):
        return ""
    try:
        return date.fromisoformat(cstruct).isoformat() if len(cstruct) == 10 else ""
    except ValueError:
        return ""


class FileUploadWidget(deform.widget.FileUploadWidget):
    """A plain file input. The file is read in the request it is sent with; after an error
    elsewhere in the form, the form asks for it again (browsers never fill in a file)."""

    def __init__(self, tmpstore: Any = None, **kw: Any) -> None:
        super().__init__(None, **kw)

    def serialize(self, field: deform.Field, cstruct: Any, **kw: Any) -> Any:
        if cstruct in (colander.null, None):
            cstruct = {}
        readonly = kw.get("readonly", self.readonly)
        template = self.readonly_template if readonly else self.template
        values = self.get_template_values(field, cstruct, kw)
        return field.renderer(template, **values)

    def deserialize(self, field: deform.Field, pstruct: Any) -> Any:
        upload: Any = pstruct.get("upload") if isinstance(pstruct, dict) else None
        if not hasattr(upload, "file"):
            return colander.null
        filename = upload.filename
        filename = filename[filename.rfind("\\") + 1 :].strip()  # a whole Windows path
        return deform.widget.filedict(
            fp=upload.file,
            filename=filename,
            mimetype=upload.type,
            size=upload.length,
            uid=None,
            preview_url=None,
        )


class CheckboxChoiceWidget(deform.widget.CheckboxChoiceWidget):
    """Boxes of which none ticked is no value (deform's gives an empty choice, which
    passes as given)."""

    def deserialize(self, field: deform.Field, pstruct: Any) -> Any:
        chosen = super().deserialize(field, pstruct)
        return chosen or colander.null


class SelectWidget(deform.widget.SelectWidget):
    """A ``<select>``; with ``multiple``, nothing selected is no value."""

    def deserialize(self, field: deform.Field, pstruct: Any) -> Any:
        chosen = super().deserialize(field, pstruct)
        if self.multiple and not chosen:
            return colander.null
        return chosen


PLEIO_WIDGETS: dict[type[deform.widget.Widget], type[deform.widget.Widget]] = {
    deform.widget.SequenceWidget: SequenceWidget,
    deform.widget.DateTimeInputWidget: DateTimeInputWidget,
    deform.widget.FileUploadWidget: FileUploadWidget,
    deform.widget.CheckboxChoiceWidget: CheckboxChoiceWidget,
    deform.widget.SelectWidget: SelectWidget,
}


def use_pleio_widgets(field: deform.Field) -> bool:
    """Give every field under ``field`` that has one of the widgets in ``PLEIO_WIDGETS``
    Pleio's version of it, with the same settings; True if there is a sequence among them
    (its page needs ``static/sequence.js``)."""
    has_sequence = False
    for child in field.children:
        widget = child.widget
        pleio = PLEIO_WIDGETS.get(type(widget))
        if pleio is not None:
            # a new widget for this form: the schema's own is shared by every request
            child.widget = widget = pleio(**vars(widget))
        has_sequence = use_pleio_widgets(child) or has_sequence
        has_sequence = has_sequence or isinstance(widget, SequenceWidget)
    return has_sequence


def first_error(field: deform.Field) -> tuple[str, Any]:
    """The id of the input to go to for a field's error, and its first message. A sequence
    or mapping whose items are wrong has no message of its own: then its first item's."""
    messages = field.error.messages()
    if messages:
        return field.oid, messages[0]
    for child in getattr(field, "sequence_fields", None) or field.children:
        if child.error is not None:
            return first_error(child)
    return field.oid, _("Check this field.")

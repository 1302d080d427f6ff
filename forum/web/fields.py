"""Form fields with messages written for people, not developers."""

from __future__ import annotations

from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, SelectField
from wtforms.validators import ValidationError

CHOOSE = "Choose one of the options listed."


class _PlainChoiceMessages:
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(CHOOSE) from None

    def pre_validate(self, form):
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError(CHOOSE) from None


class ChoiceField(_PlainChoiceMessages, SelectField):
    """A select whose refusals read 'Choose one of the options listed.'"""


class RadioChoiceField(_PlainChoiceMessages, RadioField):
    """Radio buttons with the same plain message."""


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as the choices WTForms expects."""
    return [SelectChoice(value, label) for value, label in pairs]


class PrivacyFields:
    """The privacy guard's two fields, on every form that publishes text.

    `post_anyway` is the explicit choice to send a flagged text to a moderator; the page shows
    it only beside a warning. `privacy_warning` carries the warning's id back, so the guard can
    count whether the author changed the text after it.
    """

    post_anyway = BooleanField("Post anyway: a moderator will read it before anyone else sees it "
                               "(unless you moderate the space, when it is published at once)")
    privacy_warning = HiddenField()

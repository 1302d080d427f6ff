"""Moderation forms. Limits are shown here and enforced again by the services."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ...models import ReportReason, WordAction
from ...models.types import ID_MAX
from ...services.moderation import REASON_MAX
from ...services.queue import NOTE_MAX
from ..fields import ChoiceField, RadioChoiceField, options

REASON_HINT = f"The person affected may see this. Up to {REASON_MAX:,} characters."


class ReportForm(FlaskForm):
    reason = RadioChoiceField(
        "Why are you reporting this?",
        choices=options((r.value, r.label) for r in ReportReason),
        validators=[DataRequired("Choose a reason for the report.")],
    )
    note = TextAreaField(
        "Anything else staff should know (optional)",
        validators=[Length(max=NOTE_MAX, message=f"Keep the note to {NOTE_MAX:,} characters or fewer.")],
        description=f"Only centre staff read this. Up to {NOTE_MAX:,} characters.",
    )
    submit = SubmitField("Send report")


class ResolveForm(FlaskForm):
    action = RadioChoiceField("What to do", validators=[DataRequired("Choose what to do.")])
    reason = TextAreaField(
        "Reason",
        validators=[Length(max=REASON_MAX, message=f"Keep the reason to {REASON_MAX:,} characters or fewer.")],
        description="Needed for every action except dismissing or approving. " + REASON_HINT,
    )
    title = StringField("Title as it will be published",
                        description="Used only with “Approve with my edits”, on the opening post of a thread.")
    body = TextAreaField(
        "Text as it will be published",
        description="Used only with “Approve with my edits”: take out names and other details, then approve. "
                    "The author's original is kept in the post's history for moderators.",
    )
    version = HiddenField()  # what the moderator read: see resolutions.review_version
    submit = SubmitField("Resolve")


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        "Reason",
        validators=[Length(max=REASON_MAX, message=f"Keep the reason to {REASON_MAX:,} characters or fewer.")],
        description=REASON_HINT,
    )
    submit = SubmitField("Confirm")


DURATION_CHOICES = [("1", "1 hour"), ("24", "1 day"), ("72", "3 days"), ("168", "1 week"), ("720", "30 days")]


class SanctionForm(FlaskForm):
    duration = ChoiceField("How long", coerce=str)
    reason = TextAreaField(
        "Reason (shown to the person)",
        validators=[DataRequired("Give a reason: the person will see it."),
                    Length(max=REASON_MAX, message=f"Keep the reason to {REASON_MAX:,} characters or fewer.")],
    )
    submit = SubmitField("Confirm")


class NoteForm(FlaskForm):
    body = TextAreaField("Private note", validators=[DataRequired("Write the note."), Length(max=4000)],
                         description="Only centre staff see notes. Up to 4,000 characters.")
    submit = SubmitField("Add note")


class WordForm(FlaskForm):
    pattern = StringField("Word or phrase", validators=[DataRequired("Enter a word or phrase."), Length(max=100)],
                          description="Whole words, any case. A * stands for any letters: scam* matches scammer.")
    action = RadioChoiceField("What happens", choices=options((a.value, a.label) for a in WordAction),
                              default=WordAction.HOLD.value, validators=[DataRequired("Choose what happens.")])
    replacement = StringField("Replace with (for “Replace the word”)", validators=[Length(max=100)])
    submit = SubmitField("Add word")


class WordTestForm(FlaskForm):
    sample = TextAreaField("Sample text", validators=[DataRequired("Paste some text to test."), Length(max=20_000)])
    test = SubmitField("Test")


class MoveForm(FlaskForm):
    topic = ChoiceField("Topic", coerce=int)
    space = ChoiceField("Space", coerce=str)
    reason = StringField("Reason (optional)", validators=[Length(max=REASON_MAX)])
    submit = SubmitField("Move thread")


class MergeForm(FlaskForm):
    target = IntegerField("Merge into thread number", validators=[
        DataRequired("Enter the number of the thread to merge into."), NumberRange(min=1, max=ID_MAX, message="Enter a thread number from its address.")],
        description="The number in the other thread's address, /threads/NUMBER.")
    reason = StringField("Reason (optional)", validators=[Length(max=REASON_MAX)])
    submit = SubmitField("Merge threads")


class TitleForm(FlaskForm):
    title = StringField("New title", validators=[DataRequired("Enter a title."), Length(max=150)])
    reason = StringField("Reason (optional)", validators=[Length(max=REASON_MAX)])
    submit = SubmitField("Change title")


class SlowModeForm(FlaskForm):
    seconds = IntegerField("Seconds between posts per person (0 turns it off)",
                           validators=[Optional(), NumberRange(min=0, max=86_400, message="Between 0 and 86,400.")])
    next = HiddenField()
    submit = SubmitField("Set slow mode")

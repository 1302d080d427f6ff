"""Thread and post forms. Limits are shown to the writer and enforced again by the services."""

from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from ...models import ThreadKind
from ...services.threads import BODY_MAX, TAGS_MAX, TITLE_MAX, TITLE_MIN
from ..fields import ChoiceField, PrivacyFields, RadioChoiceField, options

BODY_HINT = f"You can use Markdown: **bold**, *italic*, lists, > quotes and links. Up to {BODY_MAX:,} characters."


class ThreadForm(PrivacyFields, FlaskForm):
    kind = RadioChoiceField(
        "What kind of thread is this?",
        choices=options((k.value, k.label) for k in ThreadKind),
        default=ThreadKind.QUESTION.value,
        validators=[DataRequired("Choose what kind of thread this is.")],
    )
    topic = ChoiceField("Topic", coerce=int)
    space = ChoiceField("Who can see it", coerce=str)
    title = StringField(
        "Title",
        validators=[
            DataRequired("Enter a title."),
            Length(min=TITLE_MIN, max=TITLE_MAX, message=f"Title must be {TITLE_MIN} to {TITLE_MAX} characters."),
        ],
        description=f"{TITLE_MIN} to {TITLE_MAX} characters. A clear question gets better answers.",
    )
    body = TextAreaField("Your post", validators=[DataRequired("Write something in the post.")], description=BODY_HINT)
    tags = StringField(
        "Tags (optional)",
        validators=[Length(max=200, message="Tags must be 200 characters or fewer in all.")],
        description=f"Up to {TAGS_MAX}, separated by commas, for example: early-help, supervision",
    )
    preview = SubmitField("Preview")
    submit = SubmitField("Post thread")


class ReplyForm(PrivacyFields, FlaskForm):
    body = TextAreaField("Your reply", validators=[DataRequired("Write something in your reply.")], description=BODY_HINT)
    preview = SubmitField("Preview")
    submit = SubmitField("Post reply")


class EditPostForm(PrivacyFields, FlaskForm):
    title = StringField(
        "Title",
        validators=[Length(max=TITLE_MAX, message=f"Title must be {TITLE_MAX} characters or fewer.")],
    )
    body = TextAreaField("Post", validators=[DataRequired("Write something in the post.")], description=BODY_HINT)
    preview = SubmitField("Preview")
    submit = SubmitField("Save changes")


class ActionForm(FlaskForm):
    """A button that changes state: CSRF and nothing else."""

"""Session forms: times are typed in UK time and stored in UTC by the service."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..fields import ChoiceField, PrivacyFields


class SessionForm(PrivacyFields, FlaskForm):
    """Session details. Of the privacy fields only the warning id is used: these texts go
    straight to everyone invited, so they have no "post anyway"."""

    title = StringField("Title", validators=[DataRequired("Enter a title."), Length(max=150, message="Title must be 150 characters or fewer.")])
    topic = ChoiceField("Topic", coerce=int)
    authority = ChoiceField("Authority", coerce=int, description="The authority hosting it.")
    partner_only = BooleanField("Only for this authority's members (and centre staff)")
    starts_on = DateField("Date", validators=[InputRequired("Enter the date.")], description="UK date, for example 2027-03-14.")
    starts_at = TimeField("Start time (UK time)", validators=[InputRequired("Enter the start time.")])
    duration = IntegerField("Length in minutes", default=60,
                            validators=[InputRequired("Enter how long it lasts."), NumberRange(15, 480, "A session lasts from 15 minutes to 8 hours.")])
    capacity = IntegerField("Places", default=20,
                            validators=[InputRequired("Enter how many places there are."), NumberRange(2, 500, "Capacity must be between 2 and 500.")])
    cohosts = StringField("Co-hosts (optional)", validators=[Optional(), Length(max=300)],
                          description="Usernames, separated by commas, for example: lead.wigan, moderator")
    description = TextAreaField("Description", validators=[Length(max=10_000)], description="Markdown works.")
    agenda = TextAreaField("Agenda", validators=[Length(max=10_000)], description="Markdown works. The host can pin it in the room.")


class CancelForm(FlaskForm):
    reason = TextAreaField("Why is it cancelled?", description="Up to 1,000 characters; people who signed up see it.",
                           validators=[DataRequired("Say why: people who signed up will see it."),
                                       Length(max=1000, message="Keep the reason to 1,000 characters or fewer.")])


class SummaryForm(PrivacyFields, FlaskForm):
    body = TextAreaField("Summary", validators=[DataRequired("Write the summary.")],
                         description="Published as a practice-share thread linked to this session. Up to 19,800 characters. "
                         "Never name a child or family.")


class ExtendForm(FlaskForm):
    minutes = IntegerField("Extend by (minutes)", default=10, validators=[InputRequired(), NumberRange(1, 30, "Extend by 1 to 30 minutes.")])

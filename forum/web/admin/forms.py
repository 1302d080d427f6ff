"""Admin forms; the services check everything again."""

from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ...models import Role
from ..fields import ChoiceField, options


class AuthorityForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Enter the authority's name."), Length(max=120)])
    slug = StringField("Short name (in addresses)", validators=[DataRequired("Enter a short name."), Length(max=60)],
                       description="Lower-case letters, numbers and hyphens, like walsall.")
    domains = TextAreaField("Email domains", validators=[Length(max=2000)],
                            description="One per line. Addresses on these domains are verified by link.")
    wave = IntegerField("Wave", default=1, validators=[Optional(), NumberRange(min=1, max=99, message="1 to 99.")])
    submit = SubmitField("Save authority")


class TopicForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Enter the topic's name."), Length(max=80)])
    slug = StringField("Short name (in addresses)", validators=[DataRequired("Enter a short name."), Length(max=60)],
                       description="Lower-case letters, numbers and hyphens, like early-help.")
    description = TextAreaField("Description", validators=[Length(max=500)])
    position = IntegerField("Position in lists", default=0,
                            validators=[Optional(), NumberRange(min=0, max=999, message="0 to 999.")])
    submit = SubmitField("Save topic")


class RoleForm(FlaskForm):
    role = ChoiceField("Role", coerce=str, choices=options((r.value, r.label) for r in Role))
    authority = ChoiceField("Authority", coerce=str)
    submit = SubmitField("Save")

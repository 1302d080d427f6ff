"""Forms for the privacy guard's staff page."""

from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from ...models import TermKind
from ...services.privacy_admin import TERM_MAX
from ..fields import ChoiceField, RadioChoiceField, options


class TermForm(FlaskForm):
    authority = ChoiceField("Where it applies", coerce=str)
    term = StringField(
        "Term to watch for",
        validators=[DataRequired("Enter a term."), Length(max=TERM_MAX, message=f"Keep it to {TERM_MAX} characters.")],
        description="A school, an estate or street, or a case-reference format. In a format, # stands for one "
                    "digit: WG-###### matches WG-204518. Matched as whole words, in any case.",
    )
    kind = RadioChoiceField("What it is", choices=options((k.value, k.label) for k in TermKind),
                            default=TermKind.SCHOOL.value, validators=[DataRequired("Choose what kind of term it is.")])
    submit = SubmitField("Add term")

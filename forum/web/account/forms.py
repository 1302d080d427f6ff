"""Profile and password forms."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from ...services.accounts import PASSWORD_MAX, PASSWORD_MIN


class ProfileForm(FlaskForm):
    display_name = StringField(
        "Full name",
        validators=[DataRequired("Enter your name."), Length(max=80, message="Name must be 80 characters or fewer.")],
    )
    job_title = StringField(
        "Job title",
        validators=[DataRequired("Enter your job title."), Length(max=100, message="Job title must be 100 characters or fewer.")],
    )


class PasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired("Enter your current password.")])
    new_password = PasswordField(
        "New password",
        validators=[
            DataRequired("Enter a new password."),
            Length(min=PASSWORD_MIN, max=PASSWORD_MAX, message=f"Password must be {PASSWORD_MIN} to {PASSWORD_MAX} characters."),
        ],
        description="Changing it signs you out on every other device.",
    )
    confirm = PasswordField(
        "Confirm new password",
        validators=[DataRequired("Enter the new password again."), EqualTo("new_password", "The passwords do not match.")],
    )

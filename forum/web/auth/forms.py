"""Forms for accounts; services hold the rules, forms only shape the input."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length

from ...services.accounts import PASSWORD_MAX, PASSWORD_MIN
from ..fields import ChoiceField


class RegisterForm(FlaskForm):
    username = StringField(
        "Username",
        validators=[DataRequired("Enter a username."), Length(max=32, message="Username must be 32 characters or fewer.")],
        description="3 to 32 letters, numbers, full stops, underscores or hyphens. Others see it.",
    )
    display_name = StringField(
        "Full name",
        validators=[DataRequired("Enter your name."), Length(max=80, message="Name must be 80 characters or fewer.")],
    )
    email = EmailField(
        "Work email address",
        validators=[DataRequired("Enter your work email address."), Length(max=254, message="Email address must be 254 characters or fewer.")],
        description="Use your authority email if you have one: we can then confirm you straight away.",
    )
    job_title = StringField(
        "Job title",
        validators=[DataRequired("Enter your job title."), Length(max=100, message="Job title must be 100 characters or fewer.")],
    )
    authority = ChoiceField("Authority", coerce=int, validators=[InputRequired("Choose your authority.")])
    password = PasswordField(
        "Password",
        validators=[
            DataRequired("Enter a password."),
            Length(min=PASSWORD_MIN, max=PASSWORD_MAX, message=f"Password must be {PASSWORD_MIN} to {PASSWORD_MAX} characters."),
        ],
        description=f"At least {PASSWORD_MIN} characters. Three random words work well.",
    )
    confirm = PasswordField(
        "Confirm password",
        validators=[DataRequired("Enter the password again."), EqualTo("password", "The passwords do not match.")],
    )


class SignInForm(FlaskForm):
    login = StringField("Username or email", validators=[DataRequired("Enter your username or email."), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password."), Length(max=PASSWORD_MAX)])
    remember = BooleanField("Keep me signed in on this device")


class ForgotForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter your email address."),
            Length(max=254, message="Email address must be 254 characters or fewer."),
            Email("Enter an email address in the correct format, like name@example.org.", check_deliverability=False),
        ],
    )


class ResetForm(FlaskForm):
    password = PasswordField(
        "New password",
        validators=[
            DataRequired("Enter a new password."),
            Length(min=PASSWORD_MIN, max=PASSWORD_MAX, message=f"Password must be {PASSWORD_MIN} to {PASSWORD_MAX} characters."),
        ],
    )
    confirm = PasswordField(
        "Confirm new password",
        validators=[DataRequired("Enter the password again."), EqualTo("password", "The passwords do not match.")],
    )

"""The message form used without JavaScript (and as the live form's fallback)."""

import secrets

from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired

from ...services.chat import MESSAGE_MAX
from ..fields import PrivacyFields


class MessageForm(PrivacyFields, FlaskForm):
    body = TextAreaField(
        "Message",
        validators=[DataRequired("Write a message: it cannot be empty.")],
        description=f"Markdown works. Up to {MESSAGE_MAX:,} characters. Press Enter to send, Shift+Enter for a new line.",
    )
    # Makes a double-submitted form store one message, like the live client's ids.
    client_id = HiddenField(default=lambda: secrets.token_urlsafe(16))


class EditMessageForm(PrivacyFields, FlaskForm):
    body = TextAreaField("Message", validators=[DataRequired("Write a message: it cannot be empty.")])

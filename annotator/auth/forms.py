"""Login, registration and user-creation forms."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

USERNAME = [
    DataRequired(),
    Length(2, 80),
    Regexp(r"^[A-Za-z0-9_.-]+$", message="Letters, digits, '.', '_' or '-'."),
]


class LoginForm(FlaskForm):
    username = StringField("User name", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    submit = SubmitField("Log in")


class RegisterForm(FlaskForm):
    username = StringField("User name", validators=USERNAME)
    password = PasswordField("Password", validators=[DataRequired(), Length(8, 200)])
    confirm = PasswordField("Repeat password", validators=[EqualTo("password")])
    submit = SubmitField("Create account")


class CreateUserForm(FlaskForm):
    username = StringField("User name", validators=USERNAME)
    password = PasswordField("Password", validators=[DataRequired(), Length(8, 200)])
    admin = BooleanField("Site admin")
    submit = SubmitField("Create user")

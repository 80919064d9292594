"""Reminders by e-mail over SMTP: STARTTLS (port 587), SSL (465) or plain (a local relay), a login
from the team file and the SMTP_PASSWORD from the environment; multipart text and HTML, with a
Message-ID, From and Reply-To."""

from __future__ import annotations

import smtplib
import socket
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from .base import Message, SendError

PASSWORD_ENV = "SHEETS_PLAN_SMTP_PASSWORD"


class Mailer:
    """One SMTP connection per run, opened at the first message."""

    def __init__(self, settings: dict, sender: str, reply_to: str | None = None, password: str | None = None,
                 timeout: float = 20):
        if not settings.get("host"):
            raise SendError("no SMTP server: set [smtp] host in the team file")
        self.host, self.security = settings["host"], settings.get("security", "starttls")
        self.port = int(settings.get("port", {"ssl": 465, "starttls": 587}.get(self.security, 25)))
        self.username, self.password = settings.get("username"), password
        self.sender = sender or settings.get("username") or f"sheets-plan@{self.host}"
        self.reply_to, self.timeout = reply_to, timeout
        self._smtp: smtplib.SMTP | None = None

    def send(self, message: Message) -> str:
        """Send one message; returns its Message-ID. SendError when it did not go."""
        mail = EmailMessage()
        domain = parseaddr(self.sender)[1].rpartition("@")[2] or "sheets-plan.local"
        mail["Message-ID"] = make_msgid(domain=domain)
        mail["Date"] = formatdate(localtime=True)
        mail["From"], mail["To"], mail["Subject"] = self.sender, message.to, message.subject
        if self.reply_to:
            mail["Reply-To"] = self.reply_to
        mail.set_content(message.text)
        mail.add_alternative(message.html, subtype="html")
        try:
            self._connection().send_message(mail)
        except (smtplib.SMTPException, OSError) as e:
            self.close()
            raise SendError(f"e-mail to {message.to}: {_why(e)}") from None
        return mail["Message-ID"]

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            context = ssl.create_default_context()
            if self.security == "ssl":
                smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
                if self.security == "starttls":
                    smtp.starttls(context=context)
            if self.username:
                if not self.password:
                    raise SendError(f"no SMTP password: set {PASSWORD_ENV}")
                smtp.login(self.username, self.password)
            self._smtp = smtp
        return self._smtp

    def close(self):
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self._smtp = None


def _why(e: Exception) -> str:
    """The server's refusal in one line, never a password."""
    if isinstance(e, smtplib.SMTPAuthenticationError):
        return "the SMTP server refused the login"
    if isinstance(e, smtplib.SMTPRecipientsRefused):
        return "the server refused the address"
    if isinstance(e, (ConnectionRefusedError, socket.timeout, TimeoutError)):
        return f"the SMTP server does not answer ({type(e).__name__})"
    return f"{type(e).__name__}: {e}".split("\n")[0][:200]

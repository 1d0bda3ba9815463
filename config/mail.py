"""Development e-mail backend: messages printed to the console as a person reads them.

Django's console backend prints the MIME source: accents in quoted-printable (``=C3=A9``) or
base64, long links cut by soft line breaks (``=\\n``), so a link in a confirmation e-mail cannot
be clicked. This one prints the decoded headers, then each text part in UTF-8 as it was written,
links whole, and one line per attachment.
"""

from __future__ import annotations

from email.header import decode_header, make_header

from django.core.mail.backends.console import EmailBackend as ConsoleBackend

SHOWN_HEADERS = ("From", "To", "Cc", "Reply-To", "Date", "Subject")


def _header(value) -> str:
    try:
        return str(make_header(decode_header(str(value))))
    except (LookupError, UnicodeError, ValueError):
        return str(value)


def readable(message) -> str:
    """The message as text: headers, then every text part decoded, then the attachments."""
    msg = message.message()
    lines = [f"{name}: {_header(msg[name])}" for name in SHOWN_HEADERS if msg[name]]
    for part in msg.walk():
        if part.is_multipart():
            continue
        filename = part.get_filename()
        payload = part.get_payload(decode=True) or b""
        if filename or not part.get_content_type().startswith("text/"):
            lines.append(f"[{part.get_content_type()} {filename or ''} : {len(payload)} octets]")
            continue
        text = payload.decode(part.get_content_charset() or "utf-8", errors="replace")
        lines += ["", f"--- {part.get_content_type()} ---", text.rstrip("\n")]
    return "\n".join(lines)


class ReadableConsoleBackend(ConsoleBackend):
    def write_message(self, message) -> None:
        self.stream.write(readable(message) + "\n")
        self.stream.write("-" * 79 + "\n")

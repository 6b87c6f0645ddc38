"""manage.py render_nginx_conf: the nginx site for this portal's settings (portal.nginx_conf)."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal import nginx_conf


class Command(BaseCommand):
    help = ("Write the nginx site (deploy/nginx/portal.conf.template) filled in from the settings: upload limit, "
            "security headers, download hand-off prefix, static and media roots.")

    def add_arguments(self, parser):
        parser.add_argument("--listen", default="80", help="port or address:port nginx listens on")
        parser.add_argument("--upstream", default="127.0.0.1:8000", help="gunicorn's address (host:port or unix:PATH)")
        parser.add_argument("--static-root", help="collected static files (default STATIC_ROOT)")
        parser.add_argument("--media-root", help="stored files (default MEDIA_ROOT)")
        parser.add_argument("--server-name", default="_", help="the site's host name(s)")
        parser.add_argument("--tls-certificate", default="", help="certificate chain: listen with TLS (and send HSTS)")
        parser.add_argument("--tls-key", default="", help="the certificate's private key")
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args, **options):
        try:
            text = nginx_conf.render(
                listen=options["listen"], upstream=options["upstream"], static_root=options["static_root"],
                media_root=options["media_root"], server_name=options["server_name"],
                tls_certificate=options["tls_certificate"], tls_key=options["tls_key"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")

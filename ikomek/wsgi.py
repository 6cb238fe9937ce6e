import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ikomek.settings")
application = get_wsgi_application()

from ikomek.start_checks import refuse_unsafe_start  # noqa: E402 - needs the applications loaded

refuse_unsafe_start("web")

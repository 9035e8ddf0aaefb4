"""The ASGI application: serves every page, and the live streams (``labo.lib.sse``) that
a WSGI server cannot hold open. ``make run`` serves it with uvicorn; in production, the
streams' paths go to ``gunicorn -k uvicorn_worker.UvicornWorker labo.asgi`` (docs)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "labo.settings")
application = get_asgi_application()

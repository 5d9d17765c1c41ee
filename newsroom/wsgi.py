import os

from django.core.wsgi import get_wsgi_application

from newsroom.startup import refuse_insecure_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

refuse_insecure_secret_key()  # production never starts with the development key
application = get_wsgi_application()

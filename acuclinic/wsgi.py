import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "acuclinic.settings")
application = get_wsgi_application()

# What is loaded by now lives as long as the process: take it out of the garbage collector's
# walks. A request that makes tens of thousands of objects (a month of availability in a big
# clinic) otherwise pays for full collections over all of Django as well: the median of that
# request went from 204 to 122 ms in-process (bench/README.md, figure 4).
gc.freeze()

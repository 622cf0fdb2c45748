"""Settings for bench/booking.py's servers: the project's own, with the API's per-address
write limit off (every benchmark client comes from 127.0.0.1, so the default 30 a minute
would refuse almost all of the 100 same-slot requests and of the bookings/s run).

Used as DJANGO_SETTINGS_MODULE=booking_settings with bench/ on PYTHONPATH. Nothing else
differs from acuclinic.settings.
"""

from acuclinic.settings import *  # noqa: F403

API_BOOKING_RATE = None

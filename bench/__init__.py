"""`make bench`: gunicorn + PostgreSQL under load, on the data of `manage.py seed_bulk`."""

# Only what differs from Django's own English formats; the rest (input formats included)
# is taken from django.conf.locale.en.
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"

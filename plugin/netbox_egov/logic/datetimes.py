"""Date-times PostgreSQL can compare.

Python parses UTC offsets up to 24 hours; PostgreSQL refuses one of 16 hours
or more ("time zone displacement out of range") and no time zone on Earth
has one. A filter value with such an offset is bad input, to be refused
with the parameter and value named, never passed to the database.
"""

from datetime import timedelta

LARGEST_UTC_OFFSET = timedelta(hours=15, minutes=59, seconds=59)
OFFSET_RANGE = "-15:59 to +15:59"


def offset_out_of_range(value):
    """The value's UTC offset as text (e.g. '-22:52') when PostgreSQL would refuse it, else None."""
    offset = value.utcoffset()
    if offset is None or abs(offset) <= LARGEST_UTC_OFFSET:
        return None
    return value.strftime("%:z")

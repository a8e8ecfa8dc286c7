"""Values of model fields as JSON can hold them: dates and times as ISO 8601, decimals as text."""

import datetime
import decimal


def to_json_value(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value

"""Questions answered from the two ends of an index instead of by reading every row."""

from django.db.models import Subquery


def first_and_last(queryset, field):
    """(smallest, largest) value of `field` among `queryset`, or (None, None) if it is empty.

    One query of two seeks into an index on `field`. The outer query only carries the two
    subqueries, so it is left unordered: given an ordering, PostgreSQL sorts every row to
    pick the one it returns.
    """
    values = queryset.order_by().values(field)
    found = (
        queryset.order_by()
        .values(first=Subquery(values.order_by(field)[:1]), last=Subquery(values.order_by(f"-{field}")[:1]))
        .order_by()[:1]
    )
    return (found[0]["first"], found[0]["last"]) if found else (None, None)

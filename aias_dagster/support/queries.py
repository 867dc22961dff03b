"""The SQL the loop's Python side reads the marts with, named once (report, check and page share it)."""

from __future__ import annotations

# The last month the data covers completely, as support_monthly marks it.
TOP_ISSUES_SQL = """
select issue_rank, category, tickets, share, tickets_change, tickets_change_percent, previous_rank
from marts.support_top_issues
where month_start = %s
order by issue_rank
"""

# Tickets of the month, and those neither an agent nor a rule categorized.
MONTH_COVERAGE_SQL = """
select coalesce(sum(tickets), 0),
       coalesce(sum(tickets) filter (where category = 'uncategorized'), 0)
from marts.support_monthly
where month_start = %s
"""

with

invoices as (

    select
        invoice_id,
        customer_id,
        month,
        currency
    from {{ billing_ledger('invoices') }}

),

lines as (

    select
        invoice_id,
        kind,
        plan_id,
        units,
        amount
    from {{ billing_ledger('invoice_lines') }}

),

fx_rates as (

    select
        rate_date,
        currency,
        usd_per_unit
    from {{ ref('stg_platform__fx_rates') }}

),

-- Revenue is booked in the month of the invoice that bills it: an adjustment for an earlier month counts
-- in the month it was invoiced, so a closed month's revenue never changes.
by_plan as (

    select
        invoices.month as month_start,
        lines.plan_id,
        invoices.currency,
        count(distinct invoices.customer_id) as customers,
        cast(sum(case when lines.kind = 'usage' then lines.units else 0 end) as bigint) as billable_units,
        sum(lines.amount) as revenue
    from lines
    inner join invoices on lines.invoice_id = invoices.invoice_id
    group by invoices.month, lines.plan_id, invoices.currency

),

-- The month's last rate of each currency (USD is 1).
last_rates as (

    select
        {{ month_start('rate_date') }} as month_start,
        currency,
        usd_per_unit,
        row_number() over (partition by currency, {{ month_start('rate_date') }} order by rate_date desc) as recency
    from fx_rates

),

priced as (

    select
        by_plan.month_start,
        by_plan.plan_id,
        by_plan.currency,
        by_plan.customers,
        by_plan.billable_units,
        by_plan.revenue,
        case
            when by_plan.currency = 'USD' then 1
            else last_rates.usd_per_unit
        end as usd_per_unit
    from by_plan
    left join last_rates
        on
            by_plan.month_start = last_rates.month_start
            and by_plan.currency = last_rates.currency
            and last_rates.recency = 1

),

final as (

    select
        month_start,
        plan_id,
        currency,
        customers,
        billable_units,
        revenue,
        usd_per_unit,
        round(revenue * usd_per_unit, 2) as revenue_usd,
        round(
            revenue * usd_per_unit
            / nullif(lag(revenue * usd_per_unit) over (partition by plan_id, currency order by month_start), 0)
            - 1,
            4
        ) as revenue_growth,
        round(
            cast(billable_units as {{ sql_type('numeric') }})
            / nullif(lag(billable_units) over (partition by plan_id, currency order by month_start), 0)
            - 1,
            4
        ) as usage_growth
    from priced

)

select
    month_start,
    plan_id,
    currency,
    customers,
    billable_units,
    revenue,
    usd_per_unit,
    revenue_usd,
    revenue_growth,
    usage_growth
from final

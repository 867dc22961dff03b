"""The dashboard site: static pages built nightly from the marts, one page per loop, and an index.

page.py says what a page is; a loop's page lives in the loop's folder and is named in its Group in
platform/loops.py. The rest is machinery every page shares: formatting.py (numbers for people),
charts.py (Plotly figures), render.py (Jinja2), site.py (the files), assets.py (one asset per page).
"""

# The dbt fixture of tests/dbt (the project's dbt against the test's own database), shared here.
from tests.dbt.conftest import dbt as dbt

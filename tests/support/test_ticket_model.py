"""The ticket model's pure functions (issue 25): deterministic training, its version, language detection, the
asset check's verdict. The model inside the dbt build (its order after agent labels and rules, the asset's
metrics, an agent's correction as the next night's training data) is tested in the hand-written world of
test_categorization.py, which the rules' test builds anyway."""

from __future__ import annotations

import dataclasses

import dagster as dg
import pytest

from aias_dagster.support.assets import cv_check_result
from aias_dagster.support.model import DEFAULT_PARAMS, detect_language, model_version, train

TINY = [
    ("i was charged twice, please refund the invoice", "billing"),
    ("refund the double charge on my card", "billing"),
    ("the invoice amount is wrong, we were overcharged", "billing"),
    ("i cannot log in, the password reset link expired", "login_access"),
    ("locked out of my account after the password change", "login_access"),
    ("sso login fails, cannot sign in", "login_access"),
    ("could you add a dark mode? would be great", "feature_request"),
    ("please add an option to schedule reports, it would be great", "feature_request"),
    ("feature idea: a dark theme for the dashboard", "feature_request"),
]
# Three tickets a category: an n-gram in fewer than the default three tickets must still count here.
TINY_PARAMS = dataclasses.replace(DEFAULT_PARAMS, min_df=1)


def test_two_trainings_give_the_same_predictions_and_version_whatever_the_row_order() -> None:
    texts, labels = [t for t, _ in TINY], [c for _, c in TINY]
    first = train(texts, labels, TINY_PARAMS)
    second = train(list(reversed(texts)), list(reversed(labels)), TINY_PARAMS)
    new = ["my password does not work", "you charged us two times", "add dark mode please"]
    assert first.version == second.version
    assert first.predict(new) == second.predict(new)
    assert [category for category, _ in first.predict(new)] == ["login_access", "billing", "feature_request"]


def test_a_relabelled_ticket_is_another_model_version() -> None:
    texts, labels = [t for t, _ in TINY], [c for _, c in TINY]
    relabelled = ["billing" if n == 3 else c for n, c in enumerate(labels)]
    assert model_version(texts, labels) != model_version(texts, relabelled)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("re: invoice\nwe were charged twice for the same month, can you refund it?", "en"),
        ("rechnung doppelt\nwir haben die rechnung zweimal bezahlt, bitte erstatten sie uns den betrag", "de"),
        ("factura duplicada\nnos han cobrado dos veces la misma factura, por favor devuélvanos el importe", "es"),
        ("facture en double\nnous avons été débités deux fois pour la même facture, merci de nous rembourser", "fr"),
        ("fatura duplicada\nfomos cobrados duas vezes pela mesma fatura, por favor devolvam o valor", "pt"),
        ("fattura doppia\nci avete addebitato due volte la stessa fattura, per favore rimborsate", "it"),
        ("dubbele factuur\nwe hebben de factuur twee keer betaald, kunnen jullie het bedrag terugstorten", "nl"),
        ("500\n", "en"),
    ],
)
def test_language_is_told_by_common_words(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_the_cv_check_warns_below_its_target_and_passes_without_labels() -> None:
    low = cv_check_result(0.8)
    assert not low.passed and low.severity == dg.AssetCheckSeverity.WARN
    assert cv_check_result(0.95).passed and cv_check_result(None).passed

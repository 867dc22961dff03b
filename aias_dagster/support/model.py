"""The ticket model: a learned layer beside the rules (docs/support_categorization.md, "The model").

Plain functions over plain lists, so tests train and predict on a handful of tickets without a database. The
text is what the rules read (dbt macro `ticket_rule_text`: subject and the customer's own words, lower case),
so quoted replies and signatures are cut in one place for both.

Training is deterministic: the same texts, labels and parameters give the same model, the same predictions and
the same `model_version` (a content hash of all three).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from importlib.metadata import version as package_version
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # scikit-learn is imported where a model is built: every load of the code location imports
    from sklearn.pipeline import Pipeline  # this module, and scikit-learn costs 1.5 s of CPU to import


@dataclass(frozen=True)
class ModelParams:
    """What the model is, beside its training data; chosen by cross-validation on the training material only
    (docs/support_categorization.md, "How the model was chosen")."""

    c: float = 10.0  # inverse regularization of the logistic regression
    char_ngrams: tuple[int, int] = (2, 5)  # character n-grams within words (char_wb): typos, inflections, languages
    word_ngrams: tuple[int, int] = (1, 2)
    min_df: int = 3  # an n-gram in fewer training tickets says more about a writer than about a category
    tol: float = 1e-2  # the solver's stopping tolerance: 1e-3 cost 40 % more time for the same accuracy
    # Every category weighs the same, whatever the seed's make-up (the seed has twice as many feature requests as
    # API errors, written where the model was weakest): the inbox's mix is not the writers'.
    class_weight: str | None = "balanced"
    seed: int = 0


DEFAULT_PARAMS = ModelParams()
_DIGITS = re.compile(r"\d")


def _normalize(text: str) -> str:
    """Invoice numbers, amounts and dates say nothing about the category: every digit is the same digit."""
    return _DIGITS.sub("0", text.lower())


def build_pipeline(params: ModelParams = DEFAULT_PARAMS) -> Pipeline:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=params.char_ngrams, sublinear_tf=True,
                            min_df=params.min_df, preprocessor=_normalize, dtype=np.float32)  # fmt: skip
    words = TfidfVectorizer(analyzer="word", ngram_range=params.word_ngrams, sublinear_tf=True, min_df=params.min_df,
                            preprocessor=_normalize, token_pattern=r"(?u)\b\w+\b", dtype=np.float32)  # fmt: skip
    features = FeatureUnion([("chars", chars), ("words", words)])
    # saga: the same optimum as lbfgs here, nine times faster on 100,000 sparse features.
    classifier = LogisticRegression(C=params.c, solver="saga", tol=params.tol, max_iter=3000,
                                    class_weight=params.class_weight, random_state=params.seed)  # fmt: skip
    return Pipeline([("features", features), ("classifier", classifier)])


def model_version(texts: Sequence[str], labels: Sequence[str], params: ModelParams = DEFAULT_PARAMS) -> str:
    """A content hash of the training data (in any order) and the parameters: a relabelled ticket, a new seed
    example or another C is another version; the same data in another order is the same one."""
    digest = hashlib.sha256()
    digest.update(
        json.dumps({"params": asdict(params), "sklearn": package_version("scikit-learn")}, sort_keys=True).encode()
    )
    for text, label in sorted(zip(texts, labels, strict=True)):
        digest.update(json.dumps([text, label]).encode())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class TicketModel:
    pipeline: Pipeline
    version: str
    trained_on: int

    def predict(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """(category, confidence) per text: the most probable category and its probability."""
        if not texts:
            return []
        probabilities = self.pipeline.predict_proba(list(texts))
        classes = self.pipeline.classes_
        best = probabilities.argmax(axis=1)
        return [(str(classes[i]), round(float(p[i]), 4)) for i, p in zip(best, probabilities, strict=True)]


def train(texts: Sequence[str], labels: Sequence[str], params: ModelParams = DEFAULT_PARAMS) -> TicketModel:
    """Fit on the texts in a fixed order (sorted), so the row order of a query cannot change the model."""
    pairs = sorted(zip(texts, labels, strict=True))
    pipeline = build_pipeline(params)
    pipeline.fit([t for t, _ in pairs], [label for _, label in pairs])
    return TicketModel(pipeline, model_version(texts, labels, params), len(pairs))


def cross_validated(
    base_texts: Sequence[str],
    base_labels: Sequence[str],
    texts: Sequence[str],
    labels: Sequence[str],
    params: ModelParams = DEFAULT_PARAMS,
    folds: int = 5,
    groups: Sequence[str] | None = None,
) -> tuple[list[str], list[float]]:
    """Out-of-fold predictions for (texts, labels): each fold is predicted by a model trained on the other folds
    plus the base set (e.g. the agent labels, with the seed examples as base). Returns (predicted, confidence)
    in the order of texts. With `groups` (e.g. each example's writer), each group is a fold of its own, so no
    group's habits are on both sides: the situation of words from a voice the model never read."""
    import numpy as np
    from sklearn.model_selection import LeaveOneGroupOut, StratifiedKFold

    predicted: list[str] = [""] * len(texts)
    confidence: list[float] = [0.0] * len(texts)
    text_array, label_array = np.array(texts, dtype=object), np.array(labels, dtype=object)
    if groups is not None:
        splits = LeaveOneGroupOut().split(text_array, label_array, np.array(groups, dtype=object))
    else:
        smallest = min(Counter(labels).values())
        splitter = StratifiedKFold(n_splits=min(folds, smallest), shuffle=True, random_state=params.seed)
        splits = splitter.split(text_array, label_array)
    for train_idx, test_idx in splits:
        model = train([*base_texts, *text_array[train_idx]], [*base_labels, *label_array[train_idx]], params)
        for i, (category, p) in zip(test_idx, model.predict(list(text_array[test_idx])), strict=True):
            predicted[i], confidence[i] = category, p
    return predicted, confidence


def accuracy_above(truth: Sequence[str], predicted: Sequence[str], confidence: Sequence[float], threshold: float
                   ) -> tuple[float, float]:  # fmt: skip
    """(share of answers at or above threshold that are right, share of all that are answered)."""
    answered = [(t, p) for t, p, c in zip(truth, predicted, confidence, strict=True) if c >= threshold]
    if not answered:
        return 1.0, 0.0
    return sum(t == p for t, p in answered) / len(answered), len(answered) / len(truth)


# The commonest short words of each language the inbox brings (a quarter of it is not English). Counting them is
# enough to tell a ticket's language: a dozen words of a ticket settle it, and no model or package is needed.
_COMMON_WORDS = {
    "en": "the and is are to of it we you my our this that not for with on can have please how why when does do was "
    "i there any from your they be",
    "de": "der die das und ist nicht ich wir sie es ein eine mit auf für bei wie wird kann können bitte uns unser "
    "unsere zu den dem noch auch hallo danke haben wurde werden sind",
    "es": "el los las y es en un una por para con mi nuestro nuestra se lo como pero está hay al del gracias hola muy "
    "usted ustedes también ya su sus esto puedo podemos tenemos",
    "fr": "le la les des et est pas je nous vous un une pour avec sur ne que qui dans mon notre nos ce il au du merci "
    "bonjour très aussi mais votre vos peux pouvez avons sont",
    "pt": "o os as e é não em um uma para com meu nosso nossa se do da dos das como mas está obrigado obrigada olá "
    "muito você vocês também já seu sua isso pelo pela ao foi são temos",
    "it": "il gli di che è non per con mio nostro nostra si come ma sono del della grazie ciao molto anche già questo "
    "abbiamo posso potete vostro ci avete ho siamo nel",
    "nl": "de het een en niet ik wij we je van op voor met ons onze kan kunnen hoe maar bij dank hallo graag jullie "
    "wordt zijn hebben",
}
STOPWORDS: dict[str, frozenset[str]] = {language: frozenset(words.split()) for language, words in _COMMON_WORDS.items()}
# A word of several languages' lists ("de", "que", "para") tells none of them apart: only the others count.
_SHARED = frozenset(w for a in STOPWORDS for b in STOPWORDS if a < b for w in STOPWORDS[a] & STOPWORDS[b])
LANGUAGES = tuple(STOPWORDS)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def detect_language(text: str) -> str:
    """The language whose common words the text uses most; English when none (or on a tie with English)."""
    words = Counter(_WORD.findall(text.lower()))
    scores = {language: sum(n for word, n in words.items() if word in stopwords and word not in _SHARED)
              for language, stopwords in STOPWORDS.items()}  # fmt: skip
    best = max(LANGUAGES, key=lambda language: (scores[language], language == "en"))
    return best if scores[best] > 0 else "en"

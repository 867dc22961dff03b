"""The signup form's optional "How did you hear about us?" field (customers.heard_about_us).

People answer in their own words, and not always right: they name the platform rather than the
channel ("Google" after clicking an ad), confuse paid and organic search, remember another channel
than the one that brought them (the one they saw last, or most), or write something that says
nothing ("internet", "n/a"). Most leave it blank. Answering depends a little on the channel (people a
friend sent are keener to say so), never on whether the tracker saw them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aias_dagster.sample_data import world
from aias_dagster.sample_data.timeline import pick

# Share of each TRUE channel's customers who type anything at all (about 40 % overall).
ANSWER_RATE_BY_CHANNEL: dict[str, float] = {
    "paid_search": 0.38,
    "paid_social": 0.36,
    "display": 0.34,
    "affiliate": 0.40,
    "email": 0.42,
    "organic_search": 0.40,
    "referral": 0.55,
    "direct": 0.45,
}
# Of those who answer: they describe their own channel, another one, or nothing in particular.
OWN, OTHER, VAGUE = 0, 1, 2
ANSWER_KINDS: tuple[str, ...] = ("own_channel", "other_channel", "vague")
ANSWER_KIND_WEIGHTS: tuple[float, ...] = (0.72, 0.16, 0.12)

# What people of each channel write (the platform, the medium, a detail), with their own spellings.
PHRASES: dict[str, tuple[str, ...]] = {
    "paid_search": (
        "Google", "google", "Google", "google.com", "Google search", "googled it", "google ad", "Google Ads",
        "an ad on google", "saw your ad on Google", "sponsored result", "Bing", "bing ad", "search ad",
        "gogle", "searching online", "search engine", "google adwords",
    ),
    "paid_social": (
        "Facebook", "facebook ad", "FB", "fb ad", "Instagram", "insta", "instagram ad", "LinkedIn",
        "linkedin ad", "Linkedin", "linkdin", "saw an ad on linkedin", "social media", "an ad on FB",
        "Meta", "facebok", "IG", "LinkedIn sponsored post",
    ),
    "display": (
        "an ad", "saw an ad", "banner ad", "online ad", "ads", "advert", "ad on a website", "display ad",
        "an ad on a news site", "YouTube", "youtube ad", "kept seeing your ads", "retargeting ad lol",
        "ad",
    ),
    "affiliate": (
        "review site", "a review site", "comparison article", "blog post comparing tools", "partner",
        "through a partner", "podcast", "a podcast ad", "Capterra", "G2", "best tools list", "top 10 list",
        "coupon site", "affiliate link", "an article",
    ),
    "email": (
        "newsletter", "your newsletter", "email", "an email", "e-mail", "Email", "webinar invite",
        "mail", "email from you", "a newsletter I subscribe to",
    ),
    "organic_search": (
        "Google", "google", "google", "Google search", "googled", "search", "searched online",
        "duckduckgo", "Bing", "found you on google", "your blog", "blog", "docs", "Stack Overflow",
        "ChatGPT", "search engine", "googel", "web search",
    ),
    "referral": (
        "a friend", "friend", "friend told me", "colleague", "coworker recommended it", "word of mouth",
        "recommendation", "Product Hunt", "producthunt", "Hacker News", "HN", "reddit", "Reddit",
        "G2", "capterra", "a friend told me", "my cto", "former colleague",
    ),
    "direct": (
        "already knew you", "used it at my last job", "I know the founder", "conference", "at an event",
        "meetup", "been following you for a while", "typed the url", "I just knew", "previous company",
    ),
}  # fmt: skip
VAGUE_PHRASES: tuple[str, ...] = (
    "internet", "online", "the internet", "don't remember", "dont remember", "not sure", "idk", "n/a",
    "-", "other", "?", "work", "somewhere", "can't recall", "no idea", "web",
)  # fmt: skip


@dataclass(frozen=True, eq=False)
class Answers:
    """One entry per customer: the text ("" = blank) and what kind of answer it was (-1 = none)."""

    text: np.ndarray
    kind: np.ndarray


def heard_about_us(rng: np.random.Generator, channel: np.ndarray) -> Answers:
    """Every customer's answer to the optional question, from its TRUE channel."""
    n = len(channel)
    rate = np.asarray([ANSWER_RATE_BY_CHANNEL[c] for c in world.CHANNELS])
    answers = rng.random(n) < rate[channel]
    kind = np.where(answers, pick(rng, ANSWER_KIND_WEIGHTS, n), -1)
    # Misremembered: another channel, in proportion to how many customers it brings.
    weights = np.asarray([world.CHANNEL_WEIGHTS[c] for c in world.CHANNELS])
    other = pick(rng, weights, n)
    other = np.where(other == channel, (other + 1 + rng.integers(0, len(weights) - 1, n)) % len(weights), other)
    said_channel = np.where(kind == OTHER, other, channel)

    text = np.full(n, "", dtype=object)
    for code, name in enumerate(world.CHANNELS):
        at = np.flatnonzero((kind >= 0) & (kind != VAGUE) & (said_channel == code))
        text[at] = np.asarray(PHRASES[name], dtype=object)[rng.integers(0, len(PHRASES[name]), len(at))]
    at = np.flatnonzero(kind == VAGUE)
    text[at] = np.asarray(VAGUE_PHRASES, dtype=object)[rng.integers(0, len(VAGUE_PHRASES), len(at))]
    return Answers(text=_as_typed(rng, text), kind=kind)


def _as_typed(rng: np.random.Generator, text: np.ndarray) -> np.ndarray:
    """Case, stray spaces and trailing punctuation as people type them into a form field."""
    n = len(text)
    style = pick(rng, (0.55, 0.25, 0.08, 0.12), n)  # as written, lower, UPPER, Capitalised
    typed = np.asarray(text, dtype=object).copy()
    lower = style == 1
    typed[lower] = np.char.lower(typed[lower].astype(str)).astype(object)
    upper = style == 2
    typed[upper] = np.char.upper(typed[upper].astype(str)).astype(object)
    cap = style == 3
    typed[cap] = np.char.capitalize(typed[cap].astype(str)).astype(object)
    tail = np.asarray(["", "", "", "", ".", "!", " ", "  ", " :)"], dtype=object)[rng.integers(0, 9, n)]
    head = np.asarray(["", "", "", "", "", " "], dtype=object)[rng.integers(0, 6, n)]
    blank = text == ""
    return np.where(blank, "", head + typed + tail)

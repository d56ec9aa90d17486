"""Project presets: a label schema, article-level questions and starter guidelines."""

from __future__ import annotations

MEDIA_FRAMES = (
    "Economic",
    "Capacity and resources",
    "Morality",
    "Fairness and equality",
    "Legality, constitutionality and jurisprudence",
    "Policy prescription and evaluation",
    "Crime and punishment",
    "Security and defense",
    "Health and safety",
    "Quality of life",
    "Cultural identity",
    "Public opinion",
    "Political",
    "External regulation and reputation",
    "Other",
)

MEDIA_BIAS_GUIDELINES = """# Media-bias annotation guidelines

Read the whole article once before you mark anything.

- **Framing**: a phrase that presents the issue through a particular lens. Pick the closest of
  the 15 Media Frames Corpus dimensions.
- **Claim**: an assertion the article makes or reports. Say whether it is factual, an opinion,
  a prediction or a statistic, and whether it is worth fact-checking.
- **Quote**: words attributed to someone, directly ("...") or indirectly. Link the quote to its
  speaker (mark the speaker as a **Source** span first) or type the speaker's name.
- **Source**: the person or organisation a quote or claim is attributed to.

Mark the shortest stretch of text that carries the meaning; whole words only.
Finally answer: *How one-sided is this article?* (1 = balanced, 5 = entirely one-sided).
"""

PRESETS: dict[str, dict] = {
    "media-bias": {
        "description": "Framing, claims, quotes and their sources in news articles.",
        "guidelines": MEDIA_BIAS_GUIDELINES,
        "labels": [
            {
                "name": "Framing",
                "color": "#fbbf24",
                "shortcut": "1",
                "description": "A phrase presenting the issue through a particular frame.",
                "attributes": [{"name": "frame", "type": "choice", "options": list(MEDIA_FRAMES)}],
            },
            {
                "name": "Claim",
                "color": "#60a5fa",
                "shortcut": "2",
                "description": "An assertion made or reported by the article.",
                "attributes": [
                    {
                        "name": "type",
                        "type": "choice",
                        "options": ["factual", "opinion", "prediction", "statistic"],
                    },
                    {"name": "check-worthy", "type": "boolean", "options": []},
                ],
            },
            {
                "name": "Quote",
                "color": "#34d399",
                "shortcut": "3",
                "description": "Words attributed to a speaker.",
                "attributes": [
                    {"name": "speaker", "type": "link", "options": []},
                    {
                        "name": "form",
                        "type": "choice",
                        "options": ["direct", "indirect", "scare quote"],
                    },
                ],
            },
            {
                "name": "Source",
                "color": "#f472b6",
                "shortcut": "4",
                "description": "The person or organisation a quote or claim is attributed to.",
                "attributes": [],
            },
        ],
        "questions": [
            {
                "name": "one-sided",
                "text": "How one-sided is this article?",
                "kind": "likert",
                "scale": 5,
                "options": [],
            }
        ],
    },
    "empty": {"description": "", "guidelines": "", "labels": [], "questions": []},
}

from annotator.formats import dataset_card
from annotator.records import AttributeDef, LabelRecord


def test_dataset_card():
    labels = [
        LabelRecord("Loaded language", description="Words with strong connotations."),
        LabelRecord("Quote", attributes=(AttributeDef("Direct", "boolean"),
                                         AttributeDef("Stance", "choice", ("pro", "con")))),
    ]  # fmt: skip
    card = dataset_card(
        "Bias 2024", labels, "Mark words that\n\ncolour the story.", 3,
        {"Example Times": 12, "Le Monde": 30}, 4,
        {"Krippendorff's alpha (unitizing)": 0.71234, "articles": 42},
        ["data.jsonl", "brat.zip"],
    )  # fmt: skip
    assert card.startswith("---\nlicense: other") and "\n# Bias 2024\n" in card
    assert "- n<1K" in card and "configs:" in card and 'path: "data.jsonl"' in card
    assert "42 articles from 2 outlets, labelled by 4 annotators" in card
    assert "- **Loaded language**: Words with strong connotations." in card
    assert "  - attribute `Stance` (choice) (pro, con)" in card
    assert "## Guidelines (version 3)" in card and "colour the story." in card
    assert card.index("| Le Monde | 30 |") < card.index("| Example Times | 12 |")
    assert "| Krippendorff's alpha (unitizing) | 0.712 |" in card
    assert 'load_dataset("json", data_files="data.jsonl"' in card
    assert 'pd.read_json("data.jsonl", lines=True' in card


def test_dataset_card_counts_articles_without_outlet_honestly():
    card = dataset_card("P", [LabelRecord("Claim")], "", 1, {"": 3, "Wire": 2}, 1, None,
                        ["x.csv"], fmt="csv", spans_by_label={"Claim": 5},
                        reductions={"neutralised": 2})  # fmt: skip
    assert "5 articles from 1 outlets (3 without an outlet)" in card
    assert "| (no outlet) | 3 |" in card and "- **Claim** (5 spans)" in card
    assert "| neutralised | 2 |" in card and 'pd.read_csv("x.csv"' in card


def test_dataset_card_without_agreement():
    card = dataset_card("P", [], "", 1, {}, 0, None, [])
    assert "Not computed" in card and "0 articles" in card

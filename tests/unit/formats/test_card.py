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
    assert card.startswith("# Bias 2024\n")
    assert "42 articles from 2 outlets, labelled by 4 annotators" in card
    assert "- **Loaded language**: Words with strong connotations." in card
    assert "  - attribute `Stance` (choice) (pro, con)" in card
    assert "## Guidelines (version 3)" in card and "colour the story." in card
    assert card.index("| Le Monde | 30 |") < card.index("| Example Times | 12 |")
    assert "| Krippendorff's alpha (unitizing) | 0.712 |" in card
    assert 'load_dataset("json", data_files="data.jsonl"' in card
    assert 'pd.read_json("data.jsonl", lines=True)' in card


def test_dataset_card_without_agreement():
    card = dataset_card("P", [], "", 1, {}, 0, None, [])
    assert "Not computed" in card and "0 articles" in card

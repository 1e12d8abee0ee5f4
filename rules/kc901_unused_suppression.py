"""KC901: a suppression comment that suppresses nothing."""

from __future__ import annotations

from collections.abc import Iterator

from kerascheck.model.results import Finding, Severity
from kerascheck.model.rule import Invalid, Rule, RuleContext


class UnusedSuppression(Rule):
    """A `# noqa` or `# kerascheck: ignore[...]` comment with nothing left to suppress.

    ## What it does
    Reports suppression comments (`# noqa: KC101`, `# kerascheck: ignore[KC101]`,
    `# kerascheck: file-ignore[KC401]`) that name a code of a rule which ran on the file
    but reported nothing there, bare `# kerascheck: ignore` comments on lines with no
    finding, and codes in suppression comments that kerascheck does not know (`KC999`).
    A bare `# noqa`, and codes of other tools (`# noqa: E501`), are left alone: they may
    serve another linter. Codes of rules not enabled for the file are not judged either.

    ## Why is this bad?
    A stale suppression hides the next real problem on that line: once the code is fixed,
    the comment keeps silencing whatever is written there later. An unknown code is
    usually a typo, and then the finding it was meant for is not suppressed at all.

    ## Example
    ```python
    model = keras.Sequential([
        keras.layers.Dense(10, activation="relu"),  # noqa: KC101
    ])
    ```

    ## Use instead
    ```python
    model = keras.Sequential([
        keras.layers.Dense(10, activation="relu"),
    ])
    ```

    ## Fix safety
    No automatic fix: whether to delete the comment or correct its code is the author's call.
    """

    code = "KC901"
    name = "unused-suppression"
    summary = "A suppression comment that suppresses nothing."
    severity = Severity.INFO
    default_enabled = False

    VALID = [
        # Only KC901 runs here, so the KC101 in the noqa is not judged.
        """
        import keras
        model = keras.Sequential([keras.layers.Dense(10, activation="selu")])  # noqa: KC101
        """,
        # Other tools' codes and a bare noqa belong to other linters.
        """
        import keras
        import os  # noqa: F401
        x = keras.ops.ones((2,))  # noqa
        """,
        # A '# noqa' inside a string is not a comment.
        """
        import keras
        doc = "use # kerascheck: ignore[KC999] to silence"
        """,
    ]
    INVALID = [
        Invalid(
            """
            import keras
            x = keras.ops.ones((2,))  # kerascheck: ignore
            """,
            lines=(3,),
        ),
        Invalid(
            """
            import keras
            # kerascheck: file-ignore[KC999]
            x = keras.ops.ones((2,))  # noqa: KC9999, E501
            """,
            lines=(3, 4),
        ),
    ]

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        # The engine judges suppressions after every rule has run (kerascheck.suppressions):
        # whether a comment was used is only known once all findings are in.
        return iter(())

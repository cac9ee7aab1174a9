"""Editorial glue: the claims ledger (one verdict per claim), and roles that print data's values in prose.

``{cutoff}`` prints the evidence cut-off computed from data/; ``{verdict}`C10a``` prints a
claim's one verdict. Prose that states either uses the role, so it cannot drift from the data.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective, SphinxRole

from edition import essay as essay_mod
from edition.lazy import lazy_module
from edition.sphinxext import doctable
from edition.sphinxext.essay_text import _essay, _ref, _tables, note_id
from edition.sphinxext.inputs import note_data_dependencies

if TYPE_CHECKING:
    import pandas as pd

verdicts = lazy_module("edition.verdicts")  # loaded when a page is read (edition.lazy)



@lru_cache(maxsize=1)
def _claims() -> pd.DataFrame:
    """The claims with their one verdict, computed once per build process."""
    return verdicts.claim_verdicts(_tables()).set_index("claim_id", drop=False)


def scorecard_link(forecast_id: str) -> nodes.Node:
    """A link to one row of the scorecard table, whose rows are labels (edition.tables.scorecard_table)."""
    return _ref(f"forecast-{forecast_id.lower()}", f"scorecard {forecast_id}")


def verdict_node(claim: Any) -> nodes.inline:
    """A claim's verdict as the ledger prints it, linked to its scorecard row when scored there."""
    out = nodes.inline("", "", classes=["claim-status", f"claim-{claim.verdict}"])
    out += nodes.Text(verdicts.words(claim.verdict))
    if claim.judged_in != "ledger":
        out += nodes.Text(" (")
        out += scorecard_link(claim.judged_in)
        out += nodes.Text(")")
    return out


class ClaimsLedgerDirective(SphinxDirective):
    """``{claims-ledger} 6-8`` (or ``all``): the essay's claims, each with its one verdict."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        count = len(_essay(self.env).paragraphs)
        spec = self.arguments[0]
        numbers = list(range(1, count + 1)) if spec == "all" else essay_mod.parse_range(spec, count)
        tables = _tables()
        claims = _claims()[_claims()["paragraph"].isin(numbers)]
        first_note = tables["annotations"].dropna(subset=["claim_id"]).groupby("claim_id")["annotation_id"].first()
        full = self.config.edition_essay_mode == "full"
        rows = []
        for claim in claims.itertuples():
            note = first_note.get(claim.claim_id)
            rows.append(doctable.row([
                _ref(note_id(note), claim.claim_id) if (full and note) else claim.claim_id,
                _ref(f"essay-p{claim.paragraph}", f"¶{claim.paragraph}"),
                claim.claim_type,
                verdict_node(claim),
                "" if claim.evidence_to is None or str(claim.evidence_to) == "NaT" else verdicts.us_date(claim.evidence_to),
                claim.summary,
            ]))
        return [doctable.table(
            "edition-claims-ledger",
            ["Claim", "Paragraph", "Type", "Verdict", "Evidence to", "In the edition's words"],
            (8, 8, 10, 16, 12, 46), rows,
        )]


class CutoffRole(SphinxRole):
    """``{cutoff}`x``` prints the evidence cut-off computed from data/ (the text is ignored)."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        note_data_dependencies(self.env)
        date = verdicts.us_date(verdicts.evidence_cutoff(_tables()))
        return [nodes.inline("", date, classes=["edition-cutoff"])], []


class VerdictRole(SphinxRole):
    """``{verdict}`C10a``` prints that claim's one verdict, from the ledger or the scorecard."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        note_data_dependencies(self.env)
        claims = _claims()
        claim_id = self.text.strip()
        if claim_id not in claims.index:
            msg = self.inliner.reporter.error(f"verdict role: {claim_id!r} is not a claim in data/claims.csv",
                                              line=self.lineno)
            return [], [msg]
        claim = next(claims.loc[[claim_id]].itertuples())
        return [verdict_node(claim)], []


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("claims-ledger", ClaimsLedgerDirective)
    app.add_role("cutoff", CutoffRole())
    app.add_role("verdict", VerdictRole())
    return {"parallel_read_safe": True, "parallel_write_safe": True}

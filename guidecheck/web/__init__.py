"""The reviewers' web workbench (`guidecheck serve`): review, appeal and self-check
in the browser over a campaign database. See docs/workbench.md."""

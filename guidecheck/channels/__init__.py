"""A department's other channels in a campaign (its website, a self-built
handling system, a mobile channel): the roster lists them, a gather phase
crawls them for the sampled items and compares (S001, S002), and scoring reads
the stored comparisons. See docs/compare.md, "Channels in campaigns".

    roster.parse_channels(raw, where, department) -> list[ChannelSpec]
    phase.gather_channels(db_path, campaign_id, options) -> stats   (resumable)
    attach.attach_second_channels(store, campaign_id, inputs) -> {department: [CheckedGuide]}
"""

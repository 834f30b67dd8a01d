"""县区排名's own widget and session keys. The tab, the drill's indicator, measure and level
are page settings mirrored in the URL (dashboard.state.page_setting), so a copied link opens
the same screen; what-if weights live only in their widgets, never saved."""

W_RANK_TAB = "w_rank_tab"
W_RANK_INDICATOR = "w_rank_indicator"  # the indicator of the drill tab
W_RANK_MEASURE = "w_rank_measure"
W_RANK_DRILL_LEVEL = "w_rank_drill_level"  # drill across counties or the county's townships
W_RANK_WHATIF_LEVEL = "w_rank_whatif_level"  # what-if over counties or townships
W_RANK_WEIGHT_PREFIX = "w_rank_weight_"  # + indicator_code: one what-if weight input each
S_RANK_TAB = "s_rank_tab"
S_RANK_INDICATOR = "s_rank_indicator"
S_RANK_MEASURE = "s_rank_measure"
S_RANK_LEVEL = "s_rank_level"

"""Domain actions: plain functions (actor, ...) that check policy, change state, commit, then
notify. HTTP views and socket handlers both call these, never the models directly."""

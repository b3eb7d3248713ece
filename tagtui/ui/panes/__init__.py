"""The three panes of the main screen. Each owns its workers, its filter and its slice of state;
the screen composes them and routes keys and focus between them."""

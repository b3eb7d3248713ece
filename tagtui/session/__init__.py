"""What a screen needs, without Textual: the tags of a repository, what a row's detail is, and
whether a result that arrives is still wanted. Unit-tested without an app and without a network."""

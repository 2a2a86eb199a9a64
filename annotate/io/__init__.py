"""Reading files the whole project shares: the one YAML loader (line numbers, duplicate keys and
alias bombs refused) for every config, scheme, mechanism list and manifest."""

"""Public events held on a site: the one service that writes them (events.agenda.services).
Their models are in events.models.agenda, exported by events.models."""

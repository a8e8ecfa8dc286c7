"""The editors' admin, one module per screen: article lists and forms, entities, autocomplete, the workflow."""

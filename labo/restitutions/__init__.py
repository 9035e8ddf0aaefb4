"""What the lab gives back: the dashboard, the programme review, search and the documents pages."""

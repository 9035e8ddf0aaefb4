"""What happened: the audit log, its history pages and restore, the lab archive."""

"""People of the lab: the directory, profiles, the HR import, privacy (export, anonymise)."""

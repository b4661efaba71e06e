"""The store's own commands: where it is, its checks, backups, copies, grants, the audit log."""

-- The services check at start that the database has every migration their release needs, and
-- stop with a message naming the command to run when it does not. They read the newest applied
-- migration as tenantdesk_app; before this migration no role but the owner could read the table.
GRANT SELECT ON schema_migrations TO tenantdesk_app;

-- The role service forgets what can no longer be used: refresh tokens a day after they expired
-- (an expired token is refused whatever its family), and login-throttle rows whose window and
-- lock are over. SECURITY DEFINER: refresh tokens are rows of every tenant.
CREATE FUNCTION tenantdesk_purge_credentials(at timestamptz) RETURNS TABLE (refresh_tokens bigint, throttle_rows bigint)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$
DECLARE
    tokens bigint;
    throttles bigint;
BEGIN
    DELETE FROM refresh_tokens WHERE expires_at < at - interval '1 day';
    GET DIAGNOSTICS tokens = ROW_COUNT;
    DELETE FROM login_throttle
    WHERE window_started_at < at - interval '1 day' AND (locked_until IS NULL OR locked_until < at);
    GET DIAGNOSTICS throttles = ROW_COUNT;
    RETURN QUERY SELECT tokens, throttles;
END
$$;
REVOKE ALL ON FUNCTION tenantdesk_purge_credentials(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenantdesk_purge_credentials(timestamptz) TO tenantdesk_app;

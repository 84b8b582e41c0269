-- How long the provider's access tokens live (its expires_in at the last sign-in or refresh): a token that lives less
-- than the refresh margin is refreshed when a fraction of its life is left, not before every request.
ALTER TABLE connection ADD COLUMN token_lifetime_seconds BIGINT;

-- Trigger function: keeps updated_at current on every UPDATE.
CREATE OR REPLACE FUNCTION "app"."update_updated_at_column"()
RETURNS TRIGGER
LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at = NOW();
    RETURN NEW;
END;
$$;

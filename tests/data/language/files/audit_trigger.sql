CREATE OR REPLACE FUNCTION audit_changes() RETURNS trigger AS $$
BEGIN
    INSERT INTO audit_log(table_name, operation, changed_at, row_data)
    VALUES (TG_TABLE_NAME, TG_OP, now(), row_to_json(NEW));
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER accounts_audit
AFTER INSERT OR UPDATE ON accounts
FOR EACH ROW EXECUTE FUNCTION audit_changes();

-- Append-only logs refuse UPDATE and DELETE.
CREATE FUNCTION cs_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER cs_override_events_append_only BEFORE UPDATE OR DELETE ON cs_override_events
FOR EACH ROW EXECUTE FUNCTION cs_append_only();
CREATE TRIGGER cs_audit_append_only BEFORE UPDATE OR DELETE ON cs_audit
FOR EACH ROW EXECUTE FUNCTION cs_append_only();
CREATE TRIGGER cs_task_closures_append_only BEFORE UPDATE OR DELETE ON cs_task_closures
FOR EACH ROW EXECUTE FUNCTION cs_append_only();
